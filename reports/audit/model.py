"""Verdicts of the integrity audit (the audit.json format in docs/CONTRACTS.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# keep audit.json readable even when a bug breaks thousands of orders; the count stays exact
MAX_EVIDENCE = 500


@dataclass(frozen=True)
class InvariantResult:
    """One invariant: valid True / False, or None when the snapshot cannot tell."""

    name: str
    title: str
    valid: bool | None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""

    def to_json(self) -> dict[str, Any]:
        """`{name, valid, evidence, summary, violations}` (evidence capped, count exact)."""
        return {
            "name": self.name,
            "title": self.title,
            "valid": self.valid,
            "summary": self.summary,
            "violations": len(self.evidence) if self.valid is False else 0,
            "evidence": self.evidence[:MAX_EVIDENCE],
        }


def verdict(
    name: str, title: str, problems: list[dict[str, Any]], ok_summary: str
) -> InvariantResult:
    """Valid when there are no problems; otherwise invalid with the problems as evidence."""
    if problems:
        return InvariantResult(name, title, False, problems, f"{len(problems)} violation(s)")
    return InvariantResult(name, title, True, [], ok_summary)


@dataclass(frozen=True)
class AuditResult:
    """All invariants; valid only when every one holds (unknown is not valid)."""

    invariants: list[InvariantResult]

    @property
    def valid(self) -> bool:
        """True when every invariant is valid."""
        return bool(self.invariants) and all(i.valid is True for i in self.invariants)

    def to_json(self) -> dict[str, Any]:
        """`{valid, invariants: [...]}`."""
        return {"valid": self.valid, "invariants": [i.to_json() for i in self.invariants]}
