"""Charts of a run (PNG, matplotlib Agg): latency per key endpoint, rates, errors, lag, containers.

Every chart shares the x axis "seconds since load start", shades each fault window (red, labelled
with the fault id and kind) and its recovery window (amber), so cause and effect line up.
Runs longer than 10 minutes are drawn in bins of several seconds (merged exactly).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: reports are rendered headless, in CI too

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from reports.phases import Timeline
from reports.rundata import RunData
from reports.store import LatencyStore, Second, percentiles_ms

KEY_ENDPOINTS = 4  # the busiest request names get their own latency chart
MAX_POINTS = 600  # bins per chart
DPI = 110
SIZE = (10.0, 4.2)
PCT_STYLE = ((50.0, "p50", "#2b8cbe"), (95.0, "p95", "#f08c00"), (99.0, "p99", "#c92a2a"))


@dataclass(frozen=True)
class Series:
    """A binned series of one request name: x (s since load start), counts, percentiles."""

    x: np.ndarray
    count: np.ndarray
    errors: np.ndarray
    pct: dict[float, np.ndarray]


def origin(data: RunData) -> float:
    """Time zero of the charts: load start, else the first sample."""
    if data.timeline is not None:
        return data.timeline.load.start
    span = data.store.time_span()
    return span.start if span else 0.0


def bin_seconds(data: RunData) -> int:
    """Seconds per chart bin, so no chart has more than MAX_POINTS points."""
    span = data.timeline.load if data.timeline else data.store.time_span()
    return max(1, math.ceil(span.duration_s / MAX_POINTS)) if span else 1


def series(store: LatencyStore, kind: str, names: list[str], t0: float, width: int) -> Series:
    """Per-bin rate, errors and p50/p95/p99 of the names (exact merges of the bin's seconds)."""
    bins: dict[int, list[Second]] = {}
    for name in names:
        for sec in store.seconds(kind, name):
            bins.setdefault(int((sec.t - t0) // width), []).append(sec)
    keys = sorted(bins)
    pcts = [p for p, _, _ in PCT_STYLE]
    out = {p: np.full(len(keys), np.nan) for p in pcts}
    count, errors = np.zeros(len(keys)), np.zeros(len(keys))
    for i, k in enumerate(keys):
        secs = bins[k]
        count[i] = sum(s.count for s in secs)
        errors[i] = sum(s.errors for s in secs)
        values = percentiles_ms(
            np.concatenate([s.idx for s in secs]), np.concatenate([s.cnt for s in secs]), pcts
        )
        for p, v in values.items():
            out[p][i] = v
    x = np.array([k * width + width / 2 for k in keys], dtype=float)
    return Series(x, count / width, errors, out)


def shade(ax: Axes, timeline: Timeline | None, t0: float) -> None:
    """Shade and label fault (red) and recovery (amber) windows."""
    if timeline is None:
        return
    for f in timeline.faults:
        ax.axvspan(f.window.start - t0, f.window.end - t0, color="#e03131", alpha=0.13, lw=0)
        ax.text(
            f.window.start - t0,
            1.0,
            f" {f.id}: {f.fault}",
            transform=ax.get_xaxis_transform(),
            va="top",
            ha="left",
            fontsize=8,
            color="#a61e1e",
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1},
        )
    for inst in timeline.of("recovery"):
        for w in inst.windows:
            ax.axvspan(w.start - t0, w.end - t0, color="#f59f00", alpha=0.10, lw=0)


def legend(ax: Axes, timeline: Timeline | None, ncols: int = 6) -> None:
    """Legend below the axes (so every chart's x axis lines up), with the shading explained."""
    handles, labels = ax.get_legend_handles_labels()
    if timeline is not None and timeline.faults:
        handles += [Patch(color="#e03131", alpha=0.25), Patch(color="#f59f00", alpha=0.2)]
        labels += ["fault window", "recovery window"]
    ax.legend(
        handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=ncols, fontsize=8,
        frameon=False,
    )  # fmt: skip


def _figure(title: str, ylabel: str) -> tuple[Figure, Axes]:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xlabel("seconds since load start")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    return fig, ax


def save(fig: Figure, path: Path) -> Path:
    """Lay out, write the PNG and free the figure."""
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def slug(name: str) -> str:
    """A file-name-safe form of a request name."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "all"


def ms_axis(ax: Axes) -> None:
    """Log-scale millisecond axis with plain tick labels."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    # label the 2x and 5x minor ticks too, in plain numbers (not 6×10²)
    ax.yaxis.set_minor_formatter(FuncFormatter(_minor_label))


def _minor_label(v: float, _: object) -> str:
    lead = f"{v:.0e}"[0]
    return f"{v:g}" if lead in "25" else ""


def latency_chart(data: RunData, name: str, out: Path) -> Path:
    """p50/p95/p99 over time of one endpoint, with its steady p99 fail band when one exists."""
    t0, width = origin(data), bin_seconds(data)
    s = series(data.store, "request", [name], t0, width)
    fig, ax = _figure(f"Latency — {name}", "latency (ms, log scale)")
    for p, label, color in PCT_STYLE:
        ax.plot(s.x, s.pct[p], label=label, color=color, lw=1.3)
    for obj in data.spec.objectives:
        if obj.endpoint == name and obj.metric.startswith("latency_") and obj.phase == "steady":
            ax.axhline(obj.fail, color="#495057", ls="--", lw=1, label=f"{obj.name} fail band")
    ms_axis(ax)
    shade(ax, data.timeline, t0)
    legend(ax, data.timeline)
    return save(fig, out)


def lag_chart(data: RunData, out: Path) -> Path | None:
    """Delivery lag (paid → keys visible) p50/p95/p99 over time; None without lag samples."""
    names = data.store.names("lag")
    if not names:
        return None
    t0, width = origin(data), bin_seconds(data)
    fig, ax = _figure("Card-key delivery lag (payment → keys visible)", "lag (ms, log scale)")
    s = series(data.store, "lag", names, t0, width)
    for p, label, color in PCT_STYLE:
        ax.plot(s.x, s.pct[p], label=label, color=color, lw=1.3)
    ms_axis(ax)
    shade(ax, data.timeline, t0)
    legend(ax, data.timeline)
    return save(fig, out)


def rate_chart(data: RunData, out: Path) -> Path | None:
    """Target arrival rate versus requests started and completed per second (None: no data)."""
    if not data.arrivals and not data.store.series:
        return None
    t0, width = origin(data), bin_seconds(data)
    fig, ax = _figure("Request rate — target vs achieved", "requests / s")
    rows = sorted(data.arrivals, key=lambda r: float(r.get("t", 0)))
    x = np.array([float(r["t"]) - t0 + 0.5 for r in rows])
    target = [float(r.get("target_rate") or 0) for r in rows]
    started = [float(r.get("started") or 0) for r in rows]
    done = series(data.store, "request", data.store.names(), t0, width)
    ax.plot(x, target, label="target", color="#495057", ls="--")
    ax.plot(done.x, done.count, label="completed", color="#2f9e44", lw=2.2, alpha=0.6)
    # drawn over "completed": in a healthy run the two coincide
    ax.plot(x, started, label="started", color="#1c4e80", lw=0.9)
    ax.set_ylim(bottom=0)
    shade(ax, data.timeline, t0)
    legend(ax, data.timeline)
    return save(fig, out)


def error_chart(data: RunData, out: Path) -> Path | None:
    """Error ratio over time: all requests and each key endpoint (None without requests)."""
    if not data.store.names():
        return None
    t0, width = origin(data), bin_seconds(data)
    fig, ax = _figure("Error ratio", "errors (% of requests)")
    names = data.store.names()
    for label, chosen, lw in [("all requests", names, 2.0)] + [
        (n, [n], 0.9) for n in names[:KEY_ENDPOINTS]
    ]:
        s = series(data.store, "request", chosen, t0, width)
        ratio = np.divide(s.errors, s.count * width, out=np.zeros_like(s.errors), where=s.count > 0)
        ax.plot(s.x, ratio * 100, label=label, lw=lw, alpha=1.0 if lw > 1 else 0.7)
    ax.set_ylim(bottom=0)
    shade(ax, data.timeline, t0)
    legend(ax, data.timeline)
    return save(fig, out)


def _service_grid(data: RunData, t0: float, field: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    # replicas are sampled at different instants: interpolate each onto a 1 s grid, then sum
    per: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for row in data.containers:
        c = per.setdefault(str(row.get("service")), {}).setdefault(str(row.get("container")), [])
        c.append((float(row.get("t", 0)) - t0, float(row.get(field) or 0)))
    out = {}
    for service, containers in sorted(per.items()):
        ts = [t for v in containers.values() for t, _ in v]
        grid = np.arange(math.floor(min(ts)), math.ceil(max(ts)) + 1, dtype=float)
        total = np.zeros_like(grid)
        for samples in containers.values():
            samples.sort()
            xs, ys = zip(*samples, strict=True)
            total += np.interp(grid, xs, ys, left=0.0, right=0.0)
        out[service] = (grid, total)
    return out


def container_chart(data: RunData, out: Path) -> Path | None:
    """CPU % and memory MB per service (summed over its replicas); None without samples."""
    if not data.containers:
        return None
    t0 = origin(data)
    fig, (cpu, mem) = plt.subplots(2, 1, figsize=(SIZE[0], 7.0), dpi=DPI, sharex=True)
    cpu.set_title(
        "Containers — CPU and memory per service (sum of replicas)", fontsize=11, loc="left"
    )
    for ax, field, ylabel in (
        (cpu, "cpu_pct", "CPU (% of one core)"),
        (mem, "mem_mb", "memory (MB)"),
    ):
        for service, (x, y) in _service_grid(data, t0, field).items():
            ax.plot(x, y, label=service, lw=1.1)
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        shade(ax, data.timeline, t0)
    mem.set_xlabel("seconds since load start")
    legend(mem, data.timeline, ncols=8)
    return save(fig, out)


def render_all(data: RunData, out_dir: Path) -> dict[str, Path]:
    """Every chart of the run into out_dir; returns {title: path} in display order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    charts: dict[str, Path | None] = {}
    for name in data.store.names()[:KEY_ENDPOINTS]:
        charts[f"Latency — {name}"] = latency_chart(
            data, name, out_dir / f"latency_{slug(name)}.png"
        )
    charts["Request rate"] = rate_chart(data, out_dir / "rate.png")
    charts["Error ratio"] = error_chart(data, out_dir / "errors.png")
    charts["Delivery lag"] = lag_chart(data, out_dir / "delivery_lag.png")
    charts["Containers"] = container_chart(data, out_dir / "containers.png")
    return {k: v for k, v in charts.items() if v is not None}
