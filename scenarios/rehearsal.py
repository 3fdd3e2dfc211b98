"""One rehearsal: stack up, seed, load and chaos together, heal, settle, audit, report, down.

Every exit path (error, Ctrl-C, SIGTERM) stops the load, heals every fault and removes the stack
(unless --keep-stack), then writes what was recorded. See scenarios/README.md.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peakdrill.errors import ExitCode, StackError
from peakdrill.journal import Journal
from peakdrill.runfolder import RunFolder
from peakdrill.signals import signals_ignored, sigterm_as_interrupt
from reports.audit import run_audit
from reports.build import build_report
from scenarios import rundir, versions
from scenarios.loader import LoadedScenario
from scenarios.loadproc import LoadProcess
from scenarios.monitor import ContainerSampler, EventWatcher
from scenarios.openmodel.plan import LoadPlan
from scenarios.progress import ProgressLine
from scenarios.seeding import seed_shop
from stack import engine, lifecycle
from stack.endpoints import StackEndpoints

if TYPE_CHECKING:
    from chaos.timeline import Timeline

T0_TIMEOUT_S = 120.0  # generator start (workers connecting) before the load's t0 is known
GENERATOR_GRACE_S = 60.0  # past its own drain, the generator is stuck: stop it
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Options:
    """Command-line choices that shape one rehearsal."""

    out: Path | None = None
    workers: int = 0
    keep_stack: bool = False
    stack: str | None = None


@dataclass
class Run:
    """One rehearsal's state: what to clean up and what to record."""

    loaded: LoadedScenario
    folder: RunFolder
    journal: Journal
    stack: str
    progress: ProgressLine
    endpoints: StackEndpoints | None = None
    timeline: Timeline | None = None
    load: LoadProcess | None = None
    monitors: list[ContainerSampler | EventWatcher] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False

    def invalidate(self, reason: str) -> None:
        """Journal and keep a reason that makes the run invalid (exit 3)."""
        self.invalid.append(reason)
        self.journal.event("error", message=reason)
        self.progress.message(f"peakdrill: invalid run: {reason}")


def rehearse(loaded: LoadedScenario, opts: Options, progress: ProgressLine) -> tuple[Path, int]:
    """Run the scenario once on its stack config; returns (run folder, exit code)."""
    run = _prepare(loaded, opts, progress)
    with sigterm_as_interrupt():
        try:
            _execute(run, opts)
        except KeyboardInterrupt:
            run.interrupted = True
            run.journal.event("error", message="interrupted (Ctrl-C or SIGTERM)")
            progress.message("peakdrill: interrupted: stopping load, healing faults, cleaning up")
        except StackError as exc:
            run.invalidate(f"stack: {exc}")
        except Exception as exc:  # a bug or an unexpected answer: still clean up and report
            run.invalidate(f"rehearsal failed: {type(exc).__name__}: {exc}")
        finally:
            with signals_ignored():
                _cleanup(run, opts)
    if run.interrupted:
        return run.folder.root, EXIT_INTERRUPTED
    return run.folder.root, _report(run)


def _prepare(loaded: LoadedScenario, opts: Options, progress: ProgressLine) -> Run:
    rid = rundir.run_id(loaded.scenario.name, loaded.config.name)
    folder = rundir.folder_for(rid, opts.out)
    rundir.write_inputs(folder, loaded)
    stack = opts.stack or rundir.stack_name_for(rid)
    folder.write_meta(
        {
            "run_id": rid if opts.out is None else folder.root.name,
            "scenario": loaded.scenario.name,
            "stack_config": loaded.config.name,
            "stack": stack,
            "seed": loaded.scenario.seed,
            "started_at": _now(),
            "ended_at": None,
            "versions": versions.collect(None, None),
            "workers": opts.workers,
            "invalid_reasons": [],
            "load": {},
        }
    )
    return Run(loaded, folder, Journal(folder.journal), stack, progress)


def _execute(run: Run, opts: Options) -> None:
    sc = run.loaded.scenario
    run.progress.message(f"stack {run.stack}: starting ({run.loaded.config.name})")
    run.endpoints = lifecycle.up(run.loaded.config, run.stack, _stack_progress(run), seed=sc.seed)
    run.journal.event("phase", name="stack_up", stack=run.stack)
    docker = engine.client()
    run.folder.update_meta(versions=versions.collect(docker, run.endpoints.toxiproxy_url))
    data = seed_shop(run.stack, sc.data, sc.seed)
    (run.folder.root / "seed.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    run.journal.event("phase", name="seeded", products=len(data["products"]))
    _start_monitors(run, docker)
    plan = _plan(run, data)
    t0 = _start_load(run, plan, opts.workers)
    _start_chaos(run, docker, t0)
    _follow_load(run, t0, plan)
    _heal(run)
    _settle(run)
    _audit(run)


def _stack_progress(run: Run) -> Any:
    return lambda msg: run.progress.message(f"  {msg}")


def _start_monitors(run: Run, docker: Any) -> None:
    sampler = ContainerSampler(docker, run.stack, run.folder.containers)
    watcher = EventWatcher(docker, run.stack, run.journal)
    run.monitors = [sampler, watcher]
    sampler.start()
    watcher.start()


def _plan(run: Run, data: dict[str, Any]) -> LoadPlan:
    assert run.endpoints is not None
    sc = run.loaded.scenario
    return LoadPlan(
        edge_url=run.endpoints.edge_url,
        cashier_url=run.endpoints.gateway_cashier_url,
        seed=sc.seed,
        load=sc.load.model_dump(mode="json"),
        users=sc.users.model_dump(mode="json"),
        seed_data=data,
    )


def _start_load(run: Run, plan: LoadPlan, workers: int) -> float:
    """Start the generator; return the load's t0 once it is fixed."""
    plan_path = run.folder.root / "load_plan.json"
    plan.write(plan_path)
    run.load = LoadProcess(plan_path, run.folder.root, workers)
    deadline = time.monotonic() + T0_TIMEOUT_S
    while time.monotonic() < deadline:
        ev = run.load.next_event(0.5)
        if ev is not None and ev.get("event") == "t0":
            return float(ev["t0"])
        if ev is not None and ev.get("event") == "exit":
            break
    raise StackError("load generator did not start (see load.log in the run folder)")


def _start_chaos(run: Run, docker: Any, t0: float) -> None:
    from chaos.context import ChaosContext
    from chaos.spec import with_ids
    from chaos.timeline import Timeline

    assert run.endpoints is not None
    sc = run.loaded.scenario
    ctx = ChaosContext(run.stack, run.endpoints, docker, sc.seed)
    run.timeline = Timeline(with_ids(list(sc.chaos)), ctx, run.journal)
    run.timeline.start(t0)


def _follow_load(run: Run, t0: float, plan: LoadPlan) -> None:
    """Journal load_start/load_end on the schedule; render progress until the generator exits."""
    assert run.load is not None
    sc = run.loaded.scenario
    give_up = t0 + sc.load.duration_s + plan.drain_s() + GENERATOR_GRACE_S
    time.sleep(max(0.0, t0 - time.time()))
    run.journal.event("phase", name="load_start", t0=t0)
    end = t0 + sc.load.duration_s
    ended = False
    while True:
        # wake on time for load_end: the reports cut the load window at this event
        ev = run.load.next_event(0.5 if ended else max(0.01, min(0.5, end - time.time())))
        if not ended and time.time() >= end:
            run.journal.event("phase", name="load_end")
            ended = True
        if time.time() > give_up:
            run.invalidate("load generator did not finish in time; stopped")
            run.load.stop()
            give_up = float("inf")
        if ev is None:
            continue
        kind = ev.get("event")
        if kind == "progress":
            run.progress.update(ev, run.timeline.active() if run.timeline else [])
        elif kind == "done":
            run.summary = ev
        elif kind == "exit":
            break
    if not ended:
        run.journal.event("phase", name="load_end", early=True)
    _load_exited(run, run.load.wait(30.0))


def _load_exited(run: Run, code: int) -> None:
    run.progress.message(f"load: done ({run.summary.get('requests', 0)} requests)")
    if code != 0:
        run.invalidate(f"load generator exited with {code} (see load.log)")
    if not run.summary:
        run.invalidate("load generator wrote no summary")
    for reason in run.summary.get("invalid_reasons", []):
        run.invalidate(str(reason))
    if run.summary and not run.summary.get("requests"):
        run.invalidate("no samples: the load generator recorded no request")


def _heal(run: Run) -> None:
    if run.timeline is not None:
        run.timeline.heal_all()
        # a fault that did not apply or heal means the run did not rehearse what it claims
        for err in run.timeline.errors():
            run.invalidate(f"chaos: {err}")
    run.journal.event("phase", name="healed")


def _settle(run: Run) -> None:
    settle = run.loaded.scenario.settle_s
    run.journal.event("phase", name="settle_start", settle_s=settle)
    run.progress.message(f"settling {settle:g}s before the audit")
    time.sleep(settle)
    run.journal.event("phase", name="settle_end")


def _audit(run: Run) -> None:
    result = run_audit(run.stack, run.folder)  # writes audit_snapshot.json and audit.json
    run.journal.event("phase", name="audit", valid=result.valid)
    bad = [i.name for i in result.invariants if i.valid is not True]
    run.progress.message("audit: valid" if result.valid else f"audit: not valid: {', '.join(bad)}")


def _cleanup(run: Run, opts: Options) -> None:
    """Every exit path: stop load, heal, stop monitors, stack down, record what we have."""
    _guard(
        run,
        "stop load",
        lambda: run.load.stop() if run.load and run.load.proc.poll() is None else None,
    )
    if run.timeline is not None:
        _guard(run, "heal faults", run.timeline.heal_all)
    for mon in run.monitors:
        _guard(run, "stop monitor", mon.stop)
    if not opts.keep_stack:
        _guard(run, "stack down", lambda: _down(run))
    run.folder.update_meta(
        ended_at=_now(),
        invalid_reasons=run.invalid,
        load=run.summary.get("load", {}),
        load_errors=run.summary.get("top_errors", []),
        interrupted=run.interrupted,
    )
    run.journal.close()


def _down(run: Run) -> None:
    removed = lifecycle.down(run.stack)
    run.journal.event("phase", name="stack_down", removed=removed)


def _guard(run: Run, what: str, step: Any) -> None:
    try:
        step()
    except Exception as exc:  # keep cleaning up; say what failed
        run.journal.event("error", message=f"cleanup: {what}: {type(exc).__name__}: {exc}")
        run.progress.message(f"peakdrill: cleanup: {what} failed: {exc}")


def _report(run: Run) -> int:
    code = int(build_report(run.folder.root))
    if run.invalid:
        return int(ExitCode.INVALID_RUN)
    return code


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
