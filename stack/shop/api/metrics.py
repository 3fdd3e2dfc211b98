"""Prometheus metrics (multiprocess-safe: uvicorn runs SHOP_WORKERS processes)."""

from __future__ import annotations

import os
import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

router = APIRouter()

REQUESTS = Counter("shop_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "shop_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
NOTIFICATIONS = Counter("shop_notifications_total", "Payment notifications", ["outcome", "reason"])
ORDERS = Counter("shop_orders_total", "Order creation results", ["result"])


@router.get("/metrics")
async def metrics() -> Response:
    """Prometheus text format, merged over every worker process."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts and times every request by route template (never by id)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def send_wrapper(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            REQUESTS.labels(method, route, str(status[0])).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - start)
