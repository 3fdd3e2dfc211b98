"""Validation of fault and delay specifications."""

from __future__ import annotations

import random
import statistics
from typing import Any

import pytest
from pydantic import ValidationError

from fakes.payment_gateway.distributions import DelayParams, sample_ms
from fakes.payment_gateway.faults import FaultList


def faults(*items: dict[str, Any]) -> FaultList:
    return FaultList.model_validate({"faults": list(items)})


def test_every_kind_validates_with_defaults_or_params() -> None:
    parsed = faults(
        {"id": "a", "kind": "notify_drop", "probability": 0.1},
        {"id": "b", "kind": "notify_duplicate", "params": {"copies": 3}},
        {"id": "c", "kind": "notify_reorder", "params": {"hold_ms": 500}},
        {
            "id": "d",
            "kind": "notify_delay",
            "params": {"distribution": "lognormal", "median_ms": 50, "sigma": 0.5},
        },
        {"id": "e", "kind": "notify_replay"},
        {"id": "f", "kind": "notify_bad_signature", "params": {"mode": "stale"}},
        {"id": "g", "kind": "notify_wrong_amount", "params": {"delta_cents": -5}},
        {
            "id": "h",
            "kind": "endpoint_latency",
            "endpoint": "/v1",
            "params": {"distribution": "uniform", "min_ms": 1, "max_ms": 9},
        },
        {"id": "i", "kind": "endpoint_error", "params": {"status": 429}},
        {"id": "j", "kind": "endpoint_hang", "params": {"hang_ms": 100}},
        {"id": "k", "kind": "endpoint_reset"},
        {"id": "l", "kind": "endpoint_empty"},
    )
    assert [f.kind for f in parsed.faults][:2] == ["notify_drop", "notify_duplicate"]
    assert parsed.faults[1].params.copies == 3  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        ({"id": "a", "kind": "notify_teleport"}, "does not match any of the expected tags"),
        ({"id": "a", "kind": "notify_drop", "probability": 1.5}, "less than or equal to 1"),
        ({"id": "a", "kind": "notify_drop", "endpoint": "/v1"}, "endpoint_\\* faults only"),
        (
            {"id": "a", "kind": "notify_delay", "params": {"distribution": "uniform", "min_ms": 1}},
            "needs max_ms",
        ),
        ({"id": "a", "kind": "notify_delay", "params": {"delay_ms": 5, "jitter": 1}}, "Extra"),
        ({"id": "a", "kind": "endpoint_error", "params": {"status": 418}}, "500, 502, 503 or 429"),
        ({"id": "a", "kind": "endpoint_hang", "params": {"hang_ms": 10_000_000}}, "less than"),
        ({"id": "a", "kind": "notify_wrong_amount", "params": {"delta_cents": 0}}, "not be 0"),
        ({"id": "notifications", "kind": "notify_drop"}, "reserved"),
        ({"id": "bad id!", "kind": "notify_drop"}, "pattern"),
    ],
)
def test_invalid_faults_are_rejected(item: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        faults(item)


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValidationError, match="duplicate fault id 'x'"):
        faults({"id": "x", "kind": "notify_drop"}, {"id": "x", "kind": "notify_replay"})


def test_fixed_and_uniform_samples() -> None:
    rng = random.Random(1)
    assert sample_ms(DelayParams(distribution="fixed", delay_ms=42), rng) == 42
    uniform = DelayParams(distribution="uniform", min_ms=10, max_ms=20)
    samples = [sample_ms(uniform, rng) for _ in range(1000)]
    assert min(samples) >= 10 and max(samples) <= 20
    assert statistics.mean(samples) == pytest.approx(15, abs=0.6)


def test_lognormal_median_and_spread() -> None:
    rng = random.Random(2)
    params = DelayParams(distribution="lognormal", median_ms=100, sigma=0.5)
    samples = [sample_ms(params, rng) for _ in range(4000)]
    assert statistics.median(samples) == pytest.approx(100, rel=0.06)
    assert max(samples) > 300  # a long tail, unlike a uniform


def test_uniform_bounds_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="min_ms must be <= max_ms"):
        DelayParams(distribution="uniform", min_ms=5, max_ms=1)
