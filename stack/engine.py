"""A Docker SDK client, or one clear line telling the user how to get an engine."""

from __future__ import annotations

import docker
from docker.errors import DockerException

from peakdrill.errors import StackError

ENGINE_HINT = "start one with `sudo bash scripts/bootstrap.sh` (or run `python run.py doctor`)"


def client(timeout_s: int = 120) -> docker.DockerClient:
    """Connect to the local engine (DOCKER_HOST honoured) and check that it answers."""
    try:
        cli = docker.from_env(timeout=timeout_s)
        cli.ping()
    except DockerException as exc:
        raise StackError(f"no Docker engine answers ({_short(exc)}); {ENGINE_HINT}") from None
    return cli


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]
