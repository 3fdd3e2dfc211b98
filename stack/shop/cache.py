"""Redis access with short timeouts and a brief circuit breaker, so a dead cache costs little.

Pooled connections outlive the network paths under them: a restarted Redis, or a proxy that
closes its connections (Toxiproxy does so when a proxy is disabled or a `timeout` toxic is
removed), leaves every idle connection in the pool closed by the peer. Such a connection fails
its next command with a ConnectionError. Unretried, each one would fail a request and trip the
breaker for the whole process, so a process recovered only as requests happened to wear its
dead connections out, long after Redis was back. So:
- a ConnectionError is retried on a fresh connection (twice, a few ms apart); a Redis that is
  really down refuses or resets at once, so failing still takes milliseconds;
- a timeout is NOT retried: a black-holed Redis costs one `redis_timeout_ms`, then the breaker;
- redis-py's RESP3 "maintenance notifications" (Redis Enterprise) are off: in "auto" mode they
  cost a failing handshake per new connection and make the pool skip its check for closed
  connections at checkout.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.maint_notifications import MaintNotificationsConfig

from stack.shop.settings import ShopSettings

log = logging.getLogger("shop.cache")

# after a failure, skip Redis this long instead of paying a timeout on every request
BREAKER_S = 1.0
# a connection the peer closed is replaced by a fresh one: at most this many retries, backoff
# 5 ms doubling up to 50 ms (a refused connection costs ~1 ms: fast-fail stays fast)
CONNECTION_RETRIES = 2


def connection_retry() -> Retry:
    """Retry ConnectionError only (stale pooled connections), never timeouts."""
    return Retry(
        ExponentialBackoff(cap=0.05, base=0.005),
        CONNECTION_RETRIES,
        supported_errors=(RedisConnectionError,),
    )


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
            retry=connection_retry(),
            retry_on_timeout=False,
            maint_notifications_config=MaintNotificationsConfig(enabled=False),
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
            self._trip(exc)
            raise CacheDown(str(exc)) from exc

    def _trip(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now >= self._down_until + BREAKER_S:  # quiet while failures keep coming
            log.warning("redis unreachable (%s: %s): skipping it for %.1f s",
                        type(exc).__name__, exc, BREAKER_S)  # fmt: skip
        self._down_until = now + BREAKER_S

    async def ping(self) -> bool:
        """True when Redis answers (bypasses the breaker: health must see recovery at once)."""
        try:
            return bool(await self.client.ping())
        except (RedisError, OSError, TimeoutError):
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()
