"""One pass of each background job; the loop in `run` calls them on their intervals."""

from __future__ import annotations

import logging

from stack.shop import stock
from stack.shop.fulfil import Outcome, Payment, apply_payment
from stack.shop.gateway import GatewayError
from stack.shop.repo import catalog, payments
from stack.shop.repo import orders as repo
from stack.shop.state import ShopState

log = logging.getLogger("shop.worker")
BATCH = 200


async def apply_capture(
    state: ShopState, order_no: str, pay: dict[str, object], source: str
) -> Outcome:
    """Apply a capture the gateway reported when asked (not notified)."""
    amount = pay.get("amount_cents")
    payment = Payment(
        order_no, str(pay.get("trade_no")), int(amount) if isinstance(amount, int) else -1, source
    )
    async with state.db() as conn, conn.transaction():
        out = await apply_payment(conn, payment, state.settings.integrity_guards)
    await stock.adjust(state.cache, out.product_id or 0, -out.taken_from_stock)
    log.info(
        "%s: %s %s -> %s %s", source, order_no, out.before, out.after, out.reason or out.outcome
    )
    return out


async def reconcile_once(state: ShopState) -> int:
    """Ask the gateway about orders open too long and unconfirmed closes; deliver what was paid."""
    async with state.db() as conn:
        due = await repo.due_for_reconcile(conn, state.settings.reconcile_after_s, BATCH)
    healed = 0
    for order in due:
        try:
            healed += await _reconcile_one(state, order["order_no"], order["status"])
        except GatewayError as exc:
            log.warning("reconcile: %s: %s", order["order_no"], exc)
    return healed


async def _reconcile_one(state: ShopState, order_no: str, status: str) -> int:
    """1 when a lost capture was applied (delivered or refunded), else 0."""
    pay = await state.gateway.query(order_no)
    trade = None if pay is None else pay.get("status")
    if pay is not None and trade == "TRADE_SUCCESS":
        return int((await apply_capture(state, order_no, pay, "reconcile")).outcome == "accepted")
    if status == "CLOSED":
        # closed here, maybe still payable there: close it there too (a "paid" answer is
        # applied on the next pass, when the query sees TRADE_SUCCESS)
        if trade == "TRADE_CLOSED" or pay is None or await state.gateway.close(order_no) != "paid":
            async with state.db() as conn:
                await repo.mark_gateway_closed(conn, order_no)
    elif trade == "TRADE_CLOSED":
        await _close_locally(state, order_no)
    return 0


async def expire_once(state: ShopState) -> int:
    """Close unpaid orders past SHOP_ORDER_TTL_S at the gateway, then here (keys back)."""
    async with state.db() as conn:
        due = await repo.due_orders(conn, repo.OPEN_STATES, state.settings.order_ttl_s, BATCH)
    closed = 0
    for order in due:
        order_no = order["order_no"]
        try:
            result = await state.gateway.close(order_no)
            if result == "paid":  # the buyer paid while we were closing: deliver instead
                pay = await state.gateway.query(order_no)
                if pay is not None:
                    await apply_capture(state, order_no, pay, "expiry")
                continue
        except GatewayError as exc:
            log.warning("expiry: close %s failed: %s", order_no, exc)
            continue
        closed += await _close_locally(state, order_no)
    return closed


async def _close_locally(state: ShopState, order_no: str) -> int:
    async with state.db() as conn:
        result = await repo.close_order(conn, order_no, gateway_closed=True)
    if result is None:
        return 0
    await stock.adjust(state.cache, result[0], result[1])
    return 1


async def refund_once(state: ShopState) -> int:
    """Refund captured payments whose keys could not be delivered (REFUND_PENDING)."""
    async with state.db() as conn:
        due = await repo.due_orders(conn, ("REFUND_PENDING",), 0, BATCH)
    done = 0
    for order in due:
        amount = int(order["paid_cents"] or order["amount_cents"])
        try:
            await state.gateway.refund(order["order_no"], f"RF{order['order_no']}", amount)
        except GatewayError as exc:
            log.warning("refund: %s failed: %s", order["order_no"], exc)
            continue
        async with state.db() as conn, conn.transaction():
            await payments.insert_refund(conn, int(order["id"]), f"RF{order['order_no']}", amount)
        done += 1
    return done


async def resync_stock_once(state: ShopState) -> int:
    """Overwrite the Redis stock counters from the database (heals any drift)."""
    if not state.settings.cache_enabled:
        return 0
    async with state.db() as conn:
        counts = await catalog.available_counts(conn)
    await stock.overwrite(state.cache, counts)
    return len(counts)
