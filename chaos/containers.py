"""Docker-side plumbing shared by the container faults: lookup, state, recovery watching."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from docker.errors import NotFound

from chaos.deadline import run_with_deadline
from chaos.errors import FaultError
from stack.health import probe_exec
from stack.names import LABEL_SERVICE, container_name

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container

DOCKER_DEADLINE_S = 30.0
RECOVER_TIMEOUT_S = 180.0  # how long a watcher waits for a killed/restarted container
POLL_S = 0.25


def find(docker: DockerClient, stack: str, service: str, replica: int) -> Container:
    """The container `<stack>-<service>-<replica>` (FaultError if it does not exist)."""
    name = container_name(stack, service, replica)
    try:
        return docker.containers.get(name)
    except NotFound:
        raise FaultError(f"container {name} does not exist") from None


def docker_call(what: str, fn: Callable[[], Any], deadline_s: float = DOCKER_DEADLINE_S) -> Any:
    """A Docker API call with a deadline and a one-line FaultError."""
    return run_with_deadline(fn, deadline_s, f"docker: {what}")


def state(box: Container) -> tuple[str, str | None]:
    """(status, health status or None) after a fresh inspect."""
    docker_call(f"inspect {box.name}", box.reload)
    st = box.attrs.get("State", {})
    health = (st.get("Health") or {}).get("Status")
    return str(st.get("Status", "unknown")), health


def is_healthy(box: Container) -> bool:
    """Running and passing the stack's own health probe for its service (stack.health)."""
    status, health = state(box)
    if status != "running" or health not in (None, "healthy"):
        return False
    service = box.labels.get(LABEL_SERVICE, "")
    return docker_call(f"probe {box.name}", lambda: probe_exec(box, service).healthy)


def wait_healthy(
    box: Container,
    stop_at: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Poll until the container is healthy (True) or `stop_at` (monotonic) passes (False)."""
    while clock() < stop_at:
        try:
            if is_healthy(box):
                return True
        except FaultError:
            pass  # the engine may be briefly busy while the container starts; keep polling
        sleep(POLL_S)
    return False


def nano_cpus(box: Container) -> int:
    """The container's CPU limit in nano-CPUs (0: unlimited)."""
    docker_call(f"inspect {box.name}", box.reload)
    return int(box.attrs.get("HostConfig", {}).get("NanoCpus") or 0)


def set_nano_cpus(docker: DockerClient, box: Container, value: int) -> None:
    """Set the CPU limit of a running container.

    docker-py's update_container has no nano_cpus, and CpuQuota conflicts with a NanoCpus limit
    set at create time, so this posts NanoCpus to the engine's update endpoint directly.
    """
    api = docker.api

    def update() -> None:
        url = api._url("/containers/{0}/update", box.id)
        api._raise_for_status(api._post_json(url, data={"NanoCpus": value}))

    docker_call(f"update {box.name} nano_cpus={value}", update)
