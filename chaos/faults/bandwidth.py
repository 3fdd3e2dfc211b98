"""`bandwidth` fault: Toxiproxy bandwidth toxic, throughput capped at rate_kbps KB/s."""

from __future__ import annotations

from chaos.faults._toxic import ToxicFault
from chaos.registry import register
from chaos.spec import BandwidthFault


@register("bandwidth")
class BandwidthToxic(ToxicFault[BandwidthFault]):
    """Toxiproxy bandwidth toxic, throughput capped at rate_kbps KB/s."""

    def attributes(self) -> dict[str, int]:
        """Toxiproxy attributes of the bandwidth toxic."""
        return {"rate": self.spec.rate_kbps}
