"""`pause` fault: freeze a replica (cgroup freezer) for duration_s, then unpause it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chaos import containers
from chaos.faults._container import ContainerFault
from chaos.registry import register
from chaos.spec import PauseFault

if TYPE_CHECKING:
    from chaos.context import ChaosContext


@register("pause")
class PauseContainer(ContainerFault[PauseFault]):
    """A frozen process keeps its sockets open: peers see a hang, not a refusal."""

    def apply(self, ctx: ChaosContext) -> None:
        """Pause the container."""
        box = self.container(ctx)
        containers.docker_call(f"pause {box.name}", box.pause)
        ctx.container_event("paused", box, self.id)

    def heal(self, ctx: ChaosContext) -> str | None:
        """Unpause it if it is still paused."""
        box = self.container(ctx)
        status, _ = containers.state(box)
        if status == "paused":
            containers.docker_call(f"unpause {box.name}", box.unpause)
            ctx.container_event("unpaused", box, self.id)
            return None
        return f"{box.name} was {status}, not paused, at heal"
