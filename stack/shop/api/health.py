"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request

from stack.shop.api.common import Json, shop
from stack.shop.db import DB_ERRORS

router = APIRouter()


@router.get("/healthz")
async def healthz() -> Json:
    """The process is up."""
    return Json({"status": "ok"})


@router.get("/readyz")
async def readyz(request: Request) -> Json:
    """200 when the database and Redis both answer, else 503 naming what is down."""
    state = shop(request)
    db_ok = True
    try:
        async with state.pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1")
    except DB_ERRORS:
        db_ok = False
    redis_ok = await state.cache.ping()
    body = {"database": db_ok, "redis": redis_ok}
    return Json(body, status_code=200 if db_ok and redis_ok else 503)
