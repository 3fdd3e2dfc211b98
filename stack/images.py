"""Build the stack's images from stack/images/<image>/, only when their inputs changed."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import docker
from docker.errors import BuildError, ImageNotFound

from peakdrill.errors import StackError
from stack import baseimage, engine, toxibin, wheels
from stack.names import LABEL_INPUTS, image_name
from stack.paths import IMAGES_DIR, REPO

IMAGES = ("postgres", "redis", "haproxy", "toxiproxy", "gateway", "shop")
# Python sources copied into an image: the shop must not get the rest of stack/ (docker SDK).
SOURCES: dict[str, tuple[str, ...]] = {
    "shop": ("stack/__init__.py", "stack/shop"),
    "gateway": (
        "fakes/__init__.py",
        "fakes/payment_gateway",
        # the gateway validates with peakdrill's StrictModel and one-line errors
        "peakdrill/__init__.py",
        "peakdrill/errors.py",
        "peakdrill/yamlconfig.py",
    ),
}
# the cold benchmark builds without the layer cache; nothing else should
NO_CACHE = os.environ.get("PEAKDRILL_BUILD_NOCACHE") == "1"
_SKIP_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache"}


@dataclass(frozen=True)
class ContextFile:
    """One file of a build context."""

    arcname: str
    path: Path
    artifact: bool = False  # a versioned cached download/build: hashed by name and size


def context_files(image: str) -> list[ContextFile]:
    """Every file of an image's build context (Dockerfile folder, sources, wheels, binaries)."""
    folder = IMAGES_DIR / image
    files = [ContextFile(p.relative_to(folder).as_posix(), p) for p in _walk(folder)]
    for src in SOURCES.get(image, ()):
        root = REPO / src
        for p in [root] if root.is_file() else _walk(root):
            files.append(ContextFile("src/" + p.relative_to(REPO).as_posix(), p))
    req = folder / "requirements.txt"
    if image in SOURCES and req.is_file():
        for whl in sorted(wheels.ensure_wheels(req).glob("*.whl")):
            files.append(ContextFile(f"wheels/{whl.name}", whl, artifact=True))
    if image == "toxiproxy":
        files.append(ContextFile("toxiproxy-server", toxibin.ensure_binary(), artifact=True))
    return sorted(files, key=lambda f: f.arcname)


def inputs_hash(files: list[ContextFile], base: str) -> str:
    """Content hash of the build inputs and the base image id (stored as an image label)."""
    h = hashlib.sha256(base.encode())
    for f in files:
        h.update(f.arcname.encode() + b"\0")
        if f.artifact:
            h.update(str(f.path.stat().st_size).encode())
        else:
            h.update(f.path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:32]


def context_tar(files: list[ContextFile]) -> io.BytesIO:
    """The build context as an in-memory tar stream (sent to the engine's classic builder)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for f in files:
            info = tar.gettarinfo(str(f.path), arcname=f.arcname)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            with f.path.open("rb") as fh:
                tar.addfile(info, fh)
    buf.seek(0)
    return buf


Progress = Callable[[str], None]


def ensure_images(progress: Progress, only: tuple[str, ...] = IMAGES) -> list[str]:
    """Build every image whose inputs changed (in parallel); return the tags built."""
    cli = engine.client()
    base = baseimage.resolve_base(cli, progress)
    base_key = f"{base}@{baseimage.base_id(cli, base)}"
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = pool.map(lambda img: _ensure_one(img, base, base_key, progress), only)
        return [tag for tag in done if tag]


def _ensure_one(image: str, base: str, base_key: str, progress: Progress) -> str | None:
    tag = image_name(image)
    files = context_files(image)
    digest = inputs_hash(files, base_key)
    cli = engine.client(timeout_s=1800)
    if _current_label(cli, tag) == digest:
        return None
    progress(f"image {tag}: building (inputs changed or image missing)")
    started = time.monotonic()
    try:
        cli.images.build(
            fileobj=context_tar(files),
            custom_context=True,
            tag=tag,
            buildargs={"BASE_IMAGE": base},
            labels={LABEL_INPUTS: digest},
            rm=True,
            forcerm=True,
            pull=False,
            nocache=NO_CACHE,
        )
    except BuildError as exc:
        raise StackError(f"image {tag}: build failed: {_build_tail(exc)}") from None
    progress(f"image {tag}: built in {time.monotonic() - started:.1f}s")
    return tag


def _current_label(cli: docker.DockerClient, tag: str) -> str | None:
    try:
        return cli.images.get(tag).labels.get(LABEL_INPUTS)
    except ImageNotFound:
        return None


def _build_tail(exc: BuildError) -> str:
    chunks = [str(c.get("stream", "")) for c in exc.build_log if isinstance(c, dict)]
    lines = [ln.strip() for ch in chunks for ln in ch.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("INFO:")]
    return " | ".join([*lines[-4:], str(exc.msg)])[-600:]


def _walk(root: Path) -> Iterator[Path]:
    for p in sorted(root.rglob("*")):
        if p.is_file() and not (_SKIP_PARTS & set(p.parts)) and p.suffix != ".pyc":
            yield p
