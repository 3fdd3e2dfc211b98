"""The live progress line: rewritten in place on a TTY, a plain line every few seconds otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

PLAIN_EVERY_S = 5.0


def format_progress(ev: dict[str, Any], faults: list[str]) -> str:
    """`load 42/120s  rate 30.0/30.0/s  p99 85ms  req 1234 err 3  late 0 drop 0  faults: ...`."""
    p99 = ev.get("p99_ms")
    p99_txt = f"{p99:.0f}ms" if isinstance(p99, int | float) else "-"
    elapsed = min(max(0.0, float(ev.get("elapsed_s", 0))), float(ev.get("total_s", 0)))
    parts = [
        f"load {elapsed:.0f}/{float(ev.get('total_s', 0)):.0f}s",
        f"rate {ev.get('achieved_rate', 0):.1f}/{ev.get('target_rate', 0):.1f}/s",
        f"p99 {p99_txt}",
        f"req {ev.get('requests', 0)} err {ev.get('errors', 0)}",
        f"late {ev.get('late', 0)} drop {ev.get('dropped', 0)}",
        "faults: " + (", ".join(faults) if faults else "none"),
    ]
    return "  ".join(parts)


class ProgressLine:
    """Renders progress events to a stream (stderr by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last_plain = 0.0
        self._width = 0

    def update(self, ev: dict[str, Any], faults: list[str]) -> None:
        """Show one progress event."""
        line = format_progress(ev, faults)
        if self.tty:
            pad = max(0, self._width - len(line))
            self.stream.write("\r" + line + " " * pad)
            self._width = len(line)
            self.stream.flush()
        elif time.monotonic() - self._last_plain >= PLAIN_EVERY_S:
            self._last_plain = time.monotonic()
            self.stream.write(line + "\n")
            self.stream.flush()

    def message(self, text: str) -> None:
        """A line of its own (ends any in-place line first)."""
        if self.tty and self._width:
            self.stream.write("\n")
            self._width = 0
        self.stream.write(text + "\n")
        self.stream.flush()
