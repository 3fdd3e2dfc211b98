"""4. No card key delivered twice; a DELIVERED order holds exactly the quantity bought."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from reports.audit.model import InvariantResult, verdict
from reports.audit.snapshot import View

NAME = "no_double_delivery"
TITLE = "no key delivered twice; every DELIVERED order holds exactly its quantity"


def check(view: View) -> InvariantResult:
    """Key ids and secret hashes delivered more than once, and orders with the wrong count."""
    problems = _twice_by_id(view) + _twice_by_secret(view) + _wrong_counts(view)
    delivered = sum(len(o.get("delivered_key_ids") or []) for o in view.orders.values())
    return verdict(NAME, TITLE, problems, f"{delivered} keys delivered, each once")


def _twice_by_id(view: View) -> list[dict[str, Any]]:
    holders: dict[int, list[str]] = defaultdict(list)
    for order_no, order in view.orders.items():
        for key_id in order.get("delivered_key_ids") or []:
            holders[int(key_id)].append(order_no)
    return [
        {"key_id": key_id, "order_nos": orders, "problem": f"key delivered {len(orders)} times"}
        for key_id, orders in sorted(holders.items())
        if len(orders) > 1
    ]


def _twice_by_secret(view: View) -> list[dict[str, Any]]:
    # one secret imported under two ids is also sold twice when both ids are delivered
    ids_by_secret: dict[str, list[int]] = defaultdict(list)
    for key in view.keys.values():
        if key.get("status") == "SOLD" and key.get("secret_sha256"):
            ids_by_secret[str(key["secret_sha256"])].append(int(key["id"]))
    return [
        {
            "key_ids": ids,
            "order_nos": [view.keys[i].get("order_no") for i in ids],
            "problem": "same secret sold under several ids",
        }
        for ids in ids_by_secret.values()
        if len(ids) > 1
    ]


def _wrong_counts(view: View) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for order_no, order in view.orders.items():
        keys = order.get("delivered_key_ids") or []
        status, qty = order.get("status"), int(order.get("quantity") or 0)
        if status == "DELIVERED" and len(keys) != qty:
            out.append(
                {
                    "order_no": order_no,
                    "quantity": qty,
                    "key_ids": keys,
                    "problem": f"holds {len(keys)} keys, bought {qty}",
                }
            )
        elif status != "DELIVERED" and keys:
            out.append(
                {
                    "order_no": order_no,
                    "status": status,
                    "key_ids": keys,
                    "problem": f"{status} order holds keys",
                }
            )
        for key_id in set(keys):
            key = view.keys.get(int(key_id))
            if key is None or key.get("status") != "SOLD" or key.get("order_no") != order_no:
                state = None if key is None else f"{key.get('status')} to {key.get('order_no')}"
                out.append(
                    {"order_no": order_no, "key_id": key_id, "problem": f"delivered key is {state}"}
                )
    return out
