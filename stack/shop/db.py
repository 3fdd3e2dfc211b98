"""PostgreSQL connections: the pool, and waiting for the database at start."""

from __future__ import annotations

import asyncio
import time

import asyncpg

from stack.shop.schema import migrate
from stack.shop.settings import ShopSettings

START_DEADLINE_S = 90.0
# what a dead or slow database raises through asyncpg and the pool
DB_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, asyncio.TimeoutError)


async def connect_with_retry(
    settings: ShopSettings, deadline_s: float = START_DEADLINE_S
) -> asyncpg.Connection:
    """One connection, retried until the deadline (the database may still be starting)."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            return await asyncpg.connect(settings.database_url, timeout=5)
        except (TimeoutError, OSError, asyncpg.PostgresError):
            if time.monotonic() > end:
                raise
            await asyncio.sleep(0.5)


async def prepare_database(settings: ShopSettings) -> None:
    """Wait for the database and apply the schema (idempotent, safe from many processes)."""
    conn = await connect_with_retry(settings)
    try:
        await migrate(conn)
    finally:
        await conn.close()


async def create_pool(settings: ShopSettings) -> asyncpg.Pool:
    """The process's pool, sized by SHOP_DB_POOL_SIZE."""
    pool = await asyncpg.create_pool(
        settings.database_url,
        min_size=1,
        max_size=settings.db_pool_size,
        command_timeout=settings.db_command_timeout_ms / 1000,
        # a dead connection behind a cut proxy should be replaced, not reused forever
        max_inactive_connection_lifetime=60,
    )
    assert pool is not None
    return pool
