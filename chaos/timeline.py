"""The chaos timeline: apply each fault at t0 + at_s, heal it at t0 + at_s + duration_s.

One scheduler thread runs due steps in order (heals before applies). Every start and stop is
journaled (`fault_start` / `fault_stop`), every failure too (`error`), and `heal_all` puts the
stack back whatever happened: it is idempotent, bounded in time and safe to call from a signal
handler's clean-up path.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chaos.deadline import one_line, run_with_deadline
from chaos.errors import FaultError
from chaos.registry import Fault, fault_for
from chaos.spec import AnyFault, end_s
from peakdrill.journal import Journal

if TYPE_CHECKING:
    from chaos.context import ChaosContext

LOCK_WAIT_S = 10.0  # a heal waits this long for an apply of the same fault still running
MAX_IDLE_S = 0.5  # the scheduler wakes at least this often (to notice stop() quickly)


class State(enum.Enum):
    """Where one fault is in its life."""

    PENDING = "pending"
    ACTIVE = "active"
    HEAL_FAILED = "heal_failed"  # still on: heal_all retries and resets
    HEALED = "healed"
    FAILED = "failed"  # apply failed (undone as far as heal could)
    SKIPPED = "skipped"  # the timeline stopped before its start


@dataclass
class _Slot:
    fault: Fault[Any]
    start_s: float
    end_s: float
    state: State = State.PENDING
    lock: threading.Lock = field(default_factory=threading.Lock)


class Timeline:
    """Runs a scenario's faults against one stack, journaling every start, stop and error."""

    def __init__(
        self,
        specs: list[AnyFault],
        ctx: ChaosContext,
        journal: Journal,
        *,
        clock: Callable[[], float] = time.time,
        factory: Callable[[AnyFault, int], Fault[Any]] = fault_for,
    ) -> None:
        self.ctx = ctx
        self.journal = journal
        self._clock = clock
        self._slots = [_Slot(factory(s, i), s.at_s, end_s(s)) for i, s in enumerate(specs)]
        self._t0: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._heal_all_owner: int | None = None
        self._heal_all_lock = threading.Lock()

    # -- schedule ---------------------------------------------------------------------------

    def start(self, t0: float | None = None, background: bool = True) -> None:
        """Fix t0 (load start, clock seconds; now if None) and run the schedule in a thread."""
        if self._t0 is not None:
            raise RuntimeError("timeline already started")
        self._t0 = self._clock() if t0 is None else t0
        self.ctx.attach(self.journal)
        if background:
            self._thread = threading.Thread(target=self._loop, name="chaos-timeline", daemon=True)
            self._thread.start()

    def tick(self, now: float) -> float | None:
        """Run every step due at `now`; return when the next one is due (None: nothing left)."""
        t0 = self._require_t0()
        for slot in self._slots:
            if slot.state is State.ACTIVE and now >= t0 + slot.end_s:
                self._heal(slot, "scheduled")
        for slot in self._slots:
            if self._stop.is_set():
                break
            if slot.state is State.PENDING and now >= t0 + slot.start_s:
                self._apply(slot)
                if slot.state is State.ACTIVE and now >= t0 + slot.end_s:
                    self._heal(slot, "scheduled")  # instantaneous faults end at once
        return self._next_due(t0)

    def _next_due(self, t0: float) -> float | None:
        due = [t0 + s.start_s for s in self._slots if s.state is State.PENDING]
        due += [t0 + s.end_s for s in self._slots if s.state is State.ACTIVE]
        return min(due) if due else None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                next_due = self.tick(self._clock())
            except Exception as exc:  # the scheduler must never die silently
                self.ctx.error(f"chaos timeline: {type(exc).__name__}: {one_line(exc)}")
                next_due = self._clock() + MAX_IDLE_S
            if next_due is None:
                return
            self._stop.wait(min(max(0.0, next_due - self._clock()), MAX_IDLE_S))

    def _require_t0(self) -> float:
        if self._t0 is None:
            raise RuntimeError("timeline not started")
        return self._t0

    # -- one fault --------------------------------------------------------------------------

    def _apply(self, slot: _Slot) -> None:
        fault = slot.fault
        if not slot.lock.acquire(timeout=LOCK_WAIT_S):
            self._fail(slot, "apply", "fault busy")
            return
        try:
            if slot.state is not State.PENDING:
                return
            try:
                fault.apply(self.ctx)
            except Exception as exc:
                self._fail(slot, "apply", one_line(exc))
                self._undo_partial(slot)
                return
            slot.state = State.ACTIVE
            self.journal.event(
                "fault_start",
                **self._describe(fault),
                at_s=slot.start_s,
                duration_s=fault.spec.duration_s,
            )
        finally:
            slot.lock.release()

    def _undo_partial(self, slot: _Slot) -> None:
        """After a failed apply, heal anyway: the fault may be half on (heal is idempotent)."""
        slot.state = State.FAILED
        try:
            slot.fault.heal(self.ctx)
        except Exception as exc:
            self._fail(slot, "undo after failed apply", one_line(exc))

    def _heal(self, slot: _Slot, reason: str) -> None:
        if not slot.lock.acquire(timeout=LOCK_WAIT_S):
            self._fail(slot, "heal", "fault busy (apply still running)")
            slot.state = State.HEAL_FAILED
            return
        try:
            if slot.state not in (State.ACTIVE, State.HEAL_FAILED):
                return
            try:
                note = slot.fault.heal(self.ctx)
            except Exception as exc:
                slot.state = State.HEAL_FAILED
                self._fail(slot, "heal", one_line(exc))
                return
            self._stopped(slot, reason, note)
        finally:
            slot.lock.release()

    def _stopped(self, slot: _Slot, reason: str, note: str | None) -> None:
        slot.state = State.HEALED
        extra = {"note": note} if note else {}
        self.journal.event("fault_stop", **self._describe(slot.fault), reason=reason, **extra)

    def _fail(self, slot: _Slot, step: str, message: str) -> None:
        if slot.state is State.PENDING:
            slot.state = State.FAILED
        fault = slot.fault
        self.ctx.error(
            f"{fault.id} ({fault.kind} on {fault.target}): {step} failed: {message}",
            id=fault.id,
            fault=fault.kind,
            target=fault.target,
            step=step,
        )

    @staticmethod
    def _describe(fault: Fault[Any]) -> dict[str, Any]:
        return {
            "id": fault.id,
            "fault": fault.kind,
            "target": fault.target,
            "params": fault.params(),
        }

    # -- status and shutdown ----------------------------------------------------------------

    def active(self) -> list[str]:
        """Faults on right now, as `id: kind@target` (for the progress line)."""
        on = (State.ACTIVE, State.HEAL_FAILED)
        return [
            f"{s.fault.id}: {s.fault.kind}@{s.fault.target}" for s in self._slots if s.state in on
        ]

    def errors(self) -> list[str]:
        """Every failure so far (apply, heal, recovery watch), one line each."""
        return list(self.ctx.errors)

    def states(self) -> dict[str, str]:
        """Fault id → state name (pending, active, healed, failed, ...)."""
        return {s.fault.id: s.state.value for s in self._slots}

    def stop(self, join_s: float = 30.0) -> None:
        """Apply nothing more; heal the faults that are on (their fault_stop says `stopped`)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(join_s)
        for slot in self._slots:
            if slot.state is State.PENDING:
                slot.state = State.SKIPPED
            elif slot.state is State.ACTIVE:
                self._heal(slot, "stopped")

    def heal_all(self, timeout_s: float = 90.0) -> list[str]:
        """Stop, heal every fault, reset Toxiproxy and the gateway, restore containers.

        Idempotent and bounded by `timeout_s`; a second call while one runs waits for it (or
        returns at once when re-entered from the same thread, e.g. by a signal handler).
        Returns the failures of this call (also journaled as `error` events).
        """
        me = threading.get_ident()
        if self._heal_all_owner == me:
            return []
        if not self._heal_all_lock.acquire(timeout=timeout_s):
            return ["heal_all: another heal_all did not finish in time"]
        self._heal_all_owner = me
        try:
            before = len(self.ctx.errors)
            try:
                run_with_deadline(self._heal_everything, timeout_s, "heal_all")
            except FaultError as exc:
                self.ctx.error(str(exc))
            return self.ctx.errors[before:]
        finally:
            self._heal_all_owner = None
            self._heal_all_lock.release()

    def _heal_everything(self) -> None:
        self.stop(join_s=10.0)
        for slot in self._slots:
            if slot.state is State.HEAL_FAILED:
                self._heal(slot, "heal_all")
        failures = self.ctx.reset_all()
        for message in failures:
            self.ctx.error(f"heal_all: {message}")
        if not failures:
            for slot in self._slots:
                if slot.state is State.HEAL_FAILED:
                    self._stopped(slot, "heal_all", "healed by the global reset")
        self.ctx.join_watchers(timeout_s=30.0)
