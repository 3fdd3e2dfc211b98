"""`slicer` fault: Toxiproxy slicer toxic, data cut into small packets with delays between."""

from __future__ import annotations

from chaos.faults._toxic import ToxicFault
from chaos.registry import register
from chaos.spec import SlicerFault


@register("slicer")
class SlicerToxic(ToxicFault[SlicerFault]):
    """Toxiproxy slicer toxic, data cut into small packets with delays between."""

    def attributes(self) -> dict[str, int]:
        """Toxiproxy attributes of the slicer toxic."""
        spec = self.spec
        return {
            "average_size": spec.average_size_bytes,
            "size_variation": spec.size_variation_bytes,
            "delay": spec.delay_us,
        }
