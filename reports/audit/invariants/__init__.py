"""The eight invariants of DESIGN.md, one module each, in the design's order."""

from __future__ import annotations

from collections.abc import Callable

from reports.audit.invariants import (
    forged_notifications_ignored,
    ledger_matches_orders,
    money_conserved,
    no_delivery_without_payment,
    no_double_delivery,
    orders_settled,
    paid_has_keys,
    stock_conserved,
)
from reports.audit.model import InvariantResult
from reports.audit.snapshot import View

Check = Callable[[View], InvariantResult]

INVARIANTS: tuple[Check, ...] = (
    ledger_matches_orders.check,  # 1
    paid_has_keys.check,  # 2
    no_delivery_without_payment.check,  # 3
    no_double_delivery.check,  # 4
    stock_conserved.check,  # 5
    money_conserved.check,  # 6
    forged_notifications_ignored.check,  # 7
    orders_settled.check,  # 8
)
