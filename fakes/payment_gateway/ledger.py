"""The gateway's durable ledger: payments, refunds, state-change events, pending notifications.

SQLite in WAL mode with synchronous=NORMAL: each commit is one append to the WAL without an
fsync, which survives a crash or kill of the process or container (the OS still holds the pages)
and costs tens of microseconds, so the ledger never becomes the bottleneck under load; only a
power loss could lose the last commits, which a rehearsal does not model. Indexes and conditional
UPDATEs give idempotency and the close-versus-pay race for free, which a JSONL log would not.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (
  trade_no TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, out_trade_no TEXT NOT NULL,
  amount_cents INTEGER NOT NULL, subject TEXT NOT NULL, notify_url TEXT NOT NULL,
  status TEXT NOT NULL, created_at REAL NOT NULL, paid_at REAL, closed_at REAL,
  refunded_cents INTEGER NOT NULL DEFAULT 0, UNIQUE (merchant_id, out_trade_no));
CREATE TABLE IF NOT EXISTS refunds (
  merchant_id TEXT NOT NULL, out_refund_no TEXT NOT NULL, trade_no TEXT NOT NULL,
  amount_cents INTEGER NOT NULL, created_at REAL NOT NULL,
  PRIMARY KEY (merchant_id, out_refund_no));
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, t REAL NOT NULL, trade_no TEXT NOT NULL,
  out_trade_no TEXT NOT NULL, event TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY, trade_no TEXT NOT NULL, attempts INTEGER NOT NULL,
  next_due REAL NOT NULL, state TEXT NOT NULL, created_at REAL NOT NULL);
"""

WAIT = "WAIT_BUYER_PAY"
SUCCESS = "TRADE_SUCCESS"
CLOSED = "TRADE_CLOSED"


@dataclass
class Payment:
    """One payment as the ledger holds it (times are unix seconds)."""

    trade_no: str
    merchant_id: str
    out_trade_no: str
    amount_cents: int
    subject: str
    notify_url: str
    status: str
    created_at: float
    paid_at: float | None = None
    closed_at: float | None = None
    refunded_cents: int = 0
    refunds: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PendingNotification:
    """A notification not yet acknowledged nor exhausted (reloaded after a restart)."""

    id: str
    trade_no: str
    attempts: int
    next_due: float
    created_at: float


class Ledger:
    """SQLite-backed ledger; every method is one short transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Checkpoint and close the database."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @staticmethod
    def _event(db: sqlite3.Connection, t: float, p: Payment, event: str, **data: Any) -> None:
        db.execute(
            "INSERT INTO events (t, trade_no, out_trade_no, event, data) VALUES (?,?,?,?,?)",
            (t, p.trade_no, p.out_trade_no, event, json.dumps(data, separators=(",", ":"))),
        )

    def _payment(self, where: str, args: tuple[Any, ...]) -> Payment | None:
        with self._lock:
            row = self._db.execute(f"SELECT * FROM payments WHERE {where}", args).fetchone()
        return Payment(**dict(row)) if row else None

    def by_out_trade_no(self, merchant_id: str, out_trade_no: str) -> Payment | None:
        """The merchant's payment with this trade number."""
        return self._payment("merchant_id=? AND out_trade_no=?", (merchant_id, out_trade_no))

    def by_trade_no(self, trade_no: str) -> Payment | None:
        """The payment with this gateway trade number."""
        return self._payment("trade_no=?", (trade_no,))

    def insert(self, p: Payment) -> bool:
        """Store a new payment and its `created` event; False if the trade number exists."""
        row = asdict(p)
        row.pop("refunds")
        cols = ",".join(row)
        with self._tx() as db:
            cur = db.execute(
                f"INSERT OR IGNORE INTO payments ({cols}) VALUES ({','.join('?' * len(row))})",
                tuple(row.values()),
            )
            if cur.rowcount == 1:
                self._event(db, p.created_at, p, "created", amount_cents=p.amount_cents)
        return cur.rowcount == 1

    def transition(
        self,
        p: Payment,
        to: str,
        t: float,
        notification: PendingNotification | None = None,
        **data: Any,
    ) -> bool:
        """Move WAIT_BUYER_PAY → `to` atomically (with its notification row, so a crash cannot
        separate a capture from its notification); False if the payment had already left it."""
        column = "paid_at" if to == SUCCESS else "closed_at"
        with self._tx() as db:
            cur = db.execute(
                f"UPDATE payments SET status=?, {column}=? WHERE trade_no=? AND status=?",
                (to, t, p.trade_no, WAIT),
            )
            if cur.rowcount == 1:
                self._event(db, t, p, "paid" if to == SUCCESS else "closed", **data)
                if notification is not None:
                    self._save_notification(db, notification, "pending")
        return cur.rowcount == 1

    def refund(self, p: Payment, out_refund_no: str, amount_cents: int, t: float) -> str:
        """Record a refund: `ok`, `duplicate` (same number and amount), `mismatch` or `exceeded`."""
        with self._tx() as db:
            row = db.execute(
                "SELECT amount_cents FROM refunds WHERE merchant_id=? AND out_refund_no=?",
                (p.merchant_id, out_refund_no),
            ).fetchone()
            if row is not None:
                return "duplicate" if row[0] == amount_cents else "mismatch"
            cur = db.execute(
                "UPDATE payments SET refunded_cents = refunded_cents + ? "
                "WHERE trade_no=? AND status=? AND refunded_cents + ? <= amount_cents",
                (amount_cents, p.trade_no, SUCCESS, amount_cents),
            )
            if cur.rowcount != 1:
                return "exceeded"
            db.execute(
                "INSERT INTO refunds VALUES (?,?,?,?,?)",
                (p.merchant_id, out_refund_no, p.trade_no, amount_cents, t),
            )
            self._event(
                db, t, p, "refunded", out_refund_no=out_refund_no, amount_cents=amount_cents
            )
        return "ok"

    def record(self, p: Payment, event: str, t: float, **data: Any) -> None:
        """Append one event (notification attempts, acks, faults) to the log."""
        with self._tx() as db:
            self._event(db, t, p, event, **data)

    def save_notification(
        self,
        n: PendingNotification,
        state: str,
        p: Payment,
        events: list[tuple[str, dict[str, Any]]],
        t: float,
    ) -> None:
        """Upsert a notification's retry state (`pending`, `acked` or `exhausted`) together with
        the events that explain it, in one commit."""
        with self._tx() as db:
            self._save_notification(db, n, state)
            for event, data in events:
                self._event(db, t, p, event, **data)

    @staticmethod
    def _save_notification(db: sqlite3.Connection, n: PendingNotification, state: str) -> None:
        db.execute(
            "INSERT INTO notifications VALUES (?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "attempts=excluded.attempts, next_due=excluded.next_due, state=excluded.state",
            (n.id, n.trade_no, n.attempts, n.next_due, state, n.created_at),
        )

    def pending_notifications(self) -> list[PendingNotification]:
        """Notifications still to be delivered, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, trade_no, attempts, next_due, created_at FROM notifications "
                "WHERE state='pending' ORDER BY created_at"
            ).fetchall()
        return [PendingNotification(**dict(r)) for r in rows]

    def export(self) -> dict[str, Any]:
        """Every payment (with its refunds) and every event, for the integrity audit."""
        with self._lock:
            payments = [dict(r) for r in self._db.execute("SELECT * FROM payments ORDER BY rowid")]
            refunds = [dict(r) for r in self._db.execute("SELECT * FROM refunds ORDER BY rowid")]
            events = list(self._db.execute("SELECT * FROM events ORDER BY seq"))
        by_trade: dict[str, list[dict[str, Any]]] = {}
        for r in refunds:
            by_trade.setdefault(r["trade_no"], []).append(
                {k: r[k] for k in ("out_refund_no", "amount_cents", "created_at")}
            )
        for p in payments:
            del p["subject"], p["notify_url"]
            p["refunds"] = by_trade.get(p["trade_no"], [])
        return {"payments": payments, "events": [_event_dict(e) for e in events]}


def _event_dict(row: sqlite3.Row) -> dict[str, Any]:
    data = json.loads(row["data"])
    base = {k: row[k] for k in ("seq", "t", "trade_no", "out_trade_no", "event")}
    return {**data, **base}
