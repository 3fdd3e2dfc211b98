"""Register and login; sessions live in Redis."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from stack.shop import sessions
from stack.shop.api.common import ApiError, Json, shop
from stack.shop.cache import CacheDown
from stack.shop.passwords import hash_password, verify_password
from stack.shop.repo import users

router = APIRouter()


class Credentials(BaseModel):
    """Email and password."""

    email: str = Field(min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str = Field(min_length=6, max_length=200)


@router.post("/api/auth/register")
async def register(body: Credentials, request: Request) -> Json:
    """Create an account (201), 409 when the email is taken."""
    state = shop(request)
    # hashing is CPU work: keep it off the event loop
    pw_hash = await asyncio.to_thread(
        hash_password, body.password, state.settings.password_iterations
    )
    async with state.db() as conn:
        user_id = await users.create_user(conn, body.email.lower(), pw_hash)
    if user_id is None:
        raise ApiError(409, "EMAIL_TAKEN")
    return Json({"id": user_id, "email": body.email.lower()}, status_code=201)


@router.post("/api/auth/login")
async def login(body: Credentials, request: Request) -> Json:
    """A session token; 401 on bad credentials, 503 when the session store is down."""
    state = shop(request)
    async with state.db() as conn:
        row = await users.user_by_email(conn, body.email.lower())
    stored = row["password_hash"] if row is not None else _DUMMY_HASH
    ok = await asyncio.to_thread(verify_password, body.password, stored)
    if row is None or not ok:
        raise ApiError(401, "BAD_CREDENTIALS")
    try:
        token = await sessions.create(state.cache, int(row["id"]))
    except CacheDown:
        raise ApiError(503, "SESSION_STORE_DOWN") from None
    return Json({"token": token})


# verifying against a dummy hash for unknown emails keeps timing from revealing accounts
_DUMMY_HASH = hash_password("not-a-real-password", 4000, salt=b"peakdrill-dummy!")
