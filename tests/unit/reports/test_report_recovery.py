"""Recovery time after a fault: first instant the steady objectives hold again for a window."""

from __future__ import annotations

from reports_helpers import slos_with, small_run

from reports.build import judge_run
from reports.synthetic import SynthFault, write_run


def test_recovery_time_tracks_the_decay(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # 8x slower during the fault, decaying linearly for tail_s: the longer the tail, the later
    # the p99 of POST /api/orders drops under its 250 ms fail band again
    times = []
    for tail in (2, 10):
        run = write_run(
            tmp_path / f"tail{tail}",
            small_run(faults=(SynthFault("f1", 10, 6, tail_s=tail),), duration_s=45),
        )
        rec = judge_run(run).recoveries["f1"]
        assert rec.outcome == "recovered"
        assert rec.value_s is not None
        times.append(rec.value_s)
    assert times[0] <= 2 < times[1] <= 10


def test_fault_stopping_at_the_end_is_unmeasured(tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = write_run(tmp_path / "late", small_run(faults=(SynthFault("f1", 30, 8),), duration_s=40))
    ev = judge_run(run)
    assert ev.recoveries["f1"].outcome == "unmeasured"
    assert ev.exit_code == 3


def test_never_recovering_fails(tmp_path) -> None:  # type: ignore[no-untyped-def]
    slos = slos_with(recovers={"fail": 60})
    run = write_run(
        tmp_path / "slow",
        small_run(faults=(SynthFault("f1", 10, 5, tail_s=200),), duration_s=40, slos=slos),
    )
    ev = judge_run(run)
    rec = ev.recoveries["f1"]
    assert rec.outcome == "not_recovered" and rec.value_s is not None and rec.value_s >= 20
    assert ev.exit_code == 1
