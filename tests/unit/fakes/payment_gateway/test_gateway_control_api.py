"""Control API in-process: fault CRUD and validation, endpoint faults, auto-pay, introspection."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from conftest import AUTH, eventually, running

from fakes.payment_gateway.middleware import request_key
from fakes.payment_gateway.requestlog import route_of

pytestmark = pytest.mark.anyio


async def test_fault_crud(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        c = h.control
        assert (await c.get("/control/faults")).json() == {"faults": []}
        drop = {"id": "d", "kind": "notify_drop", "probability": 0.25}
        created = await c.post("/control/faults", json=drop)
        assert created.status_code == 201
        assert created.json() == {**drop, "endpoint": None, "params": {}}
        assert (await c.post("/control/faults", json=drop)).status_code == 409
        put = await c.put(
            "/control/faults",
            json={
                "faults": [
                    {"id": "e", "kind": "endpoint_error", "endpoint": "/cashier"},
                    {"id": "l", "kind": "endpoint_latency", "params": {"delay_ms": 1}},
                ]
            },
        )
        assert [f["id"] for f in put.json()["faults"]] == ["e", "l"]
        assert put.json()["faults"][0]["params"] == {"status": 500}
        assert (await c.delete("/control/faults/e")).status_code == 204
        assert (await c.delete("/control/faults/e")).status_code == 404
        assert (await c.post("/control/faults/reset")).json() == {"faults": []}


async def test_invalid_faults_answer_422_with_the_field_path(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        bad = {
            "faults": [
                {"id": "ok", "kind": "notify_drop"},
                {"id": "x", "kind": "notify_delay", "params": {"delay_ms": -1}},
            ]
        }
        r = await h.control.put("/control/faults", json=bad)
        assert r.status_code == 422
        assert r.json()["errors"][0].startswith("faults[1].params.delay_ms: ")
        r = await h.control.post(
            "/control/faults", json={"id": "y", "kind": "notify_drop", "params": {"copies": 2}}
        )
        assert r.status_code == 422 and r.json()["errors"] == [
            "params.copies: Extra inputs are not permitted"
        ]
        assert (await h.control.get("/control/faults")).json() == {"faults": []}  # nothing applied


async def test_endpoint_error_scoped_to_a_prefix_and_logged(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        await h.control.put(
            "/control/faults",
            json={
                "faults": [
                    {
                        "id": "busy",
                        "kind": "endpoint_error",
                        "endpoint": "/v1/payments",
                        "params": {"status": 429},
                    },
                ]
            },
        )
        r = await h.create("E-1")
        assert r.status_code == 429 and r.headers["retry-after"] == "1"
        assert r.json() == {"code": "FAULT_INJECTED", "fault": "busy"}
        assert (await h.merchant.post("/cashier/PDX/pay")).status_code == 404  # not faulted
        assert (await h.merchant.get("/healthz")).status_code == 200  # exempt
        log = (await h.control.get("/control/requests?limit=2")).json()["requests"]
        assert [(e["path"], e["status"], e["fault"]) for e in log] == [
            ("/v1/payments", 429, "busy"),
            ("/cashier/PDX/pay", 404, None),
        ]
        assert (await h.ledger())["payments"] == []  # the faulted create never reached the ledger


async def test_endpoint_latency_delays_the_answer(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        await h.control.post(
            "/control/faults",
            json={"id": "lag", "kind": "endpoint_latency", "params": {"delay_ms": 150}},
        )
        assert (await h.create("L-1")).status_code == 200
        (entry,) = (await h.control.get("/control/requests?limit=1")).json()["requests"]
        assert entry["latency_ms"] >= 150 and entry["fault"] == "lag"


async def test_transport_faults_fail_the_request_in_process(tmp_path: Path) -> None:
    # without a socket (ASGI in-process) reset/empty/hang surface as errors to the caller
    async with running(tmp_path) as h:
        for kind, params in (
            ("endpoint_reset", {}),
            ("endpoint_empty", {}),
            ("endpoint_hang", {"hang_ms": 50}),
        ):
            await h.control.put(
                "/control/faults", json={"faults": [{"id": "t", "kind": kind, "params": params}]}
            )
            with pytest.raises(ConnectionError):
                await h.create(f"T-{kind}")


async def test_endpoint_decisions_repeat_with_the_seed(tmp_path: Path) -> None:
    async def statuses(data: Path, seed: int) -> list[int]:
        async with running(data, seed=seed) as h:
            await h.control.put(
                "/control/faults",
                json={"faults": [{"id": "flaky", "kind": "endpoint_error", "probability": 0.5}]},
            )
            return [(await h.create(f"S-{i % 20}")).status_code for i in range(60)]

    first = await statuses(tmp_path / "a", 11)
    assert await statuses(tmp_path / "b", 11) == first
    assert await statuses(tmp_path / "c", 12) != first
    assert set(first) == {200, 500}


def test_request_key_uses_the_trade_number() -> None:
    assert request_key("POST", "/v1/payments", b'{"out_trade_no":"A1"}') == "POST /v1/payments A1"
    assert request_key("POST", "/v1/payments", b"not json") == "POST /v1/payments"
    assert request_key("GET", "/v1/payments/A1", b"") == "GET /v1/payments/A1"


async def test_autopay_pays_created_payments(tmp_path: Path) -> None:
    async with running(tmp_path, seed=3) as h:
        r = await h.control.post(
            "/control/autopay",
            json={
                "enabled": True,
                "probability": 0.5,
                "distribution": "uniform",
                "min_ms": 10,
                "max_ms": 50,
            },
        )
        assert r.status_code == 200
        for i in range(40):
            await h.create(f"A-{i}")
        expected = {f"A-{i}" for i in range(40) if h.gateway.autopay.decide(f"A-{i}") is not None}
        assert 0 < len(expected) < 40
        await eventually(lambda: h.gateway.autopay.pending() == 0)
        await eventually(lambda: h.gateway.notifier.counters.acked == len(expected))
        paid = {
            p["out_trade_no"]
            for p in (await h.ledger())["payments"]
            if p["status"] == "TRADE_SUCCESS"
        }
        assert paid == expected
        sources = {e["source"] for e in (await h.ledger())["events"] if e["event"] == "paid"}
        assert sources == {"autopay"}


async def test_autopay_loses_to_an_earlier_close(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        await h.control.post("/control/autopay", json={"enabled": True, "delay_ms": 100})
        await h.create("Z")
        await h.merchant.post("/v1/payments/Z/close", headers=AUTH)
        await asyncio.sleep(0.2)
        assert (await h.ledger())["payments"][0]["status"] == "TRADE_CLOSED"


async def test_introspection_endpoints(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        await h.create_and_pay("I-1")
        await eventually(lambda: h.gateway.notifier.counters.acked == 1)
        assert (await h.control.get("/healthz")).json()["status"] == "ok"
        counters = (await h.control.get("/control/counters")).json()
        assert counters["notifications"] == {
            "sent": 1,
            "acked": 1,
            "failed_attempts": 0,
            "exhausted": 0,
        }
        notifier = (await h.control.get("/control/notifier")).json()
        assert notifier["queue_depth"] == 0 and notifier["oldest_pending_age_s"] == 0
        metrics = (await h.control.get("/metrics")).text
        assert 'gateway_notifications_total{result="acked"} 1.0' in metrics
        assert 'gateway_payment_events_total{event="paid"} 1.0' in metrics
        assert 'route="/cashier/{id}/pay"' in metrics


def test_metric_routes_are_bounded() -> None:
    assert route_of("/v1/payments/O-1/close") == "/v1/payments/{id}/close"
    assert route_of("/cashier/PD1/pay") == "/cashier/{id}/pay"
    assert route_of("/v1/payments") == "/v1/payments"
    assert route_of("/wp-admin/x") == route_of("/v1/payments/a/b/c") == "other"
