"""Seeded, interleaving-independent fault decisions and their counters.

Every decision draws from its own RNG seeded with `(seed, stream, key, attempt)` — e.g.
`(42, "dup-1", "ORDER-17", 2)` — so whether a fault fires for a given trade and attempt does not
depend on how requests interleave: two runs with one seed and the same trades decide the same.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from fakes.payment_gateway.faults import EndpointFault, Fault, NotifyFault

MAX_TRACKED_KEYS = 2_000_000  # request-attempt keys kept; beyond it the oldest are forgotten


def stream_rng(seed: int, stream: str, key: str, attempt: int) -> random.Random:
    """The RNG of one decision stream; identical inputs give identical draws in any process."""
    return random.Random(f"{seed}:{stream}:{key}:{attempt}")


@dataclass
class FaultCounter:
    """How often a fault was evaluated and how often it fired."""

    seen: int = 0
    fired: int = 0


class FaultEngine:
    """The active faults, one seed, and per-fault counters."""

    def __init__(self, seed: int, faults: list[Fault] | None = None) -> None:
        self.seed = seed
        self._faults: dict[str, Fault] = {}
        self.counters: dict[str, FaultCounter] = {}
        self._request_attempts: Counter[str] = Counter()
        self.replace(faults or [])

    @property
    def faults(self) -> list[Fault]:
        """Active faults in the order they were added."""
        return list(self._faults.values())

    def replace(self, faults: list[Fault]) -> None:
        """Make exactly these faults active (counters of earlier faults are kept)."""
        self._faults = {f.id: f for f in faults}
        for f in faults:
            self.counters.setdefault(f.id, FaultCounter())

    def add(self, fault: Fault) -> bool:
        """Activate one more fault; False when its id is taken."""
        if fault.id in self._faults:
            return False
        self._faults[fault.id] = fault
        self.counters.setdefault(fault.id, FaultCounter())
        return True

    def remove(self, fault_id: str) -> bool:
        """Deactivate a fault; False when unknown."""
        return self._faults.pop(fault_id, None) is not None

    def reset(self) -> None:
        """Deactivate every fault (counters stay as evidence)."""
        self._faults = {}

    def notify_faults(self) -> list[NotifyFault]:
        """Active notification faults."""
        return [f for f in self._faults.values() if isinstance(f, NotifyFault)]

    def endpoint_faults(self, path: str) -> list[EndpointFault]:
        """Active endpoint faults whose path prefix matches `path` (None matches all)."""
        return [
            f
            for f in self._faults.values()
            if isinstance(f, EndpointFault) and (f.endpoint is None or path.startswith(f.endpoint))
        ]

    def next_request_attempt(self, key: str) -> int:
        """1-based count of requests seen with this key (e.g. `POST /v1/payments ORDER-1`)."""
        if len(self._request_attempts) >= MAX_TRACKED_KEYS:
            self._request_attempts.clear()
        self._request_attempts[key] += 1
        return self._request_attempts[key]

    def decide(self, fault: Fault, key: str, attempt: int) -> random.Random | None:
        """Whether `fault` fires for (key, attempt); when it does, its RNG for its parameters."""
        rng = stream_rng(self.seed, fault.id, key, attempt)
        counter = self.counters.setdefault(fault.id, FaultCounter())
        counter.seen += 1
        if rng.random() >= fault.probability:
            return None
        counter.fired += 1
        return rng
