"""Login sessions in Redis: an opaque token maps to a user id for a day."""

from __future__ import annotations

import secrets

from stack.shop.cache import Cache

SESSION_TTL_S = 86_400


async def create(cache: Cache, user_id: int) -> str:
    """A new session token; raises CacheDown when Redis is unreachable."""
    token = secrets.token_urlsafe(32)
    await cache.call("set", f"session:{token}", user_id, ex=SESSION_TTL_S)
    return token


async def user_of(cache: Cache, token: str) -> int | None:
    """The user id behind a token, or None; raises CacheDown."""
    value = await cache.call("get", f"session:{token}")
    return None if value is None else int(value)
