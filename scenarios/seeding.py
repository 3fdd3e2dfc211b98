"""Seed the shop through its own command in the worker container; parse its JSON."""

from __future__ import annotations

import json
from typing import Any

from peakdrill.errors import StackError
from scenarios.spec import DataSpec
from stack import lifecycle

SEED_TIMEOUT_S = 300.0


def seed_command(data: DataSpec, seed: int) -> list[str]:
    """`python -m stack.shop.seed ...` for the scenario's data sizing."""
    return [
        "python", "-m", "stack.shop.seed",
        "--products", str(data.products),
        "--keys-per-product", str(data.keys_per_product),
        "--hot-stock", str(data.hot_stock),
        "--users", str(data.users),
        "--resellers", str(data.resellers),
        "--seed", str(seed),
    ]  # fmt: skip


def parse_seed_output(stdout: str) -> dict[str, Any]:
    """The last JSON object line of the seed command's output."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and isinstance(data.get("products"), list):
                return data
    try:
        data = json.loads(stdout)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("products"), list):
        return data
    raise StackError(f"seed: no JSON with `products` in its output: {stdout[-200:]!r}")


def seed_shop(stack: str, data: DataSpec, seed: int) -> dict[str, Any]:
    """Run the seed command and return what it created."""
    out = lifecycle.exec_service(stack, "shop-worker", seed_command(data, seed), SEED_TIMEOUT_S)
    return parse_seed_output(out)
