"""ASGI middleware of the merchant/cashier app: endpoint faults, request log and metrics."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fakes.payment_gateway import transport
from fakes.payment_gateway.distributions import sample_ms
from fakes.payment_gateway.faults import (
    EndpointEmpty,
    EndpointError,
    EndpointHang,
    EndpointLatency,
    EndpointReset,
)
from fakes.payment_gateway.requestlog import route_of
from fakes.payment_gateway.service import Gateway

EXEMPT = frozenset({"/healthz", "/metrics"})  # health checks must not trip on injected faults


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def request_key(method: str, path: str, body: bytes) -> str:
    """What identifies a request for fault decisions: method, path and any out_trade_no."""
    out_trade_no = ""
    if body:
        try:
            doc = json.loads(body)
            out_trade_no = str(doc.get("out_trade_no", "")) if isinstance(doc, dict) else ""
        except ValueError:
            pass
    return f"{method} {path} {out_trade_no}".rstrip()


class EndpointFaults:
    """Applies endpoint faults (decided per request key and attempt) and records every request."""

    def __init__(self, app: ASGIApp, gateway: Gateway) -> None:
        self.app, self.gateway = app, gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        body = await _read_body(receive)
        entry: dict[str, Any] = {
            "t": round(time.time(), 6),
            "method": scope["method"],
            "path": scope["path"],
            "status": None,
            "fault": None,
        }
        try:
            if not await self._faults(scope, send, body, entry):
                await self.app(scope, _replaying(body, receive), self._capture(send, entry))
        finally:
            self._record(entry, start)

    async def _faults(self, scope: Scope, send: Send, body: bytes, entry: dict[str, Any]) -> bool:
        """Apply the faults that fire; True when one of them answered (or refused) instead."""
        engine = self.gateway.engine
        faults = engine.endpoint_faults(scope["path"])
        if not faults:
            return False
        key = request_key(scope["method"], scope["path"], body)
        attempt = engine.next_request_attempt(key)
        fired: list[str] = []
        for f in faults:
            rng = engine.decide(f, key, attempt)
            if rng is None:
                continue
            fired.append(f.id)
            entry["fault"] = ",".join(fired)
            if isinstance(f, EndpointLatency):
                await asyncio.sleep(sample_ms(f.params, rng) / 1000)
                continue
            await self._terminal(f, scope, send, entry)
            return True
        return False

    async def _terminal(
        self,
        f: EndpointError | EndpointHang | EndpointReset | EndpointEmpty,
        scope: Scope,
        send: Send,
        entry: dict[str, Any],
    ) -> None:
        if isinstance(f, EndpointError):
            entry["status"] = f.params.status
            payload = json.dumps({"code": "FAULT_INJECTED", "fault": f.id}).encode()
            headers = [(b"content-type", b"application/json")]
            if f.params.status == 429:
                headers.append((b"retry-after", b"1"))
            await send(
                {"type": "http.response.start", "status": f.params.status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": payload})
        elif isinstance(f, EndpointHang):
            entry["outcome"] = "hang"
            await transport.hang(scope, f.params.hang_ms)
        elif isinstance(f, EndpointReset):
            entry["outcome"] = "reset"
            await transport.reset(scope)
        else:
            entry["outcome"] = "empty"
            await transport.empty(scope)

    def _capture(self, send: Send, entry: dict[str, Any]) -> Send:
        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        return capture

    def _record(self, entry: dict[str, Any], start: float) -> None:
        elapsed = time.perf_counter() - start
        entry["latency_ms"] = round(elapsed * 1000, 3)
        self.gateway.requests.add(entry)
        route = route_of(entry["path"])
        status = str(entry["status"] or entry.get("outcome", "none"))
        self.gateway.metrics.requests.labels(entry["method"], route, status).inc()
        self.gateway.metrics.latency.labels(route).observe(elapsed)
