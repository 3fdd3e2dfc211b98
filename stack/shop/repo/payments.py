"""Applying a captured payment: key picking, deliveries, notification log, refunds."""

from __future__ import annotations

import asyncpg

from stack.shop.repo.orders import mark_keys


async def held_keys(conn: asyncpg.Connection, order_id: int) -> list[int]:
    """The order's RESERVED keys, locked."""
    rows = await conn.fetch(
        "SELECT id FROM card_keys WHERE order_id = $1 AND status = 'RESERVED'"
        " ORDER BY id FOR UPDATE",
        order_id,
    )
    return [int(r["id"]) for r in rows]


async def pick_unsold_unguarded(
    conn: asyncpg.Connection, product_id: int, order_id: int, n: int
) -> list[int]:
    """The classic bug: a plain SELECT of unsold keys (the order's own first), no lock."""
    rows = await conn.fetch(
        "SELECT id FROM card_keys WHERE product_id = $1 AND status <> 'SOLD'"
        " ORDER BY (order_id IS NOT DISTINCT FROM $2) DESC, id LIMIT $3",
        product_id,
        order_id,
        n,
    )
    return [int(r["id"]) for r in rows]


async def deliver(conn: asyncpg.Connection, order_id: int, key_ids: list[int], source: str) -> None:
    """Mark keys SOLD to the order and record one delivery row per key."""
    await mark_keys(conn, key_ids, "SOLD", order_id)
    await conn.executemany(
        "INSERT INTO deliveries (order_id, key_id, source) VALUES ($1, $2, $3)",
        [(order_id, k, source) for k in key_ids],
    )


async def set_paid_status(
    conn: asyncpg.Connection, order_id: int, status: str, trade_no: str, paid_cents: int
) -> None:
    """Record the capture and the resulting state (DELIVERED or REFUND_PENDING)."""
    await conn.execute(
        "UPDATE orders SET status = $2, trade_no = COALESCE(trade_no, $3), paid_cents = $4,"
        " paid_at = COALESCE(paid_at, now()),"
        " delivered_at = CASE WHEN $2 = 'DELIVERED' THEN now() ELSE delivered_at END,"
        " updated_at = now() WHERE id = $1",
        order_id,
        status,
        trade_no,
        paid_cents,
    )


async def log_notification(
    conn: asyncpg.Connection,
    *,
    event_id: str | None,
    trade_no: str | None,
    out_trade_no: str | None,
    amount_cents: int | None,
    outcome: str,
    reason: str,
    signed_at: int | None,
    signature: str | None,
    before: str | None,
    after: str | None,
) -> None:
    """One row per notification received, whatever became of it."""
    await conn.execute(
        "INSERT INTO notifications (event_id, trade_no, out_trade_no, amount_cents, outcome,"
        " reason, signed_at, signature, order_status_before, order_status_after)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        event_id,
        trade_no,
        out_trade_no,
        amount_cents,
        outcome,
        reason,
        signed_at,
        signature,
        before,
        after,
    )


async def insert_refund(
    conn: asyncpg.Connection, order_id: int, out_refund_no: str, amount_cents: int
) -> None:
    """Record a completed refund and move the order to REFUNDED."""
    await conn.execute(
        "INSERT INTO refunds (order_id, out_refund_no, amount_cents) VALUES ($1, $2, $3)"
        " ON CONFLICT (order_id) DO NOTHING",
        order_id,
        out_refund_no,
        amount_cents,
    )
    await conn.execute(
        "UPDATE orders SET status = 'REFUNDED', updated_at = now()"
        " WHERE id = $1 AND status = 'REFUND_PENDING'",
        order_id,
    )


async def signature_seen(conn: asyncpg.Connection, signature: str) -> bool:
    """True when these exact signature bytes were already processed (a byte-for-byte replay)."""
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM notifications WHERE signature = $1"
            " AND outcome IN ('accepted', 'duplicate'))",
            signature,
        )
    )
