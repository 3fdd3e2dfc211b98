"""Request names per behaviour (routes, never ids), shared by the scenario checks and flows."""

from __future__ import annotations

from typing import Literal

BehaviourName = Literal["browser", "buyer", "returning", "reseller"]

LOGIN = "POST /api/auth/login"
CATALOG = "GET /api/products"
PRODUCT = "GET /api/products/{id}"
CREATE_ORDER = "POST /api/orders"
PAY = "POST /cashier/{trade_no}/pay"
ORDER = "GET /api/orders/{order_no}"
HISTORY = "GET /api/orders"
RESELLER_ORDER = "POST /api/reseller/orders"
RESELLER_STATUS = "GET /api/reseller/orders/{order_no}"
DELIVERY_LAG = "delivery_lag"  # kind "lag": payment acknowledged -> keys visible

ROUTES: dict[str, tuple[str, ...]] = {
    "browser": (CATALOG, PRODUCT),
    "buyer": (LOGIN, PRODUCT, CREATE_ORDER, PAY, ORDER),
    "returning": (LOGIN, HISTORY, ORDER),
    "reseller": (RESELLER_ORDER, PAY, RESELLER_STATUS),
}
