"""Phases of a run, derived from its journal alone.

- whole: the load window, from the journal's `phase` event `load_start` to `load_end`.
- fault (one instance per fault id): `fault_start`..`fault_stop`, clipped to the load window; a
  fault that never stopped lasts until load end.
- recovery (one per fault id): from the fault's stop for `SloSpec.recovery_window_s`, clipped at
  the next fault start and at load end (empty when the fault stopped after load end).
- steady: the load window minus the first `SloSpec.warmup_s` seconds (connection pools and caches
  warming up), minus every fault and recovery window; possibly several intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peakdrill.errors import InvalidRun
from peakdrill.journal import read_journal
from reports.slo_spec import Phase, SloSpec
from reports.store import Window


@dataclass(frozen=True)
class Fault:
    """One fault from the journal: id, kind, target, parameters and its window."""

    id: str
    fault: str
    target: str
    params: dict[str, Any]
    window: Window
    stopped: bool  # False: no fault_stop event, the window runs to load end

    @property
    def label(self) -> str:
        """Short text for charts and tables."""
        return (
            f"{self.id}: {self.fault} → {self.target}"
            if self.target
            else f"{self.id}: {self.fault}"
        )


@dataclass(frozen=True)
class PhaseInstance:
    """One judged slice of the run: a phase kind, a label and its time intervals."""

    phase: Phase
    label: str  # "steady", "fault f1", "recovery f1", "whole"
    windows: tuple[Window, ...]
    fault_id: str | None = None

    @property
    def duration_s(self) -> float:
        """Total seconds covered."""
        return sum(w.duration_s for w in self.windows)


@dataclass(frozen=True)
class Timeline:
    """The load window, the faults and the phase instances cut from them."""

    load: Window
    faults: tuple[Fault, ...]
    instances: tuple[PhaseInstance, ...]
    events: tuple[dict[str, Any], ...]

    def of(self, phase: Phase) -> list[PhaseInstance]:
        """Instances of one phase kind, in time order."""
        return [i for i in self.instances if i.phase == phase]


def read_events(path: Path) -> list[dict[str, Any]]:
    """Journal events; a missing or unreadable journal makes the run invalid."""
    if not path.is_file():
        raise InvalidRun(f"{path}: journal missing")
    try:
        return list(read_journal(path))
    except ValueError as exc:  # json.JSONDecodeError
        raise InvalidRun(f"{path}: unreadable journal ({exc})") from None


def load_window(events: list[dict[str, Any]]) -> Window:
    """load_start..load_end; InvalidRun when either is missing."""
    marks = {e.get("name"): float(e["t"]) for e in events if e.get("kind") == "phase"}
    if "load_start" not in marks:
        raise InvalidRun("journal has no load_start phase: the load never started")
    if "load_end" not in marks:
        raise InvalidRun("journal has no load_end phase: the load did not finish")
    if marks["load_end"] <= marks["load_start"]:
        raise InvalidRun("journal: load_end is not after load_start")
    return Window(marks["load_start"], marks["load_end"])


def read_faults(events: list[dict[str, Any]], load: Window) -> list[Fault]:
    """Faults in start order, windows clipped to the load window."""
    starts = {str(e["id"]): e for e in events if e.get("kind") == "fault_start"}
    stops = {str(e["id"]): float(e["t"]) for e in events if e.get("kind") == "fault_stop"}
    faults = []
    for fid, ev in starts.items():
        begin = max(float(ev["t"]), load.start)
        end = min(stops.get(fid, load.end), load.end)
        faults.append(
            Fault(
                id=fid,
                fault=str(ev.get("fault", "")),
                target=str(ev.get("target", "")),
                params=dict(ev.get("params") or {}),
                window=Window(begin, max(begin, end)),
                stopped=fid in stops,
            )
        )
    return sorted(faults, key=lambda f: (f.window.start, f.id))


def recovery_window(fault: Fault, faults: list[Fault], load: Window, length_s: float) -> Window:
    """From the fault's stop for length_s, clipped at the next fault start and load end."""
    start = fault.window.end
    later = [f.window.start for f in faults if f.window.start >= start and f is not fault]
    end = min([start + length_s, load.end, *later])
    return Window(start, max(start, end))


def subtract(base: Window, holes: list[Window]) -> list[Window]:
    """`base` minus the holes, as sorted disjoint intervals."""
    parts = [base]
    for hole in holes:
        nxt = []
        for p in parts:
            if hole.end <= p.start or hole.start >= p.end:
                nxt.append(p)
                continue
            if hole.start > p.start:
                nxt.append(Window(p.start, hole.start))
            if hole.end < p.end:
                nxt.append(Window(hole.end, p.end))
        parts = nxt
    return [p for p in parts if p.duration_s > 0]


def build_timeline(events: list[dict[str, Any]], spec: SloSpec) -> Timeline:
    """Cut the load window into phase instances (see the module docstring)."""
    load = load_window(events)
    faults = read_faults(events, load)
    instances: list[PhaseInstance] = []
    holes: list[Window] = []
    for f in faults:
        rec = recovery_window(f, faults, load, spec.recovery_window_s)
        instances.append(PhaseInstance("fault", f"fault {f.id}", (f.window,), f.id))
        instances.append(PhaseInstance("recovery", f"recovery {f.id}", (rec,), f.id))
        holes += [f.window, rec]
    warm = Window(load.start, min(load.end, load.start + spec.warmup_s))
    steady = subtract(load, [warm, *holes])
    instances.insert(0, PhaseInstance("steady", "steady", tuple(steady)))
    instances.append(PhaseInstance("whole", "whole", (load,)))
    return Timeline(load, tuple(faults), tuple(instances), tuple(events))
