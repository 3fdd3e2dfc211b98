"""Redis access with short timeouts and a brief circuit breaker, so a dead cache costs little."""

from __future__ import annotations

import time
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from stack.shop.settings import ShopSettings

# after a failure, skip Redis this long instead of paying a timeout on every request
BREAKER_S = 1.0


class CacheDown(Exception):
    """Redis is unreachable (or was a moment ago)."""


class Cache:
    """Thin wrapper: every call raises CacheDown instead of a redis error or a long wait."""

    def __init__(self, settings: ShopSettings) -> None:
        timeout = settings.redis_timeout_ms / 1000
        self.client = aioredis.Redis.from_url(
            settings.redis_url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry_on_timeout=False,
            decode_responses=True,
        )
        self._down_until = 0.0

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Run one redis command, or raise CacheDown."""
        if time.monotonic() < self._down_until:
            raise CacheDown("redis recently unreachable")
        try:
            return await getattr(self.client, method)(*args, **kwargs)
        except (RedisError, OSError, TimeoutError) as exc:
            self._down_until = time.monotonic() + BREAKER_S
            raise CacheDown(str(exc)) from exc

    async def ping(self) -> bool:
        """True when Redis answers (bypasses the breaker: health must see recovery at once)."""
        try:
            return bool(await self.client.ping())
        except (RedisError, OSError, TimeoutError):
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()
