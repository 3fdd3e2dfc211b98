"""Python wheels for the images, downloaded on the host (containers cannot reach PyPI)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from peakdrill.errors import StackError
from stack.filelock import locked
from stack.paths import CACHE_DIR

# Debian 12 ships CPython 3.11 and glibc 2.36: every manylinux tag up to 2_34 runs there.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64")
_DONE = ".complete"


def download_args(requirements: Path, dest: Path) -> list[str]:
    """The `pip download` command line for the image's Python and platform."""
    args = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    args += ["--only-binary=:all:", "--python-version", "3.11"]
    args += ["--implementation", "cp", "--abi", "cp311"]
    for plat in PLATFORMS:
        args += ["--platform", plat]
    return [*args, "-d", str(dest), "-r", str(requirements)]


def wheel_dir(requirements: Path) -> Path:
    """Cache folder for one requirements file's content (re-downloaded only when it changes)."""
    key = hashlib.sha256(requirements.read_bytes() + "|".join(PLATFORMS).encode()).hexdigest()
    return CACHE_DIR / "wheels" / key[:16]


def ensure_wheels(requirements: Path, timeout_s: float = 600) -> Path:
    """Download (once) the wheels a requirements file needs; return their folder."""
    dest = wheel_dir(requirements)
    with locked(dest.with_suffix(".lock")):
        if not (dest / _DONE).exists():
            _download(requirements, dest, timeout_s)
    return dest


def _download(requirements: Path, dest: Path, timeout_s: float) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run(
            download_args(requirements, dest), capture_output=True, text=True, timeout=timeout_s
        )
    except subprocess.TimeoutExpired:
        raise StackError(f"pip download for {requirements} timed out after {timeout_s}s") from None
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise StackError(f"pip download for {requirements} failed: {tail[:300]}")
    (dest / _DONE).write_text("ok\n")
