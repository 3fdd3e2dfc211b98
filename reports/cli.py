"""`report`, `gate` and `compare` subcommands (owned by the reports role)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reports.evaluate import Evaluation, fmt_value


def register(sub: Any) -> None:
    """Add this role's subcommands to the top-level parser."""
    p = sub.add_parser("report", help="rebuild a run's report (HTML, JSON, JUnit, charts)")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--slo", type=Path, metavar="FILE", help="judge with this SLO file instead")
    p.set_defaults(func=cmd_report)
    g = sub.add_parser("gate", help="re-judge a stored run; exit 0 pass, 1 fail, 3 invalid")
    g.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    g.add_argument("--slo", type=Path, metavar="FILE", help="judge with this SLO file instead")
    g.set_defaults(func=cmd_gate)
    c = sub.add_parser("compare", help="one HTML page setting several runs side by side")
    c.add_argument("run_dirs", type=Path, nargs="+", metavar="RUN_DIR")
    c.add_argument("--out", type=Path, metavar="DIR", help="output folder (default runs/compare-…)")
    c.set_defaults(func=cmd_compare)


def _print_verdict(ev: Evaluation) -> None:
    print(f"{ev.verdict} (exit {ev.exit_code}) — {ev.data.run_id}")
    for reason in ev.reasons:
        print(f"  - {reason}")


def cmd_report(args: argparse.Namespace) -> int:
    """Rebuild every report file; exits with the verdict."""
    from reports.build import judge_run, write_full

    ev = judge_run(args.run_dir, args.slo)
    html = write_full(ev)
    _print_verdict(ev)
    print(f"report: {html}")
    return ev.exit_code


def cmd_gate(args: argparse.Namespace) -> int:
    """Judge a stored run, print each objective, write summary.json and junit.xml."""
    from reports.build import judge_run, write_verdicts

    ev = judge_run(args.run_dir, args.slo)
    write_verdicts(ev)
    for r in ev.results:
        value = fmt_value(r.objective.metric, r.value)
        print(f"{r.status.upper():>10}  {r.test_name}: {value} ({r.detail})")
    _print_verdict(ev)
    return ev.exit_code


def cmd_compare(args: argparse.Namespace) -> int:
    """Write the comparison page and print its path."""
    from reports.compare import compare_runs, default_out_dir

    out = args.out or default_out_dir(args.run_dirs)
    print(f"comparison: {compare_runs(list(args.run_dirs), out)}")
    return 0
