"""The Toxiproxy server binary, built once on the host with Go (no package exists for it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from peakdrill.errors import StackError
from stack.filelock import locked
from stack.paths import CACHE_DIR

VERSION = "2.12.0"
MODULE = "github.com/Shopify/toxiproxy/v2"


def binary_path() -> Path:
    """Where the built binary is cached."""
    return CACHE_DIR / "toxiproxy" / VERSION / "toxiproxy-server"


def build_command() -> list[str]:
    """`go install` of the server, static, with the version stamped in (else /version says git)."""
    ldflags = f"-X {MODULE}.Version={VERSION}"
    return ["go", "install", "-ldflags", ldflags, f"{MODULE}/cmd/server@v{VERSION}"]


def find_go() -> str | None:
    """The Go toolchain on PATH or in its default install folder."""
    fallback = Path("/usr/local/go/bin/go")
    return shutil.which("go") or (str(fallback) if fallback.is_file() else None)


def ensure_binary(timeout_s: float = 900) -> Path:
    """Build the binary unless it is cached; return its path."""
    target = binary_path()
    with locked(target.with_suffix(".lock")):
        if not target.is_file():
            _build(target, timeout_s)
    return target


def _build(target: Path, timeout_s: float) -> None:
    go = find_go()
    if go is None:
        raise StackError("Go is needed to build Toxiproxy once; run `python run.py doctor`")
    gobin = target.parent / "gobin"
    env = {**os.environ, "CGO_ENABLED": "0", "GOBIN": str(gobin)}
    try:
        proc = subprocess.run(
            [go, *build_command()[1:]], env=env, capture_output=True, text=True, timeout=timeout_s
        )
    except subprocess.TimeoutExpired:
        raise StackError(f"building Toxiproxy timed out after {timeout_s}s") from None
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise StackError(f"building Toxiproxy {VERSION} with Go failed: {tail[:300]}")
    (gobin / "server").replace(target)
    shutil.rmtree(gobin, ignore_errors=True)
