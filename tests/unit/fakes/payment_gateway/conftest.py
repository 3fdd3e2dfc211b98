"""In-process gateway harness: ASGI clients and an httpx receiver, no network."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.payment_gateway.control_app import build_control_app
from fakes.payment_gateway.merchant_app import build_merchant_app
from fakes.payment_gateway.service import Gateway
from fakes.payment_gateway.settings import GatewaySettings

MERCHANT = "shop-1"
SECRET = "s3cret"
AUTH = {"X-Merchant-Id": MERCHANT, "Authorization": f"Bearer {SECRET}"}
NOTIFY_URL = "http://shop.test/api/pay/notify"


@dataclass
class Receiver:
    """The shop's notify endpoint, in-process: records every request, answers per `reply`."""

    reply: Callable[[httpx.Request], httpx.Response] = lambda _: httpx.Response(200, text="success")
    received: list[tuple[float, httpx.Request]] = field(default_factory=list)
    clock: Callable[[], float] = lambda: 0.0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append((self.clock(), request))
        return self.reply(request)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for _, r in self.received]


@dataclass
class Harness:
    """One gateway with clients for its two apps and the receiver of its notifications."""

    gateway: Gateway
    merchant: httpx.AsyncClient
    control: httpx.AsyncClient
    receiver: Receiver

    async def create(self, out_trade_no: str, amount_cents: int = 1000, **extra: Any) -> Any:
        body = {
            "out_trade_no": out_trade_no,
            "amount_cents": amount_cents,
            "subject": "game card",
            "notify_url": NOTIFY_URL,
            **extra,
        }
        return await self.merchant.post("/v1/payments", json=body, headers=AUTH)

    async def create_and_pay(self, out_trade_no: str, amount_cents: int = 1000) -> str:
        created = await self.create(out_trade_no, amount_cents)
        assert created.status_code == 200, created.text
        paid = await self.merchant.post(created.json()["cashier_path"])
        assert paid.status_code == 200, paid.text
        return str(created.json()["trade_no"])

    async def ledger(self) -> dict[str, Any]:
        return dict((await self.control.get("/control/ledger")).json())


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def running(
    data_dir: Path, receiver: Receiver | None = None, **settings: Any
) -> AsyncIterator[Harness]:
    """Start a gateway on `data_dir`, yield the harness, always stop it."""
    import time

    receiver = receiver or Receiver()
    receiver.clock = time.monotonic
    config = GatewaySettings(data_dir=data_dir, merchants={MERCHANT: SECRET}, **settings)
    gateway = Gateway(config, notify_transport=httpx.MockTransport(receiver.handle))
    await gateway.start()
    merchant = httpx.AsyncClient(
        transport=httpx.ASGITransport(build_merchant_app(gateway)), base_url="http://gw"
    )
    control = httpx.AsyncClient(
        transport=httpx.ASGITransport(build_control_app(gateway)), base_url="http://ctl"
    )
    try:
        yield Harness(gateway, merchant, control, receiver)
    finally:
        await merchant.aclose()
        await control.aclose()
        await gateway.stop()


async def eventually(check: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Poll `check` until true; fail after timeout_s (bounded wait)."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        await asyncio.sleep(0.01)
