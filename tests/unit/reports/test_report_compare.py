"""Comparison page of several runs."""

from __future__ import annotations

import re
from pathlib import Path

from reports_helpers import small_run

from peakdrill import cli
from reports.compare import compare_runs
from reports.synthetic import write_run


def test_compare_sets_configs_side_by_side(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a", small_run(config_name="baseline"))
    b = write_run(tmp_path / "b", small_run(config_name="scaled", api_replicas=4, seed=3))
    out = compare_runs([a, b], tmp_path / "cmp")
    html = out.read_text()
    assert out == tmp_path / "cmp" / "compare.html"
    assert "baseline" in html and "scaled" in html
    assert len(re.findall(r'src="data:image/png;base64,', html)) == 3
    assert "orders p99 [steady]" in html and "recovery f1" in html
    assert "shop-api" in html


def test_compare_cli_labels_duplicate_configs(tmp_path: Path) -> None:
    a = write_run(tmp_path / "r1", small_run())
    b = write_run(tmp_path / "r2", small_run(seed=11))
    assert cli.main(["compare", str(a), str(b), "--out", str(tmp_path / "o")]) == 0
    html = (tmp_path / "o" / "compare.html").read_text()
    assert "baseline (r1)" in html and "baseline (r2)" in html


def test_compare_missing_run_is_bad_input(tmp_path: Path) -> None:
    assert cli.main(["compare", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
