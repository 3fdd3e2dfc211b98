"""The Python facade other roles use to bring a stack up, inspect it and take it down."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from peakdrill.errors import StackError
from stack import engine, teardown
from stack.config import StackConfig
from stack.endpoints import StackEndpoints
from stack.names import DEFAULT_STACK, LABEL_REPLICA, check_stack_name, stack_filter

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container

Progress = Callable[[str], None]

# Container ports published on 127.0.0.1 (ephemeral host ports), per CONTRACTS.md.
EDGE_PORT = "18000/tcp"
TOXIPROXY_API_PORT = "8474/tcp"
GATEWAY_CASHIER_PORT = "8080/tcp"
GATEWAY_CONTROL_PORT = "8081/tcp"


def up(
    config: StackConfig,
    name: str = DEFAULT_STACK,
    progress: Progress | None = None,
    *,
    seed: int = 0,
) -> StackEndpoints:
    """Build missing images, start every service in dependency order, wait until healthy.

    On any failure, Ctrl-C or SIGTERM, everything labeled with `name` is removed again and a
    StackError names the service that failed with its last log lines. `seed` goes to the
    gateway (GATEWAY_SEED).
    """
    from stack.bringup import bring_up  # heavy imports only when a stack is started

    return bring_up(config, check_stack_name(name), progress or (lambda _msg: None), seed=seed)


def down(name: str) -> int:
    """Remove every container, network and volume labeled with the stack; return the count."""
    return teardown.remove_all(engine.client(), check_stack_name(name))


def service_containers(name: str, service: str | None = None) -> list[Container]:
    """The stack's containers (running or not), optionally of one service, by replica order."""
    return _containers(engine.client(), name, service)


def _containers(cli: DockerClient, name: str, service: str | None) -> list[Container]:
    found = cli.containers.list(all=True, filters=stack_filter(name, service))
    return sorted(found, key=lambda c: c.name or "")


def endpoints(name: str) -> StackEndpoints:
    """Published endpoints of a running stack (StackError if it is not running)."""
    toxi = _running_one(name, "toxiproxy")
    gw = _running_one(name, "gateway")
    return StackEndpoints(
        stack=name,
        edge_url=published_url(toxi, EDGE_PORT),
        toxiproxy_url=published_url(toxi, TOXIPROXY_API_PORT),
        gateway_control_url=published_url(gw, GATEWAY_CONTROL_PORT),
        gateway_cashier_url=published_url(gw, GATEWAY_CASHIER_PORT),
    )


def exec_service(name: str, service: str, cmd: list[str], timeout_s: float = 120) -> str:
    """Run `cmd` in the service's first running container; stdout, StackError on exit != 0."""
    # coreutils `timeout` bounds the command inside the container, the client timeout the call
    box = _running_one(name, service, engine.client(timeout_s=int(timeout_s) + 30))
    limit = str(max(1, int(timeout_s)))
    code, (out, err) = box.exec_run(["timeout", "-k", "5", limit, *cmd], demux=True)
    stdout = (out or b"").decode("utf-8", "replace")
    if code != 0:
        why = "timed out" if code == 124 else f"exit {code}"
        tail = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        shown = " ".join(cmd).replace("\n", "; ")[:120]
        raise StackError(f"{service}: `{shown}` failed ({why}): {tail[0][:300]}")
    return stdout


def _running_one(name: str, service: str, cli: DockerClient | None = None) -> Container:
    found = _containers(cli or engine.client(), name, service)
    running = [c for c in found if c.status == "running"]
    if not running:
        raise StackError(f"stack {name!r}: no running {service} container (is the stack up?)")
    return sorted(running, key=lambda c: int(c.labels.get(LABEL_REPLICA, "1")))[0]


def published_url(box: Container, port: str) -> str:
    """`http://127.0.0.1:<host port>` of a published container port."""
    return f"http://127.0.0.1:{published_port(box, port)}"


def published_port(box: Container, port: str) -> int:
    """Host port (on 127.0.0.1) that a container port is published on."""
    bindings = (box.attrs.get("NetworkSettings", {}).get("Ports") or {}).get(port) or []
    for b in bindings:
        if b.get("HostIp") in ("127.0.0.1", "") and b.get("HostPort"):
            return int(b["HostPort"])
    raise StackError(f"{box.name}: port {port} is not published")
