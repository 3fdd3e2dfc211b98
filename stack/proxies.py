"""The Toxiproxy proxies between every hop (CONTRACTS.md), created disabled then enabled."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from peakdrill.errors import StackError


@dataclass(frozen=True)
class ProxySpec:
    """One Toxiproxy proxy: name, listen address inside the toxiproxy container, upstream."""

    name: str
    listen: str
    upstream: str


PROXIES: tuple[ProxySpec, ...] = (
    ProxySpec("postgres", "0.0.0.0:15432", "postgres:5432"),
    ProxySpec("redis", "0.0.0.0:16379", "redis:6379"),
    ProxySpec("gateway", "0.0.0.0:18080", "gateway:8080"),
    ProxySpec("notify", "0.0.0.0:18081", "haproxy:80"),
    ProxySpec("edge", "0.0.0.0:18000", "haproxy:80"),
)


def create_proxies(
    api_url: str, timeout_s: float = 10.0, transport: httpx.BaseTransport | None = None
) -> None:
    """Create every proxy disabled (room for toxics), then enable them all."""
    with httpx.Client(base_url=api_url, timeout=timeout_s, transport=transport) as http:
        for p in PROXIES:
            body = {"name": p.name, "listen": p.listen, "upstream": p.upstream, "enabled": False}
            _check(http.post("/proxies", json=body), f"create proxy {p.name}")
        for p in PROXIES:
            _check(http.post(f"/proxies/{p.name}", json={"enabled": True}), f"enable {p.name}")


def list_proxies(api_url: str, timeout_s: float = 5.0) -> dict[str, dict[str, object]]:
    """The proxies Toxiproxy currently has, by name."""
    with httpx.Client(base_url=api_url, timeout=timeout_s) as http:
        resp = http.get("/proxies")
        _check(resp, "list proxies")
        data: dict[str, dict[str, object]] = resp.json()
        return data


def _check(resp: httpx.Response, what: str) -> None:
    if resp.status_code >= 300:
        raise StackError(f"toxiproxy: {what}: HTTP {resp.status_code} {resp.text.strip()[:200]}")
