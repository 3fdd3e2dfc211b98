"""Returning user: login, order history, then a few past orders."""

from __future__ import annotations

from scenarios.behaviours import routes
from scenarios.behaviours.account import login
from scenarios.behaviours.flow import Flow


def run(flow: Flow) -> None:
    """One visit to the order history."""
    spec = flow.plan.users.returning
    if not login(flow):
        return
    reply = flow.call("GET", "/api/orders", routes.HISTORY)
    orders = reply.body if isinstance(reply.body, list) else []
    numbers = [str(o["order_no"]) for o in orders if isinstance(o, dict) and "order_no" in o]
    flow.rng.shuffle(numbers)
    for order_no in numbers[: spec.orders_max]:
        flow.think(spec.think_ms)
        flow.call("GET", f"/api/orders/{order_no}", routes.ORDER)
