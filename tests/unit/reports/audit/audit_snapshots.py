"""A small, consistent audit snapshot that tests break one invariant at a time."""

from __future__ import annotations

import copy
from typing import Any

NOW = 1_800_000_000.0
SETTINGS = {
    "merchant_id": "peakdrill-shop",
    "order_ttl_s": 120.0,
    "expiry_interval_s": 5.0,
    "reconcile_after_s": 10.0,
    "reconcile_interval_s": 5.0,
    "cache_enabled": True,
    "integrity_guards": True,
}


def _order(
    no: str, status: str, qty: int, amount: int, trade: str | None, keys: list[int], paid: bool
) -> dict[str, Any]:
    return {
        "order_no": no,
        "status": status,
        "owner": "user:1",
        "product_id": 1 if no != "E" else 2,
        "quantity": qty,
        "amount_cents": amount,
        "paid_cents": amount if paid else None,
        "trade_no": trade,
        "created_at": NOW - (10 if status == "AWAITING_PAYMENT" else 300),
        "paid_at": NOW - 290 if paid else None,
        "delivered_at": NOW - 290 if status == "DELIVERED" else None,
        "closed_at": NOW - 100 if status == "CLOSED" else None,
        "delivered_key_ids": keys,
    }


def _key(kid: int, pid: int, status: str, order_no: str | None) -> dict[str, Any]:
    return {
        "id": kid,
        "product_id": pid,
        "status": status,
        "order_no": order_no,
        "secret_sha256": f"h{kid}",
    }


def _pay(order_no: str, trade: str, amount: int, status: str, refunded: int = 0) -> dict[str, Any]:
    return {
        "trade_no": trade,
        "out_trade_no": order_no,
        "merchant_id": "peakdrill-shop",
        "amount_cents": amount,
        "status": status,
        "created_at": NOW - 300,
        "paid_at": NOW - 295 if status == "TRADE_SUCCESS" else None,
        "closed_at": None,
        "refunded_cents": refunded,
        "refunds": [],
    }


def good() -> dict[str, Any]:
    """A: delivered; B: closed; C: refunded (stock gone); D: open, young; E: delivered."""
    orders = [
        _order("A", "DELIVERED", 2, 1000, "TA", [1, 2], True),
        _order("B", "CLOSED", 1, 500, "TB", [], False),
        _order("C", "REFUNDED", 1, 300, "TC", [], True),
        _order("D", "AWAITING_PAYMENT", 1, 500, "TD", [], False),
        _order("E", "DELIVERED", 1, 500, "TE", [6], True),
    ]
    keys = [
        _key(1, 1, "SOLD", "A"),
        _key(2, 1, "SOLD", "A"),
        _key(3, 1, "RESERVED", "D"),
        _key(4, 1, "AVAILABLE", None),
        _key(5, 1, "AVAILABLE", None),
        _key(6, 2, "SOLD", "E"),
        _key(7, 2, "AVAILABLE", None),
        _key(8, 2, "AVAILABLE", None),
    ]
    notifications = [
        {
            "event_id": "eA",
            "trade_no": "TA",
            "out_trade_no": "A",
            "amount_cents": 1000,
            "outcome": "accepted",
            "reason": "",
            "before": "AWAITING_PAYMENT",
            "after": "DELIVERED",
        },
        {
            "event_id": "eA",
            "trade_no": "TA",
            "out_trade_no": "A",
            "amount_cents": 1000,
            "outcome": "duplicate",
            "reason": "",
            "before": "DELIVERED",
            "after": "DELIVERED",
        },
        {
            "event_id": "eX",
            "trade_no": "TA",
            "out_trade_no": "A",
            "amount_cents": 1000,
            "outcome": "rejected",
            "reason": "bad_signature",
            "before": None,
            "after": None,
        },
    ]
    shop = {
        "taken_at": NOW,
        "orders": orders,
        "keys": keys,
        "imported": {"1": 5, "2": 3},
        "notifications": notifications,
        "refunds": [
            {"order_no": "C", "out_refund_no": "RFC", "amount_cents": 300, "refunded_at": NOW - 200}
        ],
        "cached_stock": {"1": 2, "2": 2},
        "cache_error": None,
        "settings": dict(SETTINGS),
    }
    payments = [
        _pay("A", "TA", 1000, "TRADE_SUCCESS"),
        _pay("B", "TB", 500, "TRADE_CLOSED"),
        _pay("C", "TC", 300, "TRADE_SUCCESS", refunded=300),
        _pay("D", "TD", 500, "WAIT_BUYER_PAY"),
        _pay("E", "TE", 500, "TRADE_SUCCESS"),
    ]
    return {
        "stack": "unit",
        "collected_at": NOW,
        "shop": shop,
        "gateway": {"payments": payments, "events": []},
    }


def order(snap: dict[str, Any], order_no: str) -> dict[str, Any]:
    """The order dict inside a snapshot (to modify)."""
    return next(o for o in snap["shop"]["orders"] if o["order_no"] == order_no)


def key(snap: dict[str, Any], key_id: int) -> dict[str, Any]:
    """The key dict inside a snapshot (to modify)."""
    return next(k for k in snap["shop"]["keys"] if k["id"] == key_id)


def payment(snap: dict[str, Any], order_no: str) -> dict[str, Any]:
    """The ledger payment for an order (to modify)."""
    return next(p for p in snap["gateway"]["payments"] if p["out_trade_no"] == order_no)


def fresh() -> dict[str, Any]:
    """A deep copy of `good()`."""
    return copy.deepcopy(good())
