"""`restart` fault: a graceful restart of a replica (SIGTERM, SIGKILL after stop_timeout_s)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chaos import containers
from chaos.faults._container import ContainerFault
from chaos.registry import register
from chaos.spec import RestartFault

if TYPE_CHECKING:
    from chaos.context import ChaosContext

_START_MARGIN_S = 30.0  # on top of the stop timeout, for the engine to start it again


@register("restart")
class RestartContainer(ContainerFault[RestartFault]):
    """Like a rolling deploy of one replica; recovery is watched and journaled."""

    def apply(self, ctx: ChaosContext) -> None:
        """Restart the container (blocks the timeline at most stop_timeout_s + 30 s)."""
        box = self.container(ctx)
        wait_s = self.spec.stop_timeout_s
        containers.docker_call(
            f"restart {box.name}",
            lambda: box.restart(timeout=wait_s),
            deadline_s=wait_s + _START_MARGIN_S,
        )
        ctx.container_event("started", box, self.id)
        ctx.watch_recovery(box, self.id)

    def heal(self, ctx: ChaosContext) -> str | None:
        """Make sure it runs (a restart that failed half-way leaves it stopped)."""
        box = self.container(ctx)
        status, _ = containers.state(box)
        if status in ("running", "restarting"):
            return None
        ctx.start_again(box, self.id)
        return f"{box.name} was {status} at heal and was started"
