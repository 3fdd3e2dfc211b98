"""Shop benchmark: sustained paid orders per second and p99 per endpoint (Locust, headless, as a
library) on the baseline config, cross-checked with wrk on GET /api/products in the same run.

    .venv/bin/python bench/shop_bench.py [--stack NAME] [--users 20] [--duration-s 30]

Without --stack it brings up its own baseline stack on 127.0.0.1 and always removes it.
Closed-model figures (Locust users wait for answers): a capacity number, not an SLO verdict.
"""

from __future__ import annotations

import argparse
import random
import re
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, between, task
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# after locust (third-party, imported above): its gevent patching precedes docker/requests
from stack import lifecycle
from stack.config import load_stack_config
from stack.endpoints import StackEndpoints

BUYERS = 500
MAX_DURATION_S = 300
DELIVERY_TIMEOUT_S = 15.0
PRODUCTS: list[int] = []
CASHIER = {"url": ""}
DELIVERED = {"orders": 0}


class Shopper(FastHttpUser):
    """Browses, then buys one key: order → pay at the cashier → poll until DELIVERED."""

    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        i = random.randrange(BUYERS)
        resp = self.client.post(
            "/api/auth/login",
            json={"email": f"buyer{i}@peakdrill.test", "password": f"peakdrill-{i}"},
        )
        self.client.auth_header = (
            f"Bearer {resp.json()['token']}" if resp.status_code == 200 else ""
        )

    def _auth(self) -> dict[str, str]:
        return {"Authorization": str(self.client.auth_header)}

    @task(3)
    def catalog(self) -> None:
        self.client.get("/api/products")

    @task(2)
    def product(self) -> None:
        self.client.get(f"/api/products/{random.choice(PRODUCTS)}", name="/api/products/{id}")

    @task(2)
    def buy(self) -> None:
        body = {
            "product_id": random.choice(PRODUCTS),
            "quantity": 1,
            "idempotency_key": uuid.uuid4().hex,
        }
        resp = self.client.post("/api/orders", json=body, headers=self._auth())
        if resp.status_code != 201:
            return
        order = resp.json()
        self.client.post(
            CASHIER["url"] + order["cashier_path"], name="POST /cashier/{trade_no}/pay"
        )
        self._await_delivery(order["order_no"])

    def _await_delivery(self, order_no: str) -> None:
        end = time.monotonic() + DELIVERY_TIMEOUT_S
        while time.monotonic() < end:
            resp = self.client.get(
                f"/api/orders/{order_no}", headers=self._auth(), name="/api/orders/{order_no}"
            )
            if resp.status_code == 200 and resp.json().get("status") == "DELIVERED":
                DELIVERED["orders"] += 1
                return
            gevent.sleep(0.2)


class Reader(FastHttpUser):
    """Only reads the catalog (the endpoint wrk hits), for the cross-check."""

    wait_time = between(0, 0)

    @task
    def catalog(self) -> None:
        self.client.get("/api/products")


def run_locust(user: type[FastHttpUser], host: str, users: int, duration_s: float) -> Environment:
    """Run one headless Locust phase for duration_s; returns its environment (stats)."""
    env = Environment(user_classes=[user], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(1, users))
    gevent.sleep(duration_s)
    runner.quit()
    return env


def print_stats(env: Environment, duration_s: float) -> None:
    """p50/p99 per endpoint."""
    print(f"{'endpoint':34} {'reqs':>7} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}")
    for (name, method), e in sorted(env.stats.entries.items()):
        label = name if name.startswith(method) else f"{method} {name}"
        p50, p99 = e.get_response_time_percentile(0.5), e.get_response_time_percentile(0.99)
        rate = e.num_requests / duration_s
        print(
            f"{label[:34]:34} {e.num_requests:7d} {e.num_failures:5d} {rate:7.1f}"
            f" {p50:7.0f} {p99:7.0f}"
        )


def run_wrk(url: str, duration_s: int, connections: int) -> dict[str, Any]:
    """wrk on one read endpoint; requests/s and p99 from its --latency output."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"error": "wrk not installed (scripts/bootstrap.sh installs it)"}
    cmd = [wrk, "-t2", f"-c{connections}", f"-d{duration_s}s", "--latency", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + 60).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "rps": float(rps.group(1)) if rps else None,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else None,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def bench(ep: StackEndpoints, users: int, duration_s: float) -> None:
    """Seed, run the purchase mix, then the read-only cross-check."""
    seeded = lifecycle.exec_service(
        ep.stack,
        "shop-worker",
        [
            "python",
            "-m",
            "stack.shop.seed",
            "--products",
            "5",
            "--keys-per-product",
            "5000",
            "--hot-stock",
            "0",
            "--users",
            str(BUYERS),
            "--resellers",
            "0",
            "--seed",
            "1",
        ],
        timeout_s=300,
    )
    PRODUCTS.extend(int(m) for m in re.findall(r'"id": (\d+)', seeded))
    CASHIER["url"] = ep.gateway_cashier_url
    print(f"== purchase mix: {users} Locust users, {duration_s:.0f} s, edge {ep.edge_url}")
    env = run_locust(Shopper, ep.edge_url, users, duration_s)
    print_stats(env, duration_s)
    n = DELIVERED["orders"]
    print(f"paid orders delivered: {n} → sustained {n / duration_s:.1f} paid orders/s")
    read_s = min(15.0, duration_s)
    print(f"== read cross-check, GET /api/products, {read_s:.0f} s each")
    reader = run_locust(Reader, ep.edge_url, users, read_s)
    e = reader.stats.get("/api/products", "GET")
    p99 = e.get_response_time_percentile(0.99)
    print(f"locust: {e.num_requests / read_s:8.1f} req/s  p99 {p99:6.0f} ms  fail {e.num_failures}")
    w = run_wrk(f"{ep.edge_url}/api/products", int(read_s), connections=users)
    rps, wp99 = w.get("rps") or 0.0, w.get("p99_ms") or 0.0
    print(
        f"wrk:    {rps:8.1f} req/s  p99 {wp99:6.1f} ms  non-2xx {w.get('non_2xx')}"
        f" {w.get('error', '')}"
    )


def main() -> int:
    """Entry point."""
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--stack", help="use this running stack instead of bringing one up")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--duration-s", type=float, default=30.0)
    args = p.parse_args()
    duration_s = min(max(args.duration_s, 5.0), MAX_DURATION_S)
    if args.stack:
        bench(lifecycle.endpoints(args.stack), args.users, duration_s)
        return 0
    name = f"pdbench-shop-{secrets.token_hex(3)}"
    try:
        ep = lifecycle.up(load_stack_config(), name)
        bench(ep, args.users, duration_s)
    finally:
        lifecycle.down(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
