"""8. No order left in a non-final state after the settle window."""

from __future__ import annotations

from typing import Any

from reports.audit.model import InvariantResult, verdict
from reports.audit.snapshot import FINAL, OPEN, View

NAME = "orders_settled"
TITLE = "no order stuck in a non-final state past its deadline"
# slack on top of the configured intervals: one missed job pass, plus clock skew
GRACE_S = 10.0


def deadline_s(order: dict[str, Any], settings: dict[str, Any]) -> float:
    """When an order in its state must have moved on (unix seconds)."""
    expiry = float(settings.get("expiry_interval_s", 5.0))
    reconcile = float(settings.get("reconcile_interval_s", 5.0))
    if order.get("status") in OPEN:
        ttl = float(settings.get("order_ttl_s", 120.0))
        return float(order["created_at"]) + ttl + 2 * expiry + GRACE_S
    since = order.get("paid_at") or order.get("created_at") or 0.0
    return float(since) + 2 * reconcile + GRACE_S


def check(view: View) -> InvariantResult:
    """Open orders close by TTL + expiry; PAID/REFUND_PENDING finish within reconciliation."""
    problems: list[dict[str, Any]] = []
    still_open = 0
    for order_no, order in view.orders.items():
        if order.get("status") in FINAL:
            continue
        due = deadline_s(order, view.settings)
        if view.taken_at <= due:
            still_open += 1
            continue
        problems.append(
            {
                "order_no": order_no,
                "trade_no": order.get("trade_no"),
                "status": order.get("status"),
                "overdue_s": round(view.taken_at - due, 1),
                "problem": f"stuck in {order.get('status')}",
            }
        )
    return verdict(
        NAME,
        TITLE,
        problems,
        f"{len(view.orders)} orders; {still_open} still open within their deadline",
    )
