#!/usr/bin/env python3
"""Times `stack up` cold (no images, no layer cache, empty host cache) and warm, and `stack down`.

Run: .venv/bin/python bench/stack_bench.py [--warm-runs 3] [--skip-cold]
Every timing runs the real CLI (`python run.py stack ...`) in a subprocess, as a user would.
The cold run builds under its own image namespace (PEAKDRILL_IMAGE_REPO) and host cache
(PEAKDRILL_CACHE), so it never disturbs images other stacks on this machine are using; its images
are removed afterwards. The machine is shared: compare figures only within one run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docker

REPO = Path(__file__).resolve().parent.parent
RUN = [sys.executable, str(REPO / "run.py")]


def timed(args: list[str], env: dict[str, str] | None = None, timeout_s: float = 3600) -> float:
    """Seconds one CLI command takes; abort the benchmark if it fails."""
    started = time.perf_counter()
    proc = subprocess.run(
        [*RUN, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout_s
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"bench: `{' '.join(args)}` failed ({proc.returncode}): {proc.stderr[-500:]}")
    return elapsed


def cold(stack: str) -> tuple[float, float]:
    """Cold up (fresh namespace, no layer cache, empty wheel/toxiproxy cache) and its down."""
    repo = f"pdbench{secrets.token_hex(3)}"
    with tempfile.TemporaryDirectory(prefix="pdbench-cache-") as cache:
        env = {
            **os.environ,
            "PEAKDRILL_IMAGE_REPO": repo,
            "PEAKDRILL_CACHE": cache,
            "PEAKDRILL_BUILD_NOCACHE": "1",
        }
        try:
            up_s = timed(["stack", "up", "--stack", stack], env)
        finally:
            down_s = timed(["stack", "down", "--stack", stack], env)
            _remove_images(repo)
    return up_s, down_s


def _remove_images(repo: str) -> None:
    cli = docker.from_env()
    for img in cli.images.list():
        for tag in img.tags:
            if tag.startswith(f"{repo}/"):
                cli.images.remove(tag, force=True)


def warm(stack: str, runs: int) -> tuple[list[float], list[float]]:
    """`runs` warm ups and downs with the shared images already built."""
    ups, downs = [], []
    timed(["stack", "up", "--stack", stack])  # make sure images are current (not counted)
    timed(["stack", "down", "--stack", stack])
    for _ in range(runs):
        try:
            ups.append(timed(["stack", "up", "--stack", stack]))
        finally:
            downs.append(timed(["stack", "down", "--stack", stack]))
    return ups, downs


def _fmt(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):5.1f} s  "
        f"min {min(values):5.1f} s  max {max(values):5.1f} s  (n={len(values)})"
    )


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    stack = f"pdstack-bench-{secrets.token_hex(2)}"
    print(f"stack_bench: baseline config, stack {stack}, {os.cpu_count()} CPUs (shared machine)")
    if not args.skip_cold:
        up_s, down_s = cold(stack)
        print(f"cold stack up   {up_s:6.1f} s  (builds 6 images without layer cache)")
        print(f"cold stack down {down_s:6.1f} s")
    ups, downs = warm(stack, args.warm_runs)
    print(f"warm stack up   {_fmt(ups)}   target <= 15 s")
    print(f"warm stack down {_fmt(downs)}   target <= 5 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
