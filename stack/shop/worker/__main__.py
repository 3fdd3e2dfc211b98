"""`python -m stack.shop.worker [--check]`: the background jobs, or a health check."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import time
from collections.abc import Awaitable, Callable

import asyncpg
import redis.asyncio as aioredis

from stack.shop.cache import CacheDown
from stack.shop.db import DB_ERRORS
from stack.shop.gateway import GatewayError
from stack.shop.settings import ConfigError, ShopSettings, load_settings
from stack.shop.state import ShopState
from stack.shop.worker import jobs

log = logging.getLogger("shop.worker")
Job = Callable[[ShopState], Awaitable[int]]
# a job pass fails on these when a dependency is down; the next pass retries
TRANSIENT = (*DB_ERRORS, CacheDown, GatewayError)


async def _every(state: ShopState, job: Job, interval_s: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            await job(state)
        except TRANSIENT as exc:
            log.warning("%s: %s: %s", job.__name__, type(exc).__name__, exc)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(
                stop.wait(), max(0.05, interval_s - (time.monotonic() - started))
            )


async def run(settings: ShopSettings) -> None:
    """Run every job on its interval until SIGTERM/SIGINT."""
    state = await ShopState.open(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    schedule: list[tuple[Job, float]] = [
        (jobs.reconcile_once, settings.reconcile_interval_s),
        (jobs.expire_once, settings.expiry_interval_s),
        (jobs.refund_once, settings.reconcile_interval_s),
        (jobs.resync_stock_once, settings.reconcile_interval_s),
    ]
    try:
        await asyncio.gather(*(_every(state, job, every, stop) for job, every in schedule))
    finally:
        await state.close()


async def check(settings: ShopSettings) -> int:
    """0 when the database and Redis are reachable (the container's health check)."""
    try:
        conn = await asyncpg.connect(settings.database_url, timeout=3)
        try:
            await conn.fetchval("SELECT 1")
        finally:
            await conn.close()
        client = aioredis.Redis.from_url(
            settings.redis_url, socket_timeout=2, socket_connect_timeout=2
        )
        try:
            await client.ping()
        finally:
            await client.aclose()
    except Exception as exc:  # any failure means unhealthy; say which
        print(f"shop-worker: unhealthy: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m stack.shop.worker")
    parser.add_argument(
        "--check", action="store_true", help="exit 0 when DB and Redis are reachable"
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"shop-worker: configuration error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        return asyncio.run(check(settings))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
