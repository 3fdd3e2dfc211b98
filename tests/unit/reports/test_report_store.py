"""Percentiles from the metrics store equal a direct computation on the stored histograms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reports_helpers import MakeRun

from peakdrill import hdr
from reports.build import build_report
from reports.store import LatencyStore, Window
from reports.synthetic import T0

PCTS = (50.0, 90.0, 99.0, 99.9, 100.0)


def direct(latency: Path, name: str | None, kind: str, win: Window) -> dict[float, float]:
    """Merge the stored lines with hdrh itself and ask it for percentiles (ms)."""
    texts = []
    for line in latency.read_text().splitlines():
        rec = json.loads(line)
        wanted = rec["kind"] == kind and (name is None or rec["name"] == name)
        if wanted and win.start <= rec["t"] + 0.5 < win.end:
            texts.append(rec["hdr"])
    merged = hdr.merge(texts)
    return {p: merged.get_value_at_percentile(p) / 1000.0 for p in PCTS}


@pytest.mark.parametrize(
    ("name", "kind", "start", "end"),
    [
        ("POST /api/orders", "request", 0, 40),
        (None, "request", 5, 15),
        ("GET /api/products", "request", 15.2, 23.7),
        ("delivery", "lag", 0, 40),
    ],
)
def test_percentiles_equal_direct_hdr(
    make_run: MakeRun, name: str | None, kind: str, start: float, end: float
) -> None:
    run = make_run()
    latency = run / "metrics" / "latency.jsonl"
    win = Window(T0 + start, T0 + end)
    merged = LatencyStore.load(latency).merge(kind, None if name is None else [name], [win])
    assert merged.samples > 0
    assert merged.percentiles_ms(PCTS) == direct(latency, name, kind, win)


def test_duplicate_lines_for_a_second_merge(tmp_path: Path) -> None:
    a, b = hdr.new_histogram(), hdr.new_histogram()
    for v in (1000, 2000, 3000):
        hdr.record_us(a, v)
    hdr.record_us(b, 900_000)
    path = tmp_path / "latency.jsonl"
    lines = [
        {
            "t": 100,
            "name": "GET /x",
            "kind": "request",
            "count": 3,
            "errors": 1,
            "hdr": hdr.encode(a),
        },
        {
            "t": 100,
            "name": "GET /x",
            "kind": "request",
            "count": 1,
            "errors": 0,
            "hdr": hdr.encode(b),
        },
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines))
    merged = LatencyStore.load(path).merge("request", None, [Window(100, 101)])
    assert (merged.requests, merged.errors, merged.samples) == (4, 1, 4)
    assert merged.percentiles_ms([100.0])[100.0] == pytest.approx(900.0, rel=1e-3)


def test_midpoint_rule_splits_adjacent_windows(make_run: MakeRun) -> None:
    store = LatencyStore.load(make_run() / "metrics" / "latency.jsonl")
    whole = store.merge("request", None, [Window(T0, T0 + 40)])
    left = store.merge("request", None, [Window(T0, T0 + 12.3)])
    right = store.merge("request", None, [Window(T0 + 12.3, T0 + 40)])
    assert left.requests + right.requests == whole.requests
    assert (left.counts + right.counts == whole.counts).all()


def test_summary_percentiles_equal_direct_hdr(make_run: MakeRun) -> None:
    run = make_run()
    build_report(run)
    summary = json.loads((run / "summary.json").read_text())
    whole = next(p for p in summary["phases"] if p["label"] == "whole")
    win = Window(whole["windows"][0]["start"], whole["windows"][0]["end"])
    want = direct(run / "metrics" / "latency.jsonl", "POST /api/orders", "request", win)
    got = whole["endpoints"]["POST /api/orders"]
    assert [got["p50_ms"], got["p90_ms"], got["p99_ms"], got["p99.9_ms"], got["max_ms"]] == [
        want[p] for p in PCTS
    ]
