"""A guarded Toxiproxy client: a deadline on every call, 5xx as errors, idempotent heals.

Built on toxiproxy-python (`toxiproxy`), whose limits we work around here:
- host/port are process-wide class attributes: every call sets them under one lock;
- no HTTP timeouts: every call runs in a daemon thread and the caller waits at most the deadline
  (a hung call is abandoned, never joined, so it cannot block exit);
- 5xx pass silently and add_toxic returns None: every mutation is verified by reading back.
Reads (`proxies`, `toxics`, `version`) and `reset()` bypass the client (httpx): on a 5xx the
client's reads die on the error body with a TypeError instead of saying "HTTP 503", and reset is
the last step of every exit path, so it must not wait behind the client lock nor miss a 5xx.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from toxiproxy import Proxy
from toxiproxy.api import APIConsumer
from toxiproxy.exceptions import NotFound

from chaos.deadline import run_with_deadline
from chaos.errors import FaultError

T = TypeVar("T")
DEFAULT_DEADLINE_S = 5.0
_CLIENT_LOCK = threading.Lock()  # guards toxiproxy-python's class-level host/port


class ToxiproxyClient:
    """Toxiproxy API of one stack (`base_url` like http://127.0.0.1:PORT)."""

    def __init__(self, base_url: str, deadline_s: float = DEFAULT_DEADLINE_S) -> None:
        parts = urlsplit(base_url)
        if parts.hostname is None or parts.port is None:
            raise FaultError(f"toxiproxy url {base_url!r}: expected http://HOST:PORT")
        self.base_url = base_url.rstrip("/")
        self.host, self.port = parts.hostname, parts.port
        self.deadline_s = deadline_s

    def proxies(self) -> dict[str, bool]:
        """Proxy name → enabled."""
        found = self._http("GET", "/proxies").json()
        return {name: bool(p["enabled"]) for name, p in found.items()}

    def toxics(self, proxy: str) -> dict[str, dict[str, Any]]:
        """Toxic name → {type, stream, toxicity, <attributes>} of one proxy."""
        found = self._http("GET", f"/proxies/{proxy}/toxics").json()
        return {
            t["name"]: {
                "type": t["type"],
                "stream": t["stream"],
                "toxicity": t["toxicity"],
                **t["attributes"],
            }
            for t in found
        }

    def add_toxic(
        self,
        proxy: str,
        name: str,
        toxic_type: str,
        attributes: dict[str, int],
        stream: str = "downstream",
        toxicity: float = 1.0,
    ) -> None:
        """Add a toxic and check it is there (the client hides 5xx and returns None)."""

        def add() -> None:
            _proxy(proxy).add_toxic(
                type=toxic_type,
                name=name,
                stream=stream,
                toxicity=toxicity,
                attributes=attributes,
            )

        self._call(f"add toxic {name} to {proxy}", add)
        if name not in self.toxics(proxy):
            raise FaultError(f"toxiproxy: toxic {name} on {proxy} missing after adding it")

    def remove_toxic(self, proxy: str, name: str) -> None:
        """Remove a toxic; a missing one is already healed."""

        def remove() -> bool:
            try:
                return bool(_proxy(proxy).destroy_toxic(name))  # False on 5xx
            except NotFound:
                return True

        if not self._call(f"remove toxic {name} from {proxy}", remove):
            raise FaultError(f"toxiproxy: removing toxic {name} from {proxy} failed (5xx)")
        if name in self.toxics(proxy):
            raise FaultError(f"toxiproxy: toxic {name} still on {proxy} after removing it")

    def set_enabled(self, proxy: str, enabled: bool) -> None:
        """Enable or disable a proxy and check the server agrees."""
        target = _proxy(proxy)
        action = target.enable if enabled else target.disable
        self._call(f"{'enable' if enabled else 'disable'} proxy {proxy}", action)
        state = self.proxies().get(proxy)
        if state is None:
            raise FaultError(f"toxiproxy: no proxy named {proxy}")
        if state != enabled:
            raise FaultError(f"toxiproxy: proxy {proxy} enabled={state}, wanted {enabled}")

    def reset(self) -> None:
        """POST /reset: enable every proxy and remove every toxic (httpx, not the client)."""
        self._http("POST", "/reset")

    def version(self) -> str:
        """The server's version string (also a cheap liveness check)."""
        return self._http("GET", "/version").text.strip()

    def _http(self, method: str, path: str) -> httpx.Response:
        try:
            resp = httpx.request(method, self.base_url + path, timeout=self.deadline_s)
        except httpx.HTTPError as exc:
            raise FaultError(f"toxiproxy {method} {path}: {exc!r}") from None
        if resp.status_code >= 300:
            raise FaultError(f"toxiproxy {method} {path}: HTTP {resp.status_code}")
        return resp

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one client call with this server's host/port, at most `deadline_s` long."""
        if not _CLIENT_LOCK.acquire(timeout=self.deadline_s):
            raise FaultError(f"toxiproxy: {what}: client busy for {self.deadline_s:g}s")
        try:
            APIConsumer.host, APIConsumer.port = self.host, self.port
            return run_with_deadline(fn, self.deadline_s, f"toxiproxy: {what}")
        finally:
            _CLIENT_LOCK.release()


def _proxy(name: str) -> Proxy:
    """A client Proxy handle by name (no request: the toxic calls only need the name)."""
    return Proxy(name=name, upstream="", enabled=True, listen="")
