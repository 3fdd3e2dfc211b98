"""Host-side inputs: the pip download line for wheels, the Go line for Toxiproxy."""

from __future__ import annotations

from pathlib import Path

from stack import toxibin, wheels


def test_pip_download_targets_debian_python_and_manylinux(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    args = wheels.download_args(req, tmp_path / "out")
    joined = " ".join(args)
    assert "download" in args and "--only-binary=:all:" in args
    assert "--python-version 3.11.2" in joined
    assert "--platform manylinux2014_x86_64" in joined
    assert args[-2:] != ["-r", str(req)]  # extras for Debian's 3.11.2 markers come last
    assert "async-timeout>=4.0.3" in args


def test_wheel_cache_key_ignores_comments_but_not_pins(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("fastapi==1.0\n")
    first = wheels.wheel_dir(req)
    req.write_text("# a comment\nfastapi==1.0  # why\n\n")
    assert wheels.wheel_dir(req) == first
    req.write_text("fastapi==1.1\n")
    assert wheels.wheel_dir(req) != first


def test_toxiproxy_is_built_with_its_version_stamped() -> None:
    cmd = toxibin.build_command()
    assert cmd[:2] == ["go", "install"]
    assert "-X github.com/Shopify/toxiproxy/v2.Version=2.12.0" in cmd
    assert cmd[-1] == "github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0"
    assert toxibin.binary_path().name == "toxiproxy-server"
