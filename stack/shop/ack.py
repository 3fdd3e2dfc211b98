"""The acknowledgement a gateway profile expects (see shared/reference/payment-gateways.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ack:
    """Status, body and content type of the answer to a notification."""

    status: int
    body: bytes
    media_type: str


def acknowledge(profile: str) -> Ack:
    """Tell the gateway to stop retrying."""
    if profile == "wechat_v3":
        return Ack(204, b"", "application/json")  # status code wins, empty body
    if profile == "stripe":
        return Ack(200, b'{"received":true}', "application/json")
    return Ack(200, b"success", "text/plain")  # alipay: the body must be exactly `success`


def refuse(profile: str, status: int, reason: str) -> Ack:
    """Tell the gateway it failed: 4xx for an invalid request, 5xx when the shop itself failed."""
    if profile == "alipay":
        return Ack(status, b"fail", "text/plain")
    body = f'{{"code":"FAIL","message":"{reason}"}}'.encode()
    return Ack(status, body, "application/json")
