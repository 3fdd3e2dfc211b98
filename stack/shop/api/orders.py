"""Buyer orders: create, query (owner only), history."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from stack.shop import ordering
from stack.shop.api.common import ApiError, Json, current_user, shop
from stack.shop.repo import orders as repo

router = APIRouter()
HISTORY_LIMIT = 50


class NewOrder(BaseModel):
    """A buyer's order request."""

    product_id: int
    quantity: int = Field(ge=1, le=100)
    idempotency_key: str = Field(min_length=1, max_length=100)


@router.post("/api/orders")
async def create_order(
    body: NewOrder, request: Request, user_id: int = Depends(current_user)
) -> Json:
    """Reserve keys and create the payment; 409 OUT_OF_STOCK, 502 GATEWAY_ERROR."""
    req = ordering.OrderRequest(
        f"user:{user_id}", body.product_id, body.quantity, body.idempotency_key
    )
    result = await ordering.create_order(shop(request), req)
    return Json(result.body, status_code=result.status)


@router.get("/api/orders/{order_no}")
async def get_order(order_no: str, request: Request, user_id: int = Depends(current_user)) -> Json:
    """The order with its keys once delivered; 404 for anyone but its owner."""
    state = shop(request)
    async with state.db() as conn:
        order = await repo.order_for_owner(conn, order_no, f"user:{user_id}")
    if order is None:
        raise ApiError(404, "ORDER_NOT_FOUND")
    return Json(await ordering.order_detail(state, order))


@router.get("/api/orders")
async def list_orders(request: Request, user_id: int = Depends(current_user)) -> Json:
    """The buyer's latest orders (no keys: open an order to see them)."""
    state = shop(request)
    async with state.db() as conn:
        rows = await repo.history(conn, f"user:{user_id}", HISTORY_LIMIT)
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
