"""Plain-text verdicts for the terminal."""

from __future__ import annotations

import json

from reports.audit.model import AuditResult

SHOWN = 10  # per invariant; --json has them all (capped in model.MAX_EVIDENCE)


def render_text(result: AuditResult) -> str:
    """One line per invariant, then its first offending ids."""
    lines = []
    for i, inv in enumerate(result.invariants, start=1):
        mark = {True: "PASS", False: "FAIL", None: "UNKNOWN"}[inv.valid]
        lines.append(f"{mark:7} {i}. {inv.name}: {inv.summary}")
        if inv.valid is not True:
            for ev in inv.evidence[:SHOWN]:
                lines.append(f"          {json.dumps(ev, default=str)}")
            if len(inv.evidence) > SHOWN:
                lines.append(f"          ... and {len(inv.evidence) - SHOWN} more")
    lines.append("audit: all invariants hold" if result.valid else "audit: INVARIANTS VIOLATED")
    return "\n".join(lines)
