"""Helpers for the shop and audit integration tests: a buyer client, signed notifications,
gateway faults and Toxiproxy toggles. Traffic goes only to the stack's 127.0.0.1 ports."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx

from stack import lifecycle
from stack.endpoints import StackEndpoints
from stack.shop.signature import HEADER, sign

T = TypeVar("T")
TIMEOUT = httpx.Timeout(30.0)


def seed(ep: StackEndpoints, **sizes: int) -> dict[str, Any]:
    """Run the shop's seed command in the worker container; sizes are its flags."""
    args = ["python", "-m", "stack.shop.seed"]
    for name, value in sizes.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    return dict(json.loads(lifecycle.exec_service(ep.stack, "shop-worker", args, timeout_s=180)))


def dump(ep: StackEndpoints) -> dict[str, Any]:
    """The shop's audit dump."""
    out = lifecycle.exec_service(
        ep.stack, "shop-worker", ["python", "-m", "stack.shop.dump"], timeout_s=180
    )
    return dict(json.loads(out.strip().splitlines()[-1]))


def shop_env(ep: StackEndpoints, name: str) -> str:
    """One SHOP_* variable of the running shop-api container (e.g. the merchant secret)."""
    box = lifecycle.service_containers(ep.stack, "shop-api")[0]
    env = dict(e.split("=", 1) for e in box.attrs["Config"]["Env"])
    return env[name]


def wait_until(probe: Callable[[], T | None], timeout_s: float, interval_s: float = 0.5) -> T:
    """Poll until probe() returns something truthy; AssertionError after the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s (last: {value!r})")
        time.sleep(interval_s)


class Buyer:
    """A logged-in buyer talking to the edge, paying on the gateway's cashier."""

    def __init__(self, ep: StackEndpoints, index: int) -> None:
        self.ep = ep
        self.http = httpx.Client(base_url=ep.edge_url, timeout=TIMEOUT)
        resp = self.http.post(
            "/api/auth/login",
            json={"email": f"buyer{index}@peakdrill.test", "password": f"peakdrill-{index}"},
        )
        assert resp.status_code == 200, resp.text
        self.http.headers["Authorization"] = f"Bearer {resp.json()['token']}"

    def order(self, product_id: int, quantity: int = 1, key: str | None = None) -> httpx.Response:
        """POST /api/orders."""
        body = {
            "product_id": product_id,
            "quantity": quantity,
            "idempotency_key": key or uuid.uuid4().hex,
        }
        return self.http.post("/api/orders", json=body)

    def get(self, order_no: str) -> httpx.Response:
        """GET /api/orders/{order_no}."""
        return self.http.get(f"/api/orders/{order_no}")

    def pay(self, order: dict[str, Any]) -> None:
        """Pay on the gateway's cashier page (published on 127.0.0.1)."""
        resp = httpx.post(self.ep.gateway_cashier_url + order["cashier_path"], timeout=TIMEOUT)
        assert resp.status_code == 200, resp.text

    def wait_status(self, order_no: str, status: str, timeout_s: float) -> dict[str, Any]:
        """Poll the order until it reaches `status`."""

        def probe() -> dict[str, Any] | None:
            data = self.get(order_no).json()
            return data if data.get("status") == status else None

        return wait_until(probe, timeout_s)

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()


def notification(
    order: dict[str, Any],
    secret: str,
    *,
    t: int | None = None,
    amount_cents: int | None = None,
    event_id: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A signed TRADE_SUCCESS notification for an order, as the gateway would send it."""
    now = time.time()
    body = json.dumps(
        {
            "id": event_id or f"evt-{uuid.uuid4().hex}",
            "trade_no": order["trade_no"],
            "out_trade_no": order["order_no"],
            "status": "TRADE_SUCCESS",
            "amount_cents": order["amount_cents"] if amount_cents is None else amount_cents,
            "paid_at": now,
            "notify_time": now,
        }
    ).encode()
    ts = int(now) if t is None else t
    return body, {HEADER: sign(secret, ts, body), "Content-Type": "application/json"}


@contextmanager
def gateway_fault(
    ep: StackEndpoints,
    kind: str,
    probability: float = 1.0,
    endpoint: str | None = None,
    **params: Any,
) -> Iterator[str]:
    """A gateway fault active for the block (endpoint faults: a path prefix); always removed."""
    fault_id = f"shoptest-{uuid.uuid4().hex[:8]}"
    body = {"id": fault_id, "kind": kind, "probability": probability, "params": params}
    if endpoint is not None:
        body["endpoint"] = endpoint
    resp = httpx.post(f"{ep.gateway_control_url}/control/faults", json=body, timeout=TIMEOUT)
    assert resp.status_code == 201, resp.text
    try:
        yield fault_id
    finally:
        httpx.delete(f"{ep.gateway_control_url}/control/faults/{fault_id}", timeout=TIMEOUT)


@contextmanager
def autopay(ep: StackEndpoints, delay_ms: float = 0.0) -> Iterator[None]:
    """The gateway pays every payment created in the block by itself; previous setting restored."""
    url = f"{ep.gateway_control_url}/control/autopay"
    before = httpx.get(url, timeout=TIMEOUT).json()
    body = {"enabled": True, "probability": 1.0, "distribution": "fixed", "delay_ms": delay_ms}
    assert httpx.post(url, json=body, timeout=TIMEOUT).status_code == 200
    try:
        yield
    finally:
        httpx.post(url, json=before, timeout=TIMEOUT)


def ledger_payment(ep: StackEndpoints, order_no: str) -> dict[str, Any] | None:
    """The gateway ledger's payment for an order, if any."""
    ledger = httpx.get(f"{ep.gateway_control_url}/control/ledger", timeout=TIMEOUT).json()
    found = [p for p in ledger["payments"] if p["out_trade_no"] == order_no]
    return found[0] if found else None


def set_proxy_enabled(ep: StackEndpoints, proxy: str, enabled: bool) -> None:
    """Enable or disable a Toxiproxy proxy (disabled: listener closed, connections dropped)."""
    resp = httpx.post(
        f"{ep.toxiproxy_url}/proxies/{proxy}", json={"enabled": enabled}, timeout=TIMEOUT
    )
    assert resp.status_code == 200, resp.text


@contextmanager
def proxy_down(ep: StackEndpoints, proxy: str) -> Iterator[None]:
    """A proxy disabled for the block; ALWAYS re-enabled."""
    set_proxy_enabled(ep, proxy, False)
    try:
        yield
    finally:
        set_proxy_enabled(ep, proxy, True)


@contextmanager
def proxy_black_hole(ep: StackEndpoints, proxy: str) -> Iterator[None]:
    """A Toxiproxy `timeout` toxic (timeout 0) on the proxy's upstream for the block: requests
    vanish without an answer, like a dead network path; ALWAYS removed. Removing it makes
    Toxiproxy close every connection through the proxy, as a failover or a restart would."""
    url = f"{ep.toxiproxy_url}/proxies/{proxy}/toxics"
    name = f"shoptest_black_hole_{uuid.uuid4().hex[:8]}"
    body = {"name": name, "type": "timeout", "stream": "upstream", "attributes": {"timeout": 0}}
    resp = httpx.post(url, json=body, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    try:
        yield
    finally:
        resp = httpx.delete(f"{url}/{name}", timeout=TIMEOUT)
        assert resp.status_code in (204, 404), resp.text
