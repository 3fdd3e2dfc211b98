"""Argument parsing shared by run.py: each role registers its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Callable, Sequence

from peakdrill.errors import ExitCode, PeakdrillError

# Each module exposes register(subparsers) and sets `func` (args -> exit code) on its parsers.
COMMAND_MODULES = (
    "stack.cli",  # stack up|down|status|logs, doctor
    "scenarios.cli",  # rehearse
    "reports.audit.cli",  # audit
    "reports.cli",  # report, gate, compare
)

DESCRIPTION = """\
Peakdrill rehearses a peak sale on a containerized card-key platform: Locust load, a fault
timeline (Toxiproxy, Docker, payment-callback faults), an integrity audit of money and card keys,
and a report judged against SLOs.

Exit codes: 0 all SLOs met; 1 an SLO or invariant failed; 2 bad input; 3 invalid run
(missing evidence: stack never healthy, no samples, saturated load generator, unmeasured metric).
"""

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every role's subcommands."""
    parser = argparse.ArgumentParser(
        prog="run.py",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn every error into one line and an exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    handler: Handler = args.func
    try:
        return int(handler(args))
    except PeakdrillError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"peakdrill: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("peakdrill: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a crash: one line unless --debug
        if args.debug:
            traceback.print_exc()
        print(f"peakdrill: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("peakdrill: run again with --debug for the traceback", file=sys.stderr)
        return int(ExitCode.FAILED)
