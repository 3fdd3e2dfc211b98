"""Build contexts and the input hash that decides whether an image is rebuilt."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from stack import images, toxibin, wheels
from stack.images import ContextFile, context_files, context_tar, inputs_hash


@pytest.fixture
def fake_wheels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Wheels and the toxiproxy binary come from a temp folder: no pip, no Go, no network."""
    (tmp_path / "fastapi-1.0-py3-none-any.whl").write_bytes(b"wheel")
    binary = tmp_path / "toxiproxy-server"
    binary.write_bytes(b"\x7fELF")
    monkeypatch.setattr(wheels, "ensure_wheels", lambda _req: tmp_path)
    monkeypatch.setattr(toxibin, "ensure_binary", lambda: binary)
    return tmp_path


def test_shop_context_has_its_sources_but_not_the_orchestration(fake_wheels: Path) -> None:
    names = {f.arcname for f in context_files("shop")}
    assert {"Dockerfile", "requirements.txt", "src/stack/__init__.py"} <= names
    assert "wheels/fastapi-1.0-py3-none-any.whl" in names
    assert any(n.startswith("src/stack/shop/") for n in names)
    assert not any(n.startswith(("src/stack/lifecycle", "src/stack/images")) for n in names)
    assert not any("__pycache__" in n for n in names)


def test_gateway_context_has_the_fake_gateway(fake_wheels: Path) -> None:
    names = {f.arcname for f in context_files("gateway")}
    assert "src/fakes/__init__.py" in names
    assert "src/peakdrill/yamlconfig.py" in names  # it validates with the core's StrictModel
    assert not any(n.startswith("src/stack/") for n in names)


def test_toxiproxy_context_carries_the_binary(fake_wheels: Path) -> None:
    names = [f.arcname for f in context_files("toxiproxy")]
    assert names == ["Dockerfile", "toxiproxy-server"]


def test_every_image_has_a_dockerfile_with_a_base_arg() -> None:
    for image in images.IMAGES:
        text = (images.IMAGES_DIR / image / "Dockerfile").read_text()
        assert "ARG BASE_IMAGE=debian:bookworm-slim" in text
        assert "FROM ${BASE_IMAGE}" in text


def test_hash_changes_with_content_base_and_artifact_size(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("one")
    art = tmp_path / "big.whl"
    art.write_bytes(b"12345")
    files = [ContextFile("a.txt", src), ContextFile("wheels/big.whl", art, artifact=True)]
    first = inputs_hash(files, "base@1")
    assert inputs_hash(files, "base@1") == first
    assert inputs_hash(files, "base@2") != first
    src.write_text("two")
    second = inputs_hash(files, "base@1")
    assert second != first
    art.write_bytes(b"123456")
    assert inputs_hash(files, "base@1") != second


def test_context_tar_holds_the_files_under_their_names(tmp_path: Path) -> None:
    src = tmp_path / "entry.sh"
    src.write_text("#!/bin/sh\n")
    src.chmod(0o755)
    with tarfile.open(fileobj=context_tar([ContextFile("bin/entry.sh", src)])) as tar:
        member = tar.getmember("bin/entry.sh")
        assert member.mode & 0o111
        fh = tar.extractfile(member)
        assert fh is not None and fh.read() == b"#!/bin/sh\n"
