"""The generator's own CPU: every generator process sampled once a second (psutil)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TextIO

import psutil

SATURATED_PCT = 90.0  # of one core, for a single process (one gevent loop uses one core)
SATURATED_FOR_S = 5  # consecutive samples


class CpuWatch:
    """Samples a process and its children; notes sustained saturation of any one of them."""

    def __init__(self, path: Path, pid: int | None = None) -> None:
        self.root = psutil.Process(pid)
        self._procs: dict[int, psutil.Process] = {}
        self._streak: dict[int, int] = {}
        self._fh: TextIO = path.open("w", encoding="utf-8")
        self.saturated: str | None = None
        self.peak_pct = 0.0

    def sample(self) -> float:
        """One sample: writes `{t, cpu_pct, max_process_pct}`; returns the total."""
        per = self._per_process()
        total = sum(per.values())
        top = max(per.values(), default=0.0)
        self.peak_pct = max(self.peak_pct, total)
        line = {
            "t": round(time.time(), 3),
            "cpu_pct": round(total, 1),
            "max_process_pct": round(top, 1),
        }
        self._fh.write(json.dumps(line) + "\n")
        self._fh.flush()
        self._track(per)
        return total

    def _per_process(self) -> dict[int, float]:
        try:
            current = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            current = [self.root]
        out: dict[int, float] = {}
        for p in current:
            proc = self._procs.setdefault(p.pid, p)
            try:
                # the first call of a process primes psutil and returns 0.0
                out[p.pid] = proc.cpu_percent(interval=None)
            except psutil.Error:
                self._procs.pop(p.pid, None)
        return out

    def _track(self, per: dict[int, float]) -> None:
        for pid, pct in per.items():
            self._streak[pid] = self._streak.get(pid, 0) + 1 if pct >= SATURATED_PCT else 0
            if self._streak[pid] >= SATURATED_FOR_S and self.saturated is None:
                self.saturated = (
                    f"load generator saturated: process {pid} at >= {SATURATED_PCT:g}% "
                    f"of a core for {SATURATED_FOR_S} s"
                )

    def close(self) -> None:
        """Close the file."""
        self._fh.close()
