#!/usr/bin/env python3
"""Generator CPU cost per request: Peakdrill's open-model Locust generator next to wrk.

Both drive the same trivial endpoint on 127.0.0.1 (a tiny asyncio HTTP server in its own
process, or --url) in the same run; the figure is CPU time of the generator process(es)
divided by the requests they completed, in microseconds.

    .venv/bin/python bench/generator_bench.py [--rate 400] [--seconds 10] [--url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scenarios.openmodel.plan import LoadPlan  # noqa: E402

BODY = b'[{"id": 1, "sku": "A", "price_cents": 100, "stock": 5}]'


async def _serve(port: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        reply = head + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
        try:
            while True:
                req = await reader.readuntil(b"\r\n\r\n")
                if not req:
                    break
                writer.write(reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def _start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("bench server did not start")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_s(proc: psutil.Process) -> float:
    procs = [proc, *proc.children(recursive=True)]
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def bench_peakdrill(url: str, path: str, rate: float, seconds: float, workers: int) -> dict:
    """Run the generator at `rate` for `seconds`; CPU measured from t0 to the summary."""
    with tempfile.TemporaryDirectory() as tmp:
        plan = LoadPlan(
            edge_url=url, cashier_url=url, seed=1,
            load={"arrivals": "uniform", "max_concurrency": 2000,
                  "stages": [{"kind": "hold", "duration_s": seconds, "rate_per_s": rate}]},
            users={"mix": {"browser": 1}, "browser": {"pages_min": 0, "pages_max": 0}},
            seed_data={"products": [{"id": 1}], "users": 0, "resellers": 0},
        )  # fmt: skip
        plan_path = Path(tmp) / "plan.json"
        plan.write(plan_path)
        cmd = [sys.executable, "-m", "scenarios.openmodel", "run", "--plan", str(plan_path)]
        cmd += ["--run-dir", tmp, "--workers", str(workers)]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
        ps = psutil.Process(proc.pid)
        cpu0 = None
        summary: dict = {}
        assert proc.stdout is not None
        for line in proc.stdout:
            ev = json.loads(line)
            if ev["event"] == "t0":
                time.sleep(max(0.0, ev["t0"] - time.time()))
                cpu0 = _cpu_s(ps)
            elif ev["event"] == "done":
                cpu1 = _cpu_s(ps)
                summary = ev
        proc.wait(timeout=60)
    requests = int(summary.get("requests", 0))
    used = cpu1 - (cpu0 or 0.0)
    return {"tool": f"peakdrill (open model, {workers} workers)", "requests": requests,
            "cpu_s": round(used, 3), "us_per_request": round(used / max(1, requests) * 1e6, 1),
            "late": summary["load"]["late"], "dropped": summary["load"]["dropped"],
            "rate": round(requests / seconds, 1)}  # fmt: skip


def bench_wrk(url: str, path: str, seconds: float) -> dict | None:
    """wrk, one thread, 10 connections, closed loop as fast as it can."""
    if shutil.which("wrk") is None:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", "-t1", "-c10", f"-d{int(seconds)}s", url + path],
        capture_output=True, text=True, timeout=seconds + 30, check=True,
    ).stdout  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = re.search(r"(\d+) requests in", out)
    requests = int(m.group(1)) if m else 0
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"tool": "wrk -t1 -c10", "requests": requests, "cpu_s": round(used, 3),
            "us_per_request": round(used / max(1, requests) * 1e6, 1),
            "rate": round(requests / seconds, 1)}  # fmt: skip


def main() -> int:
    """Run both and print a small table (and JSON with --json)."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    p.add_argument("--url", help="endpoint base URL on 127.0.0.1 (default: a local tiny server)")
    p.add_argument("--path", default="/api/products")
    p.add_argument("--rate", type=float, default=400.0, help="open-model arrivals per second")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if args.serve:
        asyncio.run(_serve(args.serve))
        return 0
    server = None
    url = args.url
    if url is None:
        server, url = _start_server()
    elif urlsplit(url).hostname != "127.0.0.1":
        raise SystemExit("--url must be on 127.0.0.1")
    try:
        rows = [bench_peakdrill(url, args.path, args.rate, args.seconds, args.workers)]
        wrk = bench_wrk(url, args.path, args.seconds)
        rows += [wrk] if wrk else []
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    if args.json:
        print(json.dumps(rows, indent=1))
    for r in rows:
        extra = f"  late {r['late']} dropped {r['dropped']}" if "late" in r else ""
        print(f"{r['tool']:<34} {r['requests']:>8} req  {r['rate']:>8} req/s  "
              f"{r['cpu_s']:>7} s CPU  {r['us_per_request']:>8} µs CPU/request{extra}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
