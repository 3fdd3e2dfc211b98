"""A bounded in-memory log of recent requests to the merchant and cashier API."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

MAX_ENTRIES = 10_000
_ID_SEGMENT = re.compile(r"^(/v1/payments|/cashier)/[^/]+")


KNOWN_ROUTES = frozenset(
    {
        "/v1/payments",
        "/v1/payments/{id}",
        "/v1/payments/{id}/close",
        "/v1/payments/{id}/refund",
        "/cashier/{id}/pay",
        "/v1/public-key",
    }
)


def route_of(path: str) -> str:
    """The route template of a path, e.g. `/v1/payments/{id}/close`; `other` for unknown paths
    (so scanning junk paths cannot blow up metric label cardinality)."""
    route = _ID_SEGMENT.sub(r"\1/{id}", path)
    return route if route in KNOWN_ROUTES else "other"


class RequestLog:
    """The last MAX_ENTRIES requests, newest last."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self.total = 0

    def add(self, entry: dict[str, Any]) -> None:
        """Record one request."""
        self.total += 1
        self._entries.append(entry)

    def recent(self, limit: int) -> list[dict[str, Any]]:
        """The newest `limit` entries, oldest first."""
        if limit <= 0:
            return []
        return list(self._entries)[-limit:]
