"""`stack` and `doctor` commands: bad input exits 2 before anything is started."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from peakdrill.cli import main
from stack import doctor, lifecycle


@pytest.fixture
def no_docker(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record any attempt to start a stack (there must be none on bad input)."""
    started: list[Any] = []
    monkeypatch.setattr(lifecycle, "up", lambda *a, **k: started.append(a))
    return started


def test_bad_config_exits_2_with_file_and_field(
    tmp_path: Path, no_docker: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nshop:\n  db_pool_size: 0\n")
    assert main(["stack", "up", "--config", str(bad), "--stack", "pdtest-x"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: shop.db_pool_size: " in err
    assert no_docker == []


def test_unknown_config_name_exits_2(
    no_docker: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stack", "up", "--config", "nosuchconfig"]) == 2
    assert "nosuchconfig.yaml: file not found" in capsys.readouterr().err
    assert no_docker == []


def test_bad_stack_name_exits_2(no_docker: list[Any]) -> None:
    assert main(["stack", "up", "--stack", "Bad_Name"]) == 2
    assert main(["stack", "down", "--stack", "Bad_Name"]) == 2
    assert no_docker == []


def test_up_prints_endpoints(
    no_docker: list[Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from stack.endpoints import StackEndpoints

    eps = StackEndpoints(
        "pdtest-y",
        "http://127.0.0.1:1",
        "http://127.0.0.1:2",
        "http://127.0.0.1:3",
        "http://127.0.0.1:4",
    )
    monkeypatch.setattr(lifecycle, "up", lambda config, name, progress, seed: eps)
    assert main(["stack", "up", "--config", "scaled", "--stack", "pdtest-y"]) == 0
    out = capsys.readouterr().out
    assert "stack pdtest-y is up (config scaled)" in out
    assert "edge_url             http://127.0.0.1:1" in out


def test_doctor_exit_code_and_fix_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = [
        doctor.Finding(
            "docker engine", False, "no Docker engine answers", "sudo bash scripts/bootstrap.sh"
        ),
        doctor.Finding("disk", True, "70 GiB free"),
    ]
    monkeypatch.setattr(doctor, "run_checks", lambda: findings)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "MISSING docker engine" in out and "fix: sudo bash scripts/bootstrap.sh" in out
    monkeypatch.setattr(doctor, "run_checks", lambda: findings[1:])
    assert main(["doctor"]) == 0


def test_doctor_disk_check_flags_low_space(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "MIN_FREE_GIB", 1e9)
    finding = doctor.check_disk()
    assert not finding.ok and "free disk space" in finding.fix
