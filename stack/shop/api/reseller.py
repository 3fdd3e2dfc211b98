"""Reseller API: bulk orders (1..100 keys) authenticated by `X-Api-Key`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from stack.shop.api.common import ApiError, Json, shop
from stack.shop.api.orders import NewOrder, place, show
from stack.shop.repo import users

router = APIRouter()


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
    body: NewOrder, request: Request, rid: int = Depends(current_reseller)
) -> Json:
    """Same flow as a buyer's order, owned by the reseller."""
    return await place(request, f"reseller:{rid}", body)


@router.get("/api/reseller/orders/{order_no}")
async def get_bulk(order_no: str, request: Request, rid: int = Depends(current_reseller)) -> Json:
    """The reseller's order with keys once delivered; 404 for other resellers."""
    return await show(request, f"reseller:{rid}", order_no)
