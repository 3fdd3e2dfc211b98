"""SLO files: malformed ones are bad input (exit 2) with `file: field.path: message`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from reports_helpers import MakeRun

from peakdrill import cli
from peakdrill.errors import BadInput
from reports.slo_source import load_run_slos, load_slo_file


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "slo.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def one(**fields: object) -> dict[str, object]:
    return {"objectives": [{"name": "o", "metric": "latency_p99_ms", "fail": 100, **fields}]}


ONE = {"name": "o", "metric": "latency_p99_ms", "fail": 100}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (one(metric="latency_p99_msec"), "objectives[0].metric: unknown metric 'latency_p99_msec'"),
        (one(warn=200), "objectives[0].warn: must be on the safe side of fail"),
        (one(phase="peak"), "objectives[0].phase: Input should be"),
        (one(fail="fast"), "objectives[0].fail: Input should be a valid number"),
        (one(thresh=1), "objectives[0].thresh: unknown field"),
        ({"objectives": [{"name": "o", "metric": "error_ratio"}]}, "objectives[0].fail: required"),
        ({"recovery_window_s": 0}, "recovery_window_s: Input should be greater than 0"),
        (
            {"objectives": [{"name": "r", "metric": "recovery_time_s", "phase": "recovery",
                             "fail": 30}]},
            "objectives: recovery_time_s needs a steady latency or error_ratio objective",
        ),
        (
            {"objectives": [ONE, ONE]},
            "objectives[1].name: duplicate objective 'o'",
        ),
    ],
)  # fmt: skip
def test_malformed_slo_file_names_file_and_path(tmp_path: Path, data: object, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(BadInput) as exc:
        load_slo_file(path)
    assert str(exc.value).startswith(f"{path}: {message}")


def test_gate_exits_2_on_malformed_slo(
    make_run: MakeRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = make_run()
    path = write(tmp_path, one(metric="p99"))
    assert cli.main(["gate", str(run), "--slo", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"peakdrill: error: {path}: objectives[0].metric:")
    assert "\n" not in err
    assert not (run / "summary.json").exists()


def test_scenario_slos_errors_are_prefixed(make_run: MakeRun) -> None:
    run = make_run(slos={"objectives": [{"name": "x", "metric": "error_ratio", "fail": 2,
                                         "endpoint": "GET /x", "phase": "whenever"}]})  # fmt: skip
    with pytest.raises(BadInput, match=r"scenario\.yaml: slos\.objectives\[0\]\.phase: "):
        load_run_slos(run)


def test_slo_file_overrides_scenario(make_run: MakeRun, tmp_path: Path) -> None:
    run = make_run()
    spec = load_run_slos(run, write(tmp_path, one(endpoint="GET /api/products")))
    assert spec is not None and [o.name for o in spec.objectives] == ["o"]
