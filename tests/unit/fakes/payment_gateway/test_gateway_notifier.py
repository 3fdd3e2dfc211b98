"""Notifications in-process: signatures, retries on the compressed schedule, faults, backlog."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import httpx
import pytest
from conftest import SECRET, Receiver, eventually, running

from fakes.payment_gateway import signing
from fakes.payment_gateway.profiles import get_profile

pytestmark = pytest.mark.anyio


def nack_first(n: int, ack: httpx.Response) -> Receiver:
    """A receiver that fails the first n deliveries, then acknowledges."""
    receiver = Receiver()

    def reply(_: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="fail") if len(receiver.received) <= n else ack

    receiver.reply = reply
    return receiver


def verify(request: httpx.Request) -> str | None:
    header = request.headers[signing.SIGNATURE_HEADER]
    return signing.verify(SECRET, header, request.content, now=time.time())


async def test_notification_is_signed_and_acknowledged_once(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        trade_no = await h.create_and_pay("N-1", 990)
        await eventually(lambda: h.gateway.notifier.counters.acked == 1)
        ((_, request),) = h.receiver.received
        assert verify(request) is None
        body = h.receiver.bodies()[0]
        assert body["trade_no"] == trade_no and body["out_trade_no"] == "N-1"
        assert body["status"] == "TRADE_SUCCESS" and body["amount_cents"] == 990
        assert body["id"] == f"evt_{trade_no}_success" and body["paid_at"] > 0
        events = [e["event"] for e in (await h.ledger())["events"]]
        assert events == ["created", "paid", "notify_attempt", "notify_acked"]


@pytest.mark.parametrize("profile", ["alipay", "wechat_v3", "stripe"])
async def test_retries_follow_the_compressed_schedule(tmp_path: Path, profile: str) -> None:
    compression = {"alipay": 2400.0, "wechat_v3": 150.0, "stripe": 600.0}[profile]
    ack = httpx.Response(200, text="success")
    receiver = nack_first(3, ack)
    async with running(tmp_path, receiver, profile=profile, time_compression=compression) as h:
        await h.create_and_pay("N-2")
        await eventually(lambda: h.gateway.notifier.counters.acked == 1, timeout_s=15)
        times = [t for t, _ in receiver.received]
        assert len(times) == 4
        gaps = [b - a for a, b in itertools.pairwise(times)]
        intervals = [i / compression for i in get_profile(profile).retry_intervals_s[:3]]
        for got, want in zip(gaps, intervals, strict=True):
            # each retry waits its full interval; late only by scheduling noise on a busy machine
            assert want - 0.01 <= got <= want + 1.0, (gaps, intervals)
        stats = h.gateway.notifier.stats()
        assert (stats["failed_attempts"], stats["acked"], stats["queue_depth"]) == (3, 1, 0)


async def test_retries_run_out_and_are_marked_exhausted(tmp_path: Path) -> None:
    receiver = Receiver(reply=lambda _: httpx.Response(200, text="fail"))
    async with running(tmp_path, receiver, retry_schedule_s=(0.01, 0.02)) as h:
        await h.create_and_pay("N-3")
        await eventually(lambda: h.gateway.notifier.counters.exhausted == 1)
        assert len(receiver.received) == 3
        events = [e["event"] for e in (await h.ledger())["events"]]
        assert events[-1] == "notify_exhausted" and events.count("notify_attempt") == 3
        assert h.gateway.notifier.stats()["queue_depth"] == 0


async def test_unreachable_receiver_counts_as_not_acknowledged(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with running(tmp_path, Receiver(reply=refuse), retry_schedule_s=(0.01,)) as h:
        await h.create_and_pay("N-4")
        await eventually(lambda: h.gateway.notifier.counters.exhausted == 1)
        attempts = [e for e in (await h.ledger())["events"] if e["event"] == "notify_attempt"]
        assert [a["http_status"] for a in attempts] == [None, None]


async def test_backlog_grows_while_receiver_is_down_and_drains(tmp_path: Path) -> None:
    up = False

    def reply(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="success") if up else httpx.Response(503)

    async with running(tmp_path, Receiver(reply=reply), retry_schedule_s=(0.05,) * 50) as h:
        for i in range(200):
            await h.create_and_pay(f"B-{i}")
        await eventually(lambda: h.gateway.notifier.counters.failed_attempts >= 200)
        stats = h.gateway.notifier.stats()
        assert stats["queue_depth"] == 200 and stats["oldest_pending_age_s"] > 0
        up = True
        await eventually(lambda: h.gateway.notifier.stats()["queue_depth"] == 0)
        assert h.gateway.notifier.counters.acked == 200
        assert h.gateway.notifier.stats()["oldest_pending_age_s"] == 0


async def test_pending_notifications_resume_after_restart(tmp_path: Path) -> None:
    down = Receiver(reply=lambda _: httpx.Response(503))
    async with running(tmp_path, down, retry_schedule_s=(0.05,) * 5) as h:
        await h.create_and_pay("N-5")
        await eventually(lambda: len(down.received) >= 1)
    async with running(tmp_path, retry_schedule_s=(0.05,) * 5) as h2:
        await eventually(lambda: h2.gateway.notifier.counters.acked == 1)
        attempts = [e for e in (await h2.ledger())["events"] if e["event"] == "notify_attempt"]
        assert attempts[-1]["acked"] is True
        assert attempts[-1]["attempt"] == len(attempts)  # numbering continues after restart


async def put_faults(h: object, *faults: dict[str, object]) -> None:
    r = await h.control.put("/control/faults", json={"faults": list(faults)})  # type: ignore[attr-defined]
    assert r.status_code == 200, r.text


async def test_drop_then_retry(tmp_path: Path) -> None:
    async with running(tmp_path, retry_schedule_s=(0.02,) * 3) as h:
        await put_faults(h, {"id": "drop", "kind": "notify_drop", "probability": 1})
        await h.create_and_pay("F-1")
        await eventually(lambda: h.gateway.notifier.counters.exhausted == 1)
        assert h.receiver.received == []  # every send was dropped
        assert (await h.control.get("/control/counters")).json()["drop"] == {"seen": 4, "fired": 4}


async def test_duplicates_arrive_together(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        await put_faults(h, {"id": "dup", "kind": "notify_duplicate", "params": {"copies": 2}})
        await h.create_and_pay("F-2")
        await eventually(lambda: h.gateway.notifier.counters.acked == 1)
        bodies = [r.content for _, r in h.receiver.received]
        assert len(bodies) == 3 and len(set(bodies)) == 1
        assert all(verify(r) is None for _, r in h.receiver.received)


@pytest.mark.parametrize(("mode", "reason"), [("forged", "mismatch"), ("stale", "stale")])
async def test_bad_signatures(tmp_path: Path, mode: str, reason: str) -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        # a shop that verifies: the tampered send is refused, the retry is accepted
        return httpx.Response(200, text="success" if verify(request) is None else "fail")

    async with running(tmp_path, Receiver(reply=reply), retry_schedule_s=(0.02,)) as h:
        fault = {"id": "sig", "kind": "notify_bad_signature", "params": {"mode": mode}}
        await put_faults(h, fault)
        await h.create_and_pay("F-3")
        await eventually(lambda: len(h.receiver.received) == 1)
        await h.control.post("/control/faults/reset")
        await eventually(lambda: h.gateway.notifier.counters.acked == 1)
        first, second = (r for _, r in h.receiver.received)
        assert verify(first) == reason and verify(second) is None


async def test_wrong_amount_is_validly_signed(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        await put_faults(
            h, {"id": "amt", "kind": "notify_wrong_amount", "params": {"delta_cents": -100}}
        )
        await h.create_and_pay("F-4", 1000)
        await eventually(lambda: h.gateway.notifier.counters.acked == 1)
        ((_, request),) = h.receiver.received
        assert verify(request) is None and h.receiver.bodies()[0]["amount_cents"] == 900


async def test_delay_and_reorder_hold_the_send(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        await put_faults(
            h,
            {
                "id": "slow",
                "kind": "notify_delay",
                "endpoint": None,
                "params": {"distribution": "fixed", "delay_ms": 300},
            },
        )
        start = time.monotonic()
        await h.create_and_pay("F-5")
        await eventually(lambda: h.gateway.notifier.counters.acked == 1)
        assert h.receiver.received[0][0] - start >= 0.3
        await put_faults(
            h,
            {"id": "hold", "kind": "notify_reorder", "probability": 1, "params": {"hold_ms": 300}},
        )
        await h.create_and_pay("F-6")  # held back ...
        await eventually(lambda: h.gateway.engine.counters["hold"].fired == 1)
        await put_faults(h)
        await h.create_and_pay("F-7")  # ... so this one overtakes it
        await eventually(lambda: h.gateway.notifier.counters.acked == 3)
        order = [b["out_trade_no"] for b in h.receiver.bodies()]
        assert order == ["F-5", "F-7", "F-6"]
        held = [e for e in (await h.ledger())["events"] if e["event"] == "notify_held"]
        assert [(e["out_trade_no"], e["faults"]) for e in held] == [
            ("F-5", ["slow"]),
            ("F-6", ["hold"]),
        ]


async def test_replay_resends_an_old_notification_verbatim(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        await h.create_and_pay("F-8")
        await eventually(lambda: h.gateway.notifier.counters.acked == 1)
        await put_faults(h, {"id": "rep", "kind": "notify_replay"})
        await h.create_and_pay("F-9")
        await eventually(lambda: len(h.receiver.received) == 3)
        first, _, replayed = (r for _, r in h.receiver.received)
        assert replayed.content == first.content
        assert replayed.headers[signing.SIGNATURE_HEADER] == first.headers[signing.SIGNATURE_HEADER]
        events = [e for e in (await h.ledger())["events"] if e["event"] == "notify_replayed"]
        assert [(e["out_trade_no"], e["replayed_out_trade_no"]) for e in events] == [("F-9", "F-8")]
