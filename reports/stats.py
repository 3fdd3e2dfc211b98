"""Descriptive statistics per phase instance: percentiles per endpoint, rates, delivery lag."""

from __future__ import annotations

from typing import Any

from reports.measure import arrival_sums
from reports.phases import PhaseInstance
from reports.rundata import RunData
from reports.store import Merged

PERCENTILES = (50.0, 90.0, 95.0, 99.0, 99.9, 100.0)
ALL = "(all endpoints)"


def pct_key(p: float) -> str:
    """`p99_ms`, `p99.9_ms`; `max_ms` for 100."""
    return "max_ms" if p == 100.0 else f"p{p:g}_ms"


def merged_stats(m: Merged) -> dict[str, Any]:
    """Requests, errors, error ratio and percentiles of a merged histogram."""
    out: dict[str, Any] = {"requests": m.requests, "errors": m.errors, "samples": m.samples}
    out["error_ratio"] = m.errors / m.requests if m.requests else None
    pct = m.percentiles_ms(PERCENTILES)
    out.update({pct_key(p): pct.get(p) for p in PERCENTILES})
    return out


def instance_stats(data: RunData, inst: PhaseInstance) -> dict[str, Any]:
    """Every figure of one phase instance, JSON-ready."""
    wins = list(inst.windows)
    store = data.store
    endpoints = {n: merged_stats(store.merge("request", [n], wins)) for n in store.names()}
    endpoints[ALL] = merged_stats(store.merge("request", None, wins))
    sums = arrival_sums(data.arrivals, wins)
    return {
        "label": inst.label,
        "phase": inst.phase,
        "fault_id": inst.fault_id,
        "windows": [{"start": w.start, "end": w.end} for w in wins],
        "duration_s": inst.duration_s,
        "endpoints": endpoints,
        "delivery_lag": merged_stats(store.merge("lag", None, wins)),
        "arrivals": sums,
        "achieved_rate_ratio": sums["started"] / sums["target_rate"]
        if sums["target_rate"]
        else None,
        "late_start_ratio": sums["late"] / sums["started"] if sums["started"] else None,
    }


def all_stats(data: RunData) -> list[dict[str, Any]]:
    """instance_stats for every phase instance ([] without a load window)."""
    if data.timeline is None:
        return []
    return [instance_stats(data, i) for i in data.timeline.instances]


def container_stats(data: RunData) -> dict[str, dict[str, float]]:
    """Per service over the load window: replicas, CPU % and memory MB.

    Means are summed over the service's replicas (its total use); peaks are of its busiest
    single replica (replicas are sampled at different instants, so a summed peak would guess).
    """
    load = data.timeline.load if data.timeline else None
    per: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for row in data.containers:
        if load is not None and not load.start <= float(row.get("t", 0)) < load.end:
            continue
        sample = (float(row.get("cpu_pct") or 0), float(row.get("mem_mb") or 0))
        by_container = per.setdefault(str(row.get("service")), {})
        by_container.setdefault(str(row.get("container")), []).append(sample)
    out: dict[str, dict[str, float]] = {}
    for service, containers in sorted(per.items()):
        cpu_means = [sum(c for c, _ in v) / len(v) for v in containers.values()]
        mem_means = [sum(m for _, m in v) / len(v) for v in containers.values()]
        out[service] = {
            "replicas": float(len(containers)),
            "cpu_pct_mean": sum(cpu_means),
            "cpu_pct_peak": max(c for v in containers.values() for c, _ in v),
            "mem_mb_mean": sum(mem_means),
            "mem_mb_peak": max(m for v in containers.values() for _, m in v),
        }
    return out
