"""`reset_peer` fault: Toxiproxy reset_peer toxic, connections reset (TCP RST) after timeout_ms."""

from __future__ import annotations

from chaos.faults._toxic import ToxicFault
from chaos.registry import register
from chaos.spec import ResetPeerFault


@register("reset_peer")
class ResetPeerToxic(ToxicFault[ResetPeerFault]):
    """Toxiproxy reset_peer toxic, connections reset (TCP RST) after timeout_ms."""

    def attributes(self) -> dict[str, int]:
        """Toxiproxy attributes of the reset_peer toxic."""
        return {"timeout": self.spec.timeout_ms}
