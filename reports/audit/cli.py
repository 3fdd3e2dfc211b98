"""`audit` subcommand (owned by the shop + audit role)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from peakdrill.errors import BadInput, ExitCode


def register(sub: Any) -> None:
    """Add `audit [--stack NAME] [--json] [--snapshot FILE] [--save FILE]`."""
    p = sub.add_parser(
        "audit",
        help="check money and card-key integrity of a running stack",
        description="Collect the shop dump and the gateway ledger, check the 8 invariants. "
        "Exit 0 when all hold, 1 otherwise.",
    )
    p.add_argument("--stack", default="peakdrill", help="stack name (default: peakdrill)")
    p.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    p.add_argument("--snapshot", type=Path, help="judge a saved audit_snapshot.json instead")
    p.add_argument("--save", type=Path, help="also write the collected snapshot to this file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Collect (or load), judge, print; exit code from the verdict."""
    from reports.audit.check import check_snapshot
    from reports.audit.collect import collect_snapshot
    from reports.audit.render import render_text

    snapshot = _load(args.snapshot) if args.snapshot else collect_snapshot(args.stack)
    if args.save:
        args.save.write_text(json.dumps(snapshot, default=str), encoding="utf-8")
    result = check_snapshot(snapshot)
    print(json.dumps(result.to_json(), indent=2, default=str) if args.json else render_text(result))
    return int(ExitCode.OK if result.valid else ExitCode.FAILED)


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BadInput(f"{path}: file not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BadInput(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path}: expected a JSON object")
    return data
