"""`kill` fault: SIGKILL a replica, then start it again unless it came back by itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chaos import containers
from chaos.faults._container import ContainerFault
from chaos.registry import register
from chaos.spec import KillFault

if TYPE_CHECKING:
    from chaos.context import ChaosContext


@register("kill")
class KillContainer(ContainerFault[KillFault]):
    """Kill at at_s; start again at at_s + duration_s (at once without one); watch recovery."""

    def apply(self, ctx: ChaosContext) -> None:
        """SIGKILL the container (a crash: no graceful shutdown)."""
        box = self.container(ctx)
        containers.docker_call(f"kill {box.name}", box.kill)
        ctx.killed.add(box.name or "")
        ctx.container_event("killed", box, self.id)

    def heal(self, ctx: ChaosContext) -> str | None:
        """Start it if it is still down, then journal `healthy` once it is (in the background)."""
        box = self.container(ctx)
        status, _ = containers.state(box)
        note = None
        if status in ("running", "restarting"):
            note = f"{box.name} was {status} again before the heal (restart policy)"
            ctx.watch_recovery(box, self.id)
        else:
            ctx.start_again(box, self.id)
        ctx.killed.discard(box.name or "")
        return note
