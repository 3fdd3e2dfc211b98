"""Run every invariant over a snapshot (pure: no network)."""

from __future__ import annotations

from typing import Any

from reports.audit.invariants import INVARIANTS
from reports.audit.model import AuditResult, InvariantResult
from reports.audit.snapshot import view_of


def check_snapshot(snapshot: dict[str, Any]) -> AuditResult:
    """Judge all eight invariants; a check that cannot read the data is unknown, not valid."""
    view = view_of(snapshot)
    results: list[InvariantResult] = []
    for check in INVARIANTS:
        try:
            results.append(check(view))
        except (KeyError, TypeError, ValueError) as exc:
            name = check.__module__.rsplit(".", 1)[-1]
            why = f"check could not read the snapshot: {type(exc).__name__}: {exc}"
            results.append(InvariantResult(name, name, None, [{"problem": why}], why))
    return AuditResult(results)
