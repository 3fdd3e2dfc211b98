"""Toxiproxy proxies: the contract's table, created disabled and enabled afterwards."""

from __future__ import annotations

import json

import httpx
import pytest

from peakdrill.errors import StackError
from stack.proxies import PROXIES, create_proxies


def test_proxy_table_matches_the_contract() -> None:
    table = {p.name: (p.listen, p.upstream) for p in PROXIES}
    assert table == {
        "postgres": ("0.0.0.0:15432", "postgres:5432"),
        "redis": ("0.0.0.0:16379", "redis:6379"),
        "gateway": ("0.0.0.0:18080", "gateway:8080"),
        "notify": ("0.0.0.0:18081", "haproxy:80"),
        "edge": ("0.0.0.0:18000", "haproxy:80"),
    }


def test_every_proxy_is_created_disabled_before_any_is_enabled() -> None:
    calls: list[tuple[str, dict[str, object]]] = []

    def handler(req: httpx.Request) -> httpx.Response:
        calls.append((req.url.path, json.loads(req.content)))
        return httpx.Response(201 if req.url.path == "/proxies" else 200, json={})

    create_proxies("http://toxi", transport=httpx.MockTransport(handler))
    creates = [body for path, body in calls if path == "/proxies"]
    enables = [path for path, body in calls if path != "/proxies"]
    assert [c["name"] for c in creates] == [p.name for p in PROXIES]
    assert all(c["enabled"] is False for c in creates)
    assert enables == [f"/proxies/{p.name}" for p in PROXIES]
    assert calls.index(("/proxies/postgres", {"enabled": True})) == len(PROXIES)


def test_an_api_error_is_one_line() -> None:
    transport = httpx.MockTransport(lambda _req: httpx.Response(409, text="proxy exists"))
    with pytest.raises(StackError, match="create proxy postgres: HTTP 409 proxy exists"):
        create_proxies("http://toxi", transport=transport)
