"""The gateway's payment state machine, shared by the merchant, cashier and control APIs.

State changes are conditional UPDATEs in the ledger (WAIT_BUYER_PAY → TRADE_SUCCESS or
TRADE_CLOSED), so a close racing a pay has exactly one winner however requests interleave.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from fakes.payment_gateway.autopay import AutoPayer
from fakes.payment_gateway.decisions import FaultEngine
from fakes.payment_gateway.ledger import CLOSED, SUCCESS, WAIT, Ledger, Payment
from fakes.payment_gateway.metrics import GatewayMetrics
from fakes.payment_gateway.notifier import Notifier
from fakes.payment_gateway.profiles import get_profile
from fakes.payment_gateway.requestlog import RequestLog
from fakes.payment_gateway.rsa_signing import load_or_create_key
from fakes.payment_gateway.settings import AutopayConfig, GatewaySettings

LEDGER_FILE = "ledger.sqlite3"


class GatewayError(Exception):
    """A business error answered as `{"code": code}` with an HTTP status."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


@dataclass(frozen=True)
class CreateRequest:
    """Parameters of a new payment (idempotency compares all of them)."""

    out_trade_no: str
    amount_cents: int
    subject: str
    notify_url: str


class Gateway:
    """One gateway instance: ledger, faults, notifier, auto-pay, request log and metrics."""

    def __init__(
        self,
        settings: GatewaySettings,
        *,
        clock: Callable[[], float] = time.time,
        notify_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings, self.clock = settings, clock
        self.ledger = Ledger(settings.data_dir / LEDGER_FILE)
        self.engine = FaultEngine(settings.seed, list(settings.faults.faults))
        self.rsa_key = load_or_create_key(settings.data_dir) if settings.signing == "rsa" else None
        self.notifier = Notifier(
            self.ledger,
            self.engine,
            get_profile(settings.profile, settings.retry_schedule_s),
            settings.merchants,
            compression=settings.time_compression,
            timeout_ms=settings.notify_timeout_ms,
            concurrency=settings.notifier_concurrency,
            clock=clock,
            transport=notify_transport,
            rsa_key=self.rsa_key,
        )
        self.autopay = AutoPayer(settings.seed, settings.autopay, self._autopay)
        self.requests = RequestLog()
        self.metrics = GatewayMetrics(self.notifier.stats, lambda: self.engine.counters)

    async def start(self) -> None:
        """Resume pending notifications and start the notifier."""
        await self.notifier.start()

    async def stop(self) -> None:
        """Stop background work and close the ledger."""
        await self.autopay.stop()
        await self.notifier.stop()
        self.ledger.close()

    def authenticate(self, merchant_id: str | None, authorization: str | None) -> str:
        """The merchant id when `Authorization: Bearer <secret>` matches; else 401."""
        secret = self.settings.merchants.get(merchant_id or "")
        token = (authorization or "").removeprefix("Bearer ").strip()
        if secret is None or not hmac.compare_digest(secret.encode(), token.encode()):
            raise GatewayError(401, "INVALID_MERCHANT")
        return merchant_id or ""

    def trade_no_for(self, merchant_id: str, out_trade_no: str) -> str:
        """Deterministic gateway trade number (same seed and trade → same number)."""
        digest = hashlib.sha256(f"{self.settings.seed}:{merchant_id}:{out_trade_no}".encode())
        return "PD" + digest.hexdigest()[:24].upper()

    def create(self, merchant_id: str, req: CreateRequest) -> Payment:
        """Create a payment, or return the existing one when the parameters are the same."""
        existing = self.ledger.by_out_trade_no(merchant_id, req.out_trade_no)
        if existing is None:
            p = Payment(
                self.trade_no_for(merchant_id, req.out_trade_no),
                merchant_id,
                req.out_trade_no,
                req.amount_cents,
                req.subject,
                req.notify_url,
                WAIT,
                self.clock(),
            )
            if self.ledger.insert(p):
                self.metrics.payments.labels("created").inc()
                self.autopay.on_created(p.trade_no, p.out_trade_no)
                return p
            existing = self.ledger.by_out_trade_no(merchant_id, req.out_trade_no)
        assert existing is not None  # INSERT OR IGNORE only ignores an existing row
        same = (existing.amount_cents, existing.subject, existing.notify_url) == (
            req.amount_cents,
            req.subject,
            req.notify_url,
        )
        if not same:
            raise GatewayError(409, "PARAMS_MISMATCH")
        return existing

    def query(self, merchant_id: str, out_trade_no: str) -> Payment:
        """The merchant's payment; 404 TRADE_NOT_EXIST."""
        p = self.ledger.by_out_trade_no(merchant_id, out_trade_no)
        if p is None:
            raise GatewayError(404, "TRADE_NOT_EXIST")
        return p

    def close(self, merchant_id: str, out_trade_no: str) -> Payment:
        """Close an unpaid payment; 409 TRADE_HAS_SUCCESS when it was paid first."""
        p = self.query(merchant_id, out_trade_no)
        if p.status == WAIT and self.ledger.transition(p, CLOSED, self.clock()):
            self.metrics.payments.labels("closed").inc()
        p = self.query(merchant_id, out_trade_no)
        if p.status == SUCCESS:
            raise GatewayError(409, "TRADE_HAS_SUCCESS")
        return p

    def pay(self, trade_no: str, source: str = "cashier") -> Payment:
        """The customer pays: capture, then notify. Idempotent; 409 TRADE_CLOSED when closed."""
        p = self.ledger.by_trade_no(trade_no)
        if p is None:
            raise GatewayError(404, "TRADE_NOT_EXIST")
        if p.status == WAIT:
            now = self.clock()
            pending = self.notifier.pending_for(p, now)
            if self.ledger.transition(p, SUCCESS, now, pending, source=source):
                self.metrics.payments.labels("paid").inc()
                self.notifier.enqueue(pending)
            p = self.ledger.by_trade_no(trade_no) or p
        if p.status == CLOSED:
            raise GatewayError(409, "TRADE_CLOSED")
        return p

    def refund(
        self, merchant_id: str, out_trade_no: str, out_refund_no: str, amount_cents: int
    ) -> Payment:
        """Refund part or all of a captured payment; idempotent on out_refund_no."""
        p = self.query(merchant_id, out_trade_no)
        if p.status != SUCCESS:
            raise GatewayError(409, "TRADE_STATUS_ERROR")
        outcome = self.ledger.refund(p, out_refund_no, amount_cents, self.clock())
        if outcome == "mismatch":
            raise GatewayError(409, "PARAMS_MISMATCH")
        if outcome == "exceeded":
            raise GatewayError(409, "REFUND_AMOUNT_EXCEEDED")
        if outcome == "ok":
            self.metrics.payments.labels("refunded").inc()
        return self.query(merchant_id, out_trade_no)

    def set_autopay(self, config: AutopayConfig) -> None:
        """Replace the auto-pay settings (applies to payments created from now on)."""
        self.autopay.config = config

    def _autopay(self, trade_no: str) -> None:
        self.pay(trade_no, source="autopay")
