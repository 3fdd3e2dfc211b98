"""Start a stack in dependency order; on any failure remove everything it created."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

from docker.types import LogConfig

from peakdrill.errors import StackError
from peakdrill.signals import signals_ignored, sigterm_as_interrupt
from stack import engine, health, images, proxies, teardown
from stack.config import ServiceName, StackConfig
from stack.endpoints import StackEndpoints
from stack.lifecycle import (
    EDGE_PORT,
    TOXIPROXY_API_PORT,
    endpoints,
    published_url,
)
from stack.names import LABEL_STACK, network_name
from stack.specs import ContainerSpec, Secrets, build_specs, stack_volumes

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container

Progress = Callable[[str], None]
INFRA_TIMEOUT_S = 120.0
SHOP_TIMEOUT_S = 180.0  # first start migrates the schema; CPU is shared with other work
EDGE_TIMEOUT_S = 60.0
_LOGS = LogConfig(type="json-file", config={"max-size": "20m", "max-file": "2"})


def bring_up(
    config: StackConfig, name: str, progress: Progress, *, seed: int = 0
) -> StackEndpoints:
    """Build images if needed, then start and health-check every service of `name`."""
    cli = engine.client()
    left = teardown.leftovers(cli, name)
    if left:
        raise StackError(f"stack {name!r} exists already ({left[0]}, ...): `stack down` it first")
    images.ensure_images(progress)  # before anything labeled exists: a failed build leaves nothing
    specs = build_specs(config, name, Secrets.random(), seed)
    started = time.monotonic()
    with sigterm_as_interrupt(), _removed_on_failure(cli, name, progress):
        _start_all(cli, name, specs, progress)
        eps = endpoints(name)
    progress(f"stack {name}: healthy in {time.monotonic() - started:.1f}s")
    return eps


def _start_all(
    cli: DockerClient, name: str, specs: dict[ServiceName, list[ContainerSpec]], progress: Progress
) -> None:
    labels = {LABEL_STACK: name}
    cli.networks.create(network_name(name), driver="bridge", labels=labels)
    for vol in stack_volumes(name):
        cli.volumes.create(vol, labels=labels)
    first = _run_phase(cli, name, specs, ("postgres", "redis", "gateway", "toxiproxy"), progress)
    health.wait_healthy(_checks(first, ("toxiproxy",)), 30)
    toxi = first["toxiproxy"][0]
    proxies.create_proxies(published_url(toxi, TOXIPROXY_API_PORT))
    progress("toxiproxy: proxies postgres, redis, gateway, notify, edge enabled")
    _wait(_checks(first, ("postgres", "redis", "gateway")), INFRA_TIMEOUT_S, progress)
    second = _run_phase(cli, name, specs, ("shop-api", "shop-worker", "haproxy"), progress)
    _wait(_checks(second, ("shop-api", "shop-worker")), SHOP_TIMEOUT_S, progress)
    edge = published_url(toxi, EDGE_PORT)
    _wait(_checks(second, ("haproxy",), edge), EDGE_TIMEOUT_S, progress)


def _run_phase(
    cli: DockerClient,
    name: str,
    specs: dict[ServiceName, list[ContainerSpec]],
    services: tuple[ServiceName, ...],
    progress: Progress,
) -> dict[str, list[Container]]:
    """Create and start the services' containers in parallel (none waits for another)."""
    todo = [s for svc in services for s in specs[svc]]
    with ThreadPoolExecutor(max_workers=max(1, len(todo))) as pool:
        boxes = list(pool.map(lambda s: _run(cli, name, s), todo))
    progress(f"started {', '.join(s.name for s in todo)}")
    out: dict[str, list[Container]] = {}
    for spec, box in zip(todo, boxes, strict=True):
        out.setdefault(spec.service, []).append(box)
    return out


def _run(cli: DockerClient, name: str, spec: ContainerSpec) -> Container:
    net = network_name(name)
    box: Container = cli.containers.run(
        spec.image,
        spec.command,
        name=spec.name,
        hostname=f"{spec.service}-{spec.index}",
        detach=True,
        environment=spec.env,
        labels=spec.labels,
        network=net,
        networking_config={net: cli.api.create_endpoint_config(aliases=spec.aliases)},
        ports=spec.ports,
        volumes={vol: {"bind": path, "mode": "rw"} for vol, path in spec.volumes.items()},
        nano_cpus=spec.nano_cpus,
        mem_limit=f"{spec.memory_mb}m",
        log_config=_LOGS,
    )
    box.reload()  # fills in published ports
    return box


def _checks(
    boxes: dict[str, list[Container]], services: tuple[str, ...], edge_url: str | None = None
) -> dict[str, tuple[Container, health.Check]]:
    checks: dict[str, tuple[Container, health.Check]] = {}
    for svc in services:
        for box in boxes[svc]:
            checks[_label(box)] = (box, partial(health.probe_service, box, svc, edge_url))
    return checks


def _wait(
    checks: dict[str, tuple[Container, health.Check]], timeout_s: float, progress: Progress
) -> None:
    started = time.monotonic()
    health.wait_healthy(checks, timeout_s)
    progress(f"healthy: {', '.join(checks)} ({time.monotonic() - started:.1f}s)")


def _label(box: Container) -> str:
    return str(box.name)


@contextmanager
def _removed_on_failure(cli: DockerClient, name: str, progress: Progress) -> Iterator[None]:
    """Any exception, Ctrl-C or SIGTERM inside: remove everything labeled, then re-raise."""
    try:
        yield
    except BaseException as exc:
        what = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        progress(f"stack {name}: {what}; removing everything labeled {LABEL_STACK}={name}")
        with signals_ignored():
            try:
                teardown.remove_all(cli, name)
            except Exception as cleanup_exc:  # keep the original error; say what is left
                progress(f"cleanup incomplete: {cleanup_exc}")
        raise
