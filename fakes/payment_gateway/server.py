"""Serve the merchant+cashier app and the control app from one process and one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator

import uvicorn

from fakes.payment_gateway.control_app import build_control_app
from fakes.payment_gateway.merchant_app import build_merchant_app
from fakes.payment_gateway.service import Gateway
from fakes.payment_gateway.settings import GatewaySettings
from fakes.payment_gateway.transport import http_protocol

log = logging.getLogger("peakdrill.gateway")
GRACEFUL_S = 5  # hanging requests must not keep a stopping container alive


class _Server(uvicorn.Server):
    """A uvicorn server whose signals are handled once for both servers (see serve)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _server(app: object, host: str, port: int) -> _Server:
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        http=http_protocol(),
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_S,
        backlog=4096,
    )
    return _Server(config)


def bound_port(server: uvicorn.Server) -> int:
    """The port a started server listens on (useful with port 0)."""
    return int(server.servers[0].sockets[0].getsockname()[1])


async def serve(settings: GatewaySettings) -> None:
    """Run until SIGTERM/SIGINT; prints one line with the bound URLs once both listen."""
    gateway = Gateway(settings)
    await gateway.start()
    servers = [
        _server(build_merchant_app(gateway), settings.host, settings.port),
        _server(build_control_app(gateway), settings.host, settings.control_port),
    ]

    def stop() -> None:
        for s in servers:
            s.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    try:
        while not all(s.started for s in servers):
            if any(t.done() for t in tasks):  # e.g. a port in use: uvicorn exits early
                raise SystemExit(f"gateway: could not listen on {settings.host}")
            await asyncio.sleep(0.02)
        merchant, control = (bound_port(s) for s in servers)
        print(
            f"peakdrill-gateway listening merchant={settings.host}:{merchant} "
            f"control={settings.host}:{control}",
            flush=True,
        )
        await asyncio.gather(*tasks)
    finally:
        stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        await gateway.stop()
        sys.stdout.flush()
