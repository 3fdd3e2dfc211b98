"""Expiry on its own stack with a 4 s order TTL: unpaid orders close and give their keys back;
a close that finds the trade paid delivers instead."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import running_stack
from shop_helpers import Buyer, dump, gateway_fault, seed

from stack.config import load_stack_config
from stack.endpoints import StackEndpoints

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
CONFIG = Path(__file__).parent / "configs" / "shop_short_ttl.yaml"
SETTLE_S = 30  # TTL 4 s + expiry every 1 s, with slack for a busy machine


@pytest.fixture(scope="module")
def short_ttl() -> Iterator[StackEndpoints]:
    """Own stack (always downed)."""
    with running_stack(load_stack_config(CONFIG), "shop") as ep:
        seed(ep, products=1, keys_per_product=5, hot_stock=0, users=3, resellers=0, seed=3)
        yield ep


def stock(ep: StackEndpoints, product_id: int) -> int:
    return int(httpx.get(f"{ep.edge_url}/api/products/{product_id}", timeout=30).json()["stock"])


def test_expired_unpaid_order_releases_its_keys(short_ttl: StackEndpoints) -> None:
    product_id = httpx.get(f"{short_ttl.edge_url}/api/products", timeout=30).json()[0]["id"]
    before = stock(short_ttl, product_id)
    buyer = Buyer(short_ttl, 0)
    order = buyer.order(product_id, quantity=2).json()
    assert stock(short_ttl, product_id) == before - 2
    closed = buyer.wait_status(order["order_no"], "CLOSED", SETTLE_S)
    assert closed["keys"] == []
    assert stock(short_ttl, product_id) == before
    snap = dump(short_ttl)
    assert not [k for k in snap["keys"] if k["order_no"] == order["order_no"]]  # no key still held
    late = httpx.post(short_ttl.gateway_cashier_url + order["cashier_path"], timeout=30)
    assert late.status_code == 409  # closed at the gateway too: the buyer cannot pay any more


def test_close_that_finds_the_trade_paid_delivers(short_ttl: StackEndpoints) -> None:
    product_id = httpx.get(f"{short_ttl.edge_url}/api/products", timeout=30).json()[0]["id"]
    buyer = Buyer(short_ttl, 1)
    order = buyer.order(product_id, quantity=1).json()
    with gateway_fault(short_ttl, "notify_drop"):  # the shop never hears of the payment
        buyer.pay(order)
        done = buyer.wait_status(order["order_no"], "DELIVERED", SETTLE_S)
    assert len(done["keys"]) == 1
    notes = dump(short_ttl)["notifications"]
    accepted = [
        n for n in notes if n["out_trade_no"] == order["order_no"] and n["outcome"] == "accepted"
    ]
    assert (
        accepted == []
    )  # delivered by the expiry job's TRADE_HAS_SUCCESS path, not a notification
