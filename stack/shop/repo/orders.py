"""Orders and the card keys they reserve, hold and release."""

from __future__ import annotations

import asyncpg

ORDER_COLS = (
    "o.id, o.order_no, o.owner, o.idempotency_key, o.product_id, o.quantity, o.amount_cents,"
    " o.status, o.trade_no, o.cashier_path, o.created_at, o.paid_cents"
)
OPEN_STATES = ("CREATED", "AWAITING_PAYMENT")


async def insert_order(
    conn: asyncpg.Connection,
    order_no: str,
    owner: str,
    idempotency_key: str,
    product_id: int,
    quantity: int,
    amount_cents: int,
) -> asyncpg.Record | None:
    """A new CREATED order, or None when (owner, idempotency_key) already exists."""
    return await conn.fetchrow(
        "INSERT INTO orders AS o (order_no, owner, idempotency_key, product_id, quantity,"
        " amount_cents, status) VALUES ($1, $2, $3, $4, $5, $6, 'CREATED')"
        f" ON CONFLICT (owner, idempotency_key) DO NOTHING RETURNING {ORDER_COLS}",
        order_no,
        owner,
        idempotency_key,
        product_id,
        quantity,
        amount_cents,
    )


async def order_by_idempotency(
    conn: asyncpg.Connection, owner: str, idempotency_key: str
) -> asyncpg.Record | None:
    """The order an idempotency key already created."""
    return await conn.fetchrow(
        f"SELECT {ORDER_COLS} FROM orders o WHERE owner = $1 AND idempotency_key = $2",
        owner,
        idempotency_key,
    )


async def reserve_keys(
    conn: asyncpg.Connection, order_id: int, product_id: int, qty: int, guarded: bool = True
) -> list[int]:
    """Reserve `qty` keys for the order; fewer ids than qty means out of stock (roll back).

    Guarded: rows other buyers hold are skipped (no oversell). Unguarded, the classic bug: a
    plain SELECT of unsold keys, then an UPDATE that checks nothing.
    """
    ids = await pick_available(conn, product_id, qty, lock=guarded)
    if len(ids) == qty:
        await mark_keys(conn, ids, "RESERVED", order_id)
    return ids


async def pick_available(
    conn: asyncpg.Connection, product_id: int, n: int, lock: bool = True
) -> list[int]:
    """Up to n AVAILABLE keys; with `lock`, locked, skipping rows another transaction holds."""
    rows = await conn.fetch(
        "SELECT id FROM card_keys WHERE product_id = $1 AND status = 'AVAILABLE'"
        " ORDER BY id LIMIT $2" + (" FOR UPDATE SKIP LOCKED" if lock else ""),
        product_id,
        n,
    )
    return [int(r["id"]) for r in rows]


async def mark_keys(
    conn: asyncpg.Connection, ids: list[int], status: str, order_id: int | None
) -> None:
    """Set status and owning order of keys (no state check: callers hold the rows)."""
    await conn.execute(
        "UPDATE card_keys SET status = $2, order_id = $3, updated_at = now()"
        " WHERE id = ANY($1::bigint[])",
        ids,
        status,
        order_id,
    )


async def set_awaiting_payment(
    conn: asyncpg.Connection, order_id: int, trade_no: str, cashier_path: str
) -> str:
    """CREATED → AWAITING_PAYMENT with the gateway's trade; returns the order's status after."""
    status = await conn.fetchval(
        "UPDATE orders SET status = CASE WHEN status = 'CREATED' THEN 'AWAITING_PAYMENT'"
        " ELSE status END, trade_no = COALESCE(trade_no, $2), cashier_path = $3,"
        " updated_at = now() WHERE id = $1 RETURNING status",
        order_id,
        trade_no,
        cashier_path,
    )
    return str(status)


async def lock_order(conn: asyncpg.Connection, order_no: str) -> asyncpg.Record | None:
    """The order row, locked until the transaction ends."""
    return await conn.fetchrow(
        f"SELECT {ORDER_COLS} FROM orders o WHERE order_no = $1 FOR UPDATE", order_no
    )


async def read_order(conn: asyncpg.Connection, order_no: str) -> asyncpg.Record | None:
    """The order row without a lock."""
    return await conn.fetchrow(f"SELECT {ORDER_COLS} FROM orders o WHERE order_no = $1", order_no)


async def release_keys(conn: asyncpg.Connection, order_id: int) -> list[tuple[int, int]]:
    """RESERVED keys of the order back to AVAILABLE; returns (key id, product id) pairs."""
    rows = await conn.fetch(
        "UPDATE card_keys SET status = 'AVAILABLE', order_id = NULL, updated_at = now()"
        " WHERE order_id = $1 AND status = 'RESERVED' RETURNING id, product_id",
        order_id,
    )
    return [(int(r["id"]), int(r["product_id"])) for r in rows]


async def close_order(
    conn: asyncpg.Connection, order_no: str, gateway_closed: bool
) -> tuple[int, int] | None:
    """Close an open order and release its keys: (product id, released count), or None.

    Locks the order first, so a payment being applied at the same moment wins or waits.
    `gateway_closed` says whether the gateway confirmed the trade can no longer be paid.
    """
    async with conn.transaction():
        order = await lock_order(conn, order_no)
        if order is None or order["status"] not in OPEN_STATES:
            return None
        released = await release_keys(conn, int(order["id"]))
        await conn.execute(
            "UPDATE orders SET status = 'CLOSED', closed_at = now(), updated_at = now(),"
            " gateway_closed = $2 WHERE id = $1",
            order["id"],
            gateway_closed,
        )
    return int(order["product_id"]), len(released)


async def mark_gateway_closed(conn: asyncpg.Connection, order_no: str) -> None:
    """The gateway confirmed a closed order's trade is closed (or never existed)."""
    await conn.execute("UPDATE orders SET gateway_closed = true WHERE order_no = $1", order_no)


async def order_for_owner(
    conn: asyncpg.Connection, order_no: str, owner: str
) -> asyncpg.Record | None:
    """The order if `owner` placed it (anyone else gets None, i.e. 404)."""
    return await conn.fetchrow(
        f"SELECT {ORDER_COLS} FROM orders o WHERE order_no = $1 AND owner = $2", order_no, owner
    )


async def history(conn: asyncpg.Connection, owner: str, limit: int) -> list[asyncpg.Record]:
    """The owner's latest orders, newest first."""
    return await conn.fetch(
        f"SELECT {ORDER_COLS} FROM orders o WHERE owner = $1 ORDER BY id DESC LIMIT $2",
        owner,
        limit,
    )


async def delivered_keys(conn: asyncpg.Connection, order_id: int) -> list[asyncpg.Record]:
    """(key id, product id, encrypted secret) of every key delivered to the order."""
    return await conn.fetch(
        "SELECT k.id, k.product_id, k.secret_enc FROM deliveries d"
        " JOIN card_keys k ON k.id = d.key_id WHERE d.order_id = $1 ORDER BY d.id",
        order_id,
    )


async def due_orders(
    conn: asyncpg.Connection, statuses: tuple[str, ...], older_than_s: float, limit: int
) -> list[asyncpg.Record]:
    """Orders in `statuses` created more than `older_than_s` ago, oldest first."""
    return await conn.fetch(
        f"SELECT {ORDER_COLS} FROM orders o WHERE status = ANY($1::text[])"
        " AND created_at < now() - make_interval(secs => $2) ORDER BY created_at LIMIT $3",
        list(statuses),
        older_than_s,
        limit,
    )


async def due_for_reconcile(
    conn: asyncpg.Connection, older_than_s: float, limit: int
) -> list[asyncpg.Record]:
    """Orders to ask the gateway about, least recently checked first; marks them checked.

    Open orders older than `older_than_s`, and closed ones the gateway has not confirmed closed.
    """
    return await conn.fetch(
        f"UPDATE orders o SET checked_at = now() WHERE id IN (SELECT id FROM orders"
        " WHERE created_at < now() - make_interval(secs => $2) AND (status = ANY($1::text[])"
        " OR (status = 'CLOSED' AND NOT gateway_closed))"
        f" ORDER BY checked_at NULLS FIRST, created_at LIMIT $3) RETURNING {ORDER_COLS}",
        list(OPEN_STATES),
        older_than_s,
        limit,
    )
