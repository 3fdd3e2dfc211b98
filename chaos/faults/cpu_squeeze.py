"""`cpu_squeeze` fault: lower a replica's CPU limit to `cpus` cores, then restore it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chaos import containers
from chaos.faults._container import ContainerFault
from chaos.registry import register
from chaos.spec import CpuSqueezeFault

if TYPE_CHECKING:
    from chaos.context import ChaosContext

NANO = 1_000_000_000


@register("cpu_squeeze")
class CpuSqueeze(ContainerFault[CpuSqueezeFault]):
    """The container keeps running, slowly (a noisy neighbour, a throttled VM)."""

    def apply(self, ctx: ChaosContext) -> None:
        """Remember the current limit (first squeeze wins), then set the lower one."""
        box = self.container(ctx)
        ctx.cpu_originals.setdefault(box.name or "", containers.nano_cpus(box))
        containers.set_nano_cpus(ctx.docker, box, round(self.spec.cpus * NANO))

    def heal(self, ctx: ChaosContext) -> str | None:
        """Restore the remembered limit (nothing to do if already restored)."""
        restored = ctx.restore_cpu(self.container(ctx))
        return None if restored is None else f"nano_cpus restored to {restored}"
