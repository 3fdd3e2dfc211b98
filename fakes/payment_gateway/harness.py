"""Run the real gateway as a subprocess on 127.0.0.1, with a local notification receiver.

Used by the integration tests and bench/gateway_bench.py; only ever binds 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"peakdrill-gateway listening merchant=[^:]+:(\d+) control=[^:]+:(\d+)")
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Delivery:
    """One notification as the receiver saw it."""

    t: float  # time.monotonic() at arrival
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        """The parsed body."""
        return dict(json.loads(self.body))


Reply = Callable[[Delivery, int], tuple[int, bytes]]  # (delivery, index) → (status, body)


def ack_all(_: Delivery, __: int) -> tuple[int, bytes]:
    """Acknowledge under every profile (200 + `success`)."""
    return 200, b"success"


class Receiver:
    """A threaded HTTP server on 127.0.0.1 playing the shop's notify endpoint."""

    def __init__(self, reply: Reply = ack_all) -> None:
        self.reply = reply
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The notify URL to give the gateway."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/pay/notify"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def count(self) -> int:
        """Deliveries so far."""
        with self._lock:
            return len(self.deliveries)

    def _record(self, delivery: Delivery) -> tuple[int, bytes]:
        with self._lock:
            self.deliveries.append(delivery)
            index = len(self.deliveries) - 1
        return self.reply(delivery, index)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the gateway pools connections

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                delivery = Delivery(time.monotonic(), dict(self.headers.items()), body)
                status, payload = receiver._record(delivery)
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_: Any) -> None:  # keep test output quiet
                pass

        return Handler


class GatewayProcess:
    """`python -m fakes.payment_gateway` on 127.0.0.1 ephemeral ports, stopped on exit."""

    def __init__(self, data_dir: Path, env: dict[str, str], log_path: Path | None = None) -> None:
        self.data_dir, self.env = data_dir, env
        self.log_path = log_path or data_dir / "gateway.log"
        self.proc: subprocess.Popen[str] | None = None
        self.merchant_url = self.control_url = ""

    def start(self) -> GatewayProcess:
        """Spawn and wait (bounded) for the line announcing both ports."""
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_PORT": "0",
            "GATEWAY_CONTROL_PORT": "0",
            "GATEWAY_DATA_DIR": str(self.data_dir),
            **self.env,
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fakes.payment_gateway"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        log.close()
        merchant, control = self._wait_listening()
        self.merchant_url = f"http://127.0.0.1:{merchant}"
        self.control_url = f"http://127.0.0.1:{control}"
        return self

    def _wait_listening(self) -> tuple[int, int]:
        assert self.proc is not None and self.proc.stdout is not None
        found: list[tuple[int, int]] = []
        stdout = self.proc.stdout

        def read() -> None:
            for line in stdout:
                match = LISTENING.search(line)
                if match:
                    found.append((int(match.group(1)), int(match.group(2))))
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        if not found:
            self.kill()
            raise RuntimeError(f"gateway did not start; see {self.log_path}")
        return found[0]

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 15.0) -> int:
        """Send `sig` and wait; kill if it does not exit in time. Returns the exit code."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout_s)
        code = self.proc.returncode
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None
        return int(code)

    def kill(self) -> int:
        """SIGKILL: a crash, as when a container is killed."""
        return self.stop(signal.SIGKILL)

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the control API; the parsed JSON answer (raises on HTTP errors)."""
        resp = httpx.request(method, self.control_url + path, timeout=30, **kwargs)
        resp.raise_for_status()
        return resp.json() if resp.content else None


def gateway_env(merchant: str, secret: str, **extra: object) -> dict[str, str]:
    """GATEWAY_* variables: merchant credentials plus `extra` (keys without the prefix)."""
    env = {"GATEWAY_MERCHANTS": f"{merchant}:{secret}"}
    for key, value in extra.items():
        text = json.dumps(value) if isinstance(value, dict | list) else str(value)
        env[f"GATEWAY_{key.upper()}"] = text
    return env
