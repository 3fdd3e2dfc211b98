"""`timeout` fault: data stops, connections close after timeout_ms (0: a black hole)."""

from __future__ import annotations

from chaos.faults._toxic import ToxicFault
from chaos.registry import register
from chaos.spec import TimeoutFault


@register("timeout")
class TimeoutToxic(ToxicFault[TimeoutFault]):
    """Toxiproxy timeout toxic, data stops, connections close after timeout_ms (0: never)."""

    def attributes(self) -> dict[str, int]:
        """Toxiproxy attributes of the timeout toxic."""
        return {"timeout": self.spec.timeout_ms}
