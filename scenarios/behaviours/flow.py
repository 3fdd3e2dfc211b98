"""What a behaviour gets for one arrival: an HTTP client, the seeded data, and its clock.

Latency accounting: the FIRST request of a flow is measured from the arrival's scheduled time
(so a late start or a stall before it counts); every later request from when it was issued.
The request carries `scheduled_at` in its Locust context; the recorder does the subtraction.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from scenarios.spec import UsersSpec

LagSink = Callable[[float, float, bool], None]  # (t paid, lag seconds, delivered?)


class HttpClient(Protocol):
    """The slice of Locust's FastHttpSession a flow uses."""

    def request(self, method: str, url: str, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class SeedData:
    """What `python -m stack.shop.seed` created (its JSON output)."""

    products: list[dict[str, Any]]
    users: int
    resellers: int

    # cached: every buyer and reseller arrival picks from these (up to 10 000 products)
    @cached_property
    def hot_ids(self) -> list[int]:
        """Ids of hot products (the flash-sale items)."""
        return [int(p["id"]) for p in self.products if p.get("hot")]

    @cached_property
    def regular_ids(self) -> list[int]:
        """Ids of every other product."""
        return [int(p["id"]) for p in self.products if not p.get("hot")]


@dataclass(frozen=True)
class FlowPlan:
    """Shared by every flow of a generator process."""

    cashier_url: str
    data: SeedData
    users: UsersSpec
    record_lag: LagSink


@dataclass(frozen=True)
class Reply:
    """Status and parsed JSON body of one response (status 0: no response)."""

    status: int
    body: Any


class Flow:
    """One arrival's visit: issues named requests and keeps its own seeded randomness."""

    def __init__(self, client: HttpClient, plan: FlowPlan, seed: int, scheduled_at: float) -> None:
        self.client = client
        self.plan = plan
        self.rng = random.Random(seed)
        self.scheduled_at = scheduled_at
        self._first = True
        self.headers: dict[str, str] = {}

    def call(
        self, method: str, url: str, name: str, json: Any = None, expect: tuple[int, ...] = ()
    ) -> Reply:
        """Send one request named `name`; 2xx and `expect` statuses count as success."""
        context = {"scheduled_at": self.scheduled_at} if self._first else {}
        self._first = False
        with self.client.request(
            method,
            url,
            name=name,
            json=json,
            headers=dict(self.headers),
            catch_response=True,
            context=context,
        ) as resp:
            status = int(getattr(resp, "status_code", 0) or 0)
            body = _json(resp)
            if 200 <= status < 300 or status in expect:
                resp.success()
            else:
                resp.failure(f"HTTP {status}: {_code(body)}")
        return Reply(status, body)

    def think(self, ms: int) -> None:
        """Pause like a person would (jittered ±50%, from the flow's seed)."""
        if ms > 0:
            time.sleep(ms / 1000.0 * (0.5 + self.rng.random()))

    def key(self) -> str:
        """A fresh idempotency key (deterministic from the flow's seed)."""
        return str(uuid.UUID(int=self.rng.getrandbits(128)))


def _json(resp: Any) -> Any:
    try:
        return resp.json()
    except Exception:  # not JSON, or no body at all (connection error)
        return None


def _code(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("code") or body.get("detail") or "")[:80]
    return ""
