"""Products and stock counts."""

from __future__ import annotations

from typing import Any

import asyncpg

PRODUCT_COLS = "id, sku, name, price_cents"


async def list_products(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    """Every product's public fields, by id."""
    rows = await conn.fetch(f"SELECT {PRODUCT_COLS} FROM products ORDER BY id")
    return [dict(r) for r in rows]


async def get_product(conn: asyncpg.Connection, product_id: int) -> dict[str, Any] | None:
    """One product's public fields."""
    row = await conn.fetchrow(f"SELECT {PRODUCT_COLS} FROM products WHERE id = $1", product_id)
    return None if row is None else dict(row)


async def available_counts(
    conn: asyncpg.Connection, ids: list[int] | None = None
) -> dict[int, int]:
    """AVAILABLE keys per product (all products, or only `ids`); products with none get 0."""
    rows = await conn.fetch(
        "SELECT p.id, count(k.id) AS n FROM products p"
        " LEFT JOIN card_keys k ON k.product_id = p.id AND k.status = 'AVAILABLE'"
        " WHERE $1::bigint[] IS NULL OR p.id = ANY($1::bigint[]) GROUP BY p.id",
        ids,
    )
    return {int(r["id"]): int(r["n"]) for r in rows}
