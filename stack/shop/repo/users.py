"""Users and resellers."""

from __future__ import annotations

import hashlib

import asyncpg


async def create_user(conn: asyncpg.Connection, email: str, password_hash: str) -> int | None:
    """New user id, or None when the email is taken."""
    row = await conn.fetchrow(
        "INSERT INTO users (email, password_hash) VALUES ($1, $2)"
        " ON CONFLICT (email) DO NOTHING RETURNING id",
        email,
        password_hash,
    )
    return None if row is None else int(row["id"])


async def user_by_email(conn: asyncpg.Connection, email: str) -> asyncpg.Record | None:
    """id and password_hash of a user."""
    return await conn.fetchrow("SELECT id, password_hash FROM users WHERE email = $1", email)


def api_key_digest(api_key: str) -> str:
    """Reseller API keys are stored only as their SHA-256 (they are high-entropy tokens)."""
    return hashlib.sha256(api_key.encode()).hexdigest()


async def reseller_by_key(conn: asyncpg.Connection, api_key: str) -> int | None:
    """Reseller id for an API key."""
    rid = await conn.fetchval(
        "SELECT id FROM resellers WHERE api_key_sha256 = $1", api_key_digest(api_key)
    )
    return None if rid is None else int(rid)
