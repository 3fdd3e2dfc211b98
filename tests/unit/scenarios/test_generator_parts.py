"""Generator parts that need no network: the plan round trip and the CPU watch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenarios.openmodel import cpu
from scenarios.openmodel.cpu import CpuWatch
from scenarios.openmodel.plan import LoadPlan


def test_plan_round_trips_and_validates(tmp_path: Path) -> None:
    plan = LoadPlan(
        edge_url="http://127.0.0.1:1",
        cashier_url="http://127.0.0.1:2",
        seed=4,
        load={"stages": [{"kind": "hold", "duration_s": 3, "rate_per_s": 2}]},
        users={"mix": {"buyer": 1}},
        seed_data={"products": [{"id": 7, "hot": True}], "users": 3, "resellers": 0},
    )
    plan.write(tmp_path / "p.json")
    again = LoadPlan.read(tmp_path / "p.json")
    assert again == plan
    assert again.load_spec().duration_s == 3
    assert again.users_spec().buyer.hot_share == 0.5
    assert again.data().hot_ids == [7] and again.data().users == 3


def test_cpu_watch_writes_samples(tmp_path: Path) -> None:
    watch = CpuWatch(tmp_path / "gen.jsonl")
    for _ in range(3):
        sum(i * i for i in range(20000))  # some CPU to see
        watch.sample()
    watch.close()
    rows = [json.loads(x) for x in (tmp_path / "gen.jsonl").read_text().splitlines()]
    assert len(rows) == 3
    assert all(r["cpu_pct"] >= 0 and r["max_process_pct"] <= r["cpu_pct"] + 1e-6 for r in rows)
    assert watch.saturated is None


def test_cpu_watch_flags_sustained_saturation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = CpuWatch(tmp_path / "gen.jsonl")
    busy = iter([95.0] * 4 + [10.0] + [97.0] * cpu.SATURATED_FOR_S)
    monkeypatch.setattr(watch, "_per_process", lambda: {123: next(busy)})
    for _ in range(4 + 1):
        watch.sample()
    assert watch.saturated is None  # 4 busy seconds, then a break: not sustained
    for _ in range(cpu.SATURATED_FOR_S):
        watch.sample()
    watch.close()
    assert watch.saturated is not None and "process 123" in watch.saturated
