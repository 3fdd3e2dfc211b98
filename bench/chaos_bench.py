"""Chaos benchmark: how fast faults apply and heal, and how long a killed replica takes to recover.

Usage: .venv/bin/python bench/chaos_bench.py [--stack NAME] [--rounds N]
Without --stack it brings up a baseline stack under a unique name and removes it afterwards.
Traffic goes only to the stack's published 127.0.0.1 ports. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic import Field

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chaos.context import ChaosContext
from chaos.registry import Fault, fault_for
from chaos.spec import FaultSpec
from chaos.timeline import Timeline
from peakdrill.journal import Journal, read_journal
from peakdrill.yamlconfig import StrictModel, validate
from stack import engine, lifecycle
from stack.config import load_stack_config


class _Faults(StrictModel):
    chaos: list[FaultSpec] = Field(default_factory=list)


def _specs(*faults: dict[str, Any]) -> list[Any]:
    return list(validate(_Faults, {"chaos": list(faults)}, "bench").chaos)


def _fault(**fields: Any) -> Fault[Any]:
    return fault_for(_specs(fields)[0], 0)


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    return f"median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  n={len(ordered)}"


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def apply_heal(
    ctx: ChaosContext, fault: Fault[Any], rounds: int
) -> tuple[list[float], list[float]]:
    """Apply/heal round trips of one fault."""
    applies, heals = [], []
    for _ in range(rounds):
        applies.append(_timed(lambda: fault.apply(ctx)))
        heals.append(_timed(lambda: fault.heal(ctx)))
    return applies, heals


def healthz(ep: Any, n: int) -> list[float]:
    """Latencies of GET /healthz through the edge."""
    out = []
    for _ in range(n):
        out.append(
            _timed(lambda: httpx.get(f"{ep.edge_url}/healthz", timeout=10).raise_for_status())
        )
    return out


def latency_accuracy(ctx: ChaosContext, n: int) -> None:
    """Injected 200 ms on the edge vs the measured extra latency of /healthz."""
    base = statistics.median(healthz(ctx.endpoints, n))
    fault = _fault(fault="latency", target="edge", at_s=0, duration_s=1, latency_ms=200)
    try:
        fault.apply(ctx)
        slow = statistics.median(healthz(ctx.endpoints, n))
    finally:
        fault.heal(ctx)
    print(f"latency 200 ms on edge: /healthz median {base * 1000:.1f} -> {slow * 1000:.1f} ms "
          f"(+{(slow - base) * 1000:.1f} ms)")  # fmt: skip


def kill_recovery(ctx: ChaosContext, journal: Journal, rounds: int) -> None:
    """Kill shop-api-1, start it, and measure killed→started→healthy from the journal."""
    ctx.attach(journal)
    kill = _fault(fault="kill", service="shop-api", at_s=0)
    for _ in range(rounds):
        kill.apply(ctx)
        kill.heal(ctx)
        ctx.join_watchers(timeout_s=180)
    events = [e for e in read_journal(journal.path) if e["kind"] == "container"]
    recover = [
        h["t"] - k["t"]
        for k, h in zip(events[0::3], events[2::3], strict=True)
        if k["action"] == "killed" and h["action"] == "healthy"
    ]
    print(f"kill shop-api-1 -> healthy again: {_ms(recover)}")


def heal_all_time(ctx: ChaosContext, journal: Journal) -> None:
    """heal_all with six faults active."""
    specs = _specs(
        {"fault": "latency", "target": "edge", "at_s": 0, "duration_s": 300, "latency_ms": 100},
        {"fault": "timeout", "target": "redis", "at_s": 0, "duration_s": 300, "timeout_ms": 0},
        {"fault": "down", "target": "gateway", "at_s": 0, "duration_s": 300},
        {"fault": "gateway", "kind": "notify_drop", "at_s": 0, "duration_s": 300},
        {"fault": "pause", "service": "shop-worker", "at_s": 0, "duration_s": 300},
        {"fault": "cpu_squeeze", "service": "shop-api", "at_s": 0, "duration_s": 300, "cpus": 0.2},
    )
    timeline = Timeline(specs, ctx, journal)
    started = time.perf_counter()
    timeline.start()
    while len(timeline.active()) < len(specs) and time.perf_counter() - started < 60:
        time.sleep(0.05)
    applied = time.perf_counter() - started
    took = _timed(timeline.heal_all)
    print(f"timeline: 6 faults applied in {applied * 1000:.0f} ms; "
          f"heal_all took {took * 1000:.0f} ms; errors: {timeline.errors() or 'none'}")  # fmt: skip


def run(name: str, rounds: int) -> None:
    """All figures against one running stack."""
    ep = lifecycle.endpoints(name)
    ctx = ChaosContext(name, ep, engine.client(), seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for label, fields in (
                ("latency toxic (edge)", {"fault": "latency", "target": "edge", "latency_ms": 100}),
                ("down (postgres proxy)", {"fault": "down", "target": "postgres"}),
                ("gateway notify_drop", {"fault": "gateway", "kind": "notify_drop"}),
                ("pause shop-worker", {"fault": "pause", "service": "shop-worker"}),
            ):
                applies, heals = apply_heal(ctx, _fault(at_s=0, duration_s=1, **fields), rounds)
                print(f"{label:24s} apply: {_ms(applies)} | heal: {_ms(heals)}")
            latency_accuracy(ctx, max(5, rounds))
            kill_recovery(ctx, Journal(Path(tmp) / "kill.jsonl"), max(1, rounds // 5))
            heal_all_time(ctx, Journal(Path(tmp) / "timeline.jsonl"))
        finally:
            ctx.reset_all()
            ctx.join_watchers(timeout_s=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", help="an already running stack (default: bring one up)")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    if args.stack:
        run(args.stack, args.rounds)
        return 0
    name = f"pdbench-chaos-{secrets.token_hex(3)}"
    try:
        lifecycle.up(load_stack_config(), name)
        run(name, args.rounds)
    finally:
        lifecycle.down(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
