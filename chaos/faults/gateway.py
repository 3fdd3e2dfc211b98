"""`gateway` fault: one fault of the fake payment gateway, through its control API."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chaos.errors import FaultError
from chaos.registry import Fault, register
from chaos.spec import GatewayFault

if TYPE_CHECKING:
    from chaos.context import ChaosContext


@register("gateway")
class GatewayControlFault(Fault[GatewayFault]):
    """Installed under the spec's id; the gateway draws its own seeded decisions per trade."""

    @property
    def gateway_id(self) -> str:
        """The id on the gateway: its ids allow [A-Za-z0-9_.:-] only (`chaos[2]` → `chaos.2`)."""
        return re.sub(r"[^A-Za-z0-9_.:-]", "", self.id.replace("[", "."))

    def body(self) -> dict[str, Any]:
        """The control API's fault object."""
        spec = self.spec
        return {
            "id": self.gateway_id,
            "kind": spec.kind,
            "probability": spec.probability,
            "endpoint": spec.endpoint,
            "params": dict(spec.params),
        }

    def apply(self, ctx: ChaosContext) -> None:
        """POST /control/faults, then check it is listed."""
        ctx.gateway.add_fault(self.body())
        if self.gateway_id not in {f.get("id") for f in ctx.gateway.faults()}:
            raise FaultError(f"gateway: fault {self.gateway_id} missing after adding it")

    def heal(self, ctx: ChaosContext) -> str | None:
        """Read the fault's counters (the share actually affected), then DELETE it."""
        note = _share_note(ctx, self.gateway_id)
        ctx.gateway.remove_fault(self.gateway_id)
        return note


def _share_note(ctx: ChaosContext, fault_id: str) -> str | None:
    """`fired n of m eligible (p%)` from GET /control/counters, or None when not counted."""
    try:
        counts = ctx.gateway.counters().get(fault_id)
    except FaultError:
        return None  # counters are evidence, not part of the heal: never block the DELETE
    if not isinstance(counts, dict):
        return None
    seen, fired = int(counts.get("seen", 0)), int(counts.get("fired", 0))
    share = f" ({100.0 * fired / seen:.1f}%)" if seen else ""
    return f"fired {fired} of {seen} eligible{share}"
