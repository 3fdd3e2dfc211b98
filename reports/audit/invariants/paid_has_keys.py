"""2. No captured payment left undelivered and unrefunded (no "paid but no key")."""

from __future__ import annotations

from typing import Any

from reports.audit.model import InvariantResult, verdict
from reports.audit.snapshot import View

NAME = "paid_has_keys"
TITLE = "every captured payment was delivered or refunded"


def check(view: View) -> InvariantResult:
    """Each capture's order is DELIVERED with keys, or REFUNDED (shop and gateway agree)."""
    problems: list[dict[str, Any]] = []
    for pay in view.captured():
        order_no = str(pay.get("out_trade_no"))
        order = view.orders.get(order_no)
        status = None if order is None else order.get("status")
        if status == "DELIVERED" and order and order.get("delivered_key_ids"):
            continue
        if status == "REFUNDED" and int(pay.get("refunded_cents") or 0) >= int(
            pay.get("amount_cents") or 0
        ):
            continue
        problems.append(
            {
                "order_no": order_no,
                "trade_no": pay.get("trade_no"),
                "amount_cents": pay.get("amount_cents"),
                "order_status": status,
                "refunded_cents": pay.get("refunded_cents"),
                "problem": _why(status),
            }
        )
    return verdict(NAME, TITLE, problems, f"{len(view.captured())} captures delivered or refunded")


def _why(status: str | None) -> str:
    if status is None:
        return "paid, no order"
    if status == "DELIVERED":
        return "DELIVERED without any key"
    if status == "REFUNDED":
        return "REFUNDED in the shop, not (fully) refunded at the gateway"
    return f"paid but no key: order is {status}"
