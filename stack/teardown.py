"""Remove everything labeled with a stack name: containers, then network, then volumes."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

from docker.errors import APIError, NotFound

from peakdrill.errors import StackError
from stack.names import stack_filter

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container


def remove_all(cli: DockerClient, stack: str) -> int:
    """Remove all labeled resources of `stack` (also of a crashed harness); return the count."""
    boxes = cli.containers.list(all=True, filters=stack_filter(stack))
    # force-remove kills without a grace period: the stack is disposable, speed matters
    with ThreadPoolExecutor(max_workers=8) as pool:
        removed = sum(pool.map(_remove_container, boxes))
    for net in cli.networks.list(filters=stack_filter(stack)):
        removed += _try(net.remove)
    for vol in cli.volumes.list(filters=stack_filter(stack)):
        removed += _try(partial(vol.remove, force=True))
    left = leftovers(cli, stack)
    if left:
        raise StackError(f"stack {stack!r}: could not remove {', '.join(left)}")
    return removed


def leftovers(cli: DockerClient, stack: str) -> list[str]:
    """Names of labeled resources of `stack` that still exist."""
    flt = stack_filter(stack)
    names = [f"container {c.name}" for c in cli.containers.list(all=True, filters=flt)]
    names += [f"network {n.name}" for n in cli.networks.list(filters=flt)]
    names += [f"volume {v.name}" for v in cli.volumes.list(filters=flt)]
    return names


def _remove_container(box: Container) -> int:
    return _try(lambda: box.remove(force=True, v=True))


def _try(action: Callable[[], object]) -> int:
    try:
        action()
    except NotFound:
        return 0  # already gone (a parallel down, or auto-removed)
    except APIError as exc:
        if "already in progress" in str(exc):
            return 0
        raise
    return 1
