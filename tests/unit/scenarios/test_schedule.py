"""The arrival schedule: rate curve, Poisson/uniform arrivals, determinism, worker slices."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from scenarios.openmodel.schedule import (
    RateCurve,
    arrival_times,
    build_schedule,
    worker_slice,
)
from scenarios.spec import LoadSpec


def _load(arrivals: str = "poisson") -> LoadSpec:
    return LoadSpec.model_validate(
        {
            "arrivals": arrivals,
            "stages": [
                {"kind": "ramp", "duration_s": 10, "from_per_s": 0, "to_per_s": 20},
                {"kind": "spike", "duration_s": 10, "rate_per_s": 50},
                {"kind": "decay", "duration_s": 10, "from_per_s": 50, "to_per_s": 10},
                {"kind": "hold", "duration_s": 10, "rate_per_s": 10},
            ],
        }
    )


def test_rate_curve_follows_the_stages() -> None:
    curve = RateCurve(list(_load().stages))
    assert curve.duration_s == 40
    assert curve.rate(5) == pytest.approx(10)
    assert curve.rate(15) == 50
    assert curve.rate(20) == pytest.approx(50)
    assert curve.rate(29.999) == pytest.approx(10 + 40 * math.exp(-3), rel=1e-3)
    assert curve.rate(35) == 10
    assert curve.rate(40) == 0 and curve.rate(-1) == 0
    assert curve.peak() == 50


def test_uniform_count_matches_the_integral() -> None:
    load = _load("uniform")
    expected = RateCurve(list(load.stages)).expected()
    times = arrival_times(load, seed=1)
    assert abs(len(times) - expected) <= 1
    assert times == sorted(times) and times[0] >= 0 and times[-1] < 40


def test_poisson_is_seeded_and_near_the_integral() -> None:
    load = _load()
    expected = RateCurve(list(load.stages)).expected()
    a, b, c = arrival_times(load, 7), arrival_times(load, 7), arrival_times(load, 8)
    assert a == b
    assert a != c
    # a Poisson count has sd sqrt(expected) ~ 33: 4 sd is a generous, still meaningful bound
    assert abs(len(a) - expected) < 4 * math.sqrt(expected)


def test_poisson_follows_the_rate_per_stage() -> None:
    times = arrival_times(_load(), 3)
    spike = sum(1 for t in times if 10 <= t < 20)
    tail = sum(1 for t in times if 30 <= t < 40)
    assert 400 < spike < 600  # expected 500
    assert 60 < tail < 140  # expected 100


def test_schedule_mix_and_seeds() -> None:
    sched = build_schedule(_load(), {"browser": 3, "buyer": 1, "reseller": 0}, 11)
    kinds = Counter(a.behaviour for a in sched)
    assert set(kinds) == {"browser", "buyer"}
    assert 2.3 < kinds["browser"] / kinds["buyer"] < 3.9
    assert [a.index for a in sched] == list(range(len(sched)))
    assert build_schedule(_load(), {"browser": 3, "buyer": 1}, 11) == sched


def test_worker_slices_partition_the_schedule() -> None:
    sched = build_schedule(_load(), {"browser": 1}, 2)
    slices = [worker_slice(sched, i, 3) for i in range(3)]
    merged = sorted((a for s in slices for a in s), key=lambda a: a.index)
    assert merged == sched
    sizes = [len(s) for s in slices]
    assert max(sizes) - min(sizes) <= 1
