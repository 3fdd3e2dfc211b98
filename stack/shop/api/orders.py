"""Buyer orders: create, query (owner only), history. Resellers reuse `place` and `show`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from stack.shop import ordering
from stack.shop.api.common import ApiError, Json, current_user, shop
from stack.shop.repo import orders as repo

router = APIRouter()
HISTORY_LIMIT = 50


class NewOrder(BaseModel):
    """An order request (buyers; resellers the same, up to 100 keys)."""

    product_id: int
    quantity: int = Field(ge=1, le=100)
    idempotency_key: str = Field(min_length=1, max_length=100)


async def place(request: Request, owner: str, body: NewOrder) -> Json:
    """Create an order for `owner` ("user:<id>" or "reseller:<id>")."""
    req = ordering.OrderRequest(owner, body.product_id, body.quantity, body.idempotency_key)
    result = await ordering.create_order(shop(request), req)
    return Json(result.body, status_code=result.status)


async def show(request: Request, owner: str, order_no: str) -> Json:
    """The order with its keys once delivered; 404 unless `owner` placed it."""
    state = shop(request)
    async with state.db() as conn:
        order = await repo.order_for_owner(conn, order_no, owner)
    if order is None:
        raise ApiError(404, "ORDER_NOT_FOUND")
    return Json(await ordering.order_detail(state, order))


@router.post("/api/orders")
async def create_order(body: NewOrder, request: Request, uid: int = Depends(current_user)) -> Json:
    """Reserve keys and create the payment; 409 OUT_OF_STOCK, 502 GATEWAY_ERROR."""
    return await place(request, f"user:{uid}", body)


@router.get("/api/orders/{order_no}")
async def get_order(order_no: str, request: Request, uid: int = Depends(current_user)) -> Json:
    """The buyer's order with its keys once delivered; 404 for anyone else."""
    return await show(request, f"user:{uid}", order_no)


@router.get("/api/orders")
async def list_orders(request: Request, uid: int = Depends(current_user)) -> Json:
    """The buyer's latest orders (no keys: open an order to see them)."""
    state = shop(request)
    async with state.db() as conn:
        rows = await repo.history(conn, f"user:{uid}", HISTORY_LIMIT)
    return Json(
        [
            {
                **ordering.order_view(r),
                "quantity": int(r["quantity"]),
                "created_at": r["created_at"],
            }
            for r in rows
        ]
    )
