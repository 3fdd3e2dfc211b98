"""Bringing stacks up and down: scaling, failure cleanup, Ctrl-C/SIGTERM, a dead harness."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import assert_no_leftovers, running_stack, unique_stack_name

from peakdrill.errors import StackError
from stack import bringup, engine, lifecycle
from stack.config import StackConfig, load_stack_config
from stack.names import stack_filter
from stack.paths import REPO

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

STATS = (
    "import urllib.request as u; print(u.urlopen('http://haproxy:8404/stats;csv').read().decode())"
)


def _backend_status(name: str) -> dict[str, str]:
    csv = lifecycle.exec_service(name, "shop-api", ["python", "-c", STATS])
    rows = [line.split(",") for line in csv.splitlines() if line.startswith("shop_api,")]
    return {r[1]: r[17] for r in rows if r[1].startswith("shop-api-")}


def test_scaled_runs_three_replicas_behind_haproxy(scaled_config: StackConfig) -> None:
    with running_stack(scaled_config, "scaled") as eps:
        boxes = lifecycle.service_containers(eps.stack, "shop-api")
        assert [b.name for b in boxes] == [f"{eps.stack}-shop-api-{i}" for i in (1, 2, 3)]
        assert all(b.status == "running" for b in boxes)
        assert boxes[0].attrs["HostConfig"]["NanoCpus"] == 700_000_000
        assert boxes[0].attrs["HostConfig"]["Memory"] == 384 * 2**20
        deadline = time.monotonic() + 30  # HAProxy checks each replica every second
        while time.monotonic() < deadline:
            states = _backend_status(eps.stack)
            if sorted(states.values()) == ["UP", "UP", "UP"]:
                break
            time.sleep(0.5)
        assert states == {"shop-api-1": "UP", "shop-api-2": "UP", "shop-api-3": "UP"}
        for _ in range(6):
            assert httpx.get(f"{eps.edge_url}/healthz", timeout=10).status_code == 200
        name = eps.stack
    assert_no_leftovers(name)


def test_down_is_fast_and_complete() -> None:
    with running_stack(load_stack_config(), "down") as eps:
        pass
    assert_no_leftovers(eps.stack)
    assert lifecycle.down(eps.stack) == 0  # idempotent


def test_a_service_that_never_gets_healthy_is_named_and_nothing_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = bringup.build_specs

    def broken_worker(*args: Any, **kwargs: Any) -> Any:
        specs = real(*args, **kwargs)
        crash = ["python", "-c", "import sys; print('pdtest: worker cannot start'); sys.exit(3)"]
        specs["shop-worker"] = [dataclasses.replace(s, command=crash) for s in specs["shop-worker"]]
        return specs

    monkeypatch.setattr(bringup, "build_specs", broken_worker)
    name = unique_stack_name("broken")
    with pytest.raises(StackError) as err:
        lifecycle.up(load_stack_config(), name)
    message = str(err.value)
    assert f"{name}-shop-worker-1 exited (code 3)" in message
    assert "pdtest: worker cannot start" in message
    assert_no_leftovers(name)


def test_an_existing_stack_is_not_touched_by_a_second_up(baseline_stack: Any) -> None:
    with pytest.raises(StackError, match="exists already"):
        lifecycle.up(load_stack_config(), baseline_stack.stack)
    assert httpx.get(f"{baseline_stack.edge_url}/healthz", timeout=10).status_code == 200


def _start_up_process(name: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, str(REPO / "run.py"), "stack", "up", "--stack", name],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_containers(name: str, timeout_s: float = 120) -> None:
    cli = engine.client()
    deadline = time.monotonic() + timeout_s
    while not cli.containers.list(all=True, filters=stack_filter(name)):
        assert time.monotonic() < deadline, f"stack {name} never created a container"
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_signal_during_up_leaves_nothing(sig: signal.Signals) -> None:
    name = unique_stack_name("sig")
    proc = _start_up_process(name)
    try:
        _wait_for_containers(name)
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        lifecycle.down(name)  # only matters if the test failed
    assert proc.returncode == 130, out
    assert "interrupted; removing everything labeled" in out
    assert_no_leftovers(name)


def test_down_removes_a_stack_whose_harness_died(tmp_path: Path) -> None:
    name = unique_stack_name("dead")
    proc = _start_up_process(name)
    try:
        _wait_for_containers(name)
        time.sleep(1.0)  # let it create more than the first container
        proc.kill()  # SIGKILL: no cleanup can run in the harness
        proc.communicate(timeout=30)
        assert lifecycle.service_containers(name), "the dead harness should have left containers"
    finally:
        removed = lifecycle.down(name)
    assert removed >= 2  # containers plus the network at least
    assert_no_leftovers(name)
