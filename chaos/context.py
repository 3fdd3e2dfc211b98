"""What faults act on: the stack's Toxiproxy, gateway control API and Docker containers."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import TYPE_CHECKING, Any

from chaos import containers
from chaos.deadline import one_line
from chaos.errors import FaultError
from chaos.gateway_client import GatewayControl
from chaos.toxiproxy_client import ToxiproxyClient
from peakdrill.journal import Journal
from stack.endpoints import StackEndpoints
from stack.names import LABEL_SERVICE, stack_filter

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container


class ChaosContext:
    """Clients of one stack plus the bookkeeping faults share (CPU originals, kills, watchers)."""

    def __init__(
        self,
        stack_name: str,
        endpoints: StackEndpoints,
        docker_client: DockerClient,
        seed: int,
        deadline_s: float = 5.0,
    ) -> None:
        self.stack_name = stack_name
        self.endpoints = endpoints
        self.docker = docker_client
        # recorded for the run; no fault of ours draws random numbers (jitter and toxicity are
        # Toxiproxy's and unseedable, gateway decisions use the gateway's own GATEWAY_SEED)
        self.seed = seed
        self.toxiproxy = ToxiproxyClient(endpoints.toxiproxy_url, deadline_s)
        self.gateway = GatewayControl(endpoints.gateway_control_url, deadline_s)
        self.cpu_originals: dict[str, int] = {}  # container name → NanoCpus before a squeeze
        self.killed: set[str] = set()  # containers we killed and have not seen start again
        self.errors: list[str] = []
        self._journal: Journal | None = None
        self._watchers: list[threading.Thread] = []
        self._lock = threading.Lock()

    def attach(self, journal: Journal) -> None:
        """Record events (container, error) into this run journal."""
        self._journal = journal

    def event(self, kind: str, **fields: Any) -> None:
        """Journal an event if a journal is attached."""
        if self._journal is None:
            return
        # ValueError: the journal was closed (run over) while a watcher still reported
        with contextlib.suppress(ValueError):
            self._journal.event(kind, **fields)

    def error(self, message: str, **fields: Any) -> None:
        """Record a failure: journal `error` and keep it for `Timeline.errors`."""
        with self._lock:
            self.errors.append(message)
        self.event("error", message=message, **fields)

    def container(self, service: str, replica: int) -> Container:
        """The stack's container of `service` replica `replica` (1-based)."""
        return containers.find(self.docker, self.stack_name, service, replica)

    def container_event(self, action: str, box: Container, fault_id: str) -> None:
        """Journal a `container` event (killed|started|healthy|paused|unpaused)."""
        service = box.labels.get(LABEL_SERVICE, "")
        self.event("container", action=action, service=service, container=box.name, id=fault_id)

    def start_again(self, box: Container, fault_id: str) -> None:
        """Start a stopped container, journal `started` and watch its recovery."""
        containers.docker_call(f"start {box.name}", box.start)
        self.container_event("started", box, fault_id)
        self.watch_recovery(box, fault_id)

    def restore_cpu(self, box: Container) -> int | None:
        """Put back the CPU limit a squeeze remembered; the value set, or None if none was."""
        name = box.name or ""
        original = self.cpu_originals.get(name)
        if original is None:
            return None
        value = restore_value(original)
        containers.set_nano_cpus(self.docker, box, value)
        self.cpu_originals.pop(name, None)
        return value

    def watch_recovery(self, box: Container, fault_id: str) -> None:
        """In the background, journal `healthy` once the container is healthy again."""

        def watch() -> None:
            ok = containers.wait_healthy(box, time.monotonic() + containers.RECOVER_TIMEOUT_S)
            if ok:
                self.container_event("healthy", box, fault_id)
            else:
                limit = containers.RECOVER_TIMEOUT_S
                self.error(f"{box.name} not healthy {limit:g}s after {fault_id}", id=fault_id)

        thread = threading.Thread(target=watch, name=f"watch:{box.name}", daemon=True)
        with self._lock:
            self._watchers.append(thread)
        thread.start()

    def join_watchers(self, timeout_s: float) -> None:
        """Wait (bounded) for recovery watchers to finish."""
        stop_at = time.monotonic() + timeout_s
        with self._lock:
            watchers = list(self._watchers)
        for thread in watchers:
            thread.join(max(0.0, stop_at - time.monotonic()))

    def reset_all(self) -> list[str]:
        """Heal everything we may have touched; every step guarded. Returns the failures."""
        failures: list[str] = []
        for what, step in (
            ("toxiproxy reset", self.toxiproxy.reset),
            ("gateway faults reset", self.gateway.reset),
            ("containers", self._restore_containers),
        ):
            try:
                step()
            except Exception as exc:  # keep healing the rest; report every failure
                failures.append(f"{what}: {one_line(exc)}")
        return failures

    def _restore_containers(self) -> None:
        """Unpause paused containers, restore squeezed CPUs, start containers we killed."""
        found = containers.docker_call(
            "list containers",
            lambda: self.docker.containers.list(all=True, filters=stack_filter(self.stack_name)),
        )
        problems = []
        for box in found:
            try:
                self._restore_one(box)
            except FaultError as exc:
                problems.append(str(exc))
        if problems:
            raise FaultError("; ".join(problems))

    def _restore_one(self, box: Container) -> None:
        status, _ = containers.state(box)
        name = box.name or ""
        if status == "paused":
            containers.docker_call(f"unpause {name}", box.unpause)
            self.container_event("unpaused", box, "heal_all")
        self.restore_cpu(box)
        if name in self.killed and status in ("exited", "created", "dead"):
            self.start_again(box, "heal_all")
        self.killed.discard(name)


def restore_value(original: int) -> int:
    """NanoCpus to restore: the engine ignores 0 in updates, so unlimited becomes all host CPUs."""
    return original if original > 0 else (os.cpu_count() or 1) * 1_000_000_000
