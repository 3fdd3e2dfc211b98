"""The shell scripts: the base-image mirror comes from the machine's apt sources."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from stack.paths import REPO

SCRIPT = REPO / "scripts" / "make-base-image.sh"


def _mirror(apt: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "APT_ETC": str(apt)}
    env.pop("PEAKDRILL_DEBIAN_MIRROR", None)
    return subprocess.run(
        ["bash", str(SCRIPT), "--print-mirror"], env=env, capture_output=True, text=True, timeout=30
    )


def test_mirror_from_deb822_sources_skips_security(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\n\n"
        "Types: deb\n# a comment\nSuites: bookworm bookworm-updates\nURIs: http://mirror.example/debian\n"
    )
    proc = _mirror(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "http://mirror.example/debian"


def test_mirror_from_one_line_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text(
        "deb [arch=amd64] http://other.example/x stable main\n"
        "deb http://list.example/debian bookworm main\n"
    )
    assert _mirror(tmp_path).stdout.strip() == "http://list.example/debian"


def test_no_bookworm_source_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text("deb http://x.example/ubuntu jammy main\n")
    proc = _mirror(tmp_path)
    assert proc.returncode == 1
    assert "set PEAKDRILL_DEBIAN_MIRROR" in proc.stderr


def test_scripts_parse() -> None:
    for script in (REPO / "scripts").glob("*.sh"):
        subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)
    subprocess.run(["bash", "-n", str(REPO / ".ci" / "run")], check=True, timeout=30)
