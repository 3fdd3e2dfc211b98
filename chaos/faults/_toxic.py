"""Shared plumbing of the Toxiproxy toxic faults: add on apply, remove on heal."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any, TypeVar

from chaos.registry import Fault
from chaos.spec import ToxicSpec, toxic_name

if TYPE_CHECKING:
    from chaos.context import ChaosContext

T = TypeVar("T", bound=ToxicSpec)


class ToxicFault(Fault[T]):
    """A toxic named after its kind and stream on the spec's proxy (the kind is the toxic type)."""

    @abstractmethod
    def attributes(self) -> dict[str, int]:
        """Toxiproxy attributes in Toxiproxy's own names and units."""

    @property
    def toxic_name(self) -> str:
        """The toxic's name on the server."""
        return toxic_name(self.spec)

    def apply(self, ctx: ChaosContext) -> None:
        """Add the toxic (it acts on already-open connections too)."""
        spec = self.spec
        ctx.toxiproxy.add_toxic(
            spec.target,
            self.toxic_name,
            self.kind,
            self.attributes(),
            stream=spec.stream,
            toxicity=spec.toxicity,
        )

    def heal(self, ctx: ChaosContext) -> str | None:
        """Remove the toxic (already gone is fine)."""
        ctx.toxiproxy.remove_toxic(self.spec.target, self.toxic_name)
        return toxicity_note(self.spec.toxicity)

    def params(self) -> dict[str, Any]:
        """Spec parameters plus the toxic's server-side name and attributes."""
        return {**super().params(), "toxic": self.toxic_name, "attributes": self.attributes()}


def toxicity_note(toxicity: float) -> str | None:
    """Why the share of affected requests is not `toxicity` (Toxiproxy decides per connection)."""
    if toxicity >= 1.0:
        return None
    return (
        f"toxicity {toxicity:g} is decided per connection, not per request: pooled connections "
        "keep (or escape) the toxic for their whole life; Toxiproxy does not count affected "
        "connections, so read the share of requests hit from the fault window's metrics"
    )
