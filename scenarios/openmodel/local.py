"""One generator process: a Locust LocalRunner environment and a dispatcher for all arrivals."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import gevent
from locust.env import Environment

from scenarios.behaviours.flow import FlowPlan
from scenarios.openmodel.dispatch import Dispatcher, make_client
from scenarios.openmodel.output import Output
from scenarios.openmodel.plan import LoadPlan
from scenarios.openmodel.recorder import Recorder, lag_sink, on_request_listener
from scenarios.openmodel.schedule import RateCurve, build_schedule


def build_dispatcher(env: Environment, plan: LoadPlan, slots: int) -> tuple[Dispatcher, Recorder]:
    """A recorder hooked to the environment's request event, and a dispatcher feeding it."""
    recorder = Recorder(plan.close_after_s())
    env.events.request.add_listener(on_request_listener(recorder))
    flow_plan = FlowPlan(plan.cashier_url, plan.data(), plan.users_spec(), lag_sink(recorder))
    client = make_client(plan.edge_url, env.events.request, plan.load_spec(), slots)
    return Dispatcher(client, flow_plan, plan.load_spec(), recorder, slots), recorder


def run_local(plan: LoadPlan, run_dir: Path) -> int:
    """Run the whole schedule in this process; write the metrics files into run_dir."""
    env = Environment(user_classes=[], host=plan.edge_url)
    runner = env.create_local_runner()  # for its CPU monitor and cpu_warning event
    load = plan.load_spec()
    dispatcher, recorder = build_dispatcher(env, plan, load.max_concurrency)
    out = Output(run_dir / "metrics", RateCurve(list(load.stages)), report_lag_s=1.0)
    for sig in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(sig, dispatcher.stop)
    schedule = build_schedule(load, plan.users_spec().mix, plan.seed)
    out.start(time.time() + plan.start_delay_s)
    job = gevent.spawn(dispatcher.run, schedule, out.t0, plan.drain_s())
    while not job.ready():
        job.join(timeout=1.0)
        out.store.add(recorder.drain(time.time()), time.time())
        out.tick()
    out.store.add(recorder.drain(None), time.time())
    out.finish(dispatcher.flow_errors, runner.cpu_warning_emitted, env.stats)
    runner.quit()
    return 130 if dispatcher.stopping.is_set() else 0
