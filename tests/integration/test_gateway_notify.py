"""The real gateway served by uvicorn on 127.0.0.1: retry schedules, fault rates, determinism."""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.payment_gateway import signing
from fakes.payment_gateway.harness import Delivery, GatewayProcess, Receiver, gateway_env
from fakes.payment_gateway.profiles import get_profile

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]
MERCHANT, SECRET = "peakdrill-shop", "itest-secret"
AUTH = {"X-Merchant-Id": MERCHANT, "Authorization": f"Bearer {SECRET}"}
SHORT_RETRIES = ",".join(["0.05"] * 8)  # 9 sends, 50 ms apart: every trade settles quickly


def verifies(d: Delivery) -> bool:
    header = d.headers.get(signing.SIGNATURE_HEADER, "")
    return signing.verify(SECRET, header, d.body, now=time.time()) is None


def verifying_shop(d: Delivery, _: int) -> tuple[int, bytes]:
    """A shop that refuses notifications whose signature does not verify."""
    return (200, b"success") if verifies(d) else (400, b"fail")


async def create_and_pay(client: httpx.AsyncClient, out_trade_no: str, url: str) -> list[int]:
    """Create (retrying injected endpoint errors, bounded) then pay; the create statuses seen."""
    body = {
        "out_trade_no": out_trade_no,
        "amount_cents": 1000,
        "subject": "card",
        "notify_url": url,
    }
    statuses = []
    for _ in range(20):
        r = await client.post("/v1/payments", json=body, headers=AUTH)
        statuses.append(r.status_code)
        if r.status_code == 200:
            paid = await client.post(r.json()["cashier_path"])
            assert paid.status_code == 200, paid.text
            return statuses
    raise AssertionError(f"create {out_trade_no} kept failing: {statuses}")


def drive(
    gw: GatewayProcess, trades: list[str], url: str, concurrency: int = 1
) -> dict[str, list[int]]:
    """Create and pay every trade with `concurrency` in flight; create statuses per trade."""

    async def run() -> dict[str, list[int]]:
        limits = httpx.Limits(max_connections=concurrency)
        async with httpx.AsyncClient(base_url=gw.merchant_url, timeout=30, limits=limits) as c:
            sem = asyncio.Semaphore(concurrency)

            async def one(t: str) -> list[int]:
                async with sem:
                    return await create_and_pay(c, t, url)

            results = await asyncio.gather(*(one(t) for t in trades))
        return dict(zip(trades, results, strict=True))

    return asyncio.run(run())


def settle(gw: GatewayProcess, timeout_s: float = 60) -> dict[str, Any]:
    """Wait until no notification is pending; the notifier stats."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        stats = gw.control("GET", "/control/notifier")
        if stats["queue_depth"] == 0:
            return dict(stats)
        time.sleep(0.1)
    raise AssertionError(f"notifications still pending after {timeout_s}s: {stats}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver(verifying_shop) as rx:
        yield rx


@pytest.mark.parametrize(
    ("profile", "compression", "nacks"),
    [("alipay", 2400.0, 3), ("wechat_v3", 300.0, 4), ("stripe", 1200.0, 2)],
)
def test_retries_follow_the_profile_schedule_until_acknowledged(
    tmp_path: Path, profile: str, compression: float, nacks: int
) -> None:
    def reply(_: Delivery, index: int) -> tuple[int, bytes]:
        if index < nacks:
            return 500, b"fail"
        return (204, b"") if profile == "wechat_v3" else (200, b"success")

    env = gateway_env(MERCHANT, SECRET, profile=profile, time_compression=compression)
    with Receiver(reply) as rx, GatewayProcess(tmp_path, env) as gw:
        drive(gw, ["SCHED-1"], rx.url)
        stats = settle(gw)
        assert (stats["acked"], stats["failed_attempts"], stats["sent"]) == (1, nacks, nacks + 1)
        gaps = [b.t - a.t for a, b in itertools.pairwise(rx.deliveries)]
        intervals = [i / compression for i in get_profile(profile).retry_intervals_s[:nacks]]
        for got, want in zip(gaps, intervals, strict=True):
            # each retry waits its full interval; late only by scheduling noise on a busy machine
            assert want - 0.01 <= got <= want + 1.0, (gaps, intervals)
        events = [e for e in gw.control("GET", "/control/ledger")["events"]]
        attempts = [e["attempt"] for e in events if e["event"] == "notify_attempt"]
        assert attempts == list(range(1, nacks + 2))
        assert events[-1]["event"] == "notify_acked"


def within_4_sigma(fired: int, n: int, p: float) -> bool:
    return abs(fired - n * p) <= 4 * math.sqrt(n * p * (1 - p)) + 1


RATE_FAULTS = [
    {"id": "dup", "kind": "notify_duplicate", "probability": 0.2, "params": {"copies": 1}},
    {"id": "drop", "kind": "notify_drop", "probability": 0.15},
    {"id": "reorder", "kind": "notify_reorder", "probability": 0.2, "params": {"hold_ms": 80}},
    {"id": "badsig", "kind": "notify_bad_signature", "probability": 0.1},
]


def test_faults_fire_at_their_rates_and_are_logged(tmp_path: Path, receiver: Receiver) -> None:
    n = 300
    env = gateway_env(
        MERCHANT,
        SECRET,
        seed=2024,
        retry_schedule_s=SHORT_RETRIES,
        faults_json={"faults": RATE_FAULTS},
    )
    with GatewayProcess(tmp_path, env) as gw:
        trades = [f"RATE-{i}" for i in range(n)]
        drive(gw, trades, receiver.url, concurrency=16)
        stats = settle(gw)
        counters = gw.control("GET", "/control/counters")
        events = gw.control("GET", "/control/ledger")["events"]
    attempts = [e for e in events if e["event"] == "notify_attempt"]
    assert stats["acked"] == n and stats["exhausted"] == 0
    for f in RATE_FAULTS:
        c = counters[f["id"]]
        assert c["seen"] == len(attempts), f["id"]  # every send attempt was decided once
        assert within_4_sigma(c["fired"], c["seen"], f["probability"]), (f["id"], c)
        logged_in = "notify_held" if f["id"] == "reorder" else "notify_attempt"
        logged = sum(f["id"] in e["faults"] for e in events if e["event"] == logged_in)
        assert logged == c["fired"], f["id"]
    # what the shop received is exactly what the log says was sent
    sent = [a for a in attempts if "drop" not in a["faults"]]
    assert receiver.count() == sum(1 + a["copies"] for a in sent) == stats["sent"]
    forged = sum(1 + a["copies"] for a in sent if "forged" in a["tampered"])
    assert sum(not verifies(d) for d in receiver.deliveries) == forged > 0
    dup_bodies = Counter(d.body for d in receiver.deliveries)
    assert sum(c - 1 for c in dup_bodies.values()) >= sum(a["copies"] for a in sent) > 0
    # held notifications arrive after ones paid later: real reordering on the wire
    first_seen = list(dict.fromkeys(d.json()["out_trade_no"] for d in receiver.deliveries))
    assert first_seen != trades


def decisions(events: list[dict[str, Any]]) -> list[tuple[str, str, int, tuple[str, ...]]]:
    kinds = ("notify_attempt", "notify_held")
    return sorted(
        (e["out_trade_no"], e["event"], e["attempt"], tuple(e["faults"]))
        for e in events
        if e["event"] in kinds
    )


def test_one_seed_makes_the_same_decisions_whatever_the_interleaving(tmp_path: Path) -> None:
    faults = [
        *RATE_FAULTS,
        {
            "id": "busy",
            "kind": "endpoint_error",
            "probability": 0.3,
            "endpoint": "/v1/payments",
            "params": {"status": 503},
        },
    ]
    trades = [f"DET-{i}" for i in range(120)]
    runs = []
    for run, concurrency in (("a", 1), ("b", 24)):
        order = trades[:] if run == "a" else random.Random(9).sample(trades, len(trades))
        env = gateway_env(
            MERCHANT,
            SECRET,
            seed=77,
            retry_schedule_s=SHORT_RETRIES,
            faults_json={"faults": faults},
        )
        with Receiver(verifying_shop) as rx, GatewayProcess(tmp_path / run, env) as gw:
            statuses = drive(gw, order, rx.url, concurrency=concurrency)
            settle(gw)
            ledger = gw.control("GET", "/control/ledger")
        trade_nos = sorted(p["trade_no"] for p in ledger["payments"])
        runs.append((decisions(ledger["events"]), trade_nos, statuses))
    (dec_a, trades_a, statuses_a), (dec_b, trades_b, statuses_b) = runs
    assert dec_a == dec_b and len(dec_a) > len(trades)
    assert trades_a == trades_b
    assert statuses_a == statuses_b  # the same creates failed with 503, trade by trade
    assert any(503 in s for s in statuses_a.values())
