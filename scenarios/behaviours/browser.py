"""Browser: the catalog, then a few product pages; never logs in."""

from __future__ import annotations

from scenarios.behaviours import routes
from scenarios.behaviours.flow import Flow


def run(flow: Flow) -> None:
    """One browsing visit."""
    spec = flow.plan.users.browser
    reply = flow.call("GET", "/api/products", routes.CATALOG)
    ids = [int(p["id"]) for p in reply.body] if isinstance(reply.body, list) else []
    ids = ids or [int(p["id"]) for p in flow.plan.data.products]
    for _ in range(flow.rng.randint(spec.pages_min, spec.pages_max)):
        flow.think(spec.think_ms)
        flow.call("GET", f"/api/products/{flow.rng.choice(ids)}", routes.PRODUCT)
