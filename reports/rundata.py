"""Everything a report needs, read from the run folder alone (no stack, no network).

Problems that make the evidence untrustworthy (invalid_reasons in meta.json, a missing journal
or load window, unreadable metrics) are collected as invalid reasons rather than raised, so the
report can still be written and say INVALID.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peakdrill.errors import BadInput, InvalidRun
from peakdrill.runfolder import RunFolder
from reports.phases import Timeline, build_timeline, read_events
from reports.slo_spec import SloSpec
from reports.store import LatencyStore, read_rows


@dataclass
class RunData:
    """The parsed run folder."""

    folder: RunFolder
    spec: SloSpec
    meta: dict[str, Any]
    timeline: Timeline | None
    store: LatencyStore
    arrivals: list[dict[str, Any]] = field(default_factory=list)
    generator: list[dict[str, Any]] = field(default_factory=list)
    containers: list[dict[str, Any]] = field(default_factory=list)
    audit: dict[str, Any] | None = None
    invalid_reasons: list[str] = field(default_factory=list)

    @property
    def run_id(self) -> str:
        """meta.json run_id, else the folder name."""
        return str(self.meta.get("run_id") or self.folder.root.name)


def _read_json(path: Path, reasons: list[str]) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        reasons.append(f"{path.name}: unreadable ({exc})")
        return None
    if not isinstance(data, dict):
        reasons.append(f"{path.name}: expected a JSON object")
        return None
    return data


def _meta(folder: RunFolder, reasons: list[str]) -> dict[str, Any]:
    meta = _read_json(folder.meta, reasons)
    if meta is None:
        reasons.append("meta.json missing: not a complete run folder")
        return {}
    stated = meta.get("invalid_reasons") or []
    reasons.extend(str(r) for r in (stated if isinstance(stated, list) else [stated]))
    return meta


def _timeline(folder: RunFolder, spec: SloSpec, reasons: list[str]) -> Timeline | None:
    try:
        return build_timeline(read_events(folder.journal), spec)
    except InvalidRun as exc:
        reasons.append(str(exc))
        return None


def _store(folder: RunFolder, reasons: list[str]) -> LatencyStore:
    try:
        return LatencyStore.load(folder.latency)
    except InvalidRun as exc:
        reasons.append(str(exc))
        return LatencyStore()


def _rows(path: Path, reasons: list[str]) -> list[dict[str, Any]]:
    try:
        return read_rows(path)
    except InvalidRun as exc:
        reasons.append(str(exc))
        return []


def load_run(run_dir: Path, spec: SloSpec) -> RunData:
    """Parse a run folder; BadInput when it is not a folder at all."""
    if not run_dir.is_dir():
        raise BadInput(f"{run_dir}: run folder not found")
    folder = RunFolder(run_dir)
    reasons: list[str] = []
    meta = _meta(folder, reasons)
    data = RunData(
        folder=folder,
        spec=spec,
        meta=meta,
        timeline=_timeline(folder, spec, reasons),
        store=_store(folder, reasons),
        arrivals=_rows(folder.arrivals, reasons),
        generator=_rows(folder.generator, reasons),
        containers=_rows(folder.containers, reasons),
        audit=_read_json(folder.audit, reasons),
    )
    data.invalid_reasons = reasons
    return data
