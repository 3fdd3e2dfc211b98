"""Small rehearsal parts: progress line, seed output, Docker stats maths, run ids, CLI input."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from peakdrill.cli import main
from peakdrill.errors import StackError
from scenarios.monitor import cpu_mem
from scenarios.progress import ProgressLine, format_progress
from scenarios.rundir import run_id, stack_name_for
from scenarios.seeding import parse_seed_output, seed_command
from scenarios.spec import DataSpec
from stack.names import check_stack_name

EV = {
    "elapsed_s": 42.4, "total_s": 120, "target_rate": 30, "achieved_rate": 29.5,
    "p99_ms": 85.2, "requests": 1234, "errors": 3, "late": 1, "dropped": 0,
}  # fmt: skip


def test_progress_line_says_everything() -> None:
    line = format_progress(EV, ["db: latency@postgres"])
    assert line == (
        "load 42/120s  rate 29.5/30.0/s  p99 85ms  req 1234 err 3  late 1 drop 0  "
        "faults: db: latency@postgres"
    )
    assert "p99 -" in format_progress({**EV, "p99_ms": None}, [])
    assert format_progress({**EV, "elapsed_s": -1.2}, []).startswith("load 0/120s")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_rewrites_in_place_on_a_tty() -> None:
    out = _Tty()
    p = ProgressLine(out)
    p.update(EV, [])
    p.update({**EV, "requests": 5}, [])
    p.message("done")
    text = out.getvalue()
    assert text.count("\r") == 2 and text.endswith("\ndone\n")


def test_progress_is_throttled_without_a_tty() -> None:
    out = io.StringIO()
    p = ProgressLine(out)
    for _ in range(5):
        p.update(EV, [])
    assert out.getvalue().count("\n") == 1 and "\r" not in out.getvalue()


def test_seed_command_and_output() -> None:
    cmd = seed_command(DataSpec(products=3, users=7), 9)
    assert cmd[:3] == ["python", "-m", "stack.shop.seed"]
    assert cmd[cmd.index("--products") + 1] == "3" and cmd[cmd.index("--seed") + 1] == "9"
    out = 'note: seeding\n{"products": [{"id": 1, "hot": true}], "users": 7, "resellers": 0}\n'
    assert parse_seed_output(out)["users"] == 7
    pretty = '{\n "products": [],\n "users": 1,\n "resellers": 0\n}\n'
    assert parse_seed_output(pretty)["products"] == []
    with pytest.raises(StackError, match="no JSON"):
        parse_seed_output("error: nothing\n")


def test_docker_stats_maths() -> None:
    stats: dict[str, Any] = {
        "cpu_stats": {"cpu_usage": {"total_usage": 3_000_000_000}, "system_cpu_usage": 20e9,
                      "online_cpus": 2},
        "precpu_stats": {"cpu_usage": {"total_usage": 2_000_000_000}, "system_cpu_usage": 18e9},
        "memory_stats": {"usage": 300 * 2**20, "stats": {"inactive_file": 100 * 2**20}},
    }  # fmt: skip
    pct, mem = cpu_mem(stats)
    assert pct == pytest.approx(100.0)  # 1 s of CPU over 1 s of a 2-CPU host's 2 s
    assert mem == pytest.approx(200.0)
    assert cpu_mem({}) == (0.0, 0.0)


def test_run_id_and_stack_name() -> None:
    from datetime import UTC, datetime

    rid = run_id("flash_sale", "baseline", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert rid == "20260102T030405Z-flash_sale-baseline"
    name = stack_name_for(rid)
    assert check_stack_name(name) == name and name.startswith("pd-") and len(name) == 11
    assert stack_name_for(rid + "x") != name


def _bad(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rehearse_bad_scenario_exits_2_before_anything(tmp_path: Path, capsys: Any) -> None:
    path = _bad(
        tmp_path,
        "name: x\nload: {stages: [{kind: hold, duration_s: 10, rate_per_s: 1}]}\n"
        "users: {mix: {browser: 1}}\n"
        "chaos: [{fault: kill, service: shop-api, replica: 3, at_s: 1}]\n",
    )
    out = tmp_path / "run"
    assert main(["rehearse", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: chaos[0].replica: shop-api has 1 replica(s)" in err
    assert not out.exists()  # nothing started, nothing written


def test_rehearse_checks_every_config(tmp_path: Path, capsys: Any) -> None:
    path = _bad(tmp_path, "name: x\nload: {stages: [{kind: hold, duration_s: 5, rate_per_s: 1}]}\n"
                          "users: {mix: {browser: 1}}\n")  # fmt: skip
    assert main(["rehearse", str(path), "--config", "baseline", "--config", "missing"]) == 2
    assert "--config: stack config" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--workers", "-1"], "--workers"), (["--seed", "-5"], "--seed")],
)
def test_rehearse_flag_checks(args: list[str], message: str, capsys: Any) -> None:
    assert main(["rehearse", "smoke", *args]) == 2
    assert message in capsys.readouterr().err


def test_rehearse_refuses_a_used_out_folder(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "old.txt").write_text("x")
    assert main(["rehearse", "smoke", "--out", str(tmp_path)]) == 2
    assert "exists and is not empty" in capsys.readouterr().err


def test_rehearse_checks_the_stack_name(capsys: Any) -> None:
    assert main(["rehearse", "smoke", "--stack", "Bad_Name"]) == 2
    assert "--stack 'Bad_Name'" in capsys.readouterr().err
