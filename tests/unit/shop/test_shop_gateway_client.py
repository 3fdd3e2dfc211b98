"""The shop's gateway client against an in-process transport (no network)."""

import asyncio
import json
import os
from typing import Any

import httpx
import pytest

from stack.shop.gateway import GatewayClient, GatewayError
from stack.shop.settings import ShopSettings


def _settings() -> ShopSettings:
    return ShopSettings(
        merchant_secret="s" * 20, card_key_secret=os.urandom(32).hex(), gateway_timeout_ms=200
    )


def _client(handler: Any) -> GatewayClient:
    return GatewayClient(_settings(), transport=httpx.MockTransport(handler))


def test_create_sends_auth_and_notify_url() -> None:
    seen: dict[str, Any] = {}

    def handler(req: httpx.Request) -> httpx.Response:
        seen.update(
            auth=req.headers["authorization"],
            mid=req.headers["x-merchant-id"],
            body=json.loads(req.content),
        )
        return httpx.Response(
            200,
            json={"trade_no": "T1", "cashier_path": "/cashier/T1/pay", "status": "WAIT_BUYER_PAY"},
        )

    out = asyncio.run(_client(handler).create_payment("PD1", 500, "Gems"))
    assert out["trade_no"] == "T1"
    assert seen["auth"] == "Bearer " + "s" * 20 and seen["mid"] == "peakdrill-shop"
    assert seen["body"] == {
        "out_trade_no": "PD1",
        "amount_cents": 500,
        "subject": "Gems",
        "notify_url": _settings().notify_url,
    }


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (200, None, "closed"),
        (409, "TRADE_HAS_SUCCESS", "paid"),
        (404, "TRADE_NOT_EXIST", "missing"),
    ],
)
def test_close_outcomes(status: int, code: str | None, expected: str) -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        assert req.url.path == "/v1/payments/PD1/close"
        return httpx.Response(status, json={"code": code} if code else {"status": "TRADE_CLOSED"})

    assert asyncio.run(_client(handler).close("PD1")) == expected


def test_query_unknown_is_none_and_5xx_raises() -> None:
    assert (
        asyncio.run(
            _client(lambda r: httpx.Response(404, json={"code": "TRADE_NOT_EXIST"})).query("X")
        )
        is None
    )
    with pytest.raises(GatewayError) as err:
        asyncio.run(_client(lambda r: httpx.Response(503, text="busy")).query("X"))
    assert err.value.status == 503


def test_timeout_becomes_gateway_error() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=req)

    with pytest.raises(GatewayError, match="ReadTimeout"):
        asyncio.run(_client(handler).create_payment("PD1", 1, "x"))


def test_non_json_success_is_an_error() -> None:
    with pytest.raises(GatewayError, match="unexpected body"):
        asyncio.run(_client(lambda r: httpx.Response(200, text="<html>")).query("X"))
