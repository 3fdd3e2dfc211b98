"""Behaviours against a scripted client: request names, first-request clock, lag, outcomes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scenarios.behaviours import browser, buyer, reseller, returning, routes
from scenarios.behaviours.flow import Flow, FlowPlan, SeedData
from scenarios.spec import UsersSpec

Handler = Callable[[str, str, Any], tuple[int, Any]]


class FakeResponse:
    """Locust's catch_response context manager, reduced to what flows touch."""

    def __init__(self, status: int, body: Any) -> None:
        self.status_code = status
        self._body = body
        self.outcome: str | None = None

    def json(self) -> Any:
        if self._body is None:
            raise ValueError("no body")
        return self._body

    def success(self) -> None:
        self.outcome = "success"

    def failure(self, why: str) -> None:
        self.outcome = f"failure: {why}"

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class FakeClient:
    """Answers from a handler and keeps every call (name, url, context, outcome)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.calls: list[dict[str, Any]] = []

    def request(self, method: str, url: str, **kw: Any) -> FakeResponse:
        status, body = self.handler(method, url, kw.get("json"))
        resp = FakeResponse(status, body)
        self.calls.append({"method": method, "url": url, "resp": resp, **kw})
        return resp


DATA = SeedData(
    products=[{"id": 1, "hot": True}, {"id": 2, "hot": False}, {"id": 3, "hot": False}],
    users=5,
    resellers=2,
)
FAST = {"think_ms": 0, "poll_interval_ms": 20, "poll_timeout_s": 0.5}


def _plan(lags: list[tuple[float, float, bool]], **users: Any) -> FlowPlan:
    spec = UsersSpec.model_validate({"mix": {"buyer": 1}, **users})
    return FlowPlan("http://cashier", DATA, spec, lambda t, lag, ok: lags.append((t, lag, ok)))


def _shop(order_status: list[str]) -> Handler:
    """A shop whose order shows the next status of `order_status` on every poll."""

    def handle(method: str, url: str, body: Any) -> tuple[int, Any]:
        if url == "/api/auth/login":
            return 200, {"token": "tok"}
        if url == "/api/products":
            return 200, [{"id": 2}, {"id": 3}]
        if url.startswith("/api/products/"):
            return 200, {"id": 2}
        if url in ("/api/orders", "/api/reseller/orders") and method == "POST":
            return 201, {
                "order_no": "O1",
                "status": "AWAITING_PAYMENT",
                "cashier_path": "/cashier/T1/pay",
            }
        if url == "http://cashier/cashier/T1/pay":
            return 200, {"status": "TRADE_SUCCESS"}
        if url.endswith("/O1"):
            status = order_status.pop(0) if len(order_status) > 1 else order_status[0]
            return 200, {"status": status, "keys": ["K"] if status == "DELIVERED" else []}
        if url == "/api/orders":
            return 200, [{"order_no": "O1"}, {"order_no": "O2"}, {"order_no": "O3"}]
        return 404, {"code": "NOT_FOUND"}

    return handle


def test_buyer_full_path_names_routes_and_records_lag() -> None:
    lags: list[tuple[float, float, bool]] = []
    client = FakeClient(_shop(["AWAITING_PAYMENT", "PAID", "DELIVERED"]))
    buyer.run(Flow(client, _plan(lags, buyer=FAST), seed=1, scheduled_at=100.0))
    names = [c["name"] for c in client.calls]
    assert names[:5] == [
        routes.LOGIN,
        routes.PRODUCT,
        routes.CREATE_ORDER,
        routes.PAY,
        routes.ORDER,
    ]
    assert names[-1] == routes.ORDER and len(names) == 7
    assert client.calls[0]["context"] == {"scheduled_at": 100.0}
    assert all(c["context"] == {} for c in client.calls[1:])
    assert client.calls[2]["headers"]["Authorization"] == "Bearer tok"
    assert all(c["resp"].outcome == "success" for c in client.calls)
    assert len(lags) == 1 and lags[0][2] is True and 0 < lags[0][1] < 1


def test_buyer_out_of_stock_is_a_correct_answer() -> None:
    def handle(method: str, url: str, body: Any) -> tuple[int, Any]:
        if url == "/api/orders":
            return 409, {"code": "OUT_OF_STOCK"}
        return _shop(["DELIVERED"])(method, url, body)

    lags: list[tuple[float, float, bool]] = []
    client = FakeClient(handle)
    buyer.run(Flow(client, _plan(lags, buyer=FAST), seed=1, scheduled_at=0.0))
    assert client.calls[-1]["name"] == routes.CREATE_ORDER
    assert client.calls[-1]["resp"].outcome == "success"
    assert lags == []


def test_buyer_undelivered_order_records_a_failed_lag() -> None:
    lags: list[tuple[float, float, bool]] = []
    client = FakeClient(_shop(["PAID"]))
    buyer.run(Flow(client, _plan(lags, buyer=FAST), seed=1, scheduled_at=0.0))
    assert len(lags) == 1 and lags[0][2] is False and lags[0][1] >= 0.5


def test_server_errors_are_failures() -> None:
    lags: list[tuple[float, float, bool]] = []
    client = FakeClient(lambda m, u, b: (503, {"code": "SESSION_STORE_DOWN"}))
    buyer.run(Flow(client, _plan(lags, buyer=FAST), seed=1, scheduled_at=0.0))
    assert len(client.calls) == 1
    assert client.calls[0]["resp"].outcome == "failure: HTTP 503: SESSION_STORE_DOWN"


def test_hot_share_steers_product_choice() -> None:
    picked = []
    for seed in range(200):
        client = FakeClient(
            lambda m, u, b: (
                (409, {"code": "OUT_OF_STOCK"}) if u == "/api/orders" else (200, {"token": "t"})
            )
        )
        buyer.run(Flow(client, _plan([], buyer={**FAST, "hot_share": 0.8}), seed, 0.0))
        picked.append(client.calls[2]["json"]["product_id"])
    assert 0.7 < picked.count(1) / len(picked) < 0.9


def test_browser_pages_within_bounds() -> None:
    client = FakeClient(_shop(["DELIVERED"]))
    plan = _plan([], browser={"pages_min": 2, "pages_max": 2, "think_ms": 0})
    browser.run(Flow(client, plan, seed=4, scheduled_at=0.0))
    assert [c["name"] for c in client.calls] == [routes.CATALOG, routes.PRODUCT, routes.PRODUCT]
    assert all(
        c["url"] in ("/api/products", "/api/products/2", "/api/products/3") for c in client.calls
    )


def test_returning_user_opens_at_most_orders_max() -> None:
    client = FakeClient(_shop(["DELIVERED"]))
    plan = _plan([], returning={"orders_max": 2, "think_ms": 0})
    returning.run(Flow(client, plan, seed=4, scheduled_at=0.0))
    names = [c["name"] for c in client.calls]
    assert names == [routes.LOGIN, routes.HISTORY, routes.ORDER, routes.ORDER]


def test_reseller_pays_and_polls_with_its_key() -> None:
    client = FakeClient(_shop(["PAID", "DELIVERED"]))
    plan = _plan([], reseller={"poll_interval_ms": 20, "poll_timeout_s": 1})
    reseller.run(Flow(client, plan, seed=2, scheduled_at=0.0))
    names = [c["name"] for c in client.calls]
    assert names[:2] == [routes.RESELLER_ORDER, routes.PAY]
    assert names[2:] == [routes.RESELLER_STATUS, routes.RESELLER_STATUS]
    assert client.calls[0]["headers"]["X-Api-Key"] in ("reseller-key-0", "reseller-key-1")
    assert 5 <= client.calls[0]["json"]["quantity"] <= 20


@pytest.mark.parametrize("mod", [browser, buyer, returning, reseller])
def test_flows_only_use_declared_route_names(mod: Any) -> None:
    client = FakeClient(_shop(["DELIVERED"]))
    plan = _plan([], buyer=FAST, browser={"think_ms": 0}, returning={"think_ms": 0})
    mod.run(Flow(client, plan, seed=9, scheduled_at=0.0))
    kind = mod.__name__.rsplit(".", 1)[1]
    assert {c["name"] for c in client.calls} <= set(routes.ROUTES[kind])
