"""Shared plumbing of the container faults: find the target container."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from chaos.registry import Fault
from chaos.spec import CpuSqueezeFault, KillFault, PauseFault, RestartFault

if TYPE_CHECKING:
    from docker.models.containers import Container

    from chaos.context import ChaosContext

C = TypeVar("C", bound=KillFault | PauseFault | RestartFault | CpuSqueezeFault)


class ContainerFault(Fault[C]):
    """A fault on container `<stack>-<service>-<replica>`."""

    def container(self, ctx: ChaosContext) -> Container:
        """The target container (FaultError if it is gone)."""
        return ctx.container(self.spec.service, self.spec.replica)
