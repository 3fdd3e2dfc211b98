"""Fake gateway benchmark: sustained create+pay+notify throughput, then notifier backlog behaviour
while the receiver is down and after it comes back. Everything on 127.0.0.1.

    .venv/bin/python bench/gateway_bench.py [--seconds 10] [--concurrency 32] [--down-s 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fakes.payment_gateway.harness import Delivery, GatewayProcess, Receiver, gateway_env

AUTH = {"X-Merchant-Id": "bench", "Authorization": "Bearer bench-secret"}


class Shop:
    """Receiver policy that can be switched down (503) and up, and measures notify lag."""

    def __init__(self) -> None:
        self.up = True
        self.lags_ms: list[float] = []
        self._lock = threading.Lock()

    def reply(self, d: Delivery, _: int) -> tuple[int, bytes]:
        if not self.up:
            return 503, b"down"
        with self._lock:
            self.lags_ms.append((time.time() - d.json()["paid_at"]) * 1000)
        return 200, b"success"


async def load(base: str, url: str, seconds: float, concurrency: int, tag: str) -> list[float]:
    """Create+pay as fast as `concurrency` clients can for `seconds`; per-pair latencies (ms)."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []

    async def client(c: httpx.AsyncClient, worker: int) -> None:
        i = 0
        while time.monotonic() < deadline:
            start = time.perf_counter()
            body = {
                "out_trade_no": f"{tag}-{worker}-{i}",
                "amount_cents": 100,
                "subject": "bench",
                "notify_url": url,
            }
            r = await c.post("/v1/payments", json=body, headers=AUTH)
            await c.post(r.json()["cashier_path"])
            latencies.append((time.perf_counter() - start) * 1000)
            i += 1

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as c:
        await asyncio.gather(*(client(c, w) for w in range(concurrency)))
    return latencies


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, 0 when empty."""
    if not values:
        return 0.0
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]


def drain(gw: GatewayProcess, timeout_s: float) -> float:
    """Seconds until no notification is pending (bounded)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if gw.control("GET", "/control/notifier")["queue_depth"] == 0:
            return time.monotonic() - start
        time.sleep(0.05)
    return float("nan")


def cpu_s(gw: GatewayProcess) -> float:
    """CPU seconds the gateway process has used (user + system)."""
    assert gw.proc is not None
    times = psutil.Process(gw.proc.pid).cpu_times()
    return float(times.user + times.system)


def throughput(gw: GatewayProcess, rx: Receiver, shop: Shop, args: argparse.Namespace) -> None:
    """Phase 1: sustained load with an acknowledging shop."""
    start, cpu0 = time.monotonic(), cpu_s(gw)
    lat = asyncio.run(load(gw.merchant_url, rx.url, args.seconds, args.concurrency, "T"))
    elapsed = time.monotonic() - start
    drain_s = drain(gw, 60)
    cpu = cpu_s(gw) - cpu0
    stats = gw.control("GET", "/control/notifier")
    print(f"throughput ({args.seconds:.0f}s, {args.concurrency} clients, profile {args.profile})")
    print(f"  create+pay pairs        {len(lat)} = {len(lat) / elapsed:.0f}/s")
    print(f"  pair latency ms         p50 {pct(lat, 0.5):.1f}  p99 {pct(lat, 0.99):.1f}")
    print(f"  notifications acked     {stats['acked']} = {stats['acked'] / elapsed:.0f}/s")
    print(
        f"  notify lag ms           p50 {pct(shop.lags_ms, 0.5):.1f}  "
        f"p99 {pct(shop.lags_ms, 0.99):.1f}  (paid → shop received)"
    )
    print(f"  backlog drained after load in {drain_s:.2f}s")
    print(
        f"  gateway CPU {cpu:.1f}s = {1000 * cpu / max(len(lat), 1):.2f} ms per create+pay+notify "
        f"(~{len(lat) / max(cpu, 1e-9):.0f}/s per free core; load avg {os.getloadavg()[0]:.1f})"
    )


def backlog(gw: GatewayProcess, rx: Receiver, shop: Shop, args: argparse.Namespace) -> None:
    """Phase 2: the shop is down for down_s under load, then comes back."""
    shop.up = False
    samples: list[tuple[float, dict[str, float]]] = []
    start = time.monotonic()
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.monotonic() - start, gw.control("GET", "/control/notifier")))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    down_load = asyncio.run(load(gw.merchant_url, rx.url, args.down_s, args.concurrency, "B"))
    shop.up = True
    back_at = time.monotonic() - start
    drain_s = drain(gw, args.drain_timeout_s)
    stop.set()
    sampler.join(5)
    print(
        f"backlog (shop down {args.down_s:.0f}s while {len(down_load)} payments arrive, "
        f"compression {args.compression:g})"
    )
    print("  t_s   queue_depth  oldest_pending_s  inflight  failed_attempts")
    for t, s in samples:
        print(
            f"  {t:5.1f} {s['queue_depth']:11.0f} {s['oldest_pending_age_s']:17.2f} "
            f"{s['inflight']:9.0f} {s['failed_attempts']:16.0f}"
        )
    peak = max((s["queue_depth"] for _, s in samples), default=0)
    print(
        f"  peak queue depth {peak:.0f}; shop back at {back_at:.1f}s; "
        f"drained {drain_s:.2f}s later (retries wait for their scheduled time)"
    )


def main() -> int:
    """Run both phases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--down-s", type=float, default=5)
    parser.add_argument("--profile", default="alipay")
    parser.add_argument("--compression", type=float, default=600)
    parser.add_argument("--drain-timeout-s", type=float, default=120)
    args = parser.parse_args()
    shop = Shop()
    env = gateway_env(
        "bench",
        "bench-secret",
        seed=1,
        profile=args.profile,
        time_compression=args.compression,
        notifier_concurrency=64,
    )
    with (
        tempfile.TemporaryDirectory() as tmp,
        Receiver(shop.reply) as rx,
        GatewayProcess(Path(tmp), env) as gw,
    ):
        throughput(gw, rx, shop, args)
        backlog(gw, rx, shop, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
