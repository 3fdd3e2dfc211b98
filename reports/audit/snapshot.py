"""An indexed, validated view of an audit snapshot (shop dump + gateway ledger)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from peakdrill.errors import InvalidRun

SUCCESS = "TRADE_SUCCESS"
OPEN = ("CREATED", "AWAITING_PAYMENT")
PAID_STATES = ("PAID", "DELIVERED", "REFUND_PENDING", "REFUNDED")
FINAL = ("DELIVERED", "CLOSED", "REFUNDED")


@dataclass(frozen=True)
class View:
    """What every check reads: orders, keys, notifications, refunds, ledger payments."""

    orders: dict[str, dict[str, Any]]
    keys: dict[int, dict[str, Any]]
    imported: dict[int, int]
    notifications: list[dict[str, Any]]
    refunds: dict[str, list[dict[str, Any]]]
    payments: dict[str, list[dict[str, Any]]]  # ledger payments of our merchant by out_trade_no
    events: list[dict[str, Any]]
    cached_stock: dict[int, int | None] | None
    cache_error: str | None
    settings: dict[str, Any]
    taken_at: float

    def captured(self) -> list[dict[str, Any]]:
        """Ledger payments in TRADE_SUCCESS."""
        return [p for ps in self.payments.values() for p in ps if p.get("status") == SUCCESS]

    def capture_of(self, order_no: str) -> dict[str, Any] | None:
        """The ledger's successful payment for an order, if any."""
        found = [p for p in self.payments.get(order_no, []) if p.get("status") == SUCCESS]
        return found[0] if found else None


def _need(data: Any, key: str, kind: type, where: str) -> Any:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, kind):
        raise InvalidRun(f"audit snapshot: {where}.{key}: missing or not a {kind.__name__}")
    return value


def view_of(snapshot: dict[str, Any]) -> View:
    """Index a snapshot; InvalidRun when it is not one."""
    shop = _need(snapshot, "shop", dict, "snapshot")
    ledger = _need(snapshot, "gateway", dict, "snapshot")
    settings = shop.get("settings") or {}
    merchant = settings.get("merchant_id")
    payments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in _need(ledger, "payments", list, "gateway"):
        if merchant is None or p.get("merchant_id") in (None, merchant):
            payments[str(p.get("out_trade_no"))].append(p)
    refunds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in shop.get("refunds") or []:
        refunds[str(r["order_no"])].append(r)
    cached = shop.get("cached_stock")
    return View(
        orders={str(o["order_no"]): o for o in _need(shop, "orders", list, "shop")},
        keys={int(k["id"]): k for k in _need(shop, "keys", list, "shop")},
        imported={int(k): int(v) for k, v in _need(shop, "imported", dict, "shop").items()},
        notifications=list(shop.get("notifications") or []),
        refunds=dict(refunds),
        payments=dict(payments),
        events=list(ledger.get("events") or []),
        cached_stock=None if cached is None else {int(k): v for k, v in cached.items()},
        cache_error=shop.get("cache_error"),
        settings=settings,
        taken_at=float(shop.get("taken_at") or snapshot.get("collected_at") or 0.0),
    )
