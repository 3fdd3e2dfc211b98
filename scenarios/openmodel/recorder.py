"""Per-second, per-name latency histograms and arrival counters, shipped as mergeable chunks.

Live histograms are large (the shared hdr shape spans 1 µs..1 h), so a second is encoded and
freed once no request that started in it can still be running (`close_after_s`). A late record
for a closed second just opens a new chunk; chunks of one (second, name, kind) merge exactly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from hdrh.histogram import HdrHistogram

from peakdrill import hdr

Key = tuple[int, str, str]  # (unix second, name, kind)
WINDOW_SAMPLE = 2000  # latencies shipped per drain for the progress line (evenly thinned)


@dataclass
class _Live:
    hist: HdrHistogram = field(default_factory=hdr.new_histogram)
    count: int = 0
    errors: int = 0


@dataclass
class Counts:
    """Arrival counters of one scheduled second."""

    scheduled: int = 0
    started: int = 0
    late: int = 0
    dropped: int = 0

    def add(self, other: list[int]) -> None:
        """Add [scheduled, started, late, dropped]."""
        self.scheduled += other[0]
        self.started += other[1]
        self.late += other[2]
        self.dropped += other[3]

    def as_list(self) -> list[int]:
        """[scheduled, started, late, dropped]."""
        return [self.scheduled, self.started, self.late, self.dropped]


class Recorder:
    """Collects one generator process's measurements until they are drained."""

    def __init__(self, close_after_s: float) -> None:
        self.close_after_s = close_after_s
        self._live: dict[Key, _Live] = {}
        self._chunks: list[list[Any]] = []
        self._arrivals: dict[int, Counts] = {}
        # latencies (ms) since the last drain, for the progress line's recent p99 only: a plain
        # list is far cheaper per request than a second histogram record
        self._window: list[float] = []
        self._requests = 0  # since the last drain
        self._errors = 0

    def record(self, t_start: float, name: str, kind: str, latency_us: float, error: bool) -> None:
        """One request (kind "request") or delivery lag (kind "lag") starting at t_start."""
        key = (int(t_start), name, kind)
        live = self._live.get(key)
        if live is None:
            live = self._live[key] = _Live()
        hdr.record_us(live.hist, latency_us)
        live.count += 1
        live.errors += int(error)
        if kind == "request":
            self._window.append(latency_us / 1000.0)
            self._requests += 1
            self._errors += int(error)

    def arrival(self, t_scheduled: float, started: bool, late: bool) -> None:
        """Count one scheduled arrival and whether it started (late) or dropped."""
        c = self._arrivals.setdefault(int(t_scheduled), Counts())
        c.scheduled += 1
        c.started += int(started)
        c.late += int(started and late)
        c.dropped += int(not started)

    def close(self, now: float | None) -> None:
        """Encode and free seconds older than close_after_s (all of them when now is None)."""
        for key in list(self._live):
            if now is None or key[0] < now - self.close_after_s:
                live = self._live.pop(key)
                self._chunks.append([*key, live.count, live.errors, hdr.encode(live.hist)])

    def drain(self, now: float | None) -> dict[str, Any]:
        """Closed chunks, arrival counts and the recent-latency window since the last drain."""
        self.close(now)
        out: dict[str, Any] = {
            "lat": self._chunks,
            "arr": [[t, *c.as_list()] for t, c in sorted(self._arrivals.items())],
            "win": _sample(self._window, WINDOW_SAMPLE),
            "requests": self._requests,
            "errors": self._errors,
        }
        self._requests = 0
        self._errors = 0
        self._chunks = []
        self._arrivals = {}
        self._window = []
        return out


def _sample(values: list[float], limit: int) -> list[float]:
    """At most `limit` values, evenly thinned after sorting (keeps the tail's shape)."""
    ordered = sorted(values)
    if len(ordered) <= limit:
        return ordered
    step = len(ordered) / limit
    return [ordered[int(i * step)] for i in range(limit - 1)] + [ordered[-1]]


def on_request_listener(recorder: Recorder) -> Any:
    """A Locust `request` event listener recording scheduled-start latency into `recorder`."""

    def on_request(
        name: str,
        response_time: float,
        context: dict[str, Any] | None = None,
        exception: BaseException | None = None,
        start_time: float | None = None,
        **_: Any,
    ) -> None:
        issued = start_time if start_time is not None else time.time() - response_time / 1000
        scheduled = (context or {}).get("scheduled_at")
        begin = float(scheduled) if scheduled is not None else issued
        latency_us = (issued - begin) * 1e6 + response_time * 1000.0
        recorder.record(begin, name, "request", latency_us, exception is not None)

    return on_request


def lag_sink(recorder: Recorder) -> Any:
    """The FlowPlan.record_lag callback: delivery lag into the `delivery_lag` histogram."""

    def record_lag(t_paid: float, lag_s: float, delivered: bool) -> None:
        recorder.record(t_paid, "delivery_lag", "lag", lag_s * 1e6, not delivered)

    return record_lag
