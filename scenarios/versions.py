"""Versions recorded in meta.json: python, locust, docker engine, toxiproxy, git sha."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from docker import DockerClient

REPO = Path(__file__).resolve().parent.parent


def git_sha() -> str:
    """HEAD's sha, with `-dirty` when the tree has changes ("unknown" outside git)."""
    try:
        sha = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + ("-dirty" if dirty else "")


def _git(*args: str) -> str:
    out = subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=True
    )
    return out.stdout.strip()


def collect(docker: DockerClient | None, toxiproxy_url: str | None) -> dict[str, str]:
    """Every version we can learn; a part we cannot reach says why instead."""
    # never import locust here: it monkey-patches the whole process with gevent
    out = {"python": platform.python_version(), "locust": _dist("locust"), "git": git_sha()}
    try:
        out["docker_engine"] = str(docker.version()["Version"]) if docker else "n/a"
    except Exception as exc:
        out["docker_engine"] = f"unknown ({type(exc).__name__})"
    try:
        out["toxiproxy"] = _toxiproxy(toxiproxy_url) if toxiproxy_url else "n/a"
    except httpx.HTTPError as exc:
        out["toxiproxy"] = f"unknown ({type(exc).__name__})"
    return out


def _dist(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _toxiproxy(url: str) -> str:
    r = httpx.get(f"{url}/version", timeout=5.0)
    r.raise_for_status()
    text = r.text.strip()
    if text.startswith("{"):
        return str(r.json().get("version", text))
    return text
