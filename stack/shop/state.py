"""Per-process resources every handler and job shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from stack.shop.cache import Cache
from stack.shop.crypto import CardKeyCipher, validate_card_key_secret
from stack.shop.db import create_pool, prepare_database
from stack.shop.gateway import GatewayClient
from stack.shop.settings import ShopSettings


@dataclass
class ShopState:
    """Settings, the database pool, Redis, the gateway client and the card-key cipher."""

    settings: ShopSettings
    pool: asyncpg.Pool
    cache: Cache
    gateway: GatewayClient
    cipher: CardKeyCipher

    def db(self) -> Any:
        """Acquire a pooled connection, giving up after SHOP_DB_ACQUIRE_TIMEOUT_MS."""
        return self.pool.acquire(timeout=self.settings.db_acquire_timeout_ms / 1000)

    @classmethod
    async def open(cls, settings: ShopSettings) -> ShopState:
        """Wait for the database, migrate, and open every client."""
        await prepare_database(settings)
        pool = await create_pool(settings)
        cipher = CardKeyCipher(validate_card_key_secret(settings.card_key_secret))
        return cls(settings, pool, Cache(settings), GatewayClient(settings), cipher)

    async def close(self) -> None:
        """Release every client."""
        await self.gateway.aclose()
        await self.cache.close()
        await self.pool.close()
