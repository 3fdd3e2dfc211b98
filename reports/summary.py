"""summary.json: the verdict and every figure behind it, for machines (CI, compare)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reports.evaluate import Evaluation, Result
from reports.stats import all_stats, container_stats


def result_dict(r: Result) -> dict[str, Any]:
    """One objective × phase instance as JSON."""
    o = r.objective
    return {
        "name": o.name,
        "metric": o.metric,
        "endpoint": o.endpoint,
        "phase": o.phase,
        "instance": r.instance,
        "value": r.value,
        "warn": o.warn,
        "fail": o.fail,
        "status": r.status,
        "detail": r.detail,
    }


def _faults(ev: Evaluation) -> list[dict[str, Any]]:
    if ev.data.timeline is None:
        return []
    out = []
    for f in ev.data.timeline.faults:
        rec = ev.recoveries.get(f.id)
        out.append(
            {
                "id": f.id,
                "fault": f.fault,
                "target": f.target,
                "params": f.params,
                "start": f.window.start,
                "stop": f.window.end if f.stopped else None,
                "recovery": None
                if rec is None
                else {"outcome": rec.outcome, "value_s": rec.value_s, "detail": rec.detail},
            }
        )
    return out


def summary_dict(ev: Evaluation) -> dict[str, Any]:
    """The whole summary as plain data."""
    d = ev.data
    load = d.timeline.load if d.timeline else None
    return {
        "run_id": d.run_id,
        "verdict": ev.verdict,
        "exit_code": ev.exit_code,
        "reasons": ev.reasons,
        "invalid_reasons": ev.invalid,
        "seed": d.meta.get("seed"),
        "scenario": d.meta.get("scenario"),
        "stack_config": d.meta.get("stack_config"),
        "load_window": None if load is None else {"start": load.start, "end": load.end},
        "objectives": [result_dict(r) for r in ev.results],
        "invariants": [
            {"name": i.name, "status": i.status, "evidence": i.evidence} for i in ev.invariants
        ],
        "faults": _faults(ev),
        "phases": all_stats(d),
        "containers": container_stats(d),
        "load": d.meta.get("load"),
    }


def write_summary(ev: Evaluation, path: Path) -> dict[str, Any]:
    """Write summary.json; returns what was written."""
    data = summary_dict(ev)
    path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    return data
