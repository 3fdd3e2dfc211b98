"""Judge every objective in every phase instance, the audit's invariants, and the verdict.

Verdict, failing closed: INVALID (exit 3) when the run has invalid reasons, no request samples,
no objectives, or any objective unmeasured; else FAIL (exit 1) when an objective crosses its
fail band or an invariant is violated; else WARN (exit 0) when a warn band is crossed; else PASS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from peakdrill.errors import ExitCode
from reports.bands import Status, judge
from reports.measure import measure
from reports.phases import PhaseInstance
from reports.recovery import Recovery, recoveries
from reports.rundata import RunData
from reports.slo_spec import Objective, metric_family

Verdict = Literal["PASS", "WARN", "FAIL", "INVALID"]
EXIT_CODES: dict[Verdict, ExitCode] = {
    "PASS": ExitCode.OK,
    "WARN": ExitCode.OK,
    "FAIL": ExitCode.FAILED,
    "INVALID": ExitCode.INVALID_RUN,
}


@dataclass(frozen=True)
class Result:
    """One objective judged in one phase instance."""

    objective: Objective
    instance: str  # "steady", "fault f1", "recovery f1", "whole"
    value: float | None
    status: Status
    detail: str

    @property
    def test_name(self) -> str:
        """Objective name qualified by its phase instance."""
        return f"{self.objective.name} [{self.instance}]"


@dataclass(frozen=True)
class InvariantResult:
    """One integrity invariant from audit.json."""

    name: str
    status: Literal["pass", "fail", "unknown"]
    evidence: list[Any]


@dataclass
class Evaluation:
    """Everything judged about a run, and the verdict."""

    data: RunData
    results: list[Result]
    invariants: list[InvariantResult]
    recoveries: dict[str, Recovery]
    verdict: Verdict = "INVALID"
    reasons: list[str] = field(default_factory=list)  # why: invalid, then failed, then warned
    run_invalid: list[str] = field(default_factory=list)  # run-level reasons (not per objective)

    @property
    def invalid(self) -> list[str]:
        """Why the run is INVALID: run-level reasons, then one per unmeasured objective."""
        return self.run_invalid + [
            f"{r.test_name}: unmeasured: {r.detail}"
            for r in self.results
            if r.status == "unmeasured"
        ]

    @property
    def exit_code(self) -> int:
        """The process exit code of this verdict."""
        return int(EXIT_CODES[self.verdict])


def unit(metric: str) -> str:
    """Display unit of a metric."""
    family = metric_family(metric)
    return {"latency": "ms", "delivery_lag": "ms", "recovery_time_s": "s"}.get(family, "")


def fmt_value(metric: str, value: float | None) -> str:
    """A value with its unit, ratios as percentages."""
    if value is None:
        return "—"
    if metric.endswith("_ratio"):
        return f"{value * 100:.2f} %"
    if metric == "integrity_violations":
        return f"{value:.0f}"
    return f"{value:.1f} {unit(metric)}"


def _recovery_result(obj: Objective, inst: PhaseInstance, rec: Recovery | None) -> Result:
    if rec is None or rec.outcome == "unmeasured":
        detail = rec.detail if rec else "no recovery measured"
        return Result(obj, inst.label, None, "unmeasured", detail)
    if rec.outcome == "not_recovered":
        return Result(obj, inst.label, rec.value_s, "fail", rec.detail)
    return Result(obj, inst.label, rec.value_s, judge(obj, rec.value_s or 0.0), rec.detail)


def _judge_in(ev: Evaluation, obj: Objective, inst: PhaseInstance) -> Result:
    if obj.metric == "recovery_time_s":
        return _recovery_result(obj, inst, ev.recoveries.get(inst.fault_id or ""))
    d = ev.data
    m = measure(obj, list(inst.windows), d.store, d.arrivals, d.audit)
    if m.value is None:
        return Result(obj, inst.label, None, "unmeasured", f"{m.detail} in {inst.label}")
    return Result(obj, inst.label, m.value, judge(obj, m.value), m.detail)


def _judge(ev: Evaluation, obj: Objective) -> list[Result]:
    timeline = ev.data.timeline
    if timeline is None:
        return [Result(obj, obj.phase, None, "unmeasured", "the run has no load window")]
    instances = timeline.of(obj.phase)
    if not instances:
        return [Result(obj, obj.phase, None, "unmeasured", f"the run has no {obj.phase} window")]
    return [_judge_in(ev, obj, inst) for inst in instances]


def _invariants(audit: dict[str, Any] | None) -> list[InvariantResult]:
    out = []
    for inv in (audit or {}).get("invariants") or []:
        valid = inv.get("valid")
        status: Literal["pass", "fail", "unknown"] = (
            "unknown" if valid is None else "pass" if valid else "fail"
        )
        out.append(InvariantResult(str(inv.get("name")), status, list(inv.get("evidence") or [])))
    return out


def _run_invalid(ev: Evaluation) -> list[str]:
    d = ev.data
    reasons = list(d.invalid_reasons)
    if not d.spec.objectives:
        reasons.append("no SLO objectives: the scenario has no slos: and no --slo file was given")
    if d.timeline is not None and d.store.merge("request", None, [d.timeline.load]).requests == 0:
        reasons.append("no request samples in the load window (metrics/latency.jsonl)")
    return reasons


def _decide(ev: Evaluation) -> None:
    ev.run_invalid = _run_invalid(ev)
    invalid = ev.invalid
    fails = [
        f"{r.test_name}: {fmt_value(r.objective.metric, r.value)} beyond fail band "
        f"{fmt_value(r.objective.metric, r.objective.fail)} ({r.detail})"
        for r in ev.results
        if r.status == "fail"
    ]
    fails += [f"invariant {i.name} violated" for i in ev.invariants if i.status == "fail"]
    warns = [
        f"{r.test_name}: {fmt_value(r.objective.metric, r.value)} beyond warn band "
        f"{fmt_value(r.objective.metric, r.objective.warn)}"
        for r in ev.results
        if r.status == "warn"
    ]
    ev.verdict = "INVALID" if invalid else "FAIL" if fails else "WARN" if warns else "PASS"
    ev.reasons = invalid + fails + warns


def evaluate(data: RunData) -> Evaluation:
    """Judge a parsed run."""
    recs = recoveries(data.timeline, data.spec, data.store) if data.timeline else {}
    ev = Evaluation(data, [], _invariants(data.audit), recs)
    ev.results = [r for obj in data.spec.objectives for r in _judge(ev, obj)]
    _decide(ev)
    return ev
