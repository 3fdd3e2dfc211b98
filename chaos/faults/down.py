"""`down` fault: the proxy is disabled (listener closed, open connections dropped)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chaos.registry import Fault, register
from chaos.spec import DownFault

if TYPE_CHECKING:
    from chaos.context import ChaosContext


@register("down")
class ProxyDown(Fault[DownFault]):
    """Disable a Toxiproxy proxy for the fault's duration."""

    def apply(self, ctx: ChaosContext) -> None:
        """Disable the proxy."""
        ctx.toxiproxy.set_enabled(self.spec.target, False)

    def heal(self, ctx: ChaosContext) -> str | None:
        """Enable the proxy again (enabling an enabled proxy is a no-op)."""
        ctx.toxiproxy.set_enabled(self.spec.target, True)
        return None
