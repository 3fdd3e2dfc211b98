"""The baseline stack: every service healthy, every hop through its Toxiproxy proxy."""

from __future__ import annotations

import httpx
import pytest

from peakdrill.errors import StackError
from stack import images, lifecycle, status
from stack.config import SERVICES
from stack.endpoints import StackEndpoints
from stack.proxies import PROXIES

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

PG_QUERY = (
    "import asyncio, asyncpg\n"
    "async def main():\n"
    "    c = await asyncpg.connect('postgresql://shop:shop@toxiproxy:15432/shop', timeout=5)\n"
    "    print(await c.fetchval('SELECT 40 + 2'))\n"
    "    await c.close()\n"
    "asyncio.run(main())\n"
)


def _set_proxy(ep: StackEndpoints, proxy: str, enabled: bool) -> None:
    resp = httpx.post(f"{ep.toxiproxy_url}/proxies/{proxy}", json={"enabled": enabled}, timeout=10)
    resp.raise_for_status()


def test_every_service_runs_and_is_healthy(baseline_stack: StackEndpoints) -> None:
    boxes = lifecycle.service_containers(baseline_stack.stack)
    rows = status.rows(boxes)
    assert sorted({r.service for r in rows}) == sorted(SERVICES)
    assert [(r.container, r.health) for r in rows if r.health != "healthy"] == []
    assert all(r.state == "running" for r in rows)


def test_only_localhost_ports_are_published(baseline_stack: StackEndpoints) -> None:
    for box in lifecycle.service_containers(baseline_stack.stack):
        for binds in (box.attrs["NetworkSettings"]["Ports"] or {}).values():
            assert all(b["HostIp"] == "127.0.0.1" for b in binds or []), box.name


def test_proxies_exist_enabled_as_contracted(baseline_stack: StackEndpoints) -> None:
    found = httpx.get(f"{baseline_stack.toxiproxy_url}/proxies", timeout=10).json()
    assert sorted(found) == sorted(p.name for p in PROXIES)
    for p in PROXIES:
        assert found[p.name]["upstream"] == p.upstream
        assert found[p.name]["enabled"] is True


def test_postgres_query_goes_through_the_postgres_proxy(baseline_stack: StackEndpoints) -> None:
    name = baseline_stack.stack
    assert lifecycle.exec_service(name, "shop-api", ["python", "-c", PG_QUERY]).strip() == "42"
    _set_proxy(baseline_stack, "postgres", False)
    try:  # the same query must fail with the proxy down: it really went through it
        with pytest.raises(
            StackError, match=r"shop-api: `python -c .*` failed \(exit 1\): .*15432"
        ):
            lifecycle.exec_service(name, "shop-api", ["python", "-c", PG_QUERY], timeout_s=20)
    finally:
        _set_proxy(baseline_stack, "postgres", True)
    assert lifecycle.exec_service(name, "shop-api", ["python", "-c", PG_QUERY]).strip() == "42"


def test_redis_command_goes_through_the_redis_proxy(baseline_stack: StackEndpoints) -> None:
    cli = ["redis-cli", "-h", "toxiproxy", "-p", "16379"]
    name = baseline_stack.stack
    assert lifecycle.exec_service(name, "redis", [*cli, "SET", "pdtest:hop", "ok"]).strip() == "OK"
    assert lifecycle.exec_service(name, "redis", [*cli, "GET", "pdtest:hop"]).strip() == "ok"
    _set_proxy(baseline_stack, "redis", False)
    try:
        with pytest.raises(StackError):
            lifecycle.exec_service(name, "redis", [*cli, "PING"], timeout_s=20)
    finally:
        _set_proxy(baseline_stack, "redis", True)
    lifecycle.exec_service(name, "redis", [*cli, "DEL", "pdtest:hop"])


def test_shop_health_through_the_edge(baseline_stack: StackEndpoints) -> None:
    assert httpx.get(f"{baseline_stack.edge_url}/healthz", timeout=10).status_code == 200
    _set_proxy(baseline_stack, "edge", False)
    try:
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{baseline_stack.edge_url}/healthz", timeout=5)
    finally:
        _set_proxy(baseline_stack, "edge", True)
    assert httpx.get(f"{baseline_stack.edge_url}/healthz", timeout=10).status_code == 200


def test_gateway_and_notify_hops(baseline_stack: StackEndpoints) -> None:
    name = baseline_stack.stack
    fetch = (
        "import sys, urllib.request as u, urllib.error as e\n"
        "try:\n    print(u.urlopen(sys.argv[1], timeout=5).status)\n"
        "except e.HTTPError as x:\n    print(x.code)\n"
    )
    # shop -> gateway proxy -> gateway: any HTTP answer from the gateway proves the hop
    out = lifecycle.exec_service(
        name, "shop-api", ["python", "-c", fetch, "http://toxiproxy:18080/v1/payments/pdtest-none"]
    )
    assert out.strip() in {"401", "403", "404"}
    # gateway -> notify proxy -> HAProxy -> shop
    out = lifecycle.exec_service(
        name, "gateway", ["python", "-c", fetch, "http://toxiproxy:18081/healthz"]
    )
    assert out.strip() == "200"
    assert httpx.get(f"{baseline_stack.gateway_control_url}/healthz", timeout=10).is_success


def test_endpoints_of_the_running_stack_are_recovered(baseline_stack: StackEndpoints) -> None:
    assert lifecycle.endpoints(baseline_stack.stack) == baseline_stack


def test_warm_images_build_nothing(baseline_stack: StackEndpoints) -> None:
    assert images.ensure_images(print) == []


def test_exec_failure_is_one_line(baseline_stack: StackEndpoints) -> None:
    with pytest.raises(StackError, match=r"redis: `sh -c exit 7` failed \(exit 7\)"):
        lifecycle.exec_service(baseline_stack.stack, "redis", ["sh", "-c", "exit 7"])
