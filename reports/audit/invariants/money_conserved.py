"""6. Money conserves: gateway captured = shop paid = delivered + refunded + pending."""

from __future__ import annotations

from typing import Any

from reports.audit.model import InvariantResult, verdict
from reports.audit.snapshot import View

NAME = "money_conserved"
TITLE = "captured at the gateway = paid in the shop = delivered + refunded + pending"


def check(view: View) -> InvariantResult:
    """Totals must agree; each disagreement is named by the orders that cause it."""
    totals = _totals(view)
    problems = _per_order(view)
    if totals["captured"] != totals["shop_paid"]:
        problems.append({**totals, "problem": "captured total differs from the shop's paid total"})
    if totals["shop_paid"] != totals["delivered"] + totals["refunded"] + totals["pending"]:
        problems.append(
            {**totals, "problem": "paid total differs from delivered + refunded + pending"}
        )
    if totals["gateway_refunded"] != totals["refunded"]:
        problems.append(
            {**totals, "problem": "refunded at the gateway differs from the shop's refunds"}
        )
    summary = ", ".join(f"{k} {v}" for k, v in totals.items()) + " (cents)"
    return verdict(NAME, TITLE, problems, summary)


def _totals(view: View) -> dict[str, int]:
    captured = view.captured()
    paid = [o for o in view.orders.values() if o.get("paid_at") is not None]
    by_status: dict[str, int] = {}
    for o in paid:
        by_status[o["status"]] = by_status.get(o["status"], 0) + int(o.get("paid_cents") or 0)
    return {
        "captured": sum(int(p.get("amount_cents") or 0) for p in captured),
        "shop_paid": sum(by_status.values()),
        "delivered": by_status.get("DELIVERED", 0),
        "refunded": sum(
            int(r.get("amount_cents") or 0) for rs in view.refunds.values() for r in rs
        ),
        "pending": by_status.get("REFUND_PENDING", 0) + by_status.get("PAID", 0),
        "gateway_refunded": sum(int(p.get("refunded_cents") or 0) for p in captured),
    }


def _per_order(view: View) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for order_no, order in view.orders.items():
        pay = view.capture_of(order_no)
        shop_paid = int(order.get("paid_cents") or 0) if order.get("paid_at") is not None else 0
        gateway = int(pay.get("amount_cents") or 0) if pay else 0
        if shop_paid != gateway:
            out.append(
                {
                    "order_no": order_no,
                    "trade_no": order.get("trade_no"),
                    "shop_paid_cents": shop_paid,
                    "captured_cents": gateway,
                    "problem": "paid amount differs from capture",
                }
            )
    for order_no in view.payments:
        pay = None if order_no in view.orders else view.capture_of(order_no)
        if pay:
            out.append(
                {
                    "order_no": order_no,
                    "trade_no": pay.get("trade_no"),
                    "captured_cents": pay.get("amount_cents"),
                    "problem": "captured for an unknown order",
                }
            )
    return out
