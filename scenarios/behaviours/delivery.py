"""Polling an order until its keys show, shared by buyers and resellers."""

from __future__ import annotations

import time

from scenarios.behaviours.flow import Flow

# states after which no keys will come (the audit judges whether that was right)
FINAL_WITHOUT_KEYS = frozenset({"CLOSED", "REFUND_PENDING", "REFUNDED"})


def wait_for_keys(flow: Flow, url: str, name: str, interval_ms: int, timeout_s: float) -> bool:
    """Poll `url` until DELIVERED with keys (True), a final state or the timeout (False)."""
    deadline = time.monotonic() + timeout_s
    while True:
        reply = flow.call("GET", url, name)
        body = reply.body if isinstance(reply.body, dict) else {}
        if body.get("status") == "DELIVERED" and body.get("keys"):
            return True
        if body.get("status") in FINAL_WITHOUT_KEYS or time.monotonic() >= deadline:
            return False
        time.sleep(interval_ms / 1000.0)
