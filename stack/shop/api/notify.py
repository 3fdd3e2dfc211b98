"""POST /api/pay/notify: verify, then mark PAID and deliver in one transaction, idempotently."""

from __future__ import annotations

import time
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from stack.shop import ack, signature, stock
from stack.shop.api import metrics
from stack.shop.api.common import shop
from stack.shop.db import DB_ERRORS
from stack.shop.fulfil import Outcome, Payment, apply_payment
from stack.shop.repo import payments
from stack.shop.state import ShopState

router = APIRouter()


@router.post("/api/pay/notify")
async def notify(request: Request) -> Response:
    """Gateway callback. Forged/stale → 4xx; shop failure → 5xx (retry); else acknowledged."""
    state = shop(request)
    raw = await request.body()
    header = request.headers.get(signature.HEADER)
    sig = signature.verify(
        state.settings.merchant_secret, header, raw, time.time(), state.settings.notify_tolerance_s
    )
    body = _parse(raw)
    if not sig.ok or body is None:
        reason = sig.reason if not sig.ok else "malformed_body"
        await _log(state, body or {}, Outcome("rejected", reason), sig.timestamp, None)
        return _answer(ack.refuse(state.settings.gateway_profile, 400, reason))
    try:
        outcome = await _process(state, body, sig.timestamp, _v1(header))
    except DB_ERRORS:
        # the shop failed, not the request: make the gateway retry
        return _answer(ack.refuse(state.settings.gateway_profile, 500, "shop_unavailable"))
    await stock.adjust(state.cache, outcome.product_id or 0, -outcome.taken_from_stock)
    metrics.NOTIFICATIONS.labels(outcome.outcome, outcome.reason).inc()
    return _answer(ack.acknowledge(state.settings.gateway_profile))


async def _process(
    state: ShopState, body: dict[str, Any], signed_at: int | None, v1: str
) -> Outcome:
    """Apply the payment and log the notification in the same transaction."""
    async with state.db() as conn, conn.transaction():
        out = await _decide(state, conn, body, v1)
        await _log_in(conn, body, out, signed_at, v1)
    return out


async def _decide(state: ShopState, conn: Any, body: dict[str, Any], v1: str) -> Outcome:
    if body.get("status") != "TRADE_SUCCESS":
        return Outcome("rejected", "unsupported_status")
    guards = state.settings.integrity_guards
    if guards and await payments.signature_seen(conn, v1):
        # byte-identical resend: a replay (or a copy); acknowledged, changes nothing
        return Outcome("rejected", "replayed")
    pay = Payment(str(body.get("out_trade_no")), str(body.get("trade_no")), _cents(body), "notify")
    race_s = state.settings.unguarded_race_ms / 1000
    return await apply_payment(conn, pay, guards, race_s)


async def _log(
    state: ShopState, body: dict[str, Any], out: Outcome, signed_at: int | None, v1: str | None
) -> None:
    metrics.NOTIFICATIONS.labels(out.outcome, out.reason).inc()
    async with state.db() as conn:
        await _log_in(conn, body, out, signed_at, v1)


async def _log_in(
    conn: Any, body: dict[str, Any], out: Outcome, signed_at: int | None, v1: str | None
) -> None:
    await payments.log_notification(
        conn,
        event_id=_str(body.get("id")),
        trade_no=_str(body.get("trade_no")),
        out_trade_no=_str(body.get("out_trade_no")),
        amount_cents=_cents(body),
        outcome=out.outcome,
        reason=out.reason,
        signed_at=signed_at,
        signature=v1,
        before=out.before,
        after=out.after,
    )


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _v1(header: str | None) -> str:
    for part in (header or "").split(","):
        if part.startswith("v1="):
            return part[3:]
    return ""


def _cents(body: dict[str, Any]) -> int:
    try:
        return int(body.get("amount_cents", -1))
    except (TypeError, ValueError):
        return -1


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _answer(a: ack.Ack) -> Response:
    return Response(content=a.body, status_code=a.status, media_type=a.media_type)
