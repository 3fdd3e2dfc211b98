"""Catalog and product pages (Redis-cached, database fallback)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from stack.shop import catalog
from stack.shop.api.common import ApiError, Json, shop

router = APIRouter()


@router.get("/api/products")
async def list_products(request: Request) -> Json:
    """Every product with stock."""
    return Json(await catalog.list_products(shop(request)))


@router.get("/api/products/{product_id}")
async def get_product(product_id: int, request: Request) -> Json:
    """One product with stock; 404 when unknown."""
    product = await catalog.get_product(shop(request), product_id)
    if product is None:
        raise ApiError(404, "PRODUCT_NOT_FOUND")
    return Json(product)
