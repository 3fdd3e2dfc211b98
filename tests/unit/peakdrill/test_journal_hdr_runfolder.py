"""Journal, histogram codec and run-folder helpers."""

import threading
from pathlib import Path

from peakdrill import hdr
from peakdrill.journal import Journal, read_journal
from peakdrill.runfolder import RunFolder


def test_journal_appends_ordered_events_from_threads(tmp_path: Path) -> None:
    j = Journal(tmp_path / "journal.jsonl")

    def burst(n: int) -> None:
        for i in range(200):
            j.event("note", worker=n, i=i)

    threads = [threading.Thread(target=burst, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    j.event("phase", name="load_end")
    j.close()
    events = list(read_journal(tmp_path / "journal.jsonl"))
    assert len(events) == 801
    assert events[-1]["kind"] == "phase" and events[-1]["name"] == "load_end"
    ts = [e["t"] for e in events]
    assert ts == sorted(ts)


def test_histograms_roundtrip_and_merge_exactly() -> None:
    a, b = hdr.new_histogram(), hdr.new_histogram()
    for v in range(1, 1001):
        hdr.record_us(a, v * 1000)  # 1..1000 ms
    for _ in range(1000):
        hdr.record_us(b, 5_000_000)  # 5 s
    merged = hdr.merge([hdr.encode(a), hdr.encode(b)])
    assert merged.get_total_count() == 2000
    # p25 falls in a's uniform range, p99 in b's spike; 3 significant digits
    assert abs(merged.get_value_at_percentile(25) - 500_000) <= 500
    assert abs(merged.get_value_at_percentile(99) - 5_000_000) <= 5_000


def test_record_clamps_out_of_range_values() -> None:
    h = hdr.new_histogram()
    hdr.record_us(h, 0)
    hdr.record_us(h, 10 * hdr.HIGHEST_US)
    assert h.get_total_count() == 2
    assert h.get_min_value() >= hdr.LOWEST_US


def test_runfolder_meta_merge(tmp_path: Path) -> None:
    rf = RunFolder(tmp_path / "run").create()
    assert rf.read_meta() == {}
    rf.write_meta({"seed": 7})
    rf.update_meta(invalid_reasons=["no samples"])
    assert rf.read_meta() == {"seed": 7, "invalid_reasons": ["no samples"]}
    assert rf.latency.parent.is_dir()
