"""5. Stock conserves per product; no reservations held by closed orders; cache agrees."""

from __future__ import annotations

from collections import Counter
from typing import Any

from reports.audit.model import InvariantResult, verdict
from reports.audit.snapshot import OPEN, View

NAME = "stock_conserved"
TITLE = "available + reserved + sold = imported per product; no stale reservations; cache agrees"


def check(view: View) -> InvariantResult:
    """Count key states per product and compare with imports and the Redis counters."""
    by_product: dict[int, Counter[str]] = {pid: Counter() for pid in view.imported}
    for key in view.keys.values():
        by_product.setdefault(int(key["product_id"]), Counter())[str(key.get("status"))] += 1
    problems = _conservation(view, by_product) + _stale_reservations(view)
    cache_problems, cache_note = _cache(view, by_product)
    problems += cache_problems
    if cache_note and not problems:
        return InvariantResult(NAME, TITLE, None, [{"problem": cache_note}], cache_note)
    return verdict(NAME, TITLE, problems, f"{len(by_product)} products conserve stock")


def _conservation(view: View, by_product: dict[int, Counter[str]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for pid, counts in sorted(by_product.items()):
        known = counts["AVAILABLE"] + counts["RESERVED"] + counts["SOLD"]
        imported = view.imported.get(pid)
        odd = {s: n for s, n in counts.items() if s not in ("AVAILABLE", "RESERVED", "SOLD")}
        if imported != known or odd:
            out.append(
                {
                    "product_id": pid,
                    "imported": imported,
                    **dict(counts),
                    "problem": "stock does not add up",
                }
            )
    return out


def _stale_reservations(view: View) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key in view.keys.values():
        if key.get("status") != "RESERVED":
            continue
        order = view.orders.get(str(key.get("order_no")))
        if order is None or order.get("status") not in OPEN:
            status = None if order is None else order.get("status")
            out.append(
                {
                    "key_id": key["id"],
                    "order_no": key.get("order_no"),
                    "order_status": status,
                    "problem": "reserved by an order that is not open",
                }
            )
    return out


def _cache(view: View, by_product: dict[int, Counter[str]]) -> tuple[list[dict[str, Any]], str]:
    if view.cached_stock is None:
        if view.cache_error == "cache disabled" or not view.settings.get("cache_enabled", True):
            return [], ""
        return [], f"cached stock not readable: {view.cache_error}"
    out = []
    for pid, counts in sorted(by_product.items()):
        cached = view.cached_stock.get(pid)
        if cached != counts["AVAILABLE"]:
            out.append(
                {
                    "product_id": pid,
                    "cached_stock": cached,
                    "available": counts["AVAILABLE"],
                    "problem": "cached stock disagrees with the database",
                }
            )
    return out, ""
