"""Python wheels for the images, downloaded on the host (containers cannot reach PyPI)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from peakdrill.errors import StackError
from stack.filelock import locked
from stack.paths import CACHE_DIR

# Debian 12 ships CPython 3.11.2 (markers like python_full_version < "3.11.3" matter) and
# glibc 2.36: every manylinux tag up to 2_34 runs there.
PYTHON_VERSION = "3.11.2"
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64")
# pip evaluates environment markers against the host's Python (3.11.7 here), not
# --python-version: dependencies only 3.11.2 needs must be named explicitly.
IMAGE_PYTHON_EXTRAS = ("async-timeout>=4.0.3",)  # redis: python_full_version < "3.11.3"
_DONE = ".complete"


def download_args(requirements: Path, dest: Path) -> list[str]:
    """The `pip download` command line for the image's Python and platform."""
    args = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    args += ["--only-binary=:all:", "--python-version", PYTHON_VERSION]
    args += ["--implementation", "cp", "--abi", "cp311"]
    for plat in PLATFORMS:
        args += ["--platform", plat]
    return [*args, "-d", str(dest), "-r", str(requirements), *IMAGE_PYTHON_EXTRAS]


def wheel_dir(requirements: Path) -> Path:
    """Cache folder for one requirements file's content (re-downloaded only when it changes)."""
    wanted = [*requirement_lines(requirements), PYTHON_VERSION, *PLATFORMS, *IMAGE_PYTHON_EXTRAS]
    key = hashlib.sha256("|".join(wanted).encode()).hexdigest()
    return CACHE_DIR / "wheels" / key[:16]


def requirement_lines(requirements: Path) -> list[str]:
    """The requirement lines without comments and blanks (so comment edits reuse the cache)."""
    lines = (ln.split("#", 1)[0].strip() for ln in requirements.read_text().splitlines())
    return [ln for ln in lines if ln]


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
