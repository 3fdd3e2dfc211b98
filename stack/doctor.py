"""`doctor`: what this machine lacks to run a stack, and how to fix each thing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peakdrill.errors import StackError
from stack import baseimage, engine, toxibin
from stack.paths import REPO

MIN_FREE_GIB = 5.0
BOOTSTRAP = "sudo bash scripts/bootstrap.sh"


@dataclass(frozen=True)
class Finding:
    """One check: passed or not, what was seen, and how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks() -> list[Finding]:
    """Every check, independent of each other (one failing does not hide the others)."""
    checks: list[Callable[[], Finding]] = [
        check_python,
        check_engine,
        check_go,
        check_disk,
        check_base_image,
    ]
    return [c() for c in checks]


def check_python() -> Finding:
    """Python 3.11 runs the harness (the images use Debian 12's 3.11 too)."""
    v = sys.version_info
    ok = (v.major, v.minor) == (3, 11)
    fix = "" if ok else "create the venv with python3.11: bash scripts/bootstrap.sh"
    return Finding("python", ok, f"{v.major}.{v.minor}.{v.micro} ({sys.executable})", fix)


def check_engine() -> Finding:
    """A Docker engine answers (the stack runs in containers)."""
    try:
        version = engine.client(timeout_s=10).version().get("Version", "?")
    except StackError as exc:
        return Finding(
            "docker engine", False, str(exc), f"{BOOTSTRAP} (installs docker.io, starts dockerd)"
        )
    return Finding("docker engine", True, f"Docker {version}")


def check_go() -> Finding:
    """Go ≥ 1.23 builds Toxiproxy once (not needed when the binary is cached)."""
    if toxibin.binary_path().is_file():
        return Finding("go (toxiproxy)", True, f"toxiproxy {toxibin.VERSION} already built")
    go = toxibin.find_go()
    if go is None:
        return Finding("go (toxiproxy)", False, "Go not found", _GO_FIX)
    out = subprocess.run([go, "version"], capture_output=True, text=True, timeout=30).stdout
    m = re.search(r"go(\d+)\.(\d+)", out)
    ok = m is not None and (int(m.group(1)), int(m.group(2))) >= (1, 23)
    return Finding("go (toxiproxy)", ok, out.strip() or go, "" if ok else _GO_FIX)


_GO_FIX = "install Go >= 1.23 from https://go.dev/dl/ (Debian 12's golang is too old)"


def check_disk() -> Finding:
    """Free space for images and caches (about 2 GiB of images, plus build layers)."""
    paths = [REPO, Path("/var/lib/docker")]
    free = min(shutil.disk_usage(p).free for p in paths if p.exists()) / 2**30
    ok = free >= MIN_FREE_GIB
    fix = "" if ok else f"free disk space (need {MIN_FREE_GIB:.0f} GiB; try `docker image prune`)"
    return Finding("disk", ok, f"{free:.1f} GiB free", fix)


def check_base_image() -> Finding:
    """A base image exists locally, or can be bootstrapped with debootstrap."""
    try:
        cli = engine.client(timeout_s=10)
    except StackError:
        return Finding("base image", False, "no engine to ask", "fix the docker engine first")
    for name in (baseimage.PUBLIC_BASE, baseimage.LOCAL_BASE):
        if baseimage.exists(cli, name):
            return Finding("base image", True, f"{name} present")
    if shutil.which("debootstrap"):
        return Finding("base image", True, "missing; will be made with debootstrap on first up")
    return Finding("base image", False, "no base image, no debootstrap", BOOTSTRAP)


def render(findings: list[Finding]) -> str:
    """A small table: mark, check, detail, and the fix under each failed check."""
    lines = []
    for f in findings:
        lines.append(f"{'ok' if f.ok else 'MISSING':<7} {f.name:<16} {f.detail}")
        if f.fix:
            lines.append(f"{'':20}fix: {f.fix}")
    return "\n".join(lines)
