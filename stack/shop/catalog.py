"""Catalog reads: product data cached in Redis with a TTL, served from the database without it."""

from __future__ import annotations

import contextlib
from typing import Any

import orjson

from stack.shop import stock
from stack.shop.cache import CacheDown
from stack.shop.repo import catalog as repo
from stack.shop.state import ShopState

LIST_KEY = "catalog:products"


async def list_products(state: ShopState) -> list[dict[str, Any]]:
    """Every product with its current stock."""
    products = await _cached(state, LIST_KEY, _load_list)
    return await _with_stock(state, products)


async def get_product(state: ShopState, product_id: int) -> dict[str, Any] | None:
    """One product with its stock, or None."""

    async def load(s: ShopState) -> Any:
        async with s.db() as conn:
            return await repo.get_product(conn, product_id)

    product = await _cached(state, f"catalog:product:{product_id}", load)
    if product is None:
        return None
    return (await _with_stock(state, [product]))[0]


async def _load_list(state: ShopState) -> Any:
    async with state.db() as conn:
        return await repo.list_products(conn)


async def _cached(state: ShopState, key: str, load: Any) -> Any:
    """Read-through cache; any Redis failure falls back to the database."""
    if not state.settings.cache_enabled:
        return await load(state)
    try:
        hit = await state.cache.call("get", key)
        if hit is not None:
            return orjson.loads(hit)
    except CacheDown:
        return await load(state)
    value = await load(state)
    if value is not None:
        with contextlib.suppress(CacheDown):
            await state.cache.call(
                "set", key, orjson.dumps(value), px=int(state.settings.cache_ttl_s * 1000)
            )
    return value


async def _with_stock(state: ShopState, products: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [int(p["id"]) for p in products]
    counts: dict[int, int | None] = dict.fromkeys(ids)
    if state.settings.cache_enabled:
        with contextlib.suppress(CacheDown):
            counts = await stock.read(state.cache, ids)
    missing = [i for i, n in counts.items() if n is None]
    if missing:
        async with state.db() as conn:
            counts.update(await repo.available_counts(conn, missing))
    return [{**p, "stock": max(0, counts.get(int(p["id"])) or 0)} for p in products]
