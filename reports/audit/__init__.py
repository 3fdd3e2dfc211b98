"""Integrity audit: invariants over the shop database snapshot and the gateway ledger.

`check_snapshot(snapshot)` is pure; `run_audit(stack_name, run_folder)` collects from a running
stack first. Each invariant lives in its own module under `reports/audit/invariants/`.
"""

from reports.audit.check import check_snapshot
from reports.audit.collect import run_audit
from reports.audit.model import AuditResult, InvariantResult

__all__ = ["AuditResult", "InvariantResult", "check_snapshot", "run_audit"]
