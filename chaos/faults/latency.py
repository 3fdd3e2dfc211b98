"""`latency` fault: Toxiproxy latency toxic, latency_ms ± jitter_ms on every chunk of data."""

from __future__ import annotations

from chaos.faults._toxic import ToxicFault
from chaos.registry import register
from chaos.spec import LatencyFault


@register("latency")
class LatencyToxic(ToxicFault[LatencyFault]):
    """Toxiproxy latency toxic, latency_ms ± jitter_ms on every chunk of data."""

    def attributes(self) -> dict[str, int]:
        """Toxiproxy attributes of the latency toxic."""
        return {"latency": self.spec.latency_ms, "jitter": self.spec.jitter_ms}
