"""The load plan handed to generator processes (JSON): targets, seeded data, load and users."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from scenarios.behaviours.flow import SeedData
from scenarios.spec import LoadSpec, UsersSpec


@dataclass(frozen=True)
class LoadPlan:
    """Everything a generator needs; the master sends it to every worker unchanged."""

    edge_url: str
    cashier_url: str
    seed: int
    load: dict[str, Any]
    users: dict[str, Any]
    seed_data: dict[str, Any]
    start_delay_s: float = 2.0

    def load_spec(self) -> LoadSpec:
        """The validated load section."""
        return LoadSpec.model_validate(self.load)

    def users_spec(self) -> UsersSpec:
        """The validated users section."""
        return UsersSpec.model_validate(self.users)

    def data(self) -> SeedData:
        """The seeded shop data."""
        d = self.seed_data
        return SeedData(
            list(d.get("products", [])), int(d.get("users", 0)), int(d.get("resellers", 0))
        )

    def close_after_s(self) -> float:
        """How long a second stays open: the longest a request or a delivery wait can land in it."""
        load, users = self.load_spec(), self.users_spec()
        poll = max(users.buyer.poll_timeout_s, users.reseller.poll_timeout_s)
        return load.drop_after_ms / 1000 + load.request_timeout_s + poll + 2.0

    def drain_s(self) -> float:
        """How long flows in flight may run after the last arrival."""
        return self.close_after_s() + 10.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON and Locust messages)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadPlan:
        """Inverse of to_dict."""
        return cls(**data)

    def write(self, path: Path) -> None:
        """Store as JSON."""
        path.write_text(json.dumps(self.to_dict(), indent=1), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> LoadPlan:
        """Read a plan written by `write`."""
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
