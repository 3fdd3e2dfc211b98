"""The fake payment gateway's control API (faults and per-fault counters), with deadlines."""

from __future__ import annotations

from typing import Any

import httpx

from chaos.errors import FaultError

DEFAULT_DEADLINE_S = 5.0


class GatewayControl:
    """`POST/DELETE /control/faults`, `POST /control/faults/reset`, `GET /control/counters`."""

    def __init__(self, base_url: str, deadline_s: float = DEFAULT_DEADLINE_S) -> None:
        self.base_url = base_url.rstrip("/")
        self.deadline_s = deadline_s

    def add_fault(self, fault: dict[str, Any]) -> None:
        """Install one fault (`{id, kind, probability, endpoint, params}`)."""
        self._request("POST", "/control/faults", json=fault)

    def remove_fault(self, fault_id: str) -> None:
        """Remove one fault; an unknown id is already healed."""
        self._request("DELETE", f"/control/faults/{fault_id}", ok_missing=True)

    def faults(self) -> list[dict[str, Any]]:
        """The faults currently installed."""
        body = self._request("GET", "/control/faults").json()
        return list(body.get("faults", []))

    def counters(self) -> dict[str, Any]:
        """Per-fault counters `{<id>: {seen, fired}, ...}`."""
        return dict(self._request("GET", "/control/counters").json())

    def reset(self) -> None:
        """Remove every fault."""
        self._request("POST", "/control/faults/reset")

    def _request(
        self, method: str, path: str, json: Any = None, ok_missing: bool = False
    ) -> httpx.Response:
        try:
            resp = httpx.request(method, self.base_url + path, json=json, timeout=self.deadline_s)
        except httpx.HTTPError as exc:
            raise FaultError(f"gateway {method} {path}: {exc!r}") from None
        if ok_missing and resp.status_code == 404:
            return resp
        if resp.status_code >= 300:
            raise FaultError(f"gateway {method} {path}: HTTP {resp.status_code} {resp.text[:200]}")
        return resp
