"""Build a run's report from its folder alone: summary.json, junit.xml, charts, report.html."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from peakdrill.runfolder import RunFolder
from reports.evaluate import Evaluation, evaluate
from reports.html import render_report
from reports.junit import write_junit
from reports.rundata import load_run
from reports.slo_source import load_run_slos
from reports.slo_spec import SloSpec
from reports.summary import write_summary


def judge_run(run_dir: Path, slo_file: Path | None = None) -> Evaluation:
    """Evaluate a stored run against `slo_file` or the scenario's slos (BadInput on a bad file)."""
    spec = load_run_slos(run_dir, slo_file) or SloSpec()
    return evaluate(load_run(run_dir, spec))


def write_verdicts(ev: Evaluation) -> dict[str, Any]:
    """summary.json and junit.xml (cheap: what a gate needs); returns the summary written."""
    folder = ev.data.folder
    summary = write_summary(ev, folder.summary)
    write_junit(ev, folder.junit)
    return summary


def write_full(ev: Evaluation) -> Path:
    """summary.json, junit.xml, charts/*.png and report.html; returns the HTML path."""
    from reports.charts import render_all  # matplotlib is slow to import: only when charting

    folder: RunFolder = ev.data.folder
    summary = write_verdicts(ev)
    charts = render_all(ev.data, folder.charts)
    folder.report_html.write_text(render_report(ev, summary, charts), encoding="utf-8")
    return folder.report_html


def build_report(run_dir: Path, slo_file: Path | None = None) -> int:
    """Write every report file of a run; returns the verdict's exit code (0/1/3).

    A malformed SLO file raises peakdrill.errors.BadInput (exit 2) before anything is written.
    """
    ev = judge_run(run_dir, slo_file)
    write_full(ev)
    return ev.exit_code
