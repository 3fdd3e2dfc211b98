"""Every fault kind against the real stack: applied, observed, healed (always healed in finally)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import Field

from chaos import containers
from chaos.context import ChaosContext
from chaos.registry import Fault, fault_for
from chaos.spec import FaultSpec
from peakdrill.journal import Journal, read_journal
from peakdrill.yamlconfig import StrictModel, validate
from stack import engine
from stack.endpoints import StackEndpoints

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


class Scenario(StrictModel):
    chaos: list[FaultSpec] = Field(default_factory=list)


def fault(**fields: Any) -> Fault[Any]:
    spec = validate(Scenario, {"chaos": [fields]}, "test").chaos[0]
    return fault_for(spec, 0)


@pytest.fixture
def ctx(baseline_stack: StackEndpoints, tmp_path: Path) -> Iterator[ChaosContext]:
    """A chaos context on the shared stack; everything reset afterwards, whatever happened."""
    context = ChaosContext(baseline_stack.stack, baseline_stack, engine.client(), seed=7)
    context.attach(Journal(tmp_path / "journal.jsonl"))
    try:
        yield context
    finally:
        failures = context.reset_all()
        context.join_watchers(timeout_s=120)
        assert failures == []


def healthz_s(ep: StackEndpoints, timeout_s: float = 10.0) -> float:
    """Seconds one GET /healthz through the edge proxy takes (raises on failure)."""
    started = time.perf_counter()
    resp = httpx.get(f"{ep.edge_url}/healthz", timeout=timeout_s)
    resp.raise_for_status()
    return time.perf_counter() - started


def wait_edge_ok(ep: StackEndpoints, within_s: float = 60.0) -> None:
    """Wait until the shop answers through the edge (bounded)."""
    stop_at = time.monotonic() + within_s
    while True:
        try:
            healthz_s(ep, timeout_s=5.0)
            return
        except httpx.HTTPError:
            if time.monotonic() > stop_at:
                raise
            time.sleep(0.5)


def journal_events(ctx: ChaosContext, kind: str) -> list[dict[str, Any]]:
    assert ctx._journal is not None
    return [e for e in read_journal(ctx._journal.path) if e["kind"] == kind]


def test_latency_on_the_edge_is_measured_and_removed(ctx: ChaosContext) -> None:
    ep = ctx.endpoints
    wait_edge_ok(ep)
    latency = fault(fault="latency", target="edge", at_s=0, duration_s=5, latency_ms=400)
    try:
        latency.apply(ctx)
        toxic = ctx.toxiproxy.toxics("edge")["peakdrill_latency_downstream"]
        assert toxic["type"] == "latency" and toxic["latency"] == 400
        slow = sorted(healthz_s(ep) for _ in range(3))
        assert slow[0] >= 0.4, slow
    finally:
        latency.heal(ctx)
    assert ctx.toxiproxy.toxics("edge") == {}
    fast = min(healthz_s(ep) for _ in range(3))
    assert fast < 0.4, fast
    latency.heal(ctx)  # idempotent


def test_down_makes_the_edge_refuse_and_heal_restores(ctx: ChaosContext) -> None:
    ep = ctx.endpoints
    wait_edge_ok(ep)
    down = fault(fault="down", target="edge", at_s=0, duration_s=5)
    try:
        down.apply(ctx)
        assert ctx.toxiproxy.proxies()["edge"] is False
        with pytest.raises(httpx.TransportError):
            healthz_s(ep, timeout_s=3.0)
    finally:
        down.heal(ctx)
    assert ctx.toxiproxy.proxies()["edge"] is True
    wait_edge_ok(ep, within_s=10)


@pytest.mark.parametrize(
    ("fields", "expect"),
    [
        ({"fault": "timeout", "timeout_ms": 0}, httpx.ReadTimeout),  # black hole
        ({"fault": "reset_peer", "timeout_ms": 0}, httpx.TransportError),
        ({"fault": "limit_data", "limit_bytes": 10}, httpx.TransportError),
    ],
)
def test_breaking_toxics_break_requests_until_healed(
    ctx: ChaosContext, fields: dict[str, Any], expect: type[Exception]
) -> None:
    ep = ctx.endpoints
    wait_edge_ok(ep)
    toxic = fault(target="edge", at_s=0, duration_s=5, **fields)
    try:
        toxic.apply(ctx)
        with pytest.raises(expect):
            healthz_s(ep, timeout_s=2.0)
    finally:
        toxic.heal(ctx)
    assert ctx.toxiproxy.toxics("edge") == {}
    wait_edge_ok(ep, within_s=10)


@pytest.mark.parametrize(
    ("fields", "attributes"),
    [
        ({"fault": "bandwidth", "rate_kbps": 1}, {"rate": 1}),
        ({"fault": "slow_close", "delay_ms": 300}, {"delay": 300}),
        (
            {"fault": "slicer", "average_size_bytes": 8, "size_variation_bytes": 2, "delay_us": 10},
            {"average_size": 8, "size_variation": 2, "delay": 10},
        ),
    ],
)
def test_shaping_toxics_are_installed_with_their_attributes(
    ctx: ChaosContext, fields: dict[str, Any], attributes: dict[str, int]
) -> None:
    ep = ctx.endpoints
    wait_edge_ok(ep)
    toxic = fault(target="edge", at_s=0, duration_s=5, stream="downstream", toxicity=0.5, **fields)
    try:
        toxic.apply(ctx)
        (installed,) = ctx.toxiproxy.toxics("edge").values()
        assert installed["type"] == fields["fault"] and installed["toxicity"] == 0.5
        assert {k: installed[k] for k in attributes} == attributes
    finally:
        note = toxic.heal(ctx)
    assert note is not None and "per connection" in note
    assert ctx.toxiproxy.toxics("edge") == {}
    wait_edge_ok(ep, within_s=10)


def test_pause_and_unpause_shop_api_replica_1(ctx: ChaosContext) -> None:
    pause = fault(fault="pause", service="shop-api", replica=1, at_s=0, duration_s=5)
    box = ctx.container("shop-api", 1)
    try:
        pause.apply(ctx)
        assert containers.state(box)[0] == "paused"
    finally:
        pause.heal(ctx)
    assert containers.state(box)[0] == "running"
    assert pause.heal(ctx) == f"{box.name} was running, not paused, at heal"
    actions = [e["action"] for e in journal_events(ctx, "container")]
    assert actions == ["paused", "unpaused"]
    wait_edge_ok(ctx.endpoints)


def test_kill_then_start_and_recovery_is_journaled(ctx: ChaosContext) -> None:
    kill = fault(fault="kill", service="shop-api", replica=1, at_s=0)
    box = ctx.container("shop-api", 1)
    try:
        kill.apply(ctx)
        assert containers.state(box)[0] in ("exited", "dead")
        assert box.name in ctx.killed
    finally:
        kill.heal(ctx)
    ctx.join_watchers(timeout_s=180)
    assert containers.is_healthy(box)
    events = journal_events(ctx, "container")
    assert [e["action"] for e in events] == ["killed", "started", "healthy"]
    assert {e["service"] for e in events} == {"shop-api"}
    assert events[0]["t"] <= events[1]["t"] < events[2]["t"]
    assert ctx.errors == []
    wait_edge_ok(ctx.endpoints)


def test_restart_is_followed_by_healthy(ctx: ChaosContext) -> None:
    restart = fault(fault="restart", service="shop-worker", at_s=0, stop_timeout_s=5)
    try:
        restart.apply(ctx)
    finally:
        restart.heal(ctx)
    ctx.join_watchers(timeout_s=180)
    assert [e["action"] for e in journal_events(ctx, "container")] == ["started", "healthy"]


def test_cpu_squeeze_sets_and_restores_nano_cpus(ctx: ChaosContext) -> None:
    squeeze = fault(fault="cpu_squeeze", service="shop-api", at_s=0, duration_s=5, cpus=0.1)
    box = ctx.container("shop-api", 1)
    original = containers.nano_cpus(box)
    try:
        squeeze.apply(ctx)
        assert containers.nano_cpus(box) == 100_000_000
    finally:
        squeeze.heal(ctx)
    assert containers.nano_cpus(box) == original
    assert squeeze.heal(ctx) is None  # nothing left to restore


def test_gateway_fault_is_listed_then_removed(ctx: ChaosContext) -> None:
    gw = fault(
        fault="gateway", kind="endpoint_error", endpoint="/v1/payments", probability=0.5,
        params={"status": 503}, at_s=0, duration_s=5,
    )  # fmt: skip
    try:
        gw.apply(ctx)
        listed = {f["id"]: f for f in ctx.gateway.faults()}
        assert listed["chaos.0"]["kind"] == "endpoint_error"
        assert listed["chaos.0"]["probability"] == 0.5
    finally:
        note = gw.heal(ctx)
    assert note is not None and note.startswith("fired ")
    assert "chaos.0" not in {f["id"] for f in ctx.gateway.faults()}
    gw.heal(ctx)  # idempotent: 404 is healed
