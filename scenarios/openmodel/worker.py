"""A Locust worker: waits for its slice of the schedule from the master, runs it, reports."""

from __future__ import annotations

import signal
import time
from typing import Any

import gevent
from locust.env import Environment

from scenarios.openmodel.dispatch import Dispatcher
from scenarios.openmodel.local import build_dispatcher
from scenarios.openmodel.plan import LoadPlan
from scenarios.openmodel.recorder import Recorder
from scenarios.openmodel.schedule import build_schedule, worker_slice


class _Worker:
    """Holds the dispatcher once the master's plan arrived."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.dispatcher: Dispatcher | None = None
        self.recorder: Recorder | None = None

    def on_plan(self, environment: Any, msg: Any, **_: Any) -> None:
        gevent.spawn(self._work, msg.data)

    def on_stop(self, *_: Any, **__: Any) -> None:
        if self.dispatcher is not None:
            self.dispatcher.stop()

    def on_report(self, client_id: str, data: dict[str, Any], **_: Any) -> None:
        if self.recorder is not None:
            data["pd"] = self.recorder.drain(time.time())

    def _work(self, data: dict[str, Any]) -> None:
        plan = LoadPlan.from_dict(data["plan"])
        index, count = int(data["index"]), int(data["count"])
        load = plan.load_spec()
        slots = max(1, load.max_concurrency // count)
        self.dispatcher, self.recorder = build_dispatcher(self.env, plan, slots)
        mine = worker_slice(build_schedule(load, plan.users_spec().mix, plan.seed), index, count)
        self.dispatcher.run(mine, float(data["t0"]), plan.drain_s())
        final = {"final": self.recorder.drain(None), "flow_errors": self.dispatcher.flow_errors}
        assert self.env.runner is not None
        self.env.runner.send_message("pd_done", final)


def run_worker(master_host: str, master_port: int) -> int:
    """Connect to the master and serve until it quits."""
    env = Environment(user_classes=[], host=None)
    runner = env.create_worker_runner(master_host, master_port)
    worker = _Worker(env)
    runner.register_message("pd_plan", worker.on_plan)
    runner.register_message("pd_stop", worker.on_stop)
    env.events.report_to_master.add_listener(worker.on_report)
    for sig in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(sig, worker.on_stop)
    runner.greenlet.join()
    return 0
