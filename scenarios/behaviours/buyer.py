"""Buyer: login, product page, order, pay on the gateway cashier, poll until the keys show.

Records `delivery_lag`: from the cashier acknowledging the payment to the keys being visible.
An order whose keys never show within poll_timeout_s records its wait so far as an error
(a lower bound), so lost deliveries raise the lag percentiles instead of vanishing.
"""

from __future__ import annotations

import time

from scenarios.behaviours import routes
from scenarios.behaviours.account import login
from scenarios.behaviours.delivery import wait_for_keys
from scenarios.behaviours.flow import Flow


def run(flow: Flow) -> None:
    """One purchase attempt."""
    spec = flow.plan.users.buyer
    if not login(flow):
        return
    product_id = _pick_product(flow)
    flow.call("GET", f"/api/products/{product_id}", routes.PRODUCT)
    order = {"product_id": product_id, "quantity": spec.quantity, "idempotency_key": flow.key()}
    # 409 OUT_OF_STOCK is the shop working correctly once the hot product sells out
    reply = flow.call("POST", "/api/orders", routes.CREATE_ORDER, json=order, expect=(409,))
    body = reply.body if isinstance(reply.body, dict) else {}
    if reply.status != 201 or not body.get("cashier_path"):
        return
    flow.think(spec.think_ms)
    pay_url = flow.plan.cashier_url + str(body["cashier_path"])
    paid = flow.call("POST", pay_url, routes.PAY)
    if paid.status != 200:
        return
    t_paid = time.time()
    url = f"/api/orders/{body['order_no']}"
    ok = wait_for_keys(flow, url, routes.ORDER, spec.poll_interval_ms, spec.poll_timeout_s)
    flow.plan.record_lag(t_paid, time.time() - t_paid, ok)


def _pick_product(flow: Flow) -> int:
    data = flow.plan.data
    hot, regular = data.hot_ids, data.regular_ids
    if hot and (not regular or flow.rng.random() < flow.plan.users.buyer.hot_share):
        return flow.rng.choice(hot)
    return flow.rng.choice(regular)
