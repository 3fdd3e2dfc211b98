"""Side-by-side comparison of runs (typically one scenario over several scaling configs).

Each run is judged against its own SLOs, from its folder alone; the page sets their per-phase
percentiles, achieved rate, error ratio, delivery lag, recovery times, CPU per service and
objective outcomes next to each other, with its own charts, in one self-contained HTML file.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import yaml

from peakdrill.runfolder import RUNS_DIR
from reports.build import judge_run
from reports.compare_charts import cpu_by_service, p99_by_phase, p99_over_time, phase_order
from reports.evaluate import Evaluation, fmt_value
from reports.html import data_uri, environment, fmt_ms
from reports.stats import ALL, all_stats, container_stats


def default_out_dir(run_dirs: list[Path]) -> Path:
    """runs/compare-<UTC time> next to the usual runs."""
    base = run_dirs[0].parent if run_dirs else RUNS_DIR
    return base / time.strftime("compare-%Y%m%d-%H%M%S", time.gmtime())


def run_label(ev: Evaluation) -> str:
    """The stack config's name (what is being compared), else the run id."""
    cfg = ev.data.folder.stack_config
    name = ev.data.meta.get("stack_config")
    if cfg.is_file():
        data = yaml.safe_load(cfg.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("name"):
            name = data["name"]
    return str(name or ev.data.run_id)


def _unique_labels(evs: list[Evaluation]) -> list[str]:
    labels = [run_label(ev) for ev in evs]
    return [
        f"{lb} ({ev.data.run_id})" if labels.count(lb) > 1 else lb
        for lb, ev in zip(labels, evs, strict=True)
    ]


def _whole(phases: dict[str, Any]) -> dict[str, Any]:
    return phases.get("whole") or {}


def _overview(label: str, ev: Evaluation, phases: dict[str, Any]) -> dict[str, Any]:
    whole = _whole(phases)
    all_eps = whole.get("endpoints", {}).get(ALL, {})
    lag = whole.get("delivery_lag", {})
    recs = [
        f"{fid}: {r.value_s:.0f} s" if r.outcome == "recovered" else f"{fid}: {r.detail}"
        for fid, r in ev.recoveries.items()
    ]
    return {
        "label": label,
        "run_id": ev.data.run_id,
        "verdict": ev.verdict,
        "exit_code": ev.exit_code,
        "rate": fmt_value("achieved_rate_ratio", whole.get("achieved_rate_ratio")),
        "errors": fmt_value("error_ratio", all_eps.get("error_ratio")),
        "p99": fmt_ms(all_eps.get("p99_ms")),
        "lag95": fmt_ms(lag.get("p95_ms")),
        "lag99": fmt_ms(lag.get("p99_ms")),
        "recovery": ", ".join(recs) or "—",
    }


def _percentile_tables(
    labels: list[str], phases: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    names = sorted({p for per in phases.values() for p in per}, key=phase_order)
    tables = []
    for phase in names:
        endpoints = sorted(
            {e for lb in labels for e in (phases[lb].get(phase) or {}).get("endpoints", {})}
        )
        endpoints.sort(key=lambda e: (e != ALL, e))
        rows = []
        for ep in endpoints:
            cells = [(phases[lb].get(phase) or {}).get("endpoints", {}).get(ep) for lb in labels]
            p99s = [c["p99_ms"] for c in cells if c and c["p99_ms"] is not None]
            for lb, c in zip(labels, cells, strict=True):
                if c is None:
                    continue
                rows.append(
                    _pct_row(
                        ep, lb, c, best=bool(p99s) and c["p99_ms"] == min(p99s) and len(p99s) > 1
                    )
                )
        tables.append({"phase": phase, "rows": rows})
    return tables


def _pct_row(ep: str, label: str, c: dict[str, Any], best: bool) -> dict[str, Any]:
    ratio = c["error_ratio"]
    return {
        "endpoint": ep,
        "run": label,
        "requests": f"{c['requests']:,}",
        "errors": "—" if ratio is None else f"{ratio * 100:.2f} %",
        "p50": fmt_ms(c["p50_ms"]),
        "p95": fmt_ms(c["p95_ms"]),
        "p99": fmt_ms(c["p99_ms"]),
        "p999": fmt_ms(c["p99.9_ms"]),
        "best": best,
    }


def _objective_matrix(labels: list[str], evs: list[Evaluation]) -> list[dict[str, Any]]:
    names: list[str] = []
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for lb, ev in zip(labels, evs, strict=True):
        for r in ev.results:
            if r.test_name not in names:
                names.append(r.test_name)
            cells[(r.test_name, lb)] = {
                "status": r.status,
                "value": fmt_value(r.objective.metric, r.value),
            }
    return [{"name": n, "cells": [cells.get((n, lb)) for lb in labels]} for n in names]


def _cpu_cell(c: dict[str, float] | None) -> str | None:
    return None if c is None else f"{c['cpu_pct_mean']:.0f} % · {c['mem_mb_mean']:.0f} MB"


def _cpu_table(
    labels: list[str], containers: dict[str, dict[str, dict[str, float]]]
) -> list[dict[str, Any]]:
    services = sorted({s for c in containers.values() for s in c})
    return [
        {"service": s, "cells": [_cpu_cell(containers[lb].get(s)) for lb in labels]}
        for s in services
    ]


def compare_runs(run_dirs: list[Path], out_dir: Path) -> Path:
    """Write out_dir/compare.html (+ its charts) for the runs; returns the HTML path."""
    evs = [judge_run(d) for d in run_dirs]
    labels = _unique_labels(evs)
    phases = {
        lb: {p["label"]: p for p in all_stats(ev.data)} for lb, ev in zip(labels, evs, strict=True)
    }
    containers = {lb: container_stats(ev.data) for lb, ev in zip(labels, evs, strict=True)}
    charts_dir = out_dir / "charts"
    charts_dir.mkdir(parents=True, exist_ok=True)
    pairs = list(zip(labels, evs, strict=True))
    charts = {
        "p99 over time": p99_over_time(pairs, charts_dir / "p99_over_time.png"),
        "p99 per phase": p99_by_phase(pairs, phases, charts_dir / "p99_by_phase.png"),
        "CPU per service": cpu_by_service(
            list(containers.items()), charts_dir / "cpu_by_service.png"
        ),
    }
    html = (
        environment()
        .get_template("compare.html.j2")
        .render(
            labels=labels,
            overview=[_overview(lb, ev, phases[lb]) for lb, ev in pairs],
            tables=_percentile_tables(labels, phases),
            objectives=_objective_matrix(labels, evs),
            cpu=_cpu_table(labels, containers),
            charts=[{"title": t, "uri": data_uri(p)} for t, p in charts.items() if p is not None],
        )
    )
    out = out_dir / "compare.html"
    out.write_text(html, encoding="utf-8")
    return out
