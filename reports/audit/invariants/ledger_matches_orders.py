"""1. Every ledger SUCCESS matches exactly one paid shop order (no "paid but no order")."""

from __future__ import annotations

from typing import Any

from reports.audit.model import InvariantResult, verdict
from reports.audit.snapshot import PAID_STATES, SUCCESS, View

NAME = "ledger_matches_orders"
TITLE = "every captured payment matches one paid order (same trade number and amount)"


def check(view: View) -> InvariantResult:
    """Compare each ledger capture with the shop order of the same out_trade_no."""
    problems: list[dict[str, Any]] = []
    for order_no, payments in view.payments.items():
        captured = [p for p in payments if p.get("status") == SUCCESS]
        if len(captured) > 1:
            trades = [p.get("trade_no") for p in captured]
            problems.append(
                {"order_no": order_no, "trade_nos": trades, "problem": "captured more than once"}
            )
        for pay in captured:
            problem = _mismatch(view.orders.get(order_no), pay)
            if problem:
                problems.append(
                    {
                        "order_no": order_no,
                        "trade_no": pay.get("trade_no"),
                        "amount_cents": pay.get("amount_cents"),
                        "order_status": (view.orders.get(order_no) or {}).get("status"),
                        "problem": problem,
                    }
                )
    return verdict(
        NAME, TITLE, problems, f"{len(view.captured())} captures, each matched to a paid order"
    )


def _mismatch(order: dict[str, Any] | None, pay: dict[str, Any]) -> str:
    if order is None:
        return "captured but no such order (paid but no order)"
    if order.get("trade_no") != pay.get("trade_no"):
        return f"trade number differs: order has {order.get('trade_no')}"
    if int(order.get("amount_cents") or 0) != int(pay.get("amount_cents") or 0):
        return f"amount differs: order is {order.get('amount_cents')} cents"
    if order.get("status") not in PAID_STATES:
        return f"captured but the order is {order.get('status')}"
    return ""
