"""Login shared by the buyer and returning-user behaviours."""

from __future__ import annotations

from scenarios.behaviours import routes
from scenarios.behaviours.flow import Flow


def login(flow: Flow) -> bool:
    """Log in as a random seeded user (buyer{i}@peakdrill.test); True when a token came back."""
    i = flow.rng.randrange(flow.plan.data.users)
    creds = {"email": f"buyer{i}@peakdrill.test", "password": f"peakdrill-{i}"}
    reply = flow.call("POST", "/api/auth/login", routes.LOGIN, json=creds)
    token = reply.body.get("token") if isinstance(reply.body, dict) else None
    if not token:
        return False
    flow.headers["Authorization"] = f"Bearer {token}"
    return True
