"""Distributed generation: a Locust master that slices the schedule over N workers.

Workers connect over Locust's ZeroMQ channel (local subprocesses, or remote machines running
`python -m scenarios.openmodel worker`). The master sends each its slice index and the common
start time (`pd_plan`), merges their histograms from Locust's periodic worker reports
(report_to_master -> worker_report), and takes each worker's final chunk with `pd_done`.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import gevent
from locust.env import Environment
from locust.runners import WORKER_REPORT_INTERVAL, MasterRunner

from scenarios.openmodel.output import Output
from scenarios.openmodel.plan import LoadPlan
from scenarios.openmodel.schedule import RateCurve

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 60.0
FINAL_WAIT_S = 15.0  # after a stop: how long workers get to send their last chunk


class _Master:
    """The master's bookkeeping: which workers finished, and their flow errors."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.done: set[str] = set()
        self.flow_errors = 0
        self.stopping = False

    def on_report(self, client_id: str, data: dict[str, Any], **_: Any) -> None:
        if "pd" in data:
            self.out.store.add(data["pd"], time.time())

    def on_done(self, environment: Any, msg: Any, **_: Any) -> None:
        self.out.store.add(msg.data["final"], time.time())
        self.flow_errors += int(msg.data.get("flow_errors", 0))
        self.done.add(msg.node_id)


def run_master(
    plan: LoadPlan, run_dir: Path, workers: int, remote: int, bind: str, port: int
) -> int:
    """Spawn `workers` local workers, wait for `remote` more, run, merge, write the files."""
    env = Environment(user_classes=[], host=plan.edge_url)
    runner = env.create_master_runner(bind, port)
    load = plan.load_spec()
    out = Output(run_dir / "metrics", RateCurve(list(load.stages)), WORKER_REPORT_INTERVAL + 1.0)
    master = _Master(out)
    env.events.worker_report.add_listener(master.on_report)
    runner.register_message("pd_done", master.on_done)
    procs = [_spawn_worker(port) for _ in range(workers)]
    try:
        ids = _wait_for_workers(runner, workers + remote)
        _install_stop(runner, master)
        out.start(time.time() + plan.start_delay_s)
        for i, cid in enumerate(ids):
            data = {"plan": plan.to_dict(), "t0": out.t0, "index": i, "count": len(ids)}
            runner.send_message("pd_plan", data, client_id=cid)
        _wait_done(master, len(ids), out.t0 + load.duration_s + plan.drain_s() + FINAL_WAIT_S)
        if len(master.done) < len(ids):
            out.invalid_reasons.append(
                f"{len(ids) - len(master.done)} worker(s) sent no final results"
            )
        warned = runner.worker_cpu_warning_emitted or runner.cpu_warning_emitted
        out.finish(master.flow_errors, warned, env.stats)
    finally:
        runner.quit()
        _reap(procs)
    return 130 if master.stopping else 0


def _spawn_worker(port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "scenarios.openmodel", "worker", "--master-port", str(port)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL)


def _wait_for_workers(runner: MasterRunner, count: int) -> list[str]:
    deadline = time.time() + CONNECT_TIMEOUT_S
    while len(runner.clients.ready) < count:
        if time.time() > deadline:
            raise RuntimeError(f"only {len(runner.clients.ready)} of {count} workers connected")
        gevent.sleep(0.2)
    return [c.id for c in runner.clients.ready][:count]


def _install_stop(runner: MasterRunner, master: _Master) -> None:
    def stop() -> None:
        master.stopping = True
        runner.send_message("pd_stop", {})

    for sig in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(sig, stop)


def _wait_done(master: _Master, count: int, deadline: float) -> None:
    stop_deadline: float | None = None
    while len(master.done) < count and time.time() < deadline:
        if master.stopping and stop_deadline is None:
            stop_deadline = time.time() + FINAL_WAIT_S
        if stop_deadline is not None and time.time() > stop_deadline:
            break
        gevent.sleep(1.0)
        master.out.tick()


def _reap(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.warning("worker %s did not quit; killing it", p.pid)
            p.kill()
            p.wait(timeout=5)
