"""Measure one SLO metric over a set of windows, from the run folder's metrics.

Definitions (per phase instance, seconds assigned by the midpoint rule of reports.store):
- latency_pNN_ms: percentile of the merged `request` histograms of the endpoint (every endpoint
  when none is named), latency counted from each request's scheduled start.
- error_ratio: errors / requests from latency.jsonl (same endpoint rule).
- delivery_lag_pNN_ms: percentile of the merged `lag` histograms (order paid → keys visible).
- achieved_rate_ratio: Σ started / Σ target_rate over the seconds of metrics/arrivals.jsonl.
- late_start_ratio: Σ late / Σ started over the same seconds.
- integrity_violations: invariants with valid false in audit.json (whole run only).
A metric with no samples in the windows is unmeasured: `Measurement.value` is None with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reports.slo_spec import Objective, metric_family, metric_percentile
from reports.store import LatencyStore, Window


@dataclass(frozen=True)
class Measurement:
    """A measured value, or None with the reason it could not be measured."""

    value: float | None
    detail: str = ""


def _in(windows: Iterable[Window], t: float) -> bool:
    return any(w.holds_second(int(t)) for w in windows)


def _what(obj: Objective) -> str:
    return obj.endpoint or "any endpoint"


def _latency(store: LatencyStore, obj: Objective, wins: list[Window], cache: bool) -> Measurement:
    names = None if obj.endpoint is None else [obj.endpoint]
    merged = store.merge("request", names, wins, cache)
    if merged.samples == 0:
        return Measurement(None, f"no latency samples for {_what(obj)}")
    pct = float(metric_percentile(obj.metric) or 0)
    return Measurement(merged.percentiles_ms([pct])[pct], f"{merged.samples} samples")


def _errors(store: LatencyStore, obj: Objective, wins: list[Window], cache: bool) -> Measurement:
    names = None if obj.endpoint is None else [obj.endpoint]
    merged = store.merge("request", names, wins, cache)
    if merged.requests == 0:
        return Measurement(None, f"no requests for {_what(obj)}")
    return Measurement(merged.errors / merged.requests, f"{merged.errors}/{merged.requests}")


def _lag(store: LatencyStore, obj: Objective, wins: list[Window]) -> Measurement:
    merged = store.merge("lag", None, wins)
    if merged.samples == 0:
        return Measurement(None, "no delivery lag samples")
    pct = float(metric_percentile(obj.metric) or 0)
    return Measurement(merged.percentiles_ms([pct])[pct], f"{merged.samples} deliveries")


def arrival_sums(arrivals: list[dict[str, Any]], wins: list[Window]) -> dict[str, float]:
    """Σ target_rate, scheduled, started, late, dropped over the windows' seconds."""
    keys = ("target_rate", "scheduled", "started", "late", "dropped")
    sums = dict.fromkeys(keys, 0.0)
    for row in arrivals:
        if _in(wins, float(row.get("t", 0))):
            for k in keys:
                sums[k] += float(row.get(k) or 0)
    return sums


def _rate(arrivals: list[dict[str, Any]], wins: list[Window]) -> Measurement:
    s = arrival_sums(arrivals, wins)
    if s["target_rate"] <= 0:
        return Measurement(None, "no target rate recorded (metrics/arrivals.jsonl)")
    return Measurement(
        s["started"] / s["target_rate"], f"{s['started']:.0f}/{s['target_rate']:.0f}"
    )


def _late(arrivals: list[dict[str, Any]], wins: list[Window]) -> Measurement:
    s = arrival_sums(arrivals, wins)
    if s["started"] <= 0:
        return Measurement(None, "no started requests recorded (metrics/arrivals.jsonl)")
    return Measurement(s["late"] / s["started"], f"{s['late']:.0f}/{s['started']:.0f}")


def integrity(audit: dict[str, Any] | None) -> Measurement:
    """Number of invariants that failed; unmeasured when any is unknown or the audit is missing."""
    if audit is None:
        return Measurement(None, "audit.json missing: integrity was not checked")
    invariants = audit.get("invariants") or []
    if not invariants:
        return Measurement(None, "audit.json lists no invariants")
    unknown = [str(i.get("name")) for i in invariants if i.get("valid") is None]
    if unknown:
        return Measurement(None, f"invariants not checked: {', '.join(unknown)}")
    failed = [str(i.get("name")) for i in invariants if i.get("valid") is False]
    return Measurement(float(len(failed)), ", ".join(failed) or "all invariants hold")


def measure(
    obj: Objective,
    wins: list[Window],
    store: LatencyStore,
    arrivals: list[dict[str, Any]],
    audit: dict[str, Any] | None,
    cache: bool = True,
) -> Measurement:
    """The objective's metric over the windows (not recovery_time_s: see reports.recovery).

    cache=False for one-off windows (recovery's sliding windows) to keep memory flat.
    """
    family = metric_family(obj.metric)
    if family == "latency":
        return _latency(store, obj, wins, cache)
    if family == "error_ratio":
        return _errors(store, obj, wins, cache)
    if family == "delivery_lag":
        return _lag(store, obj, wins)
    if family == "achieved_rate_ratio":
        return _rate(arrivals, wins)
    if family == "late_start_ratio":
        return _late(arrivals, wins)
    if family == "integrity_violations":
        return integrity(audit)
    raise ValueError(f"measure: {obj.metric} is not a windowed metric")
