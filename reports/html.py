"""report.html: one self-contained page (inline CSS, charts as PNG data URIs, no scripts)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.evaluate import Evaluation, fmt_value
from reports.stats import ALL, PERCENTILES, pct_key

TEMPLATES = Path(__file__).parent / "templates"
EVIDENCE_SHOWN = 30  # per invariant; the rest stays in audit.json


def environment() -> Environment:
    """The jinja2 environment of the report templates (HTML autoescaped)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )


def data_uri(png: Path) -> str:
    """A PNG file as a data: URI."""
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def fmt_ms(v: float | None) -> str:
    """Milliseconds for tables."""
    return "—" if v is None else f"{v:,.1f}"


def _groups(ev: Evaluation, summary: dict[str, Any]) -> list[dict[str, Any]]:
    spans = {p["label"]: f"{p['duration_s']:.0f} s" for p in summary["phases"]}
    groups: dict[str, dict[str, Any]] = {}
    for r in ev.results:
        g = groups.setdefault(r.instance, {"label": r.instance, "span": spans.get(r.instance, "")})
        m = r.objective.metric
        g.setdefault("rows", []).append(
            {
                "name": r.objective.name,
                "metric": m,
                "endpoint": r.objective.endpoint,
                "value": fmt_value(m, r.value),
                "warn": fmt_value(m, r.objective.warn),
                "fail": fmt_value(m, r.objective.fail),
                "status": r.status,
                "detail": r.detail,
            }
        )
    # timeline order: steady, fault f1, recovery f1, ..., whole (then anything unmatched)
    order = {label: i for i, label in enumerate(spans)}
    return sorted(groups.values(), key=lambda g: order.get(g["label"], len(order)))


def _faults(summary: dict[str, Any]) -> list[dict[str, Any]]:
    load = summary["load_window"]
    if load is None:
        return []
    t0, span = load["start"], max(1e-9, load["end"] - load["start"])
    out = []
    for f in summary["faults"]:
        stop = f["stop"] if f["stop"] is not None else load["end"]
        rec = f["recovery"]
        rec_end = next(
            (
                p["windows"][0]["end"]
                for p in summary["phases"]
                if p["label"] == f"recovery {f['id']}"
            ),
            stop,
        )
        out.append(
            {
                **f,
                "label": f"{f['id']}: {f['fault']} → {f['target']}",
                "params": json.dumps(f["params"]),
                "start": f"{f['start'] - t0:.1f}",
                "stop": "never stopped" if f["stop"] is None else f"+{stop - t0:.1f} s",
                "duration": f"{stop - f['start']:.1f}",
                "left": f"{(f['start'] - t0) / span * 100:.2f}",
                "width": f"{max(0.4, (stop - f['start']) / span * 100):.2f}",
                "rleft": f"{(stop - t0) / span * 100:.2f}",
                "rwidth": f"{(rec_end - stop) / span * 100:.2f}" if rec_end > stop else "",
                "recovery": _recovery_text(rec),
            }
        )
    return out


def _recovery_text(rec: dict[str, Any] | None) -> str:
    if rec is None:
        return "not judged (no steady latency/error objective)"
    if rec["outcome"] == "recovered":
        return f"recovered after {rec['value_s']:.0f} s"
    return rec["detail"]


def _phases(summary: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for p in summary["phases"]:
        rows = []
        for name, st in [*p["endpoints"].items(), ("delivery lag", p["delivery_lag"])]:
            if name == "delivery lag" and not st["samples"]:
                continue
            rows.append(
                {
                    "name": name,
                    "requests": f"{st['requests']:,}",
                    "errors": f"{st['errors']:,}"
                    + ("" if not st["error_ratio"] else f" ({st['error_ratio'] * 100:.2f} %)"),
                    "pcts": [fmt_ms(st[pct_key(q)]) for q in PERCENTILES],
                    "all": name == ALL,
                }
            )
        out.append({"label": p["label"], "duration": f"{p['duration_s']:.0f}", "rows": rows})
    return out


def _invariants(ev: Evaluation) -> list[dict[str, Any]]:
    return [
        {
            "name": i.name,
            "status": i.status,
            "evidence": [
                e if isinstance(e, str) else json.dumps(e) for e in i.evidence[:EVIDENCE_SHOWN]
            ],
            "more": max(0, len(i.evidence) - EVIDENCE_SHOWN),
        }
        for i in ev.invariants
    ]


def _load_text(summary: dict[str, Any], ev: Evaluation) -> str:
    load = summary.get("load") or {}
    parts = [f"{k} {v:,}" for k, v in load.items() if isinstance(v, int | float)]
    cpu = [float(r.get("cpu_pct") or 0) for r in ev.data.generator]
    if cpu:
        parts.append(f"generator CPU peak {max(cpu):.0f} %")
    return ", ".join(parts) or "not recorded"


def render_report(ev: Evaluation, summary: dict[str, Any], charts: dict[str, Path]) -> str:
    """The HTML text of report.html."""
    load = summary["load_window"]
    context = {
        "s": summary,
        "load_span": "" if load is None else f"{load['end'] - load['start']:.0f} s",
        "load_seconds": "" if load is None else f"{load['end'] - load['start']:.0f}",
        "groups": _groups(ev, summary),
        "faults": _faults(summary),
        "invariants": _invariants(ev),
        "charts": [{"title": t, "uri": data_uri(p)} for t, p in charts.items()],
        "phases": _phases(summary),
        "pct_heads": [pct_key(q).removesuffix("_ms") + " ms" for q in PERCENTILES],
        "containers": summary["containers"],
        "load_text": _load_text(summary, ev),
    }
    return environment().get_template("report.html.j2").render(**context)
