"""Charts of the comparison page: several runs (scaling configs) on the same axes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from reports.charts import DPI, SIZE, bin_seconds, legend, ms_axis, origin, save, series
from reports.evaluate import Evaluation
from reports.stats import ALL

COLORS = ("#1c7ed6", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c", "#5c940d")


def p99_over_time(runs: list[tuple[str, Evaluation]], out: Path) -> Path:
    """p99 of all requests over time, one line per run, x = seconds since each run's load start."""
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.set_title("p99 latency over time, all requests (each run from its load start)", loc="left")
    for i, (label, ev) in enumerate(runs):
        d, t0 = ev.data, origin(ev.data)
        s = series(d.store, "request", d.store.names(), t0, bin_seconds(d))
        ax.plot(s.x, s.pct[99.0], label=label, color=COLORS[i % len(COLORS)], lw=1.3)
        for f in d.timeline.faults if d.timeline else ():
            ax.axvspan(
                f.window.start - t0, f.window.end - t0, color=COLORS[i % len(COLORS)], alpha=0.07
            )
    ax.set_xlabel("seconds since load start")
    ax.set_ylabel("p99 latency (ms, log scale)")
    ax.grid(True, alpha=0.3)
    ms_axis(ax)
    legend(ax, None, ncols=min(4, len(runs)))
    return save(fig, out)


def bar_chart(
    title: str, ylabel: str, groups: list[str], values: dict[str, list[float | None]], out: Path
) -> Path:
    """Grouped bars: one group per x label, one bar (and colour) per run, values on top."""
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.set_title(title, loc="left")
    width = 0.8 / max(1, len(values))
    x = np.arange(len(groups))
    for i, (run, vals) in enumerate(values.items()):
        heights = [np.nan if v is None else v for v in vals]
        offset = x + i * width - 0.4 + width / 2
        bars = ax.bar(offset, heights, width, label=run, color=COLORS[i % len(COLORS)])
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    ax.set_xticks(x, groups, fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_ylabel(ylabel)
    legend(ax, None, ncols=min(4, len(values)))
    return save(fig, out)


def p99_by_phase(
    runs: list[tuple[str, Evaluation]], phases: dict[str, dict[str, Any]], out: Path
) -> Path:
    """Grouped bars: p99 of all requests in each phase instance, per run."""
    labels = sorted({p for per in phases.values() for p in per}, key=phase_order)
    values = {
        run: [
            (phases[run].get(lbl) or {}).get("endpoints", {}).get(ALL, {}).get("p99_ms")
            for lbl in labels
        ]
        for run, _ in runs
    }
    return bar_chart("p99 latency per phase, all requests", "p99 latency (ms)", labels, values, out)


def cpu_by_service(runs: list[tuple[str, dict[str, dict[str, float]]]], out: Path) -> Path | None:
    """Grouped bars: mean CPU per service (summed over replicas), per run."""
    services = sorted({s for _, c in runs for s in c})
    if not services:
        return None
    values = {run: [c.get(s, {}).get("cpu_pct_mean") for s in services] for run, c in runs}
    title = "Mean CPU per service during load (sum of replicas)"
    return bar_chart(title, "CPU (% of one core)", services, values, out)


def phase_order(label: str) -> tuple[int, str]:
    """Sort key of phase instance labels: steady, fault …, recovery …, whole."""
    rank = {"steady": 0, "fault": 1, "recovery": 2, "whole": 3}
    return rank.get(label.split(" ")[0], 9), label
