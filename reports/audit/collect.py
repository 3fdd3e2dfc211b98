"""Collect the audit snapshot from a running stack and judge it."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from peakdrill.errors import StackError
from peakdrill.runfolder import RunFolder
from reports.audit.check import check_snapshot
from reports.audit.model import AuditResult

DUMP_CMD = ["python", "-m", "stack.shop.dump"]
DUMP_TIMEOUT_S = 180
LEDGER_TIMEOUT_S = 60


def fetch_ledger(gateway_control_url: str) -> dict[str, Any]:
    """GET /control/ledger of the stack's gateway (published on 127.0.0.1)."""
    try:
        resp = httpx.get(f"{gateway_control_url}/control/ledger", timeout=LEDGER_TIMEOUT_S)
        resp.raise_for_status()
        data = resp.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise StackError(f"gateway ledger unreadable: {type(exc).__name__}: {exc}") from None
    if not isinstance(data, dict):
        raise StackError("gateway ledger: expected a JSON object")
    return data


def parse_dump(stdout: str) -> dict[str, Any]:
    """The dump's JSON (the last non-empty line of its output)."""
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    try:
        data = json.loads(lines[-1]) if lines else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise StackError("shop dump: output is not a JSON object")
    return data


def collect_snapshot(stack_name: str) -> dict[str, Any]:
    """Gateway ledger first, then the shop (the shop may lag the gateway, never lead it)."""
    from stack import lifecycle  # imports the Docker SDK: only when collecting for real

    endpoints = lifecycle.endpoints(stack_name)
    ledger = fetch_ledger(endpoints.gateway_control_url)
    shop = parse_dump(
        lifecycle.exec_service(stack_name, "shop-worker", DUMP_CMD, timeout_s=DUMP_TIMEOUT_S)
    )
    return {"stack": stack_name, "collected_at": time.time(), "shop": shop, "gateway": ledger}


def run_audit(stack_name: str, run_folder: RunFolder | None = None) -> AuditResult:
    """Collect and judge; with a run folder, write audit_snapshot.json and audit.json."""
    snapshot = collect_snapshot(stack_name)
    if run_folder is not None:
        run_folder.audit_snapshot.write_text(json.dumps(snapshot, default=str), encoding="utf-8")
    result = check_snapshot(snapshot)
    if run_folder is not None:
        run_folder.audit.write_text(
            json.dumps(result.to_json(), indent=2, default=str), encoding="utf-8"
        )
    return result
