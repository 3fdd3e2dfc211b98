"""Health probes per service, and waiting for a set of containers to become healthy."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from docker.errors import APIError, NotFound

from peakdrill.errors import StackError
from stack.lifecycle import GATEWAY_CONTROL_PORT, TOXIPROXY_API_PORT, published_url

if TYPE_CHECKING:
    from docker.models.containers import Container

POLL_S = 0.25
# Run inside the container so unpublished services can be probed without reaching container IPs.
_EXEC_PROBES: dict[str, list[str]] = {
    "postgres": ["pg_isready", "-q", "-h", "127.0.0.1", "-U", "shop", "-d", "shop"],
    "redis": ["redis-cli", "-h", "127.0.0.1", "ping"],
    "shop-api": [
        "python",
        "-c",
        "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=2)",
    ],
    "shop-worker": ["python", "-m", "stack.shop.worker", "--check"],
}


@dataclass(frozen=True)
class Probe:
    """Outcome of one health probe."""

    healthy: bool
    detail: str = ""


def probe_exec(box: Container, service: str) -> Probe:
    """Probe a service by running its check inside the container (running state if none)."""
    cmd = _EXEC_PROBES.get(service)
    if cmd is None:
        return Probe(True, "running")
    try:
        code, out = box.exec_run(["timeout", "5", *cmd])
    except (APIError, NotFound) as exc:
        return Probe(False, f"exec failed: {str(exc)[:120]}")
    text = (out or b"").decode("utf-8", "replace").strip()
    return Probe(code == 0, text.splitlines()[-1][:200] if text else f"exit {code}")


def probe_http(url: str, timeout_s: float = 2.0) -> Probe:
    """Probe a published HTTP endpoint on 127.0.0.1 (2xx is healthy)."""
    try:
        resp = httpx.get(url, timeout=timeout_s)
    except httpx.HTTPError as exc:
        return Probe(False, f"{type(exc).__name__}: {str(exc)[:120]}")
    return Probe(resp.is_success, f"HTTP {resp.status_code}")


def probe_service(box: Container, service: str, edge_url: str | None = None) -> Probe:
    """A service's probe: its published HTTP health endpoint, else its check run inside.

    HAProxy is probed through the edge (Toxiproxy's `edge` proxy), so it needs `edge_url`.
    """
    if service == "toxiproxy":
        return probe_http(f"{published_url(box, TOXIPROXY_API_PORT)}/version")
    if service == "gateway":
        return probe_http(f"{published_url(box, GATEWAY_CONTROL_PORT)}/healthz")
    if service == "haproxy":
        return probe_http(f"{edge_url}/healthz") if edge_url else Probe(False, "no edge")
    return probe_exec(box, service)


Check = Callable[[], Probe]


def wait_healthy(checks: dict[str, tuple[Container, Check]], timeout_s: float) -> None:
    """Poll until every check passes; fail fast when a container exits, StackError on timeout."""
    pending = dict(checks)
    last: dict[str, Probe] = {}
    deadline = time.monotonic() + timeout_s
    while pending:
        for label, (box, check) in list(pending.items()):
            state = container_state(box)
            if state not in ("running", "created"):
                raise StackError(f"{label} {state} during start-up: {last_logs(box)}")
            last[label] = probe = check() if state == "running" else Probe(False, state)
            if probe.healthy:
                del pending[label]
        if not pending:
            return
        if time.monotonic() > deadline:
            label, (box, _check) = next(iter(pending.items()))
            why = last[label].detail or "not healthy"
            raise StackError(
                f"{label} not healthy after {timeout_s:.0f}s ({why}); last logs: {last_logs(box)}"
            )
        time.sleep(POLL_S)


def container_state(box: Container) -> str:
    """Fresh state of a container (`running`, `exited (1)`, `removed`, ...)."""
    try:
        box.reload()
    except NotFound:
        return "removed"
    st = box.attrs.get("State", {})
    status = str(st.get("Status", "unknown"))
    if status in ("exited", "dead"):
        extra = " OOM-killed" if st.get("OOMKilled") else ""
        return f"{status} (code {st.get('ExitCode')}{extra})"
    return status


def last_logs(box: Container, lines: int = 6) -> str:
    """The container's last log lines joined on one line (for one-line errors)."""
    try:
        raw = box.logs(tail=lines, stdout=True, stderr=True)
    except (APIError, NotFound):
        return "(no logs)"
    text = [ln.strip() for ln in raw.decode("utf-8", "replace").splitlines() if ln.strip()]
    return " | ".join(text)[-900:] or "(no output)"
