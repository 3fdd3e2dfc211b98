"""`slow_close` fault: Toxiproxy slow_close toxic, closing connections delayed by delay_ms."""

from __future__ import annotations

from chaos.faults._toxic import ToxicFault
from chaos.registry import register
from chaos.spec import SlowCloseFault


@register("slow_close")
class SlowCloseToxic(ToxicFault[SlowCloseFault]):
    """Toxiproxy slow_close toxic, closing connections delayed by delay_ms."""

    def attributes(self) -> dict[str, int]:
        """Toxiproxy attributes of the slow_close toxic."""
        return {"delay": self.spec.delay_ms}
