"""`run.py audit --snapshot`, and run_audit writing into a run folder."""

import json
from pathlib import Path

import pytest
from audit_snapshots import fresh, order

import reports.audit.collect as collect
from peakdrill.cli import main
from peakdrill.runfolder import RunFolder
from reports.audit import run_audit


def test_cli_passes_on_a_consistent_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(fresh()))
    assert main(["audit", "--snapshot", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count("PASS") == 8 and "all invariants hold" in out


def test_cli_fails_and_names_the_double_delivery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = fresh()
    order(snap, "E")["delivered_key_ids"] = [6, 6]
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snap))
    assert main(["audit", "--snapshot", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    bad = next(i for i in data["invariants"] if i["name"] == "no_double_delivery")
    assert data["valid"] is False and bad["valid"] is False
    assert any(e.get("key_id") == 6 and e.get("order_nos") == ["E", "E"] for e in bad["evidence"])


def test_cli_bad_snapshot_file_is_bad_input(tmp_path: Path) -> None:
    assert main(["audit", "--snapshot", str(tmp_path / "missing.json")]) == 2
    (tmp_path / "x.json").write_text("[1, 2]")
    assert main(["audit", "--snapshot", str(tmp_path / "x.json")]) == 2


def test_run_audit_writes_snapshot_and_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # collection needs a stack (integration-tested); here only the run-folder side is checked
    monkeypatch.setattr(collect, "collect_snapshot", lambda name: fresh())
    folder = RunFolder(tmp_path / "run").create()
    result = run_audit("unit", folder)
    assert result.valid
    assert json.loads(folder.audit_snapshot.read_text()) == fresh()
    assert json.loads(folder.audit.read_text()) == result.to_json()


def test_parse_dump_takes_the_json_line() -> None:
    assert collect.parse_dump('warning: x\n{"orders": []}\n') == {"orders": []}
