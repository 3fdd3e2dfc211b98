"""3. No delivery without a captured payment."""

from __future__ import annotations

from typing import Any

from reports.audit.model import InvariantResult, verdict
from reports.audit.snapshot import View

NAME = "no_delivery_without_payment"
TITLE = "every delivered order and sold key is backed by a captured payment"


def check(view: View) -> InvariantResult:
    """Orders holding keys (or marked paid) need a ledger capture of the same trade and amount."""
    problems: list[dict[str, Any]] = []
    for order_no, order in view.orders.items():
        delivered = order.get("delivered_key_ids") or []
        if not delivered and order.get("status") not in ("PAID", "DELIVERED"):
            continue
        pay = view.capture_of(order_no)
        problem = ""
        if pay is None:
            problem = "delivered without a captured payment"
        elif pay.get("trade_no") != order.get("trade_no"):
            problem = (
                f"delivered against trade {order.get('trade_no')}, captured {pay.get('trade_no')}"
            )
        if problem:
            problems.append(
                {
                    "order_no": order_no,
                    "trade_no": order.get("trade_no"),
                    "key_ids": delivered,
                    "problem": problem,
                }
            )
    for key in view.keys.values():
        if key.get("status") == "SOLD" and key.get("order_no") is None:
            problems.append({"key_id": key.get("id"), "problem": "SOLD to no order"})
    return verdict(NAME, TITLE, problems, "every delivery is backed by a capture")
