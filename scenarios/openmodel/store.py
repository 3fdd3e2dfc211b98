"""Merges drained recorder payloads (from one or many generator processes) and writes files."""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peakdrill import hdr
from scenarios.openmodel.recorder import Counts

_RECENT = 5  # drains kept for the progress line's recent p99


class Store:
    """Everything measured in a run, merged exactly; written as CONTRACTS.md's jsonl files."""

    def __init__(self) -> None:
        self._chunks: dict[tuple[int, str, str], list[Any]] = {}
        self._arrivals: dict[int, Counts] = {}
        self._recent: deque[tuple[float, list[float]]] = deque(maxlen=_RECENT * 8)
        self.requests = 0
        self.errors = 0

    def add(self, payload: dict[str, Any], now: float) -> None:
        """Merge one drained payload."""
        for t, name, kind, count, errors, enc in payload.get("lat", []):
            key = (int(t), str(name), str(kind))
            slot = self._chunks.setdefault(key, [0, 0, []])
            slot[0] += count
            slot[1] += errors
            slot[2].append(enc)
        for t, *counts in payload.get("arr", []):
            self._arrivals.setdefault(int(t), Counts()).add(counts)
        if payload.get("win"):
            self._recent.append((now, payload["win"]))
        self.requests += int(payload.get("requests", 0))
        self.errors += int(payload.get("errors", 0))

    def recent_p99_ms(self, now: float, window_s: float) -> float | None:
        """p99 (ms) over the windows drained in the last window_s seconds (None: no samples)."""
        values = sorted(v for t, win in self._recent if t >= now - window_s for v in win)
        if not values:
            return None
        return round(values[min(len(values) - 1, int(len(values) * 0.99))], 3)

    def started_in(self, t_from: int, t_to: int) -> int:
        """Arrivals started in scheduled seconds [t_from, t_to)."""
        return sum(c.started for t, c in self._arrivals.items() if t_from <= t < t_to)

    def totals(self) -> dict[str, int]:
        """Run totals: scheduled, started, late, dropped."""
        tot = Counts()
        for c in self._arrivals.values():
            tot.add(c.as_list())
        return {
            "scheduled": tot.scheduled,
            "started": tot.started,
            "late": tot.late,
            "dropped": tot.dropped,
        }

    def write_latency(self, path: Path) -> int:
        """metrics/latency.jsonl: one line per (second, name, kind); returns the line count."""
        with path.open("w", encoding="utf-8") as fh:
            for (t, name, kind), (count, errors, encs) in sorted(self._chunks.items()):
                merged = hdr.encode(hdr.merge(encs)) if len(encs) > 1 else encs[0]
                line = {
                    "t": t,
                    "name": name,
                    "kind": kind,
                    "count": count,
                    "errors": errors,
                    "hdr": merged,
                }
                fh.write(json.dumps(line) + "\n")
        return len(self._chunks)

    def write_arrivals(
        self, path: Path, t0: float, duration_s: float, rate: Callable[[float], float]
    ) -> None:
        """metrics/arrivals.jsonl: every second of the load, with the target rate mid-second."""
        first = int(t0)
        last = math.ceil(t0 + duration_s)
        seconds = set(range(first, last)) | set(self._arrivals)
        with path.open("w", encoding="utf-8") as fh:
            for t in sorted(seconds):
                c = self._arrivals.get(t, Counts())
                target = _mean_rate(rate, t - t0)
                line = {
                    "t": t,
                    "target_rate": round(target, 3),
                    "scheduled": c.scheduled,
                    "started": c.started,
                    "late": c.late,
                    "dropped": c.dropped,
                }
                fh.write(json.dumps(line) + "\n")


def _mean_rate(rate: Callable[[float], float], start: float) -> float:
    # the mean over the second, sampled at 10 points: a ramp's second has its average rate
    return sum(rate(start + (i + 0.5) / 10) for i in range(10)) / 10
