"""`python -m stack.shop.seed ...`: products, encrypted card keys, buyers and resellers, fast.

Additive: every call adds new products (fresh SKUs) and creates the buyers and resellers that do
not exist yet, so several tests can seed one shared stack. Prints the JSON in CONTRACTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg
from faker import Faker

from stack.shop.cache import Cache, CacheDown
from stack.shop.catalog import LIST_KEY
from stack.shop.crypto import CardKeyCipher, secret_hash, validate_card_key_secret
from stack.shop.db import connect_with_retry, prepare_database
from stack.shop.passwords import hash_password
from stack.shop.repo.users import api_key_digest
from stack.shop.settings import ConfigError, ShopSettings, load_settings
from stack.shop.stock import stock_key

PRICES_CENTS = (500, 1000, 3000, 5000, 10000, 30000)
CARD_KINDS = ("Game Points", "Gift Card", "Licence Key", "Season Pass", "Gem Pack")
KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Sizes of the data set."""
    p = argparse.ArgumentParser(prog="python -m stack.shop.seed")
    p.add_argument("--products", type=int, default=10)
    p.add_argument("--keys-per-product", type=int, default=1000)
    p.add_argument(
        "--hot-stock", type=int, default=50, help="keys of the hot product (the first); 0: none"
    )
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--resellers", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    for name in ("products", "keys_per_product", "hot_stock", "users", "resellers"):
        if getattr(args, name) < 0:
            p.error(f"--{name.replace('_', '-')} must be >= 0")
    return args


def key_code(rng: random.Random) -> str:
    """A card key like `7KQ2-...`: 4 groups of 4."""
    return "-".join("".join(rng.choices(KEY_ALPHABET, k=4)) for _ in range(4))


async def seed_products(
    conn: asyncpg.Connection, args: argparse.Namespace, cipher: CardKeyCipher
) -> list[dict[str, Any]]:
    """New products and their encrypted keys (COPY), in one transaction."""
    batch = await conn.fetchval("SELECT nextval('seed_batches')")
    # the batch joins the seed: reseeding a stack never imports the same card codes twice
    fake, rng = Faker(), random.Random(f"{args.seed}:{batch}")
    fake.seed_instance(args.seed)
    out: list[dict[str, Any]] = []
    async with conn.transaction():
        for j in range(args.products):
            hot = j == 0 and args.hot_stock > 0
            stock = args.hot_stock if hot else args.keys_per_product
            name = f"{fake.company()} {rng.choice(CARD_KINDS)}"
            price = rng.choice(PRICES_CENTS)
            pid = await conn.fetchval(
                "INSERT INTO products (sku, name, price_cents, hot, imported)"
                " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                f"PD{batch}-{j:03d}",
                name,
                price,
                hot,
                stock,
            )
            codes = [key_code(rng) for _ in range(stock)]
            records = [(pid, cipher.encrypt(pid, c), secret_hash(c)) for c in codes]
            await conn.copy_records_to_table(
                "card_keys", records=records, columns=["product_id", "secret_enc", "secret_sha256"]
            )
            out.append(
                {
                    "id": pid,
                    "sku": f"PD{batch}-{j:03d}",
                    "price_cents": price,
                    "stock": stock,
                    "hot": hot,
                }
            )
    return out


async def seed_users(conn: asyncpg.Connection, n: int, iterations: int) -> int:
    """buyer{i}@peakdrill.test / peakdrill-{i} for every i < n not yet present."""
    emails = [f"buyer{i}@peakdrill.test" for i in range(n)]
    existing = {
        r["email"]
        for r in await conn.fetch("SELECT email FROM users WHERE email = ANY($1::text[])", emails)
    }
    todo = [i for i in range(n) if emails[i] not in existing]
    # hashlib releases the GIL while hashing: threads use every core
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        hashes = list(pool.map(lambda i: hash_password(f"peakdrill-{i}", iterations), todo))
    await conn.executemany(
        "INSERT INTO users (email, password_hash) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING",
        [(emails[i], h) for i, h in zip(todo, hashes, strict=True)],
    )
    return n


async def seed_resellers(conn: asyncpg.Connection, n: int) -> int:
    """Resellers with API keys reseller-key-{i}."""
    await conn.executemany(
        "INSERT INTO resellers (name, api_key_sha256) VALUES ($1, $2)"
        " ON CONFLICT (api_key_sha256) DO NOTHING",
        [(f"reseller-{i}", api_key_digest(f"reseller-key-{i}")) for i in range(n)],
    )
    return n


async def refresh_cache(settings: ShopSettings, products: list[dict[str, Any]]) -> None:
    """Drop the cached catalog and set the new products' stock counters (best effort)."""
    cache = Cache(settings)
    try:
        await cache.call("delete", LIST_KEY)
        if products:
            await cache.call("mset", {stock_key(p["id"]): p["stock"] for p in products})
    except CacheDown:
        pass  # the worker resyncs counters and the catalog TTL expires on its own
    finally:
        await cache.close()


async def seed(settings: ShopSettings, args: argparse.Namespace) -> dict[str, Any]:
    """Seed everything; returns the summary printed as JSON."""
    cipher = CardKeyCipher(validate_card_key_secret(settings.card_key_secret))
    await prepare_database(settings)
    conn = await connect_with_retry(settings)
    try:
        products = await seed_products(conn, args, cipher)
        users = await seed_users(conn, args.users, settings.password_iterations)
        resellers = await seed_resellers(conn, args.resellers)
    finally:
        await conn.close()
    await refresh_cache(settings, products)
    return {"products": products, "users": users, "resellers": resellers}


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"seed: configuration error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(asyncio.run(seed(settings, args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
