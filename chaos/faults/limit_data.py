"""`limit_data` fault: Toxiproxy limit_data toxic, connections closed after limit_bytes."""

from __future__ import annotations

from chaos.faults._toxic import ToxicFault
from chaos.registry import register
from chaos.spec import LimitDataFault


@register("limit_data")
class LimitDataToxic(ToxicFault[LimitDataFault]):
    """Toxiproxy limit_data toxic, connections closed after limit_bytes."""

    def attributes(self) -> dict[str, int]:
        """Toxiproxy attributes of the limit_data toxic."""
        return {"bytes": self.spec.limit_bytes}
