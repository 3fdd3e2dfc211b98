"""Reseller API: bulk orders authenticated by `X-Api-Key`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from stack.shop import ordering
from stack.shop.api.common import ApiError, Json, shop
from stack.shop.repo import orders as repo
from stack.shop.repo import users

router = APIRouter()


class BulkOrder(BaseModel):
    """A reseller's order: up to 100 keys at once."""

    product_id: int
    quantity: int = Field(ge=1, le=100)
    idempotency_key: str = Field(min_length=1, max_length=100)


async def current_reseller(request: Request) -> int:
    """Reseller id for the X-Api-Key header; 401 otherwise."""
    api_key = request.headers.get("x-api-key", "")
    if not api_key:
        raise ApiError(401, "UNAUTHORIZED")
    async with shop(request).db() as conn:
        reseller_id = await users.reseller_by_key(conn, api_key)
    if reseller_id is None:
        raise ApiError(401, "UNAUTHORIZED")
    return reseller_id


@router.post("/api/reseller/orders")
async def create_bulk(
    body: BulkOrder, request: Request, rid: int = Depends(current_reseller)
) -> Json:
    """Same flow as a buyer's order, owned by the reseller."""
    req = ordering.OrderRequest(
        f"reseller:{rid}", body.product_id, body.quantity, body.idempotency_key
    )
    result = await ordering.create_order(shop(request), req)
    return Json(result.body, status_code=result.status)


@router.get("/api/reseller/orders/{order_no}")
async def get_bulk(order_no: str, request: Request, rid: int = Depends(current_reseller)) -> Json:
    """The reseller's order with keys once delivered; 404 for other resellers."""
    state = shop(request)
    async with state.db() as conn:
        order = await repo.order_for_owner(conn, order_no, f"reseller:{rid}")
    if order is None:
        raise ApiError(404, "ORDER_NOT_FOUND")
    return Json(await ordering.order_detail(state, order))
