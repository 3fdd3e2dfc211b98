"""Histograms per (second, name): recording, closing, shipping, merging, writing."""

from __future__ import annotations

import json
from pathlib import Path

from peakdrill import hdr
from scenarios.openmodel.recorder import Recorder, lag_sink, on_request_listener
from scenarios.openmodel.store import Store

T = 1_700_000_000.0


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_first_request_counts_from_its_schedule() -> None:
    rec = Recorder(close_after_s=5)
    listen = on_request_listener(rec)
    # scheduled at T, started 0.3 s late, took 20 ms: 320 ms from the schedule
    listen(name="GET /x", response_time=20.0, context={"scheduled_at": T}, start_time=T + 0.3)
    # a later request of a flow: only its own 20 ms, in the second it was issued
    listen(name="GET /x", response_time=20.0, context={}, start_time=T + 1.5)
    store = Store()
    store.add(rec.drain(None), T)
    keyed = {(t, n): v for (t, n, _k), v in store._chunks.items()}
    first = hdr.merge(keyed[(int(T), "GET /x")][2])
    later = hdr.merge(keyed[(int(T) + 1, "GET /x")][2])
    assert abs(first.get_value_at_percentile(50) - 320_000) <= 320
    assert abs(later.get_value_at_percentile(50) - 20_000) <= 20


def test_errors_are_counted_and_still_timed() -> None:
    rec = Recorder(close_after_s=5)
    listen = on_request_listener(rec)
    listen(name="POST /y", response_time=2000.0, exception=OSError("reset"), start_time=T)
    payload = rec.drain(None)
    (t, name, kind, count, errors, enc) = payload["lat"][0]
    assert (t, name, kind, count, errors) == (int(T), "POST /y", "request", 1, 1)
    assert hdr.decode(enc).get_max_value() >= 1_998_000
    assert payload["requests"] == 1 and payload["errors"] == 1


def test_lag_goes_to_its_own_kind() -> None:
    rec = Recorder(close_after_s=5)
    lag_sink(rec)(T, 1.25, True)
    lag_sink(rec)(T, 30.0, False)
    chunk = rec.drain(None)["lat"][0]
    assert chunk[:5] == [int(T), "delivery_lag", "lag", 2, 1]
    assert rec.drain(None)["requests"] == 0  # lag samples are not requests


def test_seconds_close_only_after_close_after_s() -> None:
    rec = Recorder(close_after_s=10)
    rec.record(T, "a", "request", 1000, False)
    assert rec.drain(T + 5)["lat"] == []  # still open: a slow request may land in it
    assert len(rec.drain(T + 11)["lat"]) == 1


def test_late_record_reopens_and_merges_exactly(tmp_path: Path) -> None:
    rec = Recorder(close_after_s=1)
    store = Store()
    rec.record(T, "a", "request", 1000, False)
    store.add(rec.drain(T + 5), T + 5)
    rec.record(T, "a", "request", 9000, True)  # lands after its second was shipped
    store.add(rec.drain(None), T + 6)
    store.write_latency(tmp_path / "lat.jsonl")
    rows = _lines(tmp_path / "lat.jsonl")
    assert len(rows) == 1  # one line per (second, name)
    assert rows[0]["count"] == 2 and rows[0]["errors"] == 1
    h = hdr.decode(rows[0]["hdr"])
    assert h.get_total_count() == 2 and h.get_max_value() >= 8990


def test_two_generators_merge_like_one(tmp_path: Path) -> None:
    single, a, b = Recorder(1), Recorder(1), Recorder(1)
    for i in range(200):
        v = 1000 + 37 * i
        single.record(T + i % 3, "n", "request", v, False)
        (a if i % 2 else b).record(T + i % 3, "n", "request", v, False)
    one, two = Store(), Store()
    one.add(single.drain(None), T)
    two.add(a.drain(None), T)
    two.add(b.drain(None), T)
    one.write_latency(tmp_path / "1.jsonl")
    two.write_latency(tmp_path / "2.jsonl")
    r1, r2 = _lines(tmp_path / "1.jsonl"), _lines(tmp_path / "2.jsonl")
    assert [(r["t"], r["count"]) for r in r1] == [(r["t"], r["count"]) for r in r2]
    for x, y in zip(r1, r2, strict=True):
        hx, hy = hdr.decode(x["hdr"]), hdr.decode(y["hdr"])
        for p in (50, 90, 99, 100):
            assert hx.get_value_at_percentile(p) == hy.get_value_at_percentile(p)


def test_arrivals_file_covers_every_second(tmp_path: Path) -> None:
    rec = Recorder(1)
    rec.arrival(T + 0.2, started=True, late=False)
    rec.arrival(T + 0.7, started=True, late=True)
    rec.arrival(T + 2.1, started=False, late=False)
    store = Store()
    store.add(rec.drain(None), T)
    store.write_arrivals(tmp_path / "arr.jsonl", T, 4.0, lambda t: 10.0 if t < 2 else 20.0)
    rows = _lines(tmp_path / "arr.jsonl")
    assert [r["t"] for r in rows] == [int(T) + i for i in range(4)]
    assert rows[0] == {
        "t": int(T),
        "target_rate": 10.0,
        "scheduled": 2,
        "started": 2,
        "late": 1,
        "dropped": 0,
    }
    assert rows[1]["scheduled"] == 0
    assert rows[2]["dropped"] == 1 and rows[2]["target_rate"] == 20.0
    assert store.totals() == {"scheduled": 3, "started": 2, "late": 1, "dropped": 1}


def test_recent_p99_uses_recent_windows_only() -> None:
    rec, store = Recorder(1), Store()
    rec.record(T, "a", "request", 5_000_000, False)
    store.add(rec.drain(None), T)
    rec.record(T + 10, "a", "request", 10_000, False)
    store.add(rec.drain(None), T + 10)
    assert abs(store.recent_p99_ms(T + 10, 3) - 10.0) < 0.1
    assert store.recent_p99_ms(T + 100, 3) is None
