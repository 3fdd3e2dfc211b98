"""Transport-level misbehaviour (reset, empty response, hang) for endpoint faults.

ASGI hides the socket, so the uvicorn protocol is subclassed to put its transport into
`scope["extensions"]`; without it (in-process tests) the same faults raise instead.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

TRANSPORT_KEY = "peakdrill.transport"


def exposing_transport(base: type[Any]) -> type[Any]:
    """A uvicorn HTTP protocol class that exposes its transport to the app."""

    class Protocol(base):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            inner: ASGIApp = getattr(self, "app")  # noqa: B009 (set by uvicorn; untyped base)

            async def app(scope: Scope, receive: Receive, send: Send) -> None:
                scope.setdefault("extensions", {})[TRANSPORT_KEY] = self.transport
                await inner(scope, receive, send)

            self.app = app

    Protocol.__name__ = f"Exposing{base.__name__}"
    return Protocol


def http_protocol() -> type[Any]:
    """The protocol uvicorn would pick (httptools when installed, else h11), exposing."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return exposing_transport(HttpToolsProtocol)
    except ImportError:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return exposing_transport(H11Protocol)


def _transport(scope: Scope) -> Any:
    # an asyncio or uvloop transport (uvloop's are not asyncio.BaseTransport subclasses)
    return scope.get("extensions", {}).get(TRANSPORT_KEY)


async def reset(scope: Scope) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0)."""
    transport = _transport(scope)
    if transport is None:
        raise ConnectionResetError("endpoint_reset fault")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await asyncio.sleep(0)  # let connection_lost mark the cycle disconnected


async def empty(scope: Scope) -> None:
    """Close the connection without sending a byte."""
    transport = _transport(scope)
    if transport is None:
        raise ConnectionAbortedError("endpoint_empty fault")
    transport.close()
    await asyncio.sleep(0)


async def hang(scope: Scope, hang_ms: float) -> None:
    """Say nothing for hang_ms, then close the connection without an answer."""
    await asyncio.sleep(hang_ms / 1000)
    await empty(scope)
