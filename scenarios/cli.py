"""`rehearse`: one command for a whole peak-sale rehearsal (see scenarios/README.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from peakdrill.errors import BadInput
from scenarios.loader import DEFAULT_SCENARIO, LoadedScenario, load_scenario
from stack.names import check_stack_name


def register(sub: Any) -> None:
    """Add `rehearse` to the top-level parser."""
    p = sub.add_parser(
        "rehearse",
        help="stack up, seed, load + chaos, heal, settle, audit, report, stack down",
        description="Run a scenario end to end and print the run folder. Several --config run "
        "the same scenario on each config in turn and compare them.",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        default=DEFAULT_SCENARIO,
        metavar="SCENARIO",
        help=f"name in scenarios/ or a YAML path (default: {DEFAULT_SCENARIO})",
    )
    p.add_argument(
        "--config",
        action="append",
        metavar="STACK_CONFIG",
        help="stack config name or path (repeat to compare configs)",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="run folder (with several --config: the parent of the run folders)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="Locust worker processes (default 0: one generator process)",
    )
    p.add_argument("--seed", type=int, metavar="N", help="override the scenario's seed")
    p.add_argument("--stack", metavar="NAME", help="stack name (default pd-<run id hash>)")
    p.add_argument("--keep-stack", action="store_true", help="leave the stack running at the end")
    p.set_defaults(func=cmd_rehearse)


def load_all(args: argparse.Namespace) -> list[LoadedScenario]:
    """Validate the scenario against every config before anything starts (BadInput, exit 2)."""
    if args.workers < 0 or args.workers > 64:
        raise BadInput("--workers: must be 0..64")
    configs = args.config or [None]
    if len(configs) > 1 and args.stack:
        raise BadInput("--stack: give no stack name with several --config (one stack per run)")
    if args.stack:
        check_stack_name(args.stack)
    if args.out is not None and args.out.exists() and any(args.out.iterdir()):
        raise BadInput(f"--out: {args.out} exists and is not empty (one folder per run)")
    loaded = [load_scenario(args.scenario, c) for c in configs]
    if args.seed is not None:
        if not 0 <= args.seed < 2**31:
            raise BadInput("--seed: must be 0..2147483647")
        loaded = [_with_seed(ls, args.seed) for ls in loaded]
    return loaded


def _with_seed(ls: LoadedScenario, seed: int) -> LoadedScenario:
    sc = ls.scenario.model_copy(update={"seed": seed})
    return LoadedScenario(sc, ls.path, ls.config_path, ls.config)


def cmd_rehearse(args: argparse.Namespace) -> int:
    """Run the rehearsal(s); prints each run folder (and the comparison) on stdout."""
    from scenarios.progress import ProgressLine
    from scenarios.rehearsal import EXIT_INTERRUPTED, Options, rehearse

    loaded = load_all(args)
    progress = ProgressLine()
    several = len(loaded) > 1
    runs: list[Path] = []
    codes: list[int] = []
    for ls in loaded:
        out = args.out / _sub(ls) if several and args.out else args.out
        opts = Options(out=out, workers=args.workers, keep_stack=args.keep_stack, stack=args.stack)
        folder, code = rehearse(ls, opts, progress)
        progress.message(f"run {folder}: exit {code}")
        print(folder, flush=True)
        runs.append(folder)
        codes.append(code)
        if code == EXIT_INTERRUPTED:
            return EXIT_INTERRUPTED
    if several:
        _compare(runs, args.out)
    return max(codes)


def _sub(ls: LoadedScenario) -> str:
    from scenarios.rundir import run_id

    return run_id(ls.scenario.name, ls.config.name)


def _compare(runs: list[Path], out: Path | None) -> None:
    from reports.compare import compare_runs

    target = (out / "compare") if out else runs[0].parent / f"compare-{runs[0].name}"
    page = compare_runs(runs, target)
    print(page, flush=True)
    sys.stderr.write(f"comparison: {page}\n")
