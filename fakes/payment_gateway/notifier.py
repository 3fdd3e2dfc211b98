"""Signed asynchronous notifications, retried on the profile's schedule until acknowledged.

A dispatcher moves due jobs from a heap (keyed by due time) into a bounded queue served by a
fixed pool of workers, so thousands of pending notifications cost one heap entry each and never
more than `concurrency` sockets. Notification faults are decided per (trade, send attempt).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from fakes.payment_gateway import rsa_signing, signing
from fakes.payment_gateway.decisions import FaultEngine
from fakes.payment_gateway.distributions import sample_ms
from fakes.payment_gateway.faults import (
    NotifyBadSignature,
    NotifyDelay,
    NotifyDrop,
    NotifyDuplicate,
    NotifyReorder,
    NotifyReplay,
    NotifyWrongAmount,
)
from fakes.payment_gateway.ledger import Ledger, Payment, PendingNotification
from fakes.payment_gateway.profiles import Profile, is_ack, retry_delay_s

log = logging.getLogger("peakdrill.gateway.notifier")
REPLAY_RING = 256  # recently sent notifications kept for replays
STALE_BY_S = 3600  # a `stale` signature is this much older than the tolerance allows


@dataclass(order=True)
class Job:
    """One scheduled send of a notification (attempt is 1-based)."""

    due: float
    seq: int
    notification_id: str = field(compare=False)
    trade_no: str = field(compare=False)
    attempt: int = field(compare=False)
    held: bool = field(default=False, compare=False)  # delay/reorder already decided


@dataclass(frozen=True)
class Sent:
    """A notification exactly as it went on the wire (kept for replays)."""

    url: str
    body: bytes
    signature: str
    trade_no: str
    out_trade_no: str


@dataclass
class NotifierCounters:
    """Totals over the notifier's life."""

    sent: int = 0
    acked: int = 0
    failed_attempts: int = 0
    exhausted: int = 0


def notification_id(trade_no: str) -> str:
    """Event id of a payment's TRADE_SUCCESS notification (stable across retries)."""
    return f"evt_{trade_no}_success"


def body_of(p: Payment, notification: str, now: float, delta_cents: int = 0) -> bytes:
    """The JSON body of a TRADE_SUCCESS notification (times in unix seconds)."""
    doc = {
        "id": notification,
        "trade_no": p.trade_no,
        "out_trade_no": p.out_trade_no,
        "status": "TRADE_SUCCESS",
        "amount_cents": p.amount_cents + delta_cents,
        "paid_at": p.paid_at,
        "notify_time": round(now, 3),
    }
    return json.dumps(doc, separators=(",", ":")).encode()


class Notifier:
    """Delivers notifications; survives restarts through the ledger's notifications table."""

    def __init__(
        self,
        ledger: Ledger,
        engine: FaultEngine,
        profile: Profile,
        secrets: dict[str, str],
        *,
        compression: float = 1.0,
        timeout_ms: int = 5000,
        concurrency: int = 64,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
        rsa_key: RSAPrivateKey | None = None,
    ) -> None:
        self.ledger, self.engine, self.profile, self.secrets = ledger, engine, profile, secrets
        self.compression, self.concurrency, self.clock = compression, concurrency, clock
        self.counters = NotifierCounters()
        self.rsa_key = rsa_key
        self._client = httpx.AsyncClient(
            timeout=timeout_ms / 1000,
            transport=transport,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )
        self._heap: list[Job] = []
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._ready: asyncio.Queue[Job] = asyncio.Queue(maxsize=concurrency)
        self._pending: dict[str, float] = {}  # id → created (wall); insertion order = age order
        self._inflight = 0
        self._recent: deque[Sent] = deque(maxlen=REPLAY_RING)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Reload pending notifications from the ledger and start the workers."""
        for n in self.ledger.pending_notifications():
            self._pending[n.id] = n.created_at
            self._push(n.id, n.trade_no, n.attempts + 1, max(0.0, n.next_due - self.clock()))
        self._tasks.append(asyncio.create_task(self._dispatch()))
        for _ in range(self.concurrency):
            self._tasks.append(asyncio.create_task(self._work()))

    async def stop(self) -> None:
        """Cancel the workers (pending state stays in the ledger) and close the client."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self._client.aclose()

    def pending_for(self, p: Payment, now: float) -> PendingNotification:
        """The pending-notification row to store together with a payment's SUCCESS."""
        return PendingNotification(notification_id(p.trade_no), p.trade_no, 0, now, now)

    def enqueue(self, n: PendingNotification) -> None:
        """Schedule the first send of a notification now (its row is already in the ledger)."""
        self._pending[n.id] = n.created_at
        self._push(n.id, n.trade_no, 1, 0.0)

    def stats(self) -> dict[str, Any]:
        """Queue depth, oldest pending age and totals (GET /control/notifier)."""
        oldest = next(iter(self._pending.values()), None)
        return {
            "queue_depth": len(self._pending),
            "scheduled": len(self._heap),
            "ready": self._ready.qsize(),
            "inflight": self._inflight,
            "oldest_pending_age_s": round(self.clock() - oldest, 3) if oldest else 0.0,
            "profile": self.profile.name,
            "time_compression": self.compression,
            **vars(self.counters),
        }

    def _push(self, nid: str, trade_no: str, attempt: int, in_s: float, held: bool = False) -> None:
        due = time.monotonic() + in_s
        heapq.heappush(self._heap, Job(due, next(self._seq), nid, trade_no, attempt, held))
        self._wake.set()

    async def _dispatch(self) -> None:
        while True:
            if not self._heap:
                await self._wake.wait()
                self._wake.clear()
                continue
            wait_s = self._heap[0].due - time.monotonic()
            if wait_s > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait_s)
                self._wake.clear()
                continue
            await self._ready.put(heapq.heappop(self._heap))  # blocks while workers are busy

    async def _work(self) -> None:
        while True:
            job = await self._ready.get()
            self._inflight += 1
            try:
                await self._run(job)
            except Exception:  # one bad job must not kill a worker
                log.exception("notification %s attempt %d failed", job.notification_id, job.attempt)
            finally:
                self._inflight -= 1

    async def _run(self, job: Job) -> None:
        p = self.ledger.by_trade_no(job.trade_no)
        if p is None:
            return
        if not job.held:
            hold_ms, held_by = self._hold_ms(p, job.attempt)
            if hold_ms > 0:
                self.ledger.record(
                    p,
                    "notify_held",
                    self.clock(),
                    attempt=job.attempt,
                    hold_ms=hold_ms,
                    faults=held_by,
                )
                heapq.heappush(
                    self._heap, replace(job, due=time.monotonic() + hold_ms / 1000, held=True)
                )
                self._wake.set()
                return
        await self._send_attempt(p, job)

    def _hold_ms(self, p: Payment, attempt: int) -> tuple[float, list[str]]:
        total, fired = 0.0, []
        for f in self.engine.notify_faults():
            if not isinstance(f, NotifyDelay | NotifyReorder):
                continue
            rng = self.engine.decide(f, p.out_trade_no, attempt)
            if rng is None:
                continue
            fired.append(f.id)
            total += sample_ms(f.params, rng) if isinstance(f, NotifyDelay) else f.params.hold_ms
        return total, fired

    async def _send_attempt(self, p: Payment, job: Job) -> None:
        decided = self._send_faults(p, job.attempt)
        now = self.clock()
        if decided.dropped:
            acked, status = False, None
        else:
            acked, status = await self._deliver(p, job, decided, now)
        attempt = {
            "id": job.notification_id,
            "attempt": job.attempt,
            "acked": acked,
            "http_status": status,
            "faults": decided.fired,
            "copies": decided.copies,
            "tampered": decided.tampered,
        }
        self._settle(p, job, acked, attempt)
        if decided.replay is not None:
            await self._replay(p, decided.replay)

    def _send_faults(self, p: Payment, attempt: int) -> _Decided:
        d = _Decided()
        for f in self.engine.notify_faults():
            if isinstance(f, NotifyDelay | NotifyReorder):
                continue
            rng = self.engine.decide(f, p.out_trade_no, attempt)
            if rng is None:
                continue
            d.fired.append(f.id)
            if isinstance(f, NotifyDrop):
                d.dropped = True
            elif isinstance(f, NotifyDuplicate):
                d.copies += f.params.copies
            elif isinstance(f, NotifyBadSignature):
                d.tampered.append(f.params.mode)
            elif isinstance(f, NotifyWrongAmount):
                d.delta_cents += f.params.delta_cents
                d.tampered.append("wrong_amount")
            elif isinstance(f, NotifyReplay) and self._recent:
                d.replay = self._recent[int(rng.random() * len(self._recent))]
        return d

    async def _deliver(
        self, p: Payment, job: Job, d: _Decided, now: float
    ) -> tuple[bool, int | None]:
        secret = self.secrets.get(p.merchant_id, "")
        body = body_of(p, job.notification_id, now, d.delta_cents)
        t = int(now)
        if "stale" in d.tampered:
            t -= signing.TOLERANCE_S + STALE_BY_S
        if "forged" in d.tampered:
            secret += "-forged"
        header = signing.sign(secret, t, body)
        if self.rsa_key is not None:
            key = rsa_signing.forger_key() if "forged" in d.tampered else self.rsa_key
            header += f",rsa={rsa_signing.rsa_sign(key, t, body)}"
        sent = Sent(p.notify_url, body, header, p.trade_no, p.out_trade_no)
        results = await asyncio.gather(*(self._post(sent) for _ in range(1 + d.copies)))
        if not d.tampered:
            self._recent.append(sent)
        acked = any(ok for ok, _ in results)
        return acked, results[0][1]

    async def _post(self, sent: Sent) -> tuple[bool, int | None]:
        self.counters.sent += 1
        headers = {"Content-Type": "application/json", signing.SIGNATURE_HEADER: sent.signature}
        try:
            resp = await self._client.post(sent.url, content=sent.body, headers=headers)
        except httpx.HTTPError as exc:
            log.debug("notify %s: %s", sent.url, type(exc).__name__)
            return False, None
        return is_ack(self.profile, resp.status_code, resp.content), resp.status_code

    async def _replay(self, p: Payment, old: Sent) -> None:
        acked, status = await self._post(old)
        self.ledger.record(
            p,
            "notify_replayed",
            self.clock(),
            replayed_trade_no=old.trade_no,
            replayed_out_trade_no=old.out_trade_no,
            acked=acked,
            http_status=status,
        )

    def _settle(self, p: Payment, job: Job, acked: bool, attempt: dict[str, Any]) -> None:
        """Record the attempt and the notification's next state in one ledger transaction."""
        now = self.clock()
        created = self._pending.get(job.notification_id, now)
        pending = PendingNotification(job.notification_id, p.trade_no, job.attempt, now, created)
        events: list[tuple[str, dict[str, Any]]] = [("notify_attempt", attempt)]
        wait_s = None if acked else retry_delay_s(self.profile, job.attempt, self.compression)
        if acked:
            self.counters.acked += 1
            state = "acked"
            events.append(("notify_acked", {"attempt": job.attempt}))
        elif wait_s is None:
            self.counters.failed_attempts += 1
            self.counters.exhausted += 1
            state = "exhausted"
            events.append(("notify_exhausted", {"attempts": job.attempt}))
        else:
            self.counters.failed_attempts += 1
            state = "pending"
            pending = replace(pending, next_due=now + wait_s)
        self.ledger.save_notification(pending, state, p, events, now)
        if wait_s is not None:
            self._push(job.notification_id, p.trade_no, job.attempt + 1, wait_s)
        else:
            self._pending.pop(job.notification_id, None)


@dataclass
class _Decided:
    fired: list[str] = field(default_factory=list)
    dropped: bool = False
    copies: int = 0
    delta_cents: int = 0
    tampered: list[str] = field(default_factory=list)
    replay: Sent | None = None
