"""The open-model generator against a tiny local HTTP server (127.0.0.1, no Docker).

The server stalls every response during a window; an open-model generator keeps sending on
schedule and the stall shows in that window's p99 (no coordinated omission).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from peakdrill import hdr
from scenarios.openmodel.plan import LoadPlan
from scenarios.openmodel.schedule import build_schedule
from scenarios.spec import LoadSpec

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


class _Stall:
    start = 0.0
    end = 0.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        now = time.time()
        if _Stall.start <= now < _Stall.end:
            time.sleep(_Stall.end - now)
        body = b'[{"id": 1}, {"id": 2}]' if self.path == "/api/products" else b'{"id": 1}'
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.wfile.write(head.encode() + body)  # one write: no delayed-ACK stalls


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _plan(url: str, rate: float, duration_s: float) -> LoadPlan:
    return LoadPlan(
        edge_url=url,
        cashier_url=url,
        seed=3,
        load={
            "arrivals": "uniform",
            "stages": [{"kind": "hold", "duration_s": duration_s, "rate_per_s": rate}],
            "request_timeout_s": 5,
        },
        # catalog only: one request per arrival, so every sample starts at its schedule
        users={"mix": {"browser": 1}, "browser": {"pages_min": 0, "pages_max": 0}},
        seed_data={"products": [{"id": 1}, {"id": 2}], "users": 0, "resellers": 0},
        start_delay_s=1.0,
    )


def _start(plan: LoadPlan, run_dir: Path, workers: int = 0) -> subprocess.Popen[str]:
    run_dir.mkdir(parents=True, exist_ok=True)
    plan.write(run_dir / "plan.json")
    cmd = [sys.executable, "-m", "scenarios.openmodel", "run", "--plan", str(run_dir / "plan.json")]
    cmd += ["--run-dir", str(run_dir), "--workers", str(workers)]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)


def _events(proc: subprocess.Popen[str]) -> Iterator[dict[str, Any]]:
    assert proc.stdout is not None
    for line in proc.stdout:
        yield json.loads(line)


def _p(rows: list[dict[str, Any]], seconds: range, pct: float) -> float:
    texts = [r["hdr"] for r in rows if r["t"] in seconds and r["kind"] == "request"]
    assert texts, f"no samples in {seconds}"
    return float(hdr.merge(texts).get_value_at_percentile(pct)) / 1000.0


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines()]


@pytest.mark.timeout(90)
def test_stall_shows_in_its_window_p99(server: str, tmp_path: Path) -> None:
    proc = _start(_plan(server, 20, 12), tmp_path)
    events = _events(proc)
    t0 = next(e for e in events if e["event"] == "t0")["t0"]
    _Stall.start, _Stall.end = t0 + 5, t0 + 7  # a 2 s stall of every response
    done = next(e for e in events if e["event"] == "done")
    assert proc.wait(timeout=30) == 0
    rows = _rows(tmp_path / "metrics" / "latency.jsonl")
    s = int(t0)
    before = _p(rows, range(s + 1, s + 4), 99)
    stalled = _p(rows, range(s + 5, s + 7), 99)
    assert before < 500, f"p99 before the stall {before:.0f} ms"
    assert stalled >= 1500, f"the stall is hidden: p99 {stalled:.0f} ms"
    # arrivals kept their schedule through the stall (open model): nothing dropped or late
    arrivals = _rows(tmp_path / "metrics" / "arrivals.jsonl")
    in_stall = [a for a in arrivals if s + 5 <= a["t"] < s + 7]
    assert sum(a["started"] for a in in_stall) == sum(a["scheduled"] for a in in_stall) >= 38
    assert done["load"]["dropped"] == 0
    assert done["load"]["scheduled"] == 240 and done["load"]["started"] == 240
    assert sum(r["count"] for r in rows) == done["requests"] == 240


@pytest.mark.timeout(120)
def test_workers_split_the_schedule_and_merge_exactly(server: str, tmp_path: Path) -> None:
    plan = _plan(server, 30, 8)
    proc = _start(plan, tmp_path, workers=2)
    done = next(e for e in _events(proc) if e["event"] == "done")
    assert proc.wait(timeout=30) == 0
    expected = len(build_schedule(LoadSpec.model_validate(plan.load), {"browser": 1}, plan.seed))
    assert done["load"]["scheduled"] == done["load"]["started"] == expected
    assert done["invalid_reasons"] == []
    rows = _rows(tmp_path / "metrics" / "latency.jsonl")
    assert sum(r["count"] for r in rows) == expected
    keys = [(r["t"], r["name"], r["kind"]) for r in rows]
    assert len(keys) == len(set(keys)), "one line per (second, name, kind) after merging"
    cpu = _rows(tmp_path / "metrics" / "generator.jsonl")
    assert cpu and all(c["cpu_pct"] >= 0 for c in cpu)


@pytest.mark.timeout(90)
def test_sigint_stops_early_and_keeps_what_was_measured(server: str, tmp_path: Path) -> None:
    proc = _start(_plan(server, 20, 60), tmp_path)
    events = _events(proc)
    next(e for e in events if e["event"] == "progress" and e["requests"] > 20)
    began = time.monotonic()
    proc.send_signal(signal.SIGINT)
    done = next(e for e in events if e["event"] == "done")
    assert proc.wait(timeout=30) == 130
    assert time.monotonic() - began < 15
    assert 20 <= done["load"]["started"] < 1200
    rows = _rows(tmp_path / "metrics" / "latency.jsonl")
    assert sum(r["count"] for r in rows) == done["requests"] > 0
