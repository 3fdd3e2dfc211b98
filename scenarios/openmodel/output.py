"""What the master (or the only) generator process reports: progress lines and the run files.

Progress goes to stdout as one JSON object a line, so the rehearsal can render it; logs go to
stderr.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenarios.openmodel.cpu import CpuWatch
from scenarios.openmodel.schedule import RateCurve
from scenarios.openmodel.store import Store


def emit(event: str, **fields: Any) -> None:
    """One JSON line on stdout."""
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


@dataclass
class Output:
    """The master-side state: merged measurements, own CPU, and where files go."""

    metrics_dir: Path
    curve: RateCurve
    report_lag_s: float  # how stale merged arrival counts can be (worker report interval)
    store: Store = field(default_factory=Store)
    t0: float = 0.0
    invalid_reasons: list[str] = field(default_factory=list)
    cpu: CpuWatch | None = None

    def start(self, t0: float) -> None:
        """The common start time is fixed: announce it and start watching the CPU."""
        self.t0 = t0
        self.metrics_dir.mkdir(parents=True, exist_ok=True)
        self.cpu = CpuWatch(self.metrics_dir / "generator.jsonl")
        emit("t0", t0=t0, duration_s=self.curve.duration_s)

    def tick(self) -> None:
        """Once a second: sample the CPU and print a progress line."""
        now = time.time()
        if self.cpu is not None:
            self.cpu.sample()
        lag = self.report_lag_s
        window = 3
        started = self.store.started_in(int(now - lag - window), int(now - lag))
        tot = self.store.totals()
        emit(
            "progress",
            elapsed_s=round(now - self.t0, 1),
            total_s=self.curve.duration_s,
            target_rate=round(self.curve.rate(now - self.t0), 2),
            achieved_rate=round(started / window, 2),
            p99_ms=self.store.recent_p99_ms(now, lag + 3),
            requests=self.store.requests,
            errors=self.store.errors,
            late=tot["late"],
            dropped=tot["dropped"],
        )

    def finish(self, flow_errors: int, cpu_warning: bool, stats: Any = None) -> dict[str, Any]:
        """Write latency/arrivals files and print the summary line; returns the summary."""
        if self.cpu is not None:
            self.cpu.close()
            if self.cpu.saturated:
                self.invalid_reasons.append(self.cpu.saturated)
        if cpu_warning:
            self.invalid_reasons.append("load generator saturated: Locust cpu_warning (>= 90% CPU)")
        lines = self.store.write_latency(self.metrics_dir / "latency.jsonl")
        self.store.write_arrivals(
            self.metrics_dir / "arrivals.jsonl", self.t0, self.curve.duration_s, self.curve.rate
        )
        summary = {
            "load": self.store.totals(),
            "requests": self.store.requests,
            "errors": self.store.errors,
            "flow_errors": flow_errors,
            "latency_lines": lines,
            "invalid_reasons": self.invalid_reasons,
            "top_errors": top_errors(stats),
        }
        emit("done", **summary)
        return summary


def top_errors(stats: Any, limit: int = 10) -> list[dict[str, Any]]:
    """The most frequent request failures from Locust's own stats (merged from workers)."""
    if stats is None:
        return []
    rows = sorted(stats.errors.values(), key=lambda e: -e.occurrences)[:limit]
    return [{"name": e.name, "error": str(e.error)[:200], "count": e.occurrences} for e in rows]
