"""The base image every Dockerfile starts FROM: Debian 12 slim, or a locally bootstrapped one."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable

import docker
from docker.errors import DockerException, ImageNotFound
from requests.exceptions import RequestException

from peakdrill.errors import StackError
from stack.paths import REPO

PUBLIC_BASE = "debian:bookworm-slim"
LOCAL_BASE = "peakdrill/base:bookworm"  # made by scripts/make-base-image.sh (debootstrap)
PULL_TIMEOUT_S = 20
MAKE_SCRIPT = REPO / "scripts" / "make-base-image.sh"


def resolve_base(cli: docker.DockerClient, progress: Callable[[str], None]) -> str:
    """Name of a base image that exists locally, pulling or bootstrapping one if needed."""
    wanted = os.environ.get("PEAKDRILL_BASE_IMAGE")
    candidates = [wanted] if wanted else [PUBLIC_BASE, LOCAL_BASE]
    for name in candidates:
        if exists(cli, name):
            return name
    first = candidates[0]
    if _try_pull(first):
        return first
    if wanted:
        raise StackError(f"PEAKDRILL_BASE_IMAGE={wanted}: not present and the pull failed")
    progress(f"no registry answers: bootstrapping {LOCAL_BASE} with debootstrap (~1 min)")
    _make_local_base()
    return LOCAL_BASE


def base_id(cli: docker.DockerClient, name: str) -> str:
    """Image id of the base (part of every image's input hash)."""
    return str(cli.images.get(name).id)


def exists(cli: docker.DockerClient, name: str) -> bool:
    """Whether an image is present locally."""
    try:
        cli.images.get(name)
    except ImageNotFound:
        return False
    return True


def _try_pull(name: str) -> bool:
    # a short timeout: on an offline machine every pull fails, and it must fail fast
    try:
        docker.from_env(timeout=PULL_TIMEOUT_S).images.pull(name)
    except (DockerException, RequestException):
        return False
    return True


def _make_local_base() -> None:
    if os.geteuid() != 0:
        raise StackError(f"no base image and no registry: run `sudo bash {MAKE_SCRIPT}` once")
    proc = subprocess.run(["bash", str(MAKE_SCRIPT)], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise StackError(f"making {LOCAL_BASE} failed: {tail[:300]}")
