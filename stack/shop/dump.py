"""`python -m stack.shop.dump`: the shop side of the audit snapshot, as JSON on stdout.

Never the key secrets: ids, states and a SHA-256 of each secret (so one secret stored under two
ids is visible) are enough for the audit.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import asyncpg

from stack.shop import stock
from stack.shop.cache import Cache, CacheDown
from stack.shop.db import connect_with_retry
from stack.shop.settings import ConfigError, ShopSettings, load_settings

ORDERS_SQL = """
SELECT o.order_no, o.status, o.owner, o.product_id, o.quantity, o.amount_cents, o.paid_cents,
       o.trade_no, extract(epoch FROM o.created_at)::float8 AS created_at,
       extract(epoch FROM o.paid_at)::float8 AS paid_at,
       extract(epoch FROM o.delivered_at)::float8 AS delivered_at,
       extract(epoch FROM o.closed_at)::float8 AS closed_at,
       coalesce(array_agg(d.key_id ORDER BY d.id) FILTER (WHERE d.key_id IS NOT NULL), '{}')
           AS delivered_key_ids
FROM orders o LEFT JOIN deliveries d ON d.order_id = o.id
GROUP BY o.id ORDER BY o.id
"""
KEYS_SQL = """
SELECT k.id, k.product_id, k.status, o.order_no, k.secret_sha256
FROM card_keys k LEFT JOIN orders o ON o.id = k.order_id ORDER BY k.id
"""
NOTIFICATIONS_SQL = """
SELECT event_id, trade_no, out_trade_no, amount_cents, outcome, reason, signed_at,
       order_status_before AS before, order_status_after AS after,
       extract(epoch FROM received_at)::float8 AS received_at
FROM notifications ORDER BY id
"""
REFUNDS_SQL = """
SELECT o.order_no, r.out_refund_no, r.amount_cents,
       extract(epoch FROM r.refunded_at)::float8 AS refunded_at
FROM refunds r JOIN orders o ON o.id = r.order_id ORDER BY r.id
"""


async def read_database(conn: asyncpg.Connection) -> dict[str, Any]:
    """Every table the audit needs, read in one repeatable-read transaction (one instant)."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        taken_at = await conn.fetchval("SELECT extract(epoch FROM now())::float8")
        orders = [dict(r) for r in await conn.fetch(ORDERS_SQL)]
        keys = [dict(r) for r in await conn.fetch(KEYS_SQL)]
        imported = {
            str(r["id"]): int(r["imported"])
            for r in await conn.fetch("SELECT id, imported FROM products")
        }
        notifications = [dict(r) for r in await conn.fetch(NOTIFICATIONS_SQL)]
        refunds = [dict(r) for r in await conn.fetch(REFUNDS_SQL)]
    for o in orders:
        o["delivered_key_ids"] = list(o["delivered_key_ids"])
    return {
        "taken_at": taken_at,
        "orders": orders,
        "keys": keys,
        "imported": imported,
        "notifications": notifications,
        "refunds": refunds,
    }


async def read_cached_stock(settings: ShopSettings, product_ids: list[int]) -> dict[str, Any]:
    """Redis stock counters, or why they could not be read."""
    if not settings.cache_enabled:
        return {"cached_stock": None, "cache_error": "cache disabled"}
    cache = Cache(settings)
    try:
        values = await stock.read(cache, product_ids)
        return {"cached_stock": {str(k): v for k, v in values.items()}, "cache_error": None}
    except CacheDown as exc:
        return {"cached_stock": None, "cache_error": f"redis unreachable: {exc}"}
    finally:
        await cache.close()


def settings_view(settings: ShopSettings) -> dict[str, Any]:
    """The settings the audit needs to judge deadlines."""
    keys = (
        "order_ttl_s",
        "expiry_interval_s",
        "reconcile_after_s",
        "reconcile_interval_s",
        "cache_enabled",
        "integrity_guards",
    )
    return {k: getattr(settings, k) for k in keys}


async def dump(settings: ShopSettings) -> dict[str, Any]:
    """The whole shop snapshot."""
    conn = await connect_with_retry(settings, deadline_s=30)
    try:
        data = await read_database(conn)
    finally:
        await conn.close()
    data.update(await read_cached_stock(settings, [int(k) for k in data["imported"]]))
    data["settings"] = settings_view(settings)
    return data


def main() -> int:
    """Entry point."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"dump: configuration error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(asyncio.run(dump(settings)), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
