"""The open-model dispatcher: starts each arrival's flow at its scheduled time, whatever happens.

A flow waits for nothing but a free slot (the concurrency cap). An arrival that starts more than
late_after_ms after its schedule is late; one that finds no slot within drop_after_ms is dropped.
Both are counted per scheduled second. Latency is measured from the schedule (see flow.py).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import gevent
from gevent.event import Event
from gevent.pool import Pool
from locust.contrib.fasthttp import FastHttpSession

from scenarios.behaviours.flow import Flow, FlowPlan
from scenarios.behaviours.registry import BEHAVIOURS
from scenarios.openmodel.recorder import Recorder
from scenarios.openmodel.schedule import Arrival
from scenarios.spec import LoadSpec

log = logging.getLogger(__name__)


def make_client(edge_url: str, request_event: Any, load: LoadSpec, slots: int) -> FastHttpSession:
    """One shared FastHttpSession (connection pool sized to the slots); flows pass their headers."""
    return FastHttpSession(
        base_url=edge_url,
        request_event=request_event,
        user=None,
        network_timeout=load.request_timeout_s,
        connection_timeout=load.request_timeout_s,
        max_retries=1,  # like a browser: one retry on a dead keep-alive connection
        concurrency=slots,
        insecure=True,
    )


class Dispatcher:
    """Runs one slice of the arrival schedule on gevent."""

    def __init__(
        self, client: Any, plan: FlowPlan, load: LoadSpec, recorder: Recorder, slots: int
    ) -> None:
        self.client = client
        self.plan = plan
        self.load = load
        self.recorder = recorder
        self.pool = Pool(max(1, slots))
        self.stopping = Event()
        self.flow_errors = 0
        self._seen_errors: set[str] = set()

    def run(self, arrivals: list[Arrival], t0: float, drain_s: float) -> None:
        """Dispatch every arrival at t0 + offset, then give flows drain_s to finish."""
        for a in arrivals:
            due = t0 + a.offset_s
            delay = due - time.time()
            # only wait when early: a timer per arrival is a real share of the CPU per request
            if (delay > 0 and self.stopping.wait(timeout=delay)) or self.stopping.is_set():
                break
            self._start(a, due)
        self.pool.join(timeout=0 if self.stopping.is_set() else drain_s)
        self.pool.kill(block=True, timeout=5)

    def stop(self) -> None:
        """Stop dispatching; in-flight flows are cut at the next drain."""
        self.stopping.set()

    def _start(self, a: Arrival, due: float) -> None:
        if self.pool.full():
            self.pool.wait_available(
                timeout=max(0.0, due + self.load.drop_after_ms / 1000 - time.time())
            )
            if self.pool.full():
                self.recorder.arrival(due, started=False, late=False)
                return
        late = (time.time() - due) * 1000 > self.load.late_after_ms
        self.recorder.arrival(due, started=True, late=late)
        self.pool.spawn(self._flow, a, due)

    def _flow(self, a: Arrival, due: float) -> None:
        flow = Flow(self.client, self.plan, a.seed, due)
        try:
            BEHAVIOURS[a.behaviour](flow)
        except gevent.GreenletExit:
            raise
        except Exception as exc:  # a flow bug or an unexpected body: count it, keep dispatching
            self.flow_errors += 1
            kind = f"{a.behaviour}: {type(exc).__name__}: {exc}"[:200]
            if kind not in self._seen_errors:
                self._seen_errors.add(kind)
                log.warning("flow error (first of its kind): %s", kind)
