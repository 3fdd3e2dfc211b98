"""Synthetic run folders in the CONTRACTS.md format, with known latency distributions.

Used by the reports tests and bench/report_bench.py: the report must be judged on data whose
truth is known. Latencies are lognormal per endpoint; inside a fault window the affected
endpoints are `latency_factor` times slower and fail with `error_rate`, and the slowdown decays
linearly over `tail_s` after the fault stops (so recovery takes a measurable time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from peakdrill import hdr
from peakdrill.runfolder import RunFolder

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z: fixed, so synthetic runs are reproducible

SERVICES = ("haproxy", "shop-api", "shop-api", "shop-worker", "postgres", "redis", "gateway")


@dataclass(frozen=True)
class Endpoint:
    """Share of the traffic and the latency distribution of one request name."""

    name: str
    share: float
    median_ms: float
    sigma: float = 0.4
    error_rate: float = 0.0


@dataclass(frozen=True)
class SynthFault:
    """A fault on the timeline and what it does to the affected endpoints."""

    id: str
    start_s: float
    duration_s: float
    fault: str = "latency"
    target: str = "postgres"
    latency_factor: float = 8.0
    error_rate: float = 0.05
    tail_s: float = 6.0
    endpoints: tuple[str, ...] = ()  # empty: every endpoint


DEFAULT_ENDPOINTS = (
    Endpoint("GET /api/products", 0.35, 12.0),
    Endpoint("POST /api/orders", 0.2, 45.0),
    Endpoint("GET /api/orders/{order_no}", 0.3, 15.0),
    Endpoint("POST /api/auth/login", 0.1, 30.0),
    Endpoint("POST /cashier/{trade_no}/pay", 0.05, 25.0),
)


def default_slos() -> dict[str, Any]:
    """An SLO spec the default synthetic run meets (when built without faults or with one)."""
    return {
        "recovery_window_s": 15,
        "objectives": [
            {"name": "orders p99", "metric": "latency_p99_ms", "endpoint": "POST /api/orders",
             "phase": "steady", "warn": 150, "fail": 250},
            {"name": "steady errors", "metric": "error_ratio", "phase": "steady",
             "warn": 0.005, "fail": 0.01},
            {"name": "fault p99", "metric": "latency_p99_ms", "phase": "fault", "fail": 5000},
            {"name": "rate achieved", "metric": "achieved_rate_ratio", "phase": "whole",
             "warn": 0.99, "fail": 0.95},
            {"name": "delivery p95", "metric": "delivery_lag_p95_ms", "phase": "steady",
             "fail": 3000},
            {"name": "recovers", "metric": "recovery_time_s", "phase": "recovery", "fail": 20},
            {"name": "no integrity violations", "metric": "integrity_violations",
             "phase": "whole", "fail": 0},
        ],
    }  # fmt: skip


def ok_audit() -> dict[str, Any]:
    """An audit.json where every invariant holds."""
    names = ("ledger_matches_orders", "paid_has_keys", "no_double_delivery", "stock_conserved")
    return {
        "valid": True,
        "invariants": [{"name": n, "valid": True, "evidence": []} for n in names],
    }


@dataclass
class SynthRun:
    """Parameters of one synthetic run folder."""

    duration_s: int = 60
    rate_per_s: float = 100.0
    endpoints: tuple[Endpoint, ...] = DEFAULT_ENDPOINTS
    faults: tuple[SynthFault, ...] = ()
    lag_median_ms: float = 800.0
    seed: int = 7
    config_name: str = "baseline"
    slos: dict[str, Any] | None = field(default_factory=default_slos)
    audit: dict[str, Any] | None = field(default_factory=ok_audit)
    invalid_reasons: list[str] = field(default_factory=list)
    api_replicas: int = 2
    api_cpu_pct: float = 60.0


def _fault_factor(run: SynthRun, ep: str, sec: int) -> tuple[float, float]:
    """(latency multiplier, extra error rate) at second offset `sec` for endpoint `ep`."""
    factor, err = 1.0, 0.0
    for f in run.faults:
        if f.endpoints and ep not in f.endpoints:
            continue
        mid, stop = sec + 0.5, f.start_s + f.duration_s
        if f.start_s <= mid < stop:
            factor, err = max(factor, f.latency_factor), max(err, f.error_rate)
        elif stop <= mid < stop + f.tail_s:
            left = 1 - (mid - stop) / f.tail_s
            factor = max(factor, 1 + (f.latency_factor - 1) * left)
    return factor, err


def _hist_line(t: int, name: str, kind: str, values_ms: np.ndarray, errors: int) -> str:
    h = hdr.new_histogram()
    for v in values_ms:
        hdr.record_us(h, float(v) * 1000.0)
    rec = {"t": t, "name": name, "kind": kind, "count": len(values_ms), "errors": errors}
    rec["hdr"] = hdr.encode(h)
    return json.dumps(rec)


def _latency_lines(run: SynthRun, rng: np.random.Generator) -> tuple[list[str], list[int]]:
    lines, per_second = [], []
    shares = sum(ep.share for ep in run.endpoints)  # normalised: the rate is the total
    for sec in range(run.duration_s):
        started = 0
        for ep in run.endpoints:
            n = int(rng.poisson(run.rate_per_s * ep.share / shares))
            factor, fault_err = _fault_factor(run, ep.name, sec)
            values = rng.lognormal(np.log(ep.median_ms * factor), ep.sigma, n)
            errors = int(rng.binomial(n, min(1.0, ep.error_rate + fault_err))) if n else 0
            started += n
            if n:
                lines.append(_hist_line(T0 + sec, ep.name, "request", values, errors))
        orders = int(rng.poisson(run.rate_per_s * 0.05))
        if orders:
            factor, _ = _fault_factor(run, "delivery", sec)
            lag = rng.lognormal(np.log(run.lag_median_ms * factor), 0.5, orders)
            lines.append(_hist_line(T0 + sec, "delivery", "lag", lag, 0))
        per_second.append(started)
    return lines, per_second


def _journal(run: SynthRun) -> list[dict[str, Any]]:
    end = T0 + run.duration_s
    ev: list[dict[str, Any]] = [
        {"t": T0 - 20, "kind": "phase", "name": "stack_up"},
        {"t": T0 - 5, "kind": "phase", "name": "seeded"},
        {"t": T0, "kind": "phase", "name": "load_start"},
    ]
    for f in run.faults:
        common = {"id": f.id, "fault": f.fault, "target": f.target, "params": {"latency_ms": 400}}
        ev.append({"t": T0 + f.start_s, "kind": "fault_start", **common})
        ev.append({"t": T0 + f.start_s + f.duration_s, "kind": "fault_stop", **common})
    ev.append({"t": end, "kind": "phase", "name": "load_end"})
    ev += [{"t": end + 1, "kind": "phase", "name": n} for n in ("healed", "settle_start")]
    ev += [{"t": end + 11, "kind": "phase", "name": n} for n in ("settle_end", "audit")]
    return sorted(ev, key=lambda e: float(e["t"]))


def _containers(run: SynthRun, rng: np.random.Generator) -> list[dict[str, Any]]:
    rows = []
    services = [s for s in SERVICES if s != "shop-api"]
    replicas = [("shop-api", f"shop-api-{i}") for i in range(1, run.api_replicas + 1)]
    for sec in range(0, run.duration_s, 2):
        for service, name in [(s, f"{s}-1") for s in services] + replicas:
            base = run.api_cpu_pct if service == "shop-api" else 15.0
            cpu = max(0.0, float(rng.normal(base, base * 0.1)))
            mem = 120.0 + 40 * (service == "postgres") + sec * 0.05
            rows.append({"t": T0 + sec, "service": service, "container": f"synth-{name}",
                         "cpu_pct": round(cpu, 1), "mem_mb": round(mem, 1)})  # fmt: skip
    return rows


def _write_jsonl(path: Path, rows: list[Any]) -> None:
    text = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows)
    path.write_text(text + ("\n" if rows else ""), encoding="utf-8")


def write_run(root: Path, run: SynthRun | None = None) -> Path:
    """Write a complete synthetic run folder at `root`; returns root."""
    run = run or SynthRun()
    rng = np.random.default_rng(run.seed)
    folder = RunFolder(root).create()
    lines, started = _latency_lines(run, rng)
    _write_jsonl(folder.latency, lines)
    arrivals = [
        {"t": T0 + s, "target_rate": run.rate_per_s, "scheduled": n, "started": n,
         "late": int(n * 0.001), "dropped": 0} for s, n in enumerate(started)
    ]  # fmt: skip
    _write_jsonl(folder.arrivals, arrivals)
    _write_jsonl(folder.generator, [{"t": T0 + s, "cpu_pct": 35.0} for s in range(run.duration_s)])
    _write_jsonl(folder.containers, _containers(run, rng))
    _write_jsonl(folder.journal, _journal(run))
    scenario = {"name": "synthetic-peak", "seed": run.seed}
    if run.slos is not None:
        scenario["slos"] = run.slos
    folder.scenario.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    folder.stack_config.write_text(yaml.safe_dump({"name": run.config_name}), encoding="utf-8")
    if run.audit is not None:
        folder.audit.write_text(json.dumps(run.audit, indent=2), encoding="utf-8")
    folder.write_meta(_meta(run, root, sum(started)))
    return root


def _meta(run: SynthRun, root: Path, started: int) -> dict[str, Any]:
    return {
        "run_id": root.name,
        "scenario": "synthetic-peak",
        "stack_config": run.config_name,
        "seed": run.seed,
        "started_at": T0 - 20,
        "ended_at": T0 + run.duration_s + 12,
        "versions": {"peakdrill": "synthetic"},
        "workers": 1,
        "invalid_reasons": list(run.invalid_reasons),
        "load": {"scheduled": started, "started": started, "late": 0, "dropped": 0},
    }
