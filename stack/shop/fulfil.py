"""Turning a captured payment into delivered keys (or a refund), exactly once.

Shared by the notification endpoint and the worker (reconciliation, late captures on expiry).
Callers run `apply_payment` inside a transaction they own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncpg

from stack.shop.repo import payments
from stack.shop.repo.orders import lock_order, pick_available, read_order, release_keys

PAYABLE = ("CREATED", "AWAITING_PAYMENT", "CLOSED")


@dataclass(frozen=True)
class Payment:
    """A capture the gateway reports for one of our orders."""

    order_no: str
    trade_no: str
    amount_cents: int
    source: str  # notify | reconcile | expiry


@dataclass
class Outcome:
    """What applying a payment did: accepted, duplicate (no change) or rejected (no change)."""

    outcome: str
    reason: str = ""
    before: str | None = None
    after: str | None = None
    product_id: int | None = None
    # AVAILABLE keys this payment consumed (late captures of closed orders take fresh stock)
    taken_from_stock: int = 0
    delivered: list[int] = field(default_factory=list)


async def apply_payment(
    conn: asyncpg.Connection, pay: Payment, guards: bool, race_s: float = 0.0
) -> Outcome:
    """Apply a capture: guarded (row lock, reserved keys) or the classic unguarded race."""
    if guards:
        return await _apply_guarded(conn, pay)
    return await _apply_unguarded(conn, pay, race_s)


def _precheck(order: asyncpg.Record | None, pay: Payment) -> Outcome | None:
    """Reject what must change nothing; report duplicates; None when the payment applies."""
    if order is None:
        return Outcome("rejected", "unknown_trade")
    before = str(order["status"])
    if order["trade_no"] and pay.trade_no and order["trade_no"] != pay.trade_no:
        return Outcome("rejected", "trade_mismatch", before, before)
    if int(order["amount_cents"]) != pay.amount_cents:
        return Outcome("rejected", "amount_mismatch", before, before)
    if before not in PAYABLE:
        return Outcome("duplicate", "", before, before)
    return None


async def _apply_guarded(conn: asyncpg.Connection, pay: Payment) -> Outcome:
    order = await lock_order(conn, pay.order_no)
    early = _precheck(order, pay)
    if early is not None or order is None:
        return early or Outcome("rejected", "unknown_trade")
    order_id, qty, product_id = int(order["id"]), int(order["quantity"]), int(order["product_id"])
    held = (await payments.held_keys(conn, order_id))[:qty]
    extra = await pick_available(conn, product_id, qty - len(held)) if len(held) < qty else []
    out = Outcome("accepted", "", str(order["status"]), product_id=product_id)
    if len(held) + len(extra) < qty:
        # stock is gone (a late capture of a closed order): keep the money traceable, refund it
        await release_keys(conn, order_id)
        await payments.set_paid_status(
            conn, order_id, "REFUND_PENDING", pay.trade_no, pay.amount_cents
        )
        out.after, out.taken_from_stock = "REFUND_PENDING", -len(held)
        return out
    await payments.deliver(conn, order_id, held + extra, pay.source)
    await payments.set_paid_status(conn, order_id, "DELIVERED", pay.trade_no, pay.amount_cents)
    out.after, out.taken_from_stock, out.delivered = "DELIVERED", len(extra), held + extra
    return out


async def _apply_unguarded(conn: asyncpg.Connection, pay: Payment, race_s: float) -> Outcome:
    # the classic card-shop handler: read "not delivered yet?" without a lock, pick unsold keys
    # with a plain SELECT, then (later) mark them sold without checking anything
    order = await read_order(conn, pay.order_no)
    early = _precheck(order, pay)
    if early is not None or order is None:
        return early or Outcome("rejected", "unknown_trade")
    order_id, qty, product_id = int(order["id"]), int(order["quantity"]), int(order["product_id"])
    picked = await payments.pick_unsold_unguarded(conn, product_id, order_id, qty)
    if race_s > 0:
        await asyncio.sleep(race_s)  # the window real shops have between read and write
    await payments.deliver(conn, order_id, picked, pay.source)
    await payments.set_paid_status(conn, order_id, "DELIVERED", pay.trade_no, pay.amount_cents)
    return Outcome("accepted", "", str(order["status"]), "DELIVERED", product_id, 0, picked)
