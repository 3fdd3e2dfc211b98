"""Available-stock counters in Redis (`stock:<product id>`), kept close to the database.

The API adjusts them after each commit (best effort); the worker overwrites them from the
database every reconcile interval, so any drift heals and the audit can compare them.
"""

from __future__ import annotations

import contextlib

from stack.shop.cache import Cache, CacheDown

# adjust only a counter that exists: a missing one must be filled from the database, not
# created at a negative delta
_ADJUST = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end "
    "return false"
)


def stock_key(product_id: int) -> str:
    """Redis key of a product's available-stock counter."""
    return f"stock:{product_id}"


async def adjust(cache: Cache, product_id: int, delta: int) -> None:
    """Add delta to the counter if it exists; a dead Redis is ignored (the worker resyncs)."""
    if delta == 0:
        return
    with contextlib.suppress(CacheDown):
        await cache.call("eval", _ADJUST, 1, stock_key(product_id), delta)


async def read(cache: Cache, ids: list[int]) -> dict[int, int | None]:
    """Counters for products (None where missing); raises CacheDown."""
    if not ids:
        return {}
    values = await cache.call("mget", [stock_key(i) for i in ids])
    return {i: (None if v is None else int(v)) for i, v in zip(ids, values, strict=True)}


async def overwrite(cache: Cache, counts: dict[int, int]) -> None:
    """Set every counter from database counts; raises CacheDown."""
    if counts:
        await cache.call("mset", {stock_key(i): n for i, n in counts.items()})
