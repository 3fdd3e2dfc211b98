"""Timeline scheduling with a fake clock and fake faults (no network, no Docker)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from chaos.errors import FaultError
from chaos.registry import Fault
from chaos.spec import AnyFault, FaultSpec
from chaos.timeline import Timeline
from peakdrill.journal import Journal, read_journal
from peakdrill.yamlconfig import StrictModel, validate


class Scenario(StrictModel):
    chaos: list[FaultSpec] = Field(default_factory=list)


class FakeCtx:
    """The part of ChaosContext the timeline uses, recording calls instead of touching a stack."""

    def __init__(self, reset_failures: list[str] | None = None) -> None:
        self.errors: list[str] = []
        self.calls: list[str] = []
        self.journal: Journal | None = None
        self.reset_failures = reset_failures or []

    def attach(self, journal: Journal) -> None:
        self.journal = journal

    def error(self, message: str, **fields: Any) -> None:
        self.errors.append(message)
        assert self.journal is not None
        self.journal.event("error", message=message, **fields)

    def reset_all(self) -> list[str]:
        self.calls.append("reset_all")
        return list(self.reset_failures)

    def join_watchers(self, timeout_s: float) -> None:
        self.calls.append("join_watchers")


class FakeFault(Fault[Any]):
    """Records apply/heal in the context; can be told to fail either."""

    kind = "fake"
    fail_apply: set[str] = set()  # noqa: RUF012  (per-test configuration)
    fail_heal: dict[str, int] = {}  # noqa: RUF012  id → how many heals fail

    @property
    def target(self) -> str:
        return "edge"

    def apply(self, ctx: Any) -> None:
        ctx.calls.append(f"apply {self.id}")
        if self.id in self.fail_apply:
            raise FaultError("toxiproxy: no answer within 5s")

    def heal(self, ctx: Any) -> str | None:
        ctx.calls.append(f"heal {self.id}")
        if self.fail_heal.get(self.id, 0) > 0:
            self.fail_heal[self.id] -= 1
            raise FaultError("toxiproxy: HTTP 503")
        return f"note {self.id}"


@pytest.fixture(autouse=True)
def _clean_fake_config() -> None:
    FakeFault.fail_apply = set()
    FakeFault.fail_heal = {}


def specs() -> list[AnyFault]:
    data = [
        {"fault": "latency", "target": "edge", "at_s": 10, "duration_s": 20, "latency_ms": 5},
        {"fault": "kill", "service": "shop-api", "at_s": 15},
        {"fault": "down", "target": "redis", "at_s": 25, "duration_s": 10, "id": "redis-down"},
    ]
    return list(validate(Scenario, {"chaos": data}, "s").chaos)


def make(tmp_path: Path, ctx: FakeCtx, **kw: Any) -> tuple[Timeline, Journal]:
    journal = Journal(tmp_path / "journal.jsonl")
    timeline = Timeline(specs(), ctx, journal, factory=FakeFault, **kw)  # type: ignore[arg-type]
    return timeline, journal


def kinds(journal: Journal) -> list[tuple[str, str]]:
    return [(e["kind"], e.get("id", "")) for e in read_journal(journal.path)]


def test_applies_and_heals_on_schedule(tmp_path: Path) -> None:
    ctx = FakeCtx()
    tl, journal = make(tmp_path, ctx)
    tl.start(t0=1000.0, background=False)
    assert tl.tick(1005.0) == 1010.0 and ctx.calls == []
    assert tl.tick(1010.0) == 1015.0
    assert tl.active() == ["chaos[0]: fake@edge"]
    # the instantaneous kill is applied and healed in one step
    assert tl.tick(1016.0) == 1025.0
    assert ctx.calls == ["apply chaos[0]", "apply chaos[1]", "heal chaos[1]"]
    assert tl.tick(1030.0) == 1035.0  # latency healed before redis-down is applied
    assert ctx.calls[-2:] == ["heal chaos[0]", "apply redis-down"]
    assert tl.tick(1035.0) is None
    assert tl.active() == [] and tl.errors() == []
    assert kinds(journal) == [
        ("fault_start", "chaos[0]"),
        ("fault_start", "chaos[1]"),
        ("fault_stop", "chaos[1]"),
        ("fault_stop", "chaos[0]"),
        ("fault_start", "redis-down"),
        ("fault_stop", "redis-down"),
    ]
    first = next(read_journal(journal.path))
    assert first["fault"] == "fake" and first["target"] == "edge"
    assert first["params"]["latency_ms"] == 5 and first["at_s"] == 10
    last = list(read_journal(journal.path))[-1]
    assert last["note"] == "note redis-down" and last["reason"] == "scheduled"


def test_failed_apply_is_journaled_undone_and_the_rest_runs(tmp_path: Path) -> None:
    FakeFault.fail_apply = {"chaos[0]"}
    ctx = FakeCtx()
    tl, journal = make(tmp_path, ctx)
    tl.start(t0=0.0, background=False)
    tl.tick(40.0)
    assert ctx.calls[:2] == ["apply chaos[0]", "heal chaos[0]"]  # undo of a half-applied fault
    assert "apply chaos[1]" in ctx.calls and "apply redis-down" in ctx.calls
    assert tl.states()["chaos[0]"] == "failed"
    assert len(tl.errors()) == 1 and "chaos[0] (fake on edge): apply failed" in tl.errors()[0]
    errors = [e for e in read_journal(journal.path) if e["kind"] == "error"]
    assert errors[0]["id"] == "chaos[0]" and errors[0]["step"] == "apply"
    assert ("fault_start", "chaos[0]") not in kinds(journal)


def test_failed_heal_stays_active_until_heal_all_heals_it(tmp_path: Path) -> None:
    FakeFault.fail_heal = {"chaos[0]": 2}  # the scheduled heal and heal_all's retry both fail
    ctx = FakeCtx()
    tl, journal = make(tmp_path, ctx)
    tl.start(t0=0.0, background=False)
    tl.tick(10.0)
    tl.tick(31.0)
    assert tl.states()["chaos[0]"] == "heal_failed"
    assert tl.active() == ["chaos[0]: fake@edge", "redis-down: fake@edge"]
    failures = tl.heal_all()
    assert any("heal failed: toxiproxy: HTTP 503" in f for f in failures)
    assert ctx.calls.count("reset_all") == 1
    stop = [e for e in read_journal(journal.path) if e["kind"] == "fault_stop"][-1]
    assert stop["id"] == "chaos[0]" and stop["reason"] == "heal_all"
    assert stop["note"] == "healed by the global reset"
    assert tl.active() == [] and tl.states()["redis-down"] == "healed"


def test_heal_all_reports_a_failed_reset_and_keeps_the_fault_listed(tmp_path: Path) -> None:
    FakeFault.fail_heal = {"chaos[0]": 5}
    ctx = FakeCtx(reset_failures=["toxiproxy reset: no answer within 5s"])
    tl, _ = make(tmp_path, ctx)
    tl.start(t0=0.0, background=False)
    tl.tick(10.0)
    failures = tl.heal_all()
    assert "heal_all: toxiproxy reset: no answer within 5s" in failures
    assert tl.active() == ["chaos[0]: fake@edge"]


def test_stop_heals_active_and_skips_pending_and_heal_all_is_idempotent(tmp_path: Path) -> None:
    ctx = FakeCtx()
    tl, journal = make(tmp_path, ctx)
    tl.start(t0=0.0, background=False)
    tl.tick(12.0)
    tl.stop()
    assert ctx.calls == ["apply chaos[0]", "heal chaos[0]"]
    assert tl.states() == {"chaos[0]": "healed", "chaos[1]": "skipped", "redis-down": "skipped"}
    assert tl.tick(100.0) is None and "apply chaos[1]" not in ctx.calls
    assert tl.heal_all() == [] and tl.heal_all() == []
    assert ctx.calls.count("heal chaos[0]") == 1 and ctx.calls.count("reset_all") == 2
    stops = [e for e in read_journal(journal.path) if e["kind"] == "fault_stop"]
    assert [(e["id"], e["reason"]) for e in stops] == [("chaos[0]", "stopped")]


def test_background_thread_runs_the_schedule_in_real_time(tmp_path: Path) -> None:
    ctx = FakeCtx()
    journal = Journal(tmp_path / "j.jsonl")
    data = [
        {"fault": "latency", "target": "edge", "at_s": 0.05, "duration_s": 0.2, "latency_ms": 5},
        {"fault": "kill", "service": "shop-api", "at_s": 0.1},
    ]
    fast = list(validate(Scenario, {"chaos": data}, "s").chaos)
    tl = Timeline(fast, ctx, journal, factory=FakeFault)  # type: ignore[arg-type]
    started = time.time()
    tl.start()
    deadline = time.monotonic() + 10
    while tl.states()["chaos[0]"] != "healed" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert tl.states() == {"chaos[0]": "healed", "chaos[1]": "healed"}
    start, stop = (e["t"] for e in read_journal(journal.path) if e.get("id") == "chaos[0]")
    assert start - started >= 0.05 and stop - start >= 0.15
    tl.heal_all()
    assert not any(t.name == "chaos-timeline" for t in threading.enumerate())


def test_heal_all_from_a_signal_handler_during_heal_all_returns_at_once(tmp_path: Path) -> None:
    ctx = FakeCtx()
    tl, _ = make(tmp_path, ctx)
    tl.start(t0=0.0, background=False)
    inner: list[list[str]] = []
    original = ctx.reset_all

    def on_signal(signum: int, frame: Any) -> None:
        inner.append(tl.heal_all(timeout_s=5.0))  # what a SIGTERM handler does

    def reset_and_signal() -> list[str]:
        os.kill(os.getpid(), signal.SIGUSR1)  # handled by the main thread, inside heal_all
        time.sleep(0.2)
        return original()

    previous = signal.signal(signal.SIGUSR1, on_signal)
    try:
        ctx.reset_all = reset_and_signal  # type: ignore[method-assign]
        started = time.monotonic()
        assert tl.heal_all(timeout_s=5.0) == []
        assert time.monotonic() - started < 4
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert inner == [[]]
    assert ctx.calls.count("join_watchers") == 1


def test_start_twice_and_tick_before_start_fail(tmp_path: Path) -> None:
    tl, _ = make(tmp_path, FakeCtx())
    with pytest.raises(RuntimeError, match="not started"):
        tl.tick(0.0)
    tl.start(t0=0.0, background=False)
    with pytest.raises(RuntimeError, match="already started"):
        tl.start()
