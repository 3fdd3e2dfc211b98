"""The guarded Toxiproxy client against misbehaving servers on 127.0.0.1 (no Docker needed).

toxiproxy-python lets 5xx pass silently and has no timeouts; these servers answer every call
with Toxiproxy's 503 body, or never answer, and the guard must turn both into FaultError fast.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chaos.errors import FaultError
from chaos.toxiproxy_client import ToxiproxyClient

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

HANG_S = 5.0  # how long the hanging server holds a request (bounded, so threads end)


class _Overloaded(BaseHTTPRequestHandler):
    """Every request: 503 with a JSON body, as Toxiproxy answers when its API is overloaded."""

    def _answer(self) -> None:
        body = json.dumps({"error": "overloaded", "status": 503}).encode()
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Hanging(BaseHTTPRequestHandler):
    """Every request: hold it HANG_S seconds, then close without an answer."""

    def _hang(self) -> None:
        time.sleep(HANG_S)

    do_GET = do_POST = do_DELETE = _hang

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def overloaded() -> Iterator[str]:
    yield from _serve(_Overloaded)


@pytest.fixture
def hanging() -> Iterator[str]:
    yield from _serve(_Hanging)


CALLS: list[tuple[str, Callable[[ToxiproxyClient], object]]] = [
    ("add_toxic", lambda c: c.add_toxic("edge", "t", "latency", {"latency": 10})),
    ("remove_toxic", lambda c: c.remove_toxic("edge", "t")),
    ("set_enabled", lambda c: c.set_enabled("edge", False)),
    ("reset", lambda c: c.reset()),
    ("proxies", lambda c: c.proxies()),
]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_5xx_is_an_error_not_a_silent_success(
    overloaded: str, name: str, call: Callable[[ToxiproxyClient], object]
) -> None:
    with pytest.raises(FaultError, match="toxiproxy"):
        call(ToxiproxyClient(overloaded, deadline_s=3.0))


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_a_hung_api_costs_one_deadline(
    hanging: str, name: str, call: Callable[[ToxiproxyClient], object]
) -> None:
    started = time.monotonic()
    with pytest.raises(FaultError, match=r"no answer within 0.5s|timed out|ReadTimeout"):
        call(ToxiproxyClient(hanging, deadline_s=0.5))
    assert time.monotonic() - started < 2.0
