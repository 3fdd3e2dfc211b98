"""The verdict and exit codes of a built report, judged on synthetic runs with known data."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from reports_helpers import MakeRun, slos_with

from reports.build import build_report
from reports.synthetic import SynthFault, ok_audit


def junit_cases(run: Path) -> dict[str, ET.Element]:
    root = ET.parse(run / "junit.xml").getroot()
    return {c.get("name", ""): c for c in root.iter("testcase")}


def summary(run: Path) -> dict[str, Any]:
    return dict(json.loads((run / "summary.json").read_text()))


def objective(run: Path, test_name: str) -> dict[str, Any]:
    for o in summary(run)["objectives"]:
        if f"{o['name']} [{o['instance']}]" == test_name:
            return dict(o)
    raise AssertionError(f"{test_name} not in summary.json")


def test_run_meeting_its_slos_passes(make_run: MakeRun) -> None:
    run = make_run()
    assert build_report(run) == 0
    s = summary(run)
    assert s["verdict"] == "PASS" and s["reasons"] == []
    assert {o["status"] for o in s["objectives"]} == {"pass"}
    cases = junit_cases(run)
    assert "orders p99 [steady]" in cases and "recovers [recovery f1]" in cases
    assert all(c.find("failure") is None and c.find("error") is None for c in cases.values())
    html = (run / "report.html").read_text()
    assert ">PASS<" in html and "data:image/png;base64," in html


def test_broken_latency_objective_fails(make_run: MakeRun) -> None:
    # POST /api/orders has a 45 ms median: a 60 ms p99 fail band must be crossed
    run = make_run(slos=slos_with(**{"orders p99": {"warn": 50, "fail": 60}}))
    assert build_report(run) == 1
    case = junit_cases(run)["orders p99 [steady]"]
    failure = case.find("failure")
    assert failure is not None and "latency_p99_ms" in failure.get("message", "")
    assert objective(run, "orders p99 [steady]")["status"] == "fail"
    html = (run / "report.html").read_text()
    assert ">FAIL<" in html and "orders p99 [steady]" in html
    failed = {n for n, c in junit_cases(run).items() if c.find("failure") is not None}
    # a steady target that never holds also means the run never recovers from f1
    assert failed == {"orders p99 [steady]", "recovers [recovery f1]"}


def test_warn_band_warns_but_exits_zero(make_run: MakeRun) -> None:
    run = make_run(slos=slos_with(**{"orders p99": {"warn": 60, "fail": 5000}}))
    assert build_report(run) == 0
    assert summary(run)["verdict"] == "WARN"
    assert objective(run, "orders p99 [steady]")["status"] == "warn"


def test_objective_on_unmeasured_endpoint_is_invalid(make_run: MakeRun) -> None:
    extra = {"name": "refunds p99", "metric": "latency_p99_ms", "endpoint": "POST /api/refunds",
             "phase": "steady", "fail": 100}  # fmt: skip
    slos = slos_with()
    slos["objectives"].append(extra)
    run = make_run(slos=slos)
    assert build_report(run) == 3
    error = junit_cases(run)["refunds p99 [steady]"].find("error")
    assert error is not None and "POST /api/refunds" in error.get("message", "")
    assert summary(run)["verdict"] == "INVALID"


def test_fault_objective_in_a_run_without_faults_is_invalid(make_run: MakeRun) -> None:
    run = make_run(faults=(), slos=slos_with(recovers=None))
    assert build_report(run) == 3
    assert objective(run, "fault p99 [fault]")["status"] == "unmeasured"


def test_invalid_reasons_in_meta_make_the_run_invalid(make_run: MakeRun) -> None:
    run = make_run(invalid_reasons=["load generator saturated (cpu 97 %)"])
    assert build_report(run) == 3
    s = summary(run)
    assert "load generator saturated (cpu 97 %)" in s["invalid_reasons"]
    err = junit_cases(run)["run is valid"].find("error")
    assert err is not None and "saturated" in err.get("message", "")


def test_run_without_samples_is_invalid(make_run: MakeRun) -> None:
    run = make_run()
    (run / "metrics" / "latency.jsonl").write_text("")
    assert build_report(run) == 3
    assert any("no request samples" in r for r in summary(run)["invalid_reasons"])


def test_missing_audit_with_integrity_objective_is_invalid(make_run: MakeRun) -> None:
    run = make_run(audit=None)
    assert build_report(run) == 3
    assert objective(run, "no integrity violations [whole]")["status"] == "unmeasured"


def test_unknown_invariant_with_integrity_objective_is_invalid(make_run: MakeRun) -> None:
    audit = ok_audit()
    audit["invariants"][1]["valid"] = None
    run = make_run(audit=audit)
    assert build_report(run) == 3
    assert junit_cases(run)["paid_has_keys"].find("skipped") is not None


def test_violated_invariant_fails_with_evidence(make_run: MakeRun) -> None:
    audit = ok_audit()
    audit["valid"] = False
    evidence = [{"key_id": 811, "orders": ["PD-1", "PD-7"]}]
    audit["invariants"][2] = {"name": "no_double_delivery", "valid": False, "evidence": evidence}
    run = make_run(audit=audit, slos=slos_with(**{"no integrity violations": None}))
    assert build_report(run) == 1
    failure = junit_cases(run)["no_double_delivery"].find("failure")
    assert failure is not None and "PD-7" in (failure.text or "")
    assert "PD-7" in (run / "report.html").read_text()


def test_missing_load_end_is_invalid(make_run: MakeRun) -> None:
    run = make_run()
    journal = run / "journal.jsonl"
    lines = [x for x in journal.read_text().splitlines() if '"load_end"' not in x]
    journal.write_text("\n".join(lines) + "\n")
    assert build_report(run) == 3
    assert any("load_end" in r for r in summary(run)["invalid_reasons"])


def test_no_slos_at_all_is_invalid(make_run: MakeRun) -> None:
    run = make_run(slos=None)
    assert build_report(run) == 3
    assert any("no SLO objectives" in r for r in summary(run)["reasons"])


def test_slow_recovery_fails_recovery_objective(make_run: MakeRun) -> None:
    # the slowdown decays over 14 s after the fault: recovery takes longer than 3 s
    fault = SynthFault("f1", 10, 6, tail_s=14)
    run = make_run(faults=(fault,), slos=slos_with(recovers={"fail": 3}))
    assert build_report(run) == 1
    rec = objective(run, "recovers [recovery f1]")
    assert rec["status"] == "fail" and rec["value"] > 3
