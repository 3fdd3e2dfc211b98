"""7. Forged, replayed or stale notifications never changed state."""

from __future__ import annotations

from collections import Counter
from typing import Any

from reports.audit.model import InvariantResult, verdict
from reports.audit.snapshot import View

NAME = "forged_notifications_ignored"
TITLE = "no forged, replayed or stale notification changed state"


def check(view: View) -> InvariantResult:
    """Accepted notifications must match a real capture; rejected ones must change nothing."""
    problems: list[dict[str, Any]] = []
    for n in view.notifications:
        if n.get("outcome") == "accepted":
            problem = _unbacked(view, n)
        elif n.get("outcome") == "rejected":
            before, after = n.get("before"), n.get("after")
            problem = (
                f"rejected ({n.get('reason')}) yet moved {before} → {after}"
                if before != after
                else ""
            )
        else:
            problem = ""
        if problem:
            problems.append(
                {
                    "event_id": n.get("event_id"),
                    "order_no": n.get("out_trade_no"),
                    "trade_no": n.get("trade_no"),
                    "amount_cents": n.get("amount_cents"),
                    "problem": problem,
                }
            )
    reasons = Counter(
        str(n.get("reason")) for n in view.notifications if n.get("outcome") == "rejected"
    )
    outcomes = Counter(str(n.get("outcome")) for n in view.notifications)
    summary = f"{dict(outcomes)}; rejected by reason {dict(reasons)}"
    return verdict(NAME, TITLE, problems, summary)


def _unbacked(view: View, n: dict[str, Any]) -> str:
    pay = view.capture_of(str(n.get("out_trade_no")))
    if pay is None:
        return "accepted, but the gateway captured no such payment"
    if pay.get("trade_no") != n.get("trade_no"):
        return f"accepted for trade {n.get('trade_no')}, gateway captured {pay.get('trade_no')}"
    if int(pay.get("amount_cents") or 0) != int(n.get("amount_cents") or -1):
        return f"accepted {n.get('amount_cents')} cents, gateway captured {pay.get('amount_cents')}"
    return ""
