"""Creating an order: reserve keys in one transaction, then create the payment at the gateway."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import asyncpg

from stack.shop import stock
from stack.shop.gateway import GatewayError
from stack.shop.repo import catalog as catalog_repo
from stack.shop.repo import orders as repo
from stack.shop.state import ShopState


@dataclass(frozen=True)
class OrderRequest:
    """What a buyer or reseller asked for."""

    owner: str  # "user:<id>" or "reseller:<id>"
    product_id: int
    quantity: int
    idempotency_key: str


@dataclass(frozen=True)
class Result:
    """HTTP status and JSON body for the caller."""

    status: int
    body: dict[str, Any]


def new_order_no() -> str:
    """Unique, sortable-ish, and safe as the gateway's out_trade_no."""
    return f"PD{int(time.time() * 1000)}{secrets.token_hex(5)}"


def order_view(order: asyncpg.Record) -> dict[str, Any]:
    """The public fields of a freshly created order."""
    return {
        "order_no": order["order_no"],
        "status": order["status"],
        "amount_cents": int(order["amount_cents"]),
        "trade_no": order["trade_no"],
        "cashier_path": order["cashier_path"],
    }


async def create_order(state: ShopState, req: OrderRequest) -> Result:
    """Reserve, then pay-create; a replayed idempotency key returns the first order."""
    try:
        reserved = await _reserve(state, req)
    except _OutOfStock:
        return Result(409, {"code": "OUT_OF_STOCK"})
    if isinstance(reserved, Result):
        return reserved
    order, product = reserved
    await stock.adjust(state.cache, req.product_id, -req.quantity)
    try:
        pay = await state.gateway.create_payment(
            order["order_no"], int(order["amount_cents"]), product["name"]
        )
    except GatewayError:
        await _abandon(state, order["order_no"])
        return Result(502, {"code": "GATEWAY_ERROR", "order_no": order["order_no"]})
    async with state.db() as conn:
        status = await repo.set_awaiting_payment(
            conn, int(order["id"]), str(pay["trade_no"]), str(pay["cashier_path"])
        )
    body = {
        **order_view(order),
        "status": status,
        "trade_no": pay["trade_no"],
        "cashier_path": pay["cashier_path"],
    }
    return Result(201, body)


async def _reserve(
    state: ShopState, req: OrderRequest
) -> tuple[asyncpg.Record, dict[str, Any]] | Result:
    guards = state.settings.integrity_guards
    async with state.db() as conn, conn.transaction():
        product = await catalog_repo.get_product(conn, req.product_id)
        if product is None:
            return Result(404, {"code": "PRODUCT_NOT_FOUND"})
        amount = int(product["price_cents"]) * req.quantity
        order = await repo.insert_order(
            conn,
            new_order_no(),
            req.owner,
            req.idempotency_key,
            req.product_id,
            req.quantity,
            amount,
        )
        if order is None:
            return await _replay(conn, req)
        ids = await repo.reserve_keys(conn, int(order["id"]), req.product_id, req.quantity, guards)
        if len(ids) < req.quantity:
            raise _OutOfStock()
    return order, product


class _OutOfStock(Exception):
    """Raised inside the reservation transaction so it rolls back."""


async def _replay(conn: asyncpg.Connection, req: OrderRequest) -> Result:
    first = await repo.order_by_idempotency(conn, req.owner, req.idempotency_key)
    if first is None:  # deleted in between: cannot happen, orders are never deleted
        return Result(409, {"code": "IDEMPOTENCY_CONFLICT"})
    if int(first["product_id"]) != req.product_id or int(first["quantity"]) != req.quantity:
        return Result(409, {"code": "IDEMPOTENCY_MISMATCH", "order_no": first["order_no"]})
    return Result(201, order_view(first))


async def _abandon(state: ShopState, order_no: str) -> None:
    """The gateway failed: close the order and give its keys back (the buyer may retry)."""
    async with state.db() as conn:
        closed = await repo.close_order(conn, order_no, gateway_closed=False)
    if closed is not None:
        await stock.adjust(state.cache, closed[0], closed[1])
    # if the gateway did create the trade, stop anyone paying it; when this fails too the
    # worker's reconciliation keeps asking until the gateway confirms
    try:
        if await state.gateway.close(order_no) in ("closed", "missing"):
            async with state.db() as conn:
                await repo.mark_gateway_closed(conn, order_no)
    except GatewayError:
        pass


async def order_detail(state: ShopState, order: asyncpg.Record) -> dict[str, Any]:
    """Status and, once DELIVERED, the decrypted keys (only ever shown to the owner)."""
    keys: list[dict[str, Any]] = []
    if order["status"] == "DELIVERED":
        async with state.db() as conn:
            rows = await repo.delivered_keys(conn, int(order["id"]))
        keys = [
            {
                "id": int(r["id"]),
                "code": state.cipher.decrypt(int(r["product_id"]), bytes(r["secret_enc"])),
            }
            for r in rows
        ]
    return {
        "order_no": order["order_no"],
        "status": order["status"],
        "product_id": int(order["product_id"]),
        "quantity": int(order["quantity"]),
        "amount_cents": int(order["amount_cents"]),
        "trade_no": order["trade_no"],
        "cashier_path": order["cashier_path"],
        "created_at": order["created_at"],
        "keys": keys,
    }
