"""Reseller: one bulk order through the reseller API, paid on the cashier if the shop asks."""

from __future__ import annotations

from scenarios.behaviours import routes
from scenarios.behaviours.delivery import wait_for_keys
from scenarios.behaviours.flow import Flow


def run(flow: Flow) -> None:
    """One bulk purchase of a regular product."""
    spec = flow.plan.users.reseller
    data = flow.plan.data
    flow.headers["X-Api-Key"] = f"reseller-key-{flow.rng.randrange(data.resellers)}"
    product_id = flow.rng.choice(data.regular_ids or data.hot_ids)
    qty = flow.rng.randint(spec.quantity_min, spec.quantity_max)
    order = {"product_id": product_id, "quantity": qty, "idempotency_key": flow.key()}
    reply = flow.call(
        "POST", "/api/reseller/orders", routes.RESELLER_ORDER, json=order, expect=(409,)
    )
    body = reply.body if isinstance(reply.body, dict) else {}
    if reply.status not in (200, 201) or "order_no" not in body:
        return
    if _needs_payment(body) and not _pay(flow, str(body["cashier_path"])):
        return
    url = f"/api/reseller/orders/{body['order_no']}"
    wait_for_keys(flow, url, routes.RESELLER_STATUS, spec.poll_interval_ms, spec.poll_timeout_s)


def _needs_payment(body: dict[str, object]) -> bool:
    return bool(body.get("cashier_path")) and body.get("status") == "AWAITING_PAYMENT"


def _pay(flow: Flow, cashier_path: str) -> bool:
    return flow.call("POST", flow.plan.cashier_url + cashier_path, routes.PAY).status == 200
