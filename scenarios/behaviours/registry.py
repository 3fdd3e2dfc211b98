"""Behaviour name -> flow function."""

from __future__ import annotations

from collections.abc import Callable

from scenarios.behaviours import browser, buyer, reseller, returning
from scenarios.behaviours.flow import Flow

BEHAVIOURS: dict[str, Callable[[Flow], None]] = {
    "browser": browser.run,
    "buyer": buyer.run,
    "returning": returning.run,
    "reseller": reseller.run,
}
