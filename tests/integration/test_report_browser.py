"""report.html and the comparison page render in headless Chromium without console errors.

Chromium's console is captured through --enable-logging=stderr (lines tagged CONSOLE); the pages
carry no scripts, so any console message at all is a failure. A control page with a deliberate
error proves the capture works. Screenshots must not be blank (pixel variance) and must show the
verdict banner's colour at the top.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageStat

from reports.build import build_report
from reports.compare import compare_runs
from reports.synthetic import SynthFault, SynthRun, write_run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]
CONSOLE = re.compile(r"CONSOLE|Uncaught|Failed to load resource|Not allowed to load", re.I)
PASS_GREEN = (0x2B, 0x8A, 0x3E)


def render(page: Path, shot: Path, profile: Path, height: int = 2400) -> list[str]:
    """Screenshot a local page; returns the console lines Chromium logged."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium missing: apt-get install -y chromium (scripts/bootstrap.sh)")
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--window-size=1280,{height}"]
    proc = subprocess.run(
        [*cmd, f"--screenshot={shot}", page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert shot.is_file(), f"no screenshot (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return [line for line in proc.stderr.splitlines() if CONSOLE.search(line)]


def has_colour(shot: Path, rgb: tuple[int, int, int], top_px: int = 400) -> bool:
    """True when the top of the screenshot contains pixels of this colour."""
    img = np.asarray(Image.open(shot).convert("RGB").crop((0, 0, 1280, top_px)), dtype=int)
    return bool(np.all(np.abs(img - np.array(rgb)) <= 6, axis=-1).any())


def variance(shot: Path) -> float:
    """Grey-level variance of the screenshot (0 for a blank page)."""
    return float(ImageStat.Stat(Image.open(shot).convert("L")).var[0])


@pytest.fixture(scope="session")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A report and a comparison page built from synthetic runs."""
    root = tmp_path_factory.mktemp("browser")
    faults = (SynthFault("f1", 15, 8, tail_s=4),)
    a = write_run(root / "a", SynthRun(duration_s=40, rate_per_s=60, faults=faults))
    b = write_run(
        root / "b",
        SynthRun(duration_s=40, rate_per_s=60, faults=faults, config_name="scaled", seed=3),
    )
    assert build_report(a) == 0
    return {"report": a / "report.html", "compare": compare_runs([a, b], root / "cmp")}


@pytest.mark.parametrize("name", ["report", "compare"])
def test_page_renders_clean(pages: dict[str, Path], name: str, tmp_path: Path) -> None:
    page = pages[name]
    html = page.read_text()
    # self-contained: every image is a data: URI, nothing is fetched
    assert not re.search(r'(?:src|href)="(?!data:)', html)
    shot = tmp_path / f"{name}.png"
    console = render(page, shot, tmp_path / "profile")
    assert console == []
    assert variance(shot) > 100.0
    assert has_colour(shot, PASS_GREEN)


def test_console_capture_catches_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><h1>x</h1><script>missingFunction();</script></body></html>")
    console = render(bad, tmp_path / "bad.png", tmp_path / "profile", height=600)
    assert any("Uncaught ReferenceError" in line for line in console)
