"""What is running in a stack right now: services, replicas, health, published endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stack import health
from stack.lifecycle import EDGE_PORT, published_url
from stack.names import LABEL_REPLICA, LABEL_SERVICE

if TYPE_CHECKING:
    from docker.models.containers import Container


@dataclass(frozen=True)
class ServiceRow:
    """One container's line in `stack status`."""

    service: str
    container: str
    state: str
    health: str
    published: str


def rows(boxes: list[Container]) -> list[ServiceRow]:
    """Probe every container now and describe it (stopped ones included)."""
    edge = _edge_url(boxes)
    out = []
    for box in sorted(boxes, key=_order):
        svc = box.labels.get(LABEL_SERVICE, "?")
        state = health.container_state(box)
        verdict = (
            health.probe_service(box, svc, edge)
            if state == "running"
            else health.Probe(False, state)
        )
        ports = _published(box)
        mark = "healthy" if verdict.healthy else f"unhealthy: {verdict.detail}"
        out.append(ServiceRow(svc, str(box.name), state, mark, ports))
    return out


def _edge_url(boxes: list[Container]) -> str | None:
    for box in boxes:
        if box.labels.get(LABEL_SERVICE) == "toxiproxy" and box.status == "running":
            return published_url(box, EDGE_PORT)
    return None


def _published(box: Container) -> str:
    ports = (box.attrs.get("NetworkSettings", {}).get("Ports") or {}).items()
    shown = [f"{b['HostIp']}:{b['HostPort']}->{p}" for p, binds in ports for b in (binds or [])]
    return " ".join(shown)


_SERVICE_ORDER = ("postgres", "redis", "gateway", "toxiproxy", "shop-api", "shop-worker", "haproxy")


def _order(box: Container) -> tuple[int, int]:
    svc = box.labels.get(LABEL_SERVICE, "")
    rank = _SERVICE_ORDER.index(svc) if svc in _SERVICE_ORDER else len(_SERVICE_ORDER)
    return rank, int(box.labels.get(LABEL_REPLICA, "0"))
