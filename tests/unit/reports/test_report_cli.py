"""report and gate subcommands: exit codes and what they write."""

from __future__ import annotations

import pytest
from reports_helpers import MakeRun, slos_with

from peakdrill import cli


def test_gate_passes_and_writes_junit(
    make_run: MakeRun, capsys: pytest.CaptureFixture[str]
) -> None:
    run = make_run()
    assert cli.main(["gate", str(run)]) == 0
    out = capsys.readouterr().out
    assert "PASS (exit 0)" in out and "orders p99 [steady]" in out
    assert (run / "junit.xml").is_file() and (run / "summary.json").is_file()
    assert not (run / "report.html").exists()


def test_gate_fails_on_broken_objective(make_run: MakeRun) -> None:
    run = make_run(slos=slos_with(**{"steady errors": {"warn": None, "fail": -1}}))
    assert cli.main(["gate", str(run)]) == 1


def test_report_rebuilds_everything(make_run: MakeRun) -> None:
    run = make_run()
    assert cli.main(["report", str(run)]) == 0
    assert (run / "report.html").is_file()
    assert sorted(p.name for p in (run / "charts").iterdir())[:2] == [
        "containers.png",
        "delivery_lag.png",
    ]


def test_gate_on_missing_folder_is_bad_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["gate", str(tmp_path / "absent")]) == 2
