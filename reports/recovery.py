"""Recovery time after a fault heals.

Definition: for a fault that stopped at time S, try candidate instants S + k for k = 0, 1, 2, ...
seconds. At each, judge the spec's steady targets (its latency / error_ratio objectives with
phase steady, see SloSpec.steady_targets) over the window [S + k, S + k + recovered_hold_s),
with their fail bands. The window holds when at least one target has samples in it and every
target that has samples is not failing (a rarely called endpoint with no sample in a window does
not block recovery on its own). Recovery time = the first k whose window holds (1 s resolution).

The search stops where the window would pass the next fault's start or the load end. If no
window holds: "not recovered", the value is the time searched (a lower bound) and it fails. If
not even one full window fits (the fault stopped too close to the end): unmeasured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reports.bands import judge
from reports.measure import measure
from reports.phases import Fault, Timeline
from reports.slo_spec import SloSpec
from reports.store import LatencyStore, Window

Outcome = Literal["recovered", "not_recovered", "unmeasured"]


@dataclass(frozen=True)
class Recovery:
    """How long the steady objectives took to hold again after one fault."""

    fault_id: str
    outcome: Outcome
    value_s: float | None  # recovered: the time; not_recovered: the time searched (lower bound)
    detail: str


def _holds(spec: SloSpec, store: LatencyStore, win: Window) -> bool:
    measured = 0
    for obj in spec.steady_targets:
        m = measure(obj, [win], store, [], None, cache=False)
        if m.value is None:
            continue
        measured += 1
        if judge(obj, m.value) == "fail":
            return False
    return measured > 0


def _horizon(fault: Fault, timeline: Timeline) -> float:
    stop = fault.window.end
    later = [f.window.start for f in timeline.faults if f.window.start > stop]
    return min([timeline.load.end, *later])


def recovery_for(fault: Fault, timeline: Timeline, spec: SloSpec, store: LatencyStore) -> Recovery:
    """Recovery of one fault (see the module docstring)."""
    stop, hold = fault.window.end, spec.recovered_hold_s
    if not fault.stopped:
        return Recovery(fault.id, "unmeasured", None, "the fault never stopped")
    horizon = _horizon(fault, timeline)
    k = 0
    while stop + k + hold <= horizon:
        if _holds(spec, store, Window(stop + k, stop + k + hold)):
            return Recovery(fault.id, "recovered", float(k), f"steady objectives held from +{k} s")
        k += 1
    if k == 0:
        room = max(0.0, horizon - stop)
        return Recovery(fault.id, "unmeasured", None, f"only {room:.1f} s observed after the fault")
    return Recovery(fault.id, "not_recovered", float(k), f"not recovered within {k} s")


def recoveries(timeline: Timeline, spec: SloSpec, store: LatencyStore) -> dict[str, Recovery]:
    """Recovery per fault id (empty when the spec has no steady targets to recover to)."""
    if not spec.steady_targets:
        return {}
    return {f.id: recovery_for(f, timeline, spec, store) for f in timeline.faults}
