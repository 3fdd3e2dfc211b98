"""Merchant and cashier API in-process: idempotency, close-versus-pay, refunds, ledger."""

from __future__ import annotations

import asyncio
import random
import threading
from pathlib import Path

import pytest
from conftest import AUTH, MERCHANT, NOTIFY_URL, running

from fakes.payment_gateway.ledger import CLOSED, SUCCESS, Ledger, Payment

pytestmark = pytest.mark.anyio


async def test_create_is_idempotent_on_trade_number(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        first = await h.create("O-1", 1500)
        again = await h.create("O-1", 1500)
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json()
        assert first.json()["status"] == "WAIT_BUYER_PAY"
        assert first.json()["cashier_path"] == f"/cashier/{first.json()['trade_no']}/pay"
        mismatch = await h.create("O-1", 1600)
        assert (mismatch.status_code, mismatch.json()) == (409, {"code": "PARAMS_MISMATCH"})
        other_subject = await h.create("O-1", 1500, subject="other")
        assert other_subject.status_code == 409
        ledger = await h.ledger()
        assert len(ledger["payments"]) == 1
        assert [e["event"] for e in ledger["events"]] == ["created"]


async def test_replaying_a_create_after_payment_returns_the_paid_payment(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        trade_no = await h.create_and_pay("O-2")
        again = await h.create("O-2")
        assert again.json()["trade_no"] == trade_no
        assert again.json()["status"] == "TRADE_SUCCESS"


async def test_authentication_is_required(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        body = {"out_trade_no": "x", "amount_cents": 1, "subject": "s", "notify_url": NOTIFY_URL}
        wrong = {"X-Merchant-Id": MERCHANT, "Authorization": "Bearer nope"}
        for headers in ({}, wrong, {"X-Merchant-Id": "ghost", "Authorization": "Bearer nope"}):
            r = await h.merchant.post("/v1/payments", json=body, headers=headers)
            assert (r.status_code, r.json()) == (401, {"code": "INVALID_MERCHANT"})


async def test_query_and_unknown_trades(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        trade_no = await h.create_and_pay("O-3", 700)
        q = (await h.merchant.get("/v1/payments/O-3", headers=AUTH)).json()
        assert q["trade_no"] == trade_no and q["status"] == "TRADE_SUCCESS"
        assert q["amount_cents"] == 700 and q["refunded_cents"] == 0 and q["paid_at"] > 0
        missing = await h.merchant.get("/v1/payments/nope", headers=AUTH)
        assert (missing.status_code, missing.json()) == (404, {"code": "TRADE_NOT_EXIST"})
        pay_missing = await h.merchant.post("/cashier/PDNOPE/pay")
        assert pay_missing.status_code == 404


async def test_close_then_pay_and_pay_then_close(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        a = (await h.create("A")).json()
        assert (await h.merchant.post("/v1/payments/A/close", headers=AUTH)).json() == {
            "status": "TRADE_CLOSED"
        }
        again = await h.merchant.post("/v1/payments/A/close", headers=AUTH)
        assert again.status_code == 200  # closing twice is harmless
        late = await h.merchant.post(a["cashier_path"])
        assert (late.status_code, late.json()) == (409, {"code": "TRADE_CLOSED"})

        await h.create_and_pay("B")
        paid_twice = await h.merchant.post((await h.create("B")).json()["cashier_path"])
        assert paid_twice.json() == {"status": "TRADE_SUCCESS"}  # idempotent pay
        close = await h.merchant.post("/v1/payments/B/close", headers=AUTH)
        assert (close.status_code, close.json()) == (409, {"code": "TRADE_HAS_SUCCESS"})


async def test_close_racing_pay_has_exactly_one_winner(tmp_path: Path) -> None:
    rng = random.Random(5)
    async with running(tmp_path) as h:
        created = [(await h.create(f"R-{i}")).json() for i in range(150)]

        async def race(p: dict[str, str]) -> tuple[int, int]:
            pay = h.merchant.post(p["cashier_path"])
            close = h.merchant.post(f"/v1/payments/{p['out_trade_no']}/close", headers=AUTH)
            pair = [pay, close] if rng.random() < 0.5 else [close, pay]
            results = await asyncio.gather(*pair)
            r_pay, r_close = results if pair[0] is pay else results[::-1]
            return r_pay.status_code, r_close.status_code

        outcomes = await asyncio.gather(*(race(p) for p in created))
        ledger = {p["out_trade_no"]: p for p in (await h.ledger())["payments"]}
        for p, (pay_status, close_status) in zip(created, outcomes, strict=True):
            final = ledger[p["out_trade_no"]]["status"]
            if pay_status == 200:
                assert close_status == 409 and final == SUCCESS
            else:
                assert (pay_status, close_status, final) == (409, 200, CLOSED)
        winners = {status for status, _ in outcomes}
        assert winners == {200, 409}  # both orders really happened


def test_ledger_transition_is_atomic_across_threads(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite3")
    wins: list[str] = []
    for i in range(100):
        p = Payment(f"T{i}", "m", f"O{i}", 100, "s", NOTIFY_URL, "WAIT_BUYER_PAY", 1.0)
        assert ledger.insert(p)
        barrier = threading.Barrier(2)

        def attempt(to: str, p: Payment = p, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            if ledger.transition(p, to, 2.0):
                wins.append(to)

        threads = [threading.Thread(target=attempt, args=(s,)) for s in (SUCCESS, CLOSED)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
    assert len(wins) == 100  # exactly one winner per payment
    exported = ledger.export()
    assert sum(e["event"] in ("paid", "closed") for e in exported["events"]) == 100
    ledger.close()


async def test_refunds(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        unpaid = (await h.create("U")).json()
        r = await h.merchant.post(
            "/v1/payments/U/refund", json={"out_refund_no": "r0", "amount_cents": 1}, headers=AUTH
        )
        assert (r.status_code, r.json()) == (409, {"code": "TRADE_STATUS_ERROR"})
        assert unpaid["status"] == "WAIT_BUYER_PAY"
        await h.create_and_pay("P", 1000)

        async def refund(no: str, cents: int) -> tuple[int, dict[str, object]]:
            r = await h.merchant.post(
                "/v1/payments/P/refund",
                json={"out_refund_no": no, "amount_cents": cents},
                headers=AUTH,
            )
            return r.status_code, r.json()

        assert await refund("r1", 400) == (200, {"refunded_cents": 400})
        assert await refund("r1", 400) == (200, {"refunded_cents": 400})  # idempotent
        assert await refund("r1", 300) == (409, {"code": "PARAMS_MISMATCH"})
        assert await refund("r2", 700) == (409, {"code": "REFUND_AMOUNT_EXCEEDED"})
        assert await refund("r2", 600) == (200, {"refunded_cents": 1000})
        payment = (await h.ledger())["payments"][-1]
        assert payment["refunded_cents"] == 1000
        assert [r["out_refund_no"] for r in payment["refunds"]] == ["r1", "r2"]


async def test_ledger_export_shape(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        await h.create_and_pay("S")
        await h.create("C")
        await h.merchant.post("/v1/payments/C/close", headers=AUTH)
        ledger = await h.ledger()
        keys = {
            "trade_no",
            "out_trade_no",
            "merchant_id",
            "amount_cents",
            "status",
            "created_at",
            "paid_at",
            "closed_at",
            "refunded_cents",
            "refunds",
        }
        assert all(set(p) == keys for p in ledger["payments"])
        events = [(e["out_trade_no"], e["event"]) for e in ledger["events"]]
        assert events[:4] == [("S", "created"), ("S", "paid"), ("C", "created"), ("C", "closed")]
        assert all({"t", "trade_no", "out_trade_no", "event"} <= set(e) for e in ledger["events"])


async def test_ledger_survives_a_restart(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        trade_no = await h.create_and_pay("K")
        before = await h.ledger()
    async with running(tmp_path) as h2:
        after = await h2.ledger()
        assert after["payments"] == before["payments"]
        q = (await h2.merchant.get("/v1/payments/K", headers=AUTH)).json()
        assert q["trade_no"] == trade_no and q["status"] == "TRADE_SUCCESS"
