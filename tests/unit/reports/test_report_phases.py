"""Phases are cut from the journal alone."""

from __future__ import annotations

from typing import Any

import pytest

from peakdrill.errors import InvalidRun
from reports.phases import build_timeline, subtract
from reports.slo_spec import SloSpec
from reports.store import Window


def journal(*faults: tuple[str, float, float | None], end: float = 100) -> list[dict[str, Any]]:
    ev: list[dict[str, Any]] = [{"t": 0, "kind": "phase", "name": "load_start"}]
    for fid, start, stop in faults:
        ev.append(
            {"t": start, "kind": "fault_start", "id": fid, "fault": "latency", "target": "pg"}
        )
        if stop is not None:
            ev.append({"t": stop, "kind": "fault_stop", "id": fid})
    ev.append({"t": end, "kind": "phase", "name": "load_end"})
    return ev


def spans(tl: Any, label: str) -> list[tuple[float, float]]:
    inst = next(i for i in tl.instances if i.label == label)
    return [(w.start, w.end) for w in inst.windows]


def test_phases_from_two_faults() -> None:
    spec = SloSpec(recovery_window_s=30, warmup_s=5)
    tl = build_timeline(journal(("a", 20, 30), ("b", 45, 60)), spec)
    assert spans(tl, "whole") == [(0, 100)]
    assert spans(tl, "fault a") == [(20, 30)]
    assert spans(tl, "recovery a") == [(30, 45)]  # clipped at b's start
    assert spans(tl, "recovery b") == [(60, 90)]
    assert spans(tl, "steady") == [(5, 20), (90, 100)]
    assert [i.label for i in tl.of("fault")] == ["fault a", "fault b"]


def test_recovery_clipped_at_load_end_and_unstopped_fault() -> None:
    tl = build_timeline(journal(("a", 80, None)), SloSpec(recovery_window_s=30))
    assert spans(tl, "fault a") == [(80, 100)]
    assert tl.faults[0].stopped is False
    recovery = next(i for i in tl.instances if i.label == "recovery a")
    assert recovery.duration_s == 0  # empty window: nothing can be measured there


@pytest.mark.parametrize("drop", ["load_start", "load_end"])
def test_missing_load_marks_are_invalid(drop: str) -> None:
    events = [e for e in journal() if e.get("name") != drop]
    with pytest.raises(InvalidRun, match=drop):
        build_timeline(events, SloSpec())


def test_subtract_keeps_disjoint_sorted_parts() -> None:
    parts = subtract(Window(0, 10), [Window(2, 3), Window(5, 7), Window(9, 12)])
    assert [(p.start, p.end) for p in parts] == [(0, 2), (3, 5), (7, 9)]
