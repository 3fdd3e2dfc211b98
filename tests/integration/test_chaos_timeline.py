"""The timeline against the real stack: scheduled start/stop, and heal_all leaving it clean."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from chaos import containers
from chaos.context import ChaosContext
from chaos.spec import FaultSpec, validate_targets
from chaos.timeline import Timeline
from peakdrill.journal import Journal, read_journal
from peakdrill.yamlconfig import StrictModel, validate
from stack import engine
from stack.config import load_stack_config
from stack.endpoints import StackEndpoints

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


class Scenario(StrictModel):
    chaos: list[FaultSpec] = Field(default_factory=list)


def timeline_for(
    ep: StackEndpoints, path: Path, faults: list[dict[str, Any]]
) -> tuple[Timeline, ChaosContext, Journal]:
    specs = list(validate(Scenario, {"chaos": faults}, "test").chaos)
    validate_targets(specs, load_stack_config())
    ctx = ChaosContext(ep.stack, ep, engine.client(), seed=11)
    journal = Journal(path / "journal.jsonl")
    return Timeline(specs, ctx, journal), ctx, journal


def wait_for(check: Any, within_s: float) -> None:
    stop_at = time.monotonic() + within_s
    while not check():
        assert time.monotonic() < stop_at, "condition not met in time"
        time.sleep(0.1)


def test_scheduled_faults_start_and_stop_on_time(
    baseline_stack: StackEndpoints, tmp_path: Path
) -> None:
    tl, _ctx, journal = timeline_for(
        baseline_stack,
        tmp_path,
        [
            {"fault": "latency", "target": "postgres", "at_s": 0.5, "duration_s": 1.5,
             "latency_ms": 50, "jitter_ms": 10},
            {"fault": "down", "target": "notify", "at_s": 1.0, "duration_s": 1.0},
        ],
    )  # fmt: skip
    t0 = time.time()
    try:
        tl.start(t0)
        wait_for(lambda: set(tl.states().values()) == {"healed"}, within_s=30)
    finally:
        tl.heal_all()
    events = [e for e in read_journal(journal.path) if e["kind"].startswith("fault_")]
    by = {(e["kind"], e["id"]): e["t"] - t0 for e in events}
    assert by[("fault_start", "chaos[0]")] >= 0.5
    assert by[("fault_stop", "chaos[0]")] >= 2.0
    assert by[("fault_start", "chaos[1]")] >= 1.0
    assert by[("fault_stop", "chaos[1]")] >= 2.0
    assert all(v < 20 for v in by.values()), by  # on time, give or take a busy machine
    assert tl.errors() == []


def test_heal_all_leaves_nothing_behind(baseline_stack: StackEndpoints, tmp_path: Path) -> None:
    tl, ctx, journal = timeline_for(
        baseline_stack,
        tmp_path,
        [
            {"fault": "latency", "target": "edge", "at_s": 0, "duration_s": 300, "latency_ms": 100},
            {"fault": "timeout", "target": "redis", "at_s": 0, "duration_s": 300,
             "timeout_ms": 0, "stream": "upstream"},
            {"fault": "down", "target": "gateway", "at_s": 0, "duration_s": 300},
            {"fault": "gateway", "kind": "notify_drop", "probability": 0.2, "at_s": 0,
             "duration_s": 300},
            {"fault": "pause", "service": "shop-worker", "at_s": 0, "duration_s": 300},
            {"fault": "cpu_squeeze", "service": "shop-api", "at_s": 0, "duration_s": 300,
             "cpus": 0.2},
            {"fault": "kill", "service": "shop-api", "at_s": 600},  # never reached: skipped
        ],
    )  # fmt: skip
    api = ctx.container("shop-api", 1)
    original_cpus = containers.nano_cpus(api)
    try:
        tl.start()
        wait_for(lambda: len(tl.active()) == 6, within_s=60)
        assert ctx.toxiproxy.proxies()["gateway"] is False
    finally:
        failures = tl.heal_all()
    assert failures == []
    assert tl.active() == []
    proxies = ctx.toxiproxy.proxies()
    assert proxies and all(proxies.values()), proxies
    assert all(ctx.toxiproxy.toxics(name) == {} for name in proxies)
    assert ctx.gateway.faults() == []
    assert containers.state(ctx.container("shop-worker", 1))[0] == "running"
    assert containers.nano_cpus(api) == original_cpus
    stops = {e["id"] for e in read_journal(journal.path) if e["kind"] == "fault_stop"}
    assert stops == {f"chaos[{i}]" for i in range(6)}
    assert tl.states()["chaos[6]"] == "skipped"
    assert tl.heal_all() == []  # idempotent
