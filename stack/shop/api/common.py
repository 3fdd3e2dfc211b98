"""Shared pieces of the HTTP layer: orjson responses, API errors, state and auth dependencies."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

from stack.shop import sessions
from stack.shop.cache import CacheDown
from stack.shop.state import ShopState


class Json(Response):
    """JSON body serialized with orjson (fast, handles datetimes)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class ApiError(Exception):
    """An error answered as `{"code": ..., **extra}` with an HTTP status."""

    def __init__(self, status: int, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.status = status
        self.body = {"code": code, **extra}


def shop(request: Request) -> ShopState:
    """The process's ShopState."""
    state: ShopState = request.app.state.shop
    return state


async def current_user(request: Request) -> int:
    """User id from `Authorization: Bearer <token>`; 401 without a valid session."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise ApiError(401, "UNAUTHORIZED")
    try:
        user_id = await sessions.user_of(shop(request).cache, header[7:].strip())
    except CacheDown:
        raise ApiError(503, "SESSION_STORE_DOWN") from None
    if user_id is None:
        raise ApiError(401, "UNAUTHORIZED")
    return user_id
