"""Schema migrations, applied at start by every process, serialized by an advisory lock."""

from __future__ import annotations

import asyncpg

# Any constant shared by all shop processes; replicas racing at start queue on it.
MIGRATION_LOCK_ID = 7_404_001

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE users (
            id BIGSERIAL PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        CREATE TABLE resellers (
            id BIGSERIAL PRIMARY KEY,
            name TEXT NOT NULL,
            api_key_sha256 TEXT NOT NULL UNIQUE
        );
        CREATE TABLE products (
            id BIGSERIAL PRIMARY KEY,
            sku TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            price_cents INTEGER NOT NULL CHECK (price_cents > 0),
            hot BOOLEAN NOT NULL DEFAULT false,
            imported INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE orders (
            id BIGSERIAL PRIMARY KEY,
            order_no TEXT NOT NULL UNIQUE,
            owner TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            product_id BIGINT NOT NULL REFERENCES products(id),
            quantity INTEGER NOT NULL CHECK (quantity >= 1),
            amount_cents BIGINT NOT NULL,
            status TEXT NOT NULL,
            trade_no TEXT,
            cashier_path TEXT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            paid_at TIMESTAMPTZ,
            paid_cents BIGINT,
            delivered_at TIMESTAMPTZ,
            closed_at TIMESTAMPTZ,
            UNIQUE (owner, idempotency_key)
        );
        CREATE INDEX orders_open_idx ON orders (status, created_at)
            WHERE status IN ('CREATED', 'AWAITING_PAYMENT', 'PAID', 'REFUND_PENDING');
        CREATE INDEX orders_owner_idx ON orders (owner, id DESC);
        CREATE TABLE card_keys (
            id BIGSERIAL PRIMARY KEY,
            product_id BIGINT NOT NULL REFERENCES products(id),
            secret_enc BYTEA NOT NULL,
            secret_sha256 TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'AVAILABLE',
            order_id BIGINT REFERENCES orders(id),
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        CREATE INDEX card_keys_available_idx ON card_keys (product_id, id)
            WHERE status = 'AVAILABLE';
        CREATE INDEX card_keys_order_idx ON card_keys (order_id);
        -- one row per key handed to an order; no unique key on key_id on purpose: with the
        -- integrity guards off the classic double delivery must be recordable (and audited)
        CREATE TABLE deliveries (
            id BIGSERIAL PRIMARY KEY,
            order_id BIGINT NOT NULL REFERENCES orders(id),
            key_id BIGINT NOT NULL REFERENCES card_keys(id),
            source TEXT NOT NULL,
            delivered_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        CREATE INDEX deliveries_order_idx ON deliveries (order_id);
        CREATE TABLE notifications (
            id BIGSERIAL PRIMARY KEY,
            event_id TEXT,
            trade_no TEXT,
            out_trade_no TEXT,
            amount_cents BIGINT,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            signed_at BIGINT,
            signature TEXT,
            order_status_before TEXT,
            order_status_after TEXT,
            received_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        CREATE TABLE refunds (
            id BIGSERIAL PRIMARY KEY,
            order_id BIGINT NOT NULL REFERENCES orders(id) UNIQUE,
            out_refund_no TEXT NOT NULL UNIQUE,
            amount_cents BIGINT NOT NULL,
            refunded_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        CREATE INDEX notifications_signature_idx ON notifications (signature);
        CREATE SEQUENCE seed_batches;
        """,
    ),
    (
        2,
        # reconciliation asks about the least recently checked orders first, so a backlog of
        # abandoned carts cannot starve a paid order whose notification was lost
        "ALTER TABLE orders ADD COLUMN checked_at TIMESTAMPTZ;",
    ),
    (
        3,
        # an order closed here while its trade may still be payable at the gateway (the close
        # call failed or timed out) stays on the reconciliation list until the gateway agrees
        "ALTER TABLE orders ADD COLUMN gateway_closed BOOLEAN NOT NULL DEFAULT false;",
    ),
)


async def migrate(conn: asyncpg.Connection) -> list[int]:
    """Apply missing migrations in order; returns the versions applied by this call."""
    applied: list[int] = []
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_ID)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for version, sql in MIGRATIONS:
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
            applied.append(version)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_ID)
    return applied
