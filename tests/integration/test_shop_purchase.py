"""The card shop against the real stack: purchase, duplicates, oversell, forged notifications,
ownership, Redis outage, reconciliation (shared baseline stack)."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from shop_helpers import (
    Buyer,
    autopay,
    dump,
    gateway_fault,
    ledger_payment,
    notification,
    proxy_black_hole,
    proxy_down,
    seed,
    shop_env,
    wait_until,
)

from stack.endpoints import StackEndpoints
from stack.shop.cache import BREAKER_S

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
DELIVERY_S = 30  # a paid order's keys appear well within this on an idle stack
BUYERS = 40


@pytest.fixture(scope="module")
def shop(baseline_stack: StackEndpoints) -> Iterator[StackEndpoints]:
    """The baseline stack with buyers seeded (additive: other tests may seed too)."""
    seed(
        baseline_stack,
        products=1,
        keys_per_product=50,
        hot_stock=0,
        users=BUYERS,
        resellers=2,
        seed=11,
    )
    yield baseline_stack


def new_product(ep: StackEndpoints, stock: int) -> dict[str, Any]:
    """A fresh product with exactly `stock` keys."""
    out = seed(
        ep, products=1, keys_per_product=stock, hot_stock=0, users=0, resellers=0, seed=stock
    )
    return dict(out["products"][0])


def order_in(snapshot: dict[str, Any], order_no: str) -> dict[str, Any]:
    return next(o for o in snapshot["orders"] if o["order_no"] == order_no)


def test_full_purchase_delivers_the_right_key(shop: StackEndpoints) -> None:
    product = new_product(shop, 10)
    buyer = Buyer(shop, 0)
    resp = buyer.order(product["id"], quantity=2)
    assert resp.status_code == 201, resp.text
    order = resp.json()
    assert (
        order["status"] == "AWAITING_PAYMENT"
        and order["amount_cents"] == 2 * product["price_cents"]
    )
    assert buyer.get(order["order_no"]).json()["keys"] == []  # no keys before payment
    buyer.pay(order)
    done = buyer.wait_status(order["order_no"], "DELIVERED", DELIVERY_S)
    codes = {k["id"]: k["code"] for k in done["keys"]}
    assert len(codes) == 2
    snap = dump(shop)
    assert sorted(order_in(snap, order["order_no"])["delivered_key_ids"]) == sorted(codes)
    keys = {k["id"]: k for k in snap["keys"]}
    for key_id, code in codes.items():
        assert keys[key_id]["status"] == "SOLD" and keys[key_id]["order_no"] == order["order_no"]
        assert keys[key_id]["product_id"] == product["id"]
        assert keys[key_id]["secret_sha256"] == hashlib.sha256(code.encode()).hexdigest()
    stock = httpx.get(f"{shop.edge_url}/api/products/{product['id']}").json()["stock"]
    assert stock == 8


def test_idempotency_key_replays_the_first_order(shop: StackEndpoints) -> None:
    product = new_product(shop, 5)
    buyer = Buyer(shop, 1)
    first = buyer.order(product["id"], 1, key="same-key")
    again = buyer.order(product["id"], 1, key="same-key")
    assert first.status_code == again.status_code == 201
    assert first.json()["order_no"] == again.json()["order_no"]
    assert buyer.order(product["id"], 2, key="same-key").json()["code"] == "IDEMPOTENCY_MISMATCH"


def test_twenty_concurrent_duplicate_notifications_deliver_once(shop: StackEndpoints) -> None:
    product = new_product(shop, 10)
    buyer = Buyer(shop, 2)
    order = buyer.order(product["id"], quantity=2).json()
    body, headers = notification(order, shop_env(shop, "SHOP_MERCHANT_SECRET"))
    with gateway_fault(shop, "notify_drop"):  # only our 20 copies reach the shop
        buyer.pay(order)
        with ThreadPoolExecutor(20) as pool:
            answers = list(
                pool.map(
                    lambda _: httpx.post(
                        f"{shop.edge_url}/api/pay/notify", content=body, headers=headers, timeout=30
                    ),
                    range(20),
                )
            )
        assert [(a.status_code, a.text) for a in answers] == [
            (200, "success")
        ] * 20  # all acknowledged
        done = buyer.wait_status(order["order_no"], "DELIVERED", DELIVERY_S)
    assert len({k["id"] for k in done["keys"]}) == len(done["keys"]) == 2
    snap = dump(shop)
    assert len(order_in(snap, order["order_no"])["delivered_key_ids"]) == 2
    mine = [
        n
        for n in snap["notifications"]
        if n["out_trade_no"] == order["order_no"] and n["event_id"] == json_id(body)
    ]
    assert [n["outcome"] for n in mine].count("accepted") == 1 and len(mine) == 20


def json_id(body: bytes) -> str:
    return str(json.loads(body)["id"])


def test_concurrent_buyers_of_the_last_keys_never_oversell(shop: StackEndpoints) -> None:
    last = 3
    product = new_product(shop, last)
    buyers = [Buyer(shop, i) for i in range(3, 3 + 12)]
    with ThreadPoolExecutor(len(buyers)) as pool:
        answers = list(pool.map(lambda b: b.order(product["id"], 1), buyers))
    won = [(b, a.json()) for b, a in zip(buyers, answers, strict=True) if a.status_code == 201]
    assert all(a.status_code in (201, 409) for a in answers), [a.text for a in answers]
    assert all(a.json()["code"] == "OUT_OF_STOCK" for a in answers if a.status_code == 409)
    assert 1 <= len(won) <= last
    for buyer, order in won:
        buyer.pay(order)
    delivered = [b.wait_status(o["order_no"], "DELIVERED", DELIVERY_S) for b, o in won]
    key_ids = [k["id"] for d in delivered for k in d["keys"]]
    assert len(key_ids) == len(set(key_ids)) == len(won)
    assert httpx.get(f"{shop.edge_url}/api/products/{product['id']}").json()["stock"] == last - len(
        won
    )


def test_forged_stale_wrong_amount_and_replayed_notifications_change_nothing(
    shop: StackEndpoints,
) -> None:
    product = new_product(shop, 5)
    buyer = Buyer(shop, 20)
    order = buyer.order(product["id"], 1).json()
    secret = shop_env(shop, "SHOP_MERCHANT_SECRET")
    url = f"{shop.edge_url}/api/pay/notify"
    forged = notification(order, "not-the-merchant-secret-xx")
    stale = notification(order, secret, t=int(time.time()) - 600)
    wrong_amount = notification(order, secret, amount_cents=1)
    assert httpx.post(url, content=forged[0], headers=forged[1]).status_code == 400
    assert httpx.post(url, content=stale[0], headers=stale[1]).status_code == 400
    assert httpx.post(url, content=wrong_amount[0], headers=wrong_amount[1]).text == "success"
    unpaid = buyer.get(order["order_no"]).json()
    assert (unpaid["status"], unpaid["keys"]) == ("AWAITING_PAYMENT", [])
    buyer.pay(order)  # the real notification delivers
    delivered = buyer.wait_status(order["order_no"], "DELIVERED", DELIVERY_S)
    valid = notification(order, secret)
    assert httpx.post(url, content=valid[0], headers=valid[1]).text == "success"  # duplicate
    assert httpx.post(url, content=valid[0], headers=valid[1]).text == "success"  # byte replay
    assert buyer.get(order["order_no"]).json()["keys"] == delivered["keys"]
    snap = dump(shop)
    log = {n["reason"]: n for n in snap["notifications"] if n["out_trade_no"] == order["order_no"]}
    assert {"bad_signature", "stale", "amount_mismatch", "replayed"} <= set(log)
    assert all(
        log[r]["outcome"] == "rejected"
        for r in ("bad_signature", "stale", "amount_mismatch", "replayed")
    )
    assert order_in(snap, order["order_no"])["delivered_key_ids"] == [
        k["id"] for k in delivered["keys"]
    ]


def test_another_users_order_is_404(shop: StackEndpoints) -> None:
    product = new_product(shop, 2)
    owner, other = Buyer(shop, 21), Buyer(shop, 22)
    order = owner.order(product["id"], 1).json()
    assert owner.get(order["order_no"]).status_code == 200
    assert other.get(order["order_no"]).status_code == 404
    assert httpx.get(f"{shop.edge_url}/api/orders/{order['order_no']}").status_code == 401
    assert order["order_no"] not in {o["order_no"] for o in other.http.get("/api/orders").json()}
    assert order["order_no"] in {o["order_no"] for o in owner.http.get("/api/orders").json()}


def test_reseller_bulk_order_and_isolation(shop: StackEndpoints) -> None:
    product = new_product(shop, 10)
    r0 = httpx.Client(base_url=shop.edge_url, headers={"X-Api-Key": "reseller-key-0"}, timeout=30)
    r1 = httpx.Client(base_url=shop.edge_url, headers={"X-Api-Key": "reseller-key-1"}, timeout=30)
    assert (
        httpx.post(
            f"{shop.edge_url}/api/reseller/orders", json={}, headers={"X-Api-Key": "nope"}
        ).status_code
        == 401
    )
    assert (
        r0.post(
            "/api/reseller/orders",
            json={"product_id": product["id"], "quantity": 101, "idempotency_key": "a"},
        ).status_code
        == 422
    )
    order = r0.post(
        "/api/reseller/orders",
        json={"product_id": product["id"], "quantity": 5, "idempotency_key": "bulk-1"},
    ).json()
    httpx.post(shop.gateway_cashier_url + order["cashier_path"], timeout=30)
    done = wait_until(
        lambda: (
            (d := r0.get(f"/api/reseller/orders/{order['order_no']}").json())["status"]
            == "DELIVERED"
            and d
        ),
        DELIVERY_S,
    )
    assert len({k["id"] for k in done["keys"]}) == 5
    assert r1.get(f"/api/reseller/orders/{order['order_no']}").status_code == 404


def test_redis_down_catalog_still_served_login_fails_clearly(shop: StackEndpoints) -> None:
    with proxy_down(shop, "redis"):
        catalog = httpx.get(f"{shop.edge_url}/api/products", timeout=30)
        assert (
            catalog.status_code == 200 and len(catalog.json()) >= 1 and "stock" in catalog.json()[0]
        )
        login = httpx.post(
            f"{shop.edge_url}/api/auth/login",
            json={"email": "buyer0@peakdrill.test", "password": "peakdrill-0"},
            timeout=30,
        )
        assert (login.status_code, login.json()) == (503, {"code": "SESSION_STORE_DOWN"})
        assert httpx.get(f"{shop.edge_url}/readyz", timeout=30).json()["redis"] is False
    # recovery: each API process skips Redis for 1 s after its last failure, then uses it again.
    # One good login proves only the process that served it; a run of them, spread over more
    # than the breaker's second, proves every process recovered (later tests log in at once).
    wait_until(lambda: _logins_ok(shop, 8), 20)


BURST = 24  # concurrent requests: enough to open several Redis connections in each API process


def _session_burst(ep: StackEndpoints, token: str) -> list[int]:
    """Statuses of BURST concurrent authenticated reads (each looks its session up in Redis)."""
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{ep.edge_url}/api/orders/NO-SUCH-ORDER"
    with ThreadPoolExecutor(BURST) as pool:
        return list(
            pool.map(
                lambda _: httpx.get(url, headers=headers, timeout=30).status_code, range(BURST)
            )
        )


def test_redis_black_hole_healed_shop_recovers_within_seconds(shop: StackEndpoints) -> None:
    product = new_product(shop, 3)
    buyer = Buyer(shop, 27)
    token = str(buyer.http.headers["Authorization"]).removeprefix("Bearer ")
    # fill every API process's Redis pool: these connections will be idle when the fault heals
    assert _session_burst(shop, token) == [404] * BURST
    with proxy_black_hole(shop, "redis"):
        started = time.monotonic()
        stuck = httpx.post(
            f"{shop.edge_url}/api/auth/login",
            json={"email": "buyer28@peakdrill.test", "password": "peakdrill-28"},
            timeout=30,
        )
        assert (stuck.status_code, stuck.json()) == (503, {"code": "SESSION_STORE_DOWN"})
        assert time.monotonic() - started < 5  # Redis timeout + breaker, not a hang
    # healing closed every pooled connection (Toxiproxy closes them when the toxic goes). Once
    # the breaker tripped during the outage has lapsed, the shop must work at the first try: a
    # dead pooled connection must be replaced, not fail a request (and trip the breaker again)
    time.sleep(BREAKER_S + 0.5)
    late = Buyer(shop, 28)
    order = late.order(product["id"], 1)
    assert order.status_code == 201, order.text
    for _ in range(3):  # no dead connection left to hit, however deep the bursts reach
        assert _session_burst(shop, token) == [404] * BURST
    assert httpx.get(f"{shop.edge_url}/readyz", timeout=30).json() == {
        "database": True,
        "redis": True,
    }


def _login_status(ep: StackEndpoints) -> int:
    body = {"email": "buyer0@peakdrill.test", "password": "peakdrill-0"}
    return httpx.post(f"{ep.edge_url}/api/auth/login", json=body, timeout=30).status_code


def _logins_ok(ep: StackEndpoints, times: int) -> bool:
    """`times` logins in a row, 0.2 s apart, all succeed."""
    for _ in range(times):
        if _login_status(ep) != 200:
            return False
        time.sleep(0.2)
    return True


def test_database_down_cached_catalog_served_writes_fail_fast(shop: StackEndpoints) -> None:
    product = new_product(shop, 3)
    buyer = Buyer(shop, 24)
    url = f"{shop.edge_url}/api/products"
    assert httpx.get(url, timeout=30).status_code == 200  # warm the catalog cache
    with proxy_down(shop, "postgres"):
        started = time.monotonic()
        catalog = httpx.get(url, timeout=30)
        assert catalog.status_code == 200 and product["id"] in {p["id"] for p in catalog.json()}
        failed = buyer.order(product["id"], 1)
        assert (failed.status_code, failed.json()["code"]) == (503, "DB_UNAVAILABLE")
        assert time.monotonic() - started < 15  # answers, not hangs
        assert httpx.get(f"{shop.edge_url}/readyz", timeout=30).json()["database"] is False
    # recovery: dead pooled connections are replaced as they fail
    wait_until(lambda: buyer.order(product["id"], 1).status_code == 201, 30)


def test_dropped_notification_healed_by_reconciliation(shop: StackEndpoints) -> None:
    product = new_product(shop, 3)
    buyer = Buyer(shop, 23)
    order = buyer.order(product["id"], 1).json()
    # reconcile_after_s 10 + reconcile_interval_s 5 in baseline.yaml, plus slack for a busy box
    with gateway_fault(shop, "notify_drop"):
        buyer.pay(order)
        done = buyer.wait_status(order["order_no"], "DELIVERED", 45)
    assert len(done["keys"]) == 1
    snap = dump(shop)
    accepted = [
        n
        for n in snap["notifications"]
        if n["out_trade_no"] == order["order_no"] and n["outcome"] == "accepted"
    ]
    assert accepted == []  # no notification got through: reconciliation delivered it


def test_late_capture_of_a_closed_order_without_stock_is_refunded(shop: StackEndpoints) -> None:
    product = new_product(shop, 1)
    first, second = Buyer(shop, 25), Buyer(shop, 26)
    slow_create = {"endpoint": "/v1/payments", "distribution": "fixed", "delay_ms": 4500}
    with autopay(shop), gateway_fault(shop, "notify_drop"):
        # the gateway answers after the shop's 3 s timeout: the shop closes the order and frees
        # the key, but the gateway still creates the trade and (autopay) captures it
        with gateway_fault(shop, "endpoint_latency", **slow_create):
            late = first.order(product["id"], 1)
            assert late.status_code == 502 and late.json()["code"] == "GATEWAY_ERROR"
            order_no = late.json()["order_no"]
            wait_until(
                lambda: (ledger_payment(shop, order_no) or {}).get("status") == "TRADE_SUCCESS", 30
            )
        assert second.order(product["id"], 1).status_code == 201  # takes the freed key
    # the captured money finds no stock: refunded (found by a notification retry or by
    # reconciliation of the unconfirmed close, whichever comes first)
    refunded = first.wait_status(order_no, "REFUNDED", 60)
    assert refunded["keys"] == []
    pay = ledger_payment(shop, order_no) or {}
    assert pay["refunded_cents"] == pay["amount_cents"] == refunded["amount_cents"]
