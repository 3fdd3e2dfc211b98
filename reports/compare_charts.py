"""Charts of the comparison page: several runs (scaling configs) on the same axes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from reports.charts import DPI, SIZE, bin_seconds, ms_axis, origin, save, series
from reports.evaluate import Evaluation
from reports.stats import ALL

COLORS = ("#1c7ed6", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c", "#5c940d")


def _legend_below(ax: Any, ncols: int) -> None:
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=ncols, fontsize=8, frameon=False
    )


def p99_over_time(runs: list[tuple[str, Evaluation]], out: Path) -> Path:
    """p99 of all requests over time, one line per run, x = seconds since each run's load start."""
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.set_title("p99 latency over time, all requests (each run from its load start)", loc="left")
    for i, (label, ev) in enumerate(runs):
        d = ev.data
        s = series(d.store, "request", d.store.names(), origin(d), bin_seconds(d))
        ax.plot(s.x, s.pct[99.0], label=label, color=COLORS[i % len(COLORS)], lw=1.3)
        for f in d.timeline.faults if d.timeline else ():
            t0 = origin(d)
            ax.axvspan(
                f.window.start - t0, f.window.end - t0, color=COLORS[i % len(COLORS)], alpha=0.07
            )
    ax.set_xlabel("seconds since load start")
    ax.set_ylabel("p99 latency (ms, log scale)")
    ax.grid(True, alpha=0.3)
    ms_axis(ax)
    _legend_below(ax, min(4, len(runs)))
    return save(fig, out)


def _bars(
    ax: Any, groups: list[str], runs: list[str], values: dict[str, list[float | None]]
) -> None:
    width = 0.8 / max(1, len(runs))
    x = np.arange(len(groups))
    for i, run in enumerate(runs):
        vals = [v if v is not None else np.nan for v in values[run]]
        bars = ax.bar(
            x + i * width - 0.4 + width / 2, vals, width, label=run, color=COLORS[i % len(COLORS)]
        )
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    ax.set_xticks(x, groups, fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)


def p99_by_phase(
    runs: list[tuple[str, Evaluation]], phases: dict[str, dict[str, Any]], out: Path
) -> Path:
    """Grouped bars: p99 of all requests in each phase instance, per run."""
    labels = sorted({p for per in phases.values() for p in per}, key=_phase_order)
    values = {
        run: [
            (phases[run].get(lbl) or {}).get("endpoints", {}).get(ALL, {}).get("p99_ms")
            for lbl in labels
        ]
        for run, _ in runs
    }
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.set_title("p99 latency per phase, all requests", loc="left")
    _bars(ax, labels, [r for r, _ in runs], values)
    ax.set_ylabel("p99 latency (ms)")
    _legend_below(ax, min(4, len(runs)))
    return save(fig, out)


def cpu_by_service(runs: list[tuple[str, dict[str, dict[str, float]]]], out: Path) -> Path | None:
    """Grouped bars: mean CPU per service (summed over replicas), per run."""
    services = sorted({s for _, c in runs for s in c})
    if not services:
        return None
    values = {run: [c.get(s, {}).get("cpu_pct_mean") for s in services] for run, c in runs}
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.set_title("Mean CPU per service during load (sum of replicas)", loc="left")
    _bars(ax, services, [r for r, _ in runs], values)
    ax.set_ylabel("CPU (% of one core)")
    _legend_below(ax, min(4, len(runs)))
    return save(fig, out)


def _phase_order(label: str) -> tuple[int, str]:
    rank = {"steady": 0, "fault": 1, "recovery": 2, "whole": 3}
    return rank.get(label.split(" ")[0], 9), label
