"""The FastAPI application: routers, error mapping, and the process's shared state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError

from stack.shop.api import auth, catalog, health, metrics, notify, orders, reseller
from stack.shop.api.common import ApiError, Json
from stack.shop.db import DB_ERRORS
from stack.shop.settings import ShopSettings, load_settings
from stack.shop.state import ShopState


def create_app(settings: ShopSettings | None = None) -> FastAPI:
    """Build the app; state opens at startup (database wait + migrations included)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.shop = await ShopState.open(settings or load_settings())
        try:
            yield
        finally:
            await app.state.shop.close()

    app = FastAPI(
        title="Peakdrill reference card shop", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    for module in (auth, catalog, orders, reseller, notify, health, metrics):
        app.include_router(module.router)
    app.add_middleware(metrics.MetricsMiddleware)
    _add_error_handlers(app)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    async def api_error(_: Request, exc: Exception) -> Json:
        assert isinstance(exc, ApiError)
        return Json(exc.body, status_code=exc.status)

    async def bad_request(_: Request, exc: Exception) -> Json:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return Json(
            {"code": "BAD_REQUEST", "detail": f"{where}: {first.get('msg', '')}"}, status_code=422
        )

    async def db_down(_: Request, exc: Exception) -> Json:
        return Json({"code": "DB_UNAVAILABLE", "detail": type(exc).__name__}, status_code=503)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    for exc_type in DB_ERRORS:
        app.add_exception_handler(exc_type, db_down)
