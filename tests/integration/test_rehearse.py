"""`rehearse` end to end on a real stack: faults visible in the recorded histograms.

One rehearsal (tests/integration/rehearse_scenarios/edge_faults.yaml) serves several tests:
a 200 ms edge latency window, a 2 s edge black hole, and a shop-api replica killed mid-run.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from peakdrill import hdr
from peakdrill.journal import read_journal
from peakdrill.runfolder import RunFolder
from stack import lifecycle
from tests.integration.conftest import assert_no_leftovers, unique_stack_name

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).parent / "rehearse_scenarios"
BROWSER = ("GET /api/products", "GET /api/products/{id}")


@dataclass(frozen=True)
class Rehearsal:
    """A finished rehearsal: its folder, exit code and output."""

    folder: RunFolder
    code: int
    stdout: str
    stderr: str
    stack: str

    def events(self) -> list[dict[str, Any]]:
        return list(read_journal(self.folder.journal))

    def rows(self) -> list[dict[str, Any]]:
        return [json.loads(x) for x in self.folder.latency.read_text().splitlines()]

    def fault(self, fid: str, kind: str) -> float:
        return next(float(e["t"]) for e in self.events() if e["kind"] == kind and e["id"] == fid)

    def phase(self, name: str) -> float:
        return next(float(e["t"]) for e in self.events() if e.get("name") == name)


def _rehearse(scenario: str, out: Path, stack: str, timeout_s: float) -> Rehearsal:
    cmd = [sys.executable, "run.py", "rehearse", str(SCENARIOS / scenario)]
    cmd += ["--out", str(out), "--stack", stack]
    try:
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout_s)
    finally:
        lifecycle.down(stack)  # whatever happened: nothing labeled stays behind
    return Rehearsal(RunFolder(out), done.returncode, done.stdout, done.stderr, stack)


@pytest.fixture(scope="module")
def edge_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rehearsal]:
    out = tmp_path_factory.mktemp("rehearse") / "edge_faults"
    yield _rehearse("edge_faults.yaml", out, unique_stack_name("load"), 560)


def _merged(rows: list[dict[str, Any]], lo: float, hi: float, names: tuple[str, ...]) -> Any:
    texts = [r["hdr"] for r in rows if lo <= r["t"] < hi and r["name"] in names]
    assert texts, f"no samples of {names} in [{lo}, {hi})"
    return hdr.merge(texts)


@pytest.mark.timeout(600)
def test_rehearsal_completes_and_leaves_nothing(edge_run: Rehearsal) -> None:
    assert edge_run.code in (0, 1), edge_run.stderr[-2000:]
    assert edge_run.stdout.strip().splitlines() == [str(edge_run.folder.root)]
    for path in (
        edge_run.folder.meta,
        edge_run.folder.scenario,
        edge_run.folder.stack_config,
        edge_run.folder.arrivals,
        edge_run.folder.generator,
        edge_run.folder.containers,
        edge_run.folder.audit,
        edge_run.folder.summary,
        edge_run.folder.report_html,
    ):
        assert path.is_file(), f"{path.name} missing"
    meta = edge_run.folder.read_meta()
    assert meta["invalid_reasons"] == []
    assert meta["load"]["started"] == meta["load"]["scheduled"] > 600
    assert {"python", "locust", "docker_engine", "toxiproxy", "git"} <= set(meta["versions"])
    names = [e["name"] for e in edge_run.events() if e["kind"] == "phase"]
    assert names == [
        "stack_up",
        "seeded",
        "load_start",
        "load_end",
        "healed",
        "settle_start",
        "settle_end",
        "audit",
        "stack_down",
    ]
    containers = [json.loads(x) for x in edge_run.folder.containers.read_text().splitlines()]
    assert {"shop-api", "postgres", "haproxy"} <= {c["service"] for c in containers}
    assert_no_leftovers(edge_run.stack)


@pytest.mark.timeout(600)
def test_edge_latency_raises_p50_by_its_amount(edge_run: Rehearsal) -> None:
    rows = edge_run.rows()
    start = edge_run.fault("edge-latency", "fault_start")
    stop = edge_run.fault("edge-latency", "fault_stop")
    load = edge_run.phase("load_start")
    steady = _merged(rows, load + 2, start - 1, BROWSER).get_value_at_percentile(50) / 1000
    slowed = _merged(rows, start + 1, stop - 1, BROWSER).get_value_at_percentile(50) / 1000
    assert slowed - steady == pytest.approx(200, rel=0.05), (steady, slowed)


@pytest.mark.timeout(600)
def test_black_hole_shows_in_its_window_p99(edge_run: Rehearsal) -> None:
    rows = edge_run.rows()
    start = edge_run.fault("black-hole", "fault_start")
    stop = edge_run.fault("black-hole", "fault_stop")
    assert 1.8 <= stop - start <= 3.0
    hole = _merged(rows, int(start), stop, BROWSER)
    assert hole.get_value_at_percentile(99) / 1000 >= 1500
    # the open model kept sending into the hole: every scheduled arrival started
    arrivals = [json.loads(x) for x in edge_run.folder.arrivals.read_text().splitlines()]
    window = [a for a in arrivals if int(start) <= a["t"] < stop]
    assert sum(a["started"] for a in window) == sum(a["scheduled"] for a in window) >= 20


@pytest.mark.timeout(600)
def test_killed_replica_is_journaled_and_the_stack_recovers(edge_run: Rehearsal) -> None:
    events = edge_run.events()
    kill = next(e for e in events if e["kind"] == "fault_start" and e["id"] == "kill-api")
    assert kill["fault"] == "kill" and kill["target"] == "shop-api[1]"
    api = [e for e in events if e["kind"] == "container" and e.get("service") == "shop-api"]
    after = [e for e in api if e["t"] >= kill["t"] - 1]
    died = next(e["t"] for e in after if e["action"] in ("die", "killed"))
    assert any(e["action"] in ("start", "started") and e["t"] >= died for e in after), after
    # recovered: the last seconds of load are served without errors
    end = edge_run.phase("load_end")
    tail = [r for r in edge_run.rows() if end - 8 <= r["t"] < end - 1 and r["kind"] == "request"]
    assert sum(r["count"] for r in tail) > 50
    assert sum(r["errors"] for r in tail) == 0


@pytest.mark.timeout(600)
def test_sigint_heals_faults_and_removes_the_stack(tmp_path: Path) -> None:
    stack = unique_stack_name("load")
    out = tmp_path / "interrupt"
    cmd = [sys.executable, "run.py", "rehearse", str(SCENARIOS / "interrupt.yaml")]
    cmd += ["--out", str(out), "--stack", stack]
    log = (tmp_path / "rehearse.log").open("w")
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for(lambda: _fault_on(RunFolder(out), "long-latency"), proc, 400)
        proc.send_signal(signal.SIGINT)  # as Ctrl-C would
        code = proc.wait(timeout=150)
        assert code == 130, (tmp_path / "rehearse.log").read_text()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
        lifecycle.down(stack)
    events = list(read_journal(RunFolder(out).journal))
    stops = [e for e in events if e["kind"] == "fault_stop" and e["id"] == "long-latency"]
    assert stops, "the active fault was not healed"
    assert any(e.get("name") == "stack_down" for e in events)
    assert RunFolder(out).read_meta()["interrupted"] is True
    assert_no_leftovers(stack)


def _fault_on(folder: RunFolder, fid: str) -> bool:
    if not folder.journal.is_file():
        return False
    return any(
        e["kind"] == "fault_start" and e.get("id") == fid for e in read_journal(folder.journal)
    )


def _wait_for(cond: Any, proc: subprocess.Popen[str], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not cond():
        assert proc.poll() is None, "rehearse ended before the fault started"
        assert time.monotonic() < deadline, "fault never started"
        time.sleep(0.5)
