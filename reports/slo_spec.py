"""The SLO spec a scenario carries (`slos:`), validated with the scenario.

An objective names a metric, optionally an endpoint, the phase it is judged in, and warn/fail
bands. Metric names are a closed vocabulary so a typo is a bad-input error (exit 2), and a
well-formed metric that the run never measured is an invalid run (exit 3), never a pass.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from peakdrill.yamlconfig import StrictModel

Phase = Literal["steady", "fault", "recovery", "whole"]

# latency_p99_ms, delivery_lag_p95_ms, latency_p99.9_ms ...
_PCT = r"p(?:\d{1,2}(?:\.\d+)?|100)"
METRIC_PATTERNS: dict[str, str] = {
    "latency": rf"^latency_{_PCT}_ms$",
    "delivery_lag": rf"^delivery_lag_{_PCT}_ms$",
    "error_ratio": r"^error_ratio$",
    "achieved_rate_ratio": r"^achieved_rate_ratio$",
    "late_start_ratio": r"^late_start_ratio$",
    "integrity_violations": r"^integrity_violations$",
    "recovery_time_s": r"^recovery_time_s$",
}
# metrics where bigger is better: bands are lower bounds
HIGHER_IS_BETTER = frozenset({"achieved_rate_ratio"})


def metric_family(metric: str) -> str:
    """The family of a metric name (latency, delivery_lag, error_ratio, ...)."""
    for family, pattern in METRIC_PATTERNS.items():
        if re.match(pattern, metric):
            return family
    raise ValueError(f"unknown metric {metric!r}")


def metric_percentile(metric: str) -> float | None:
    """The percentile in `latency_p99_ms` (99.0), None for non-percentile metrics."""
    m = re.search(r"_p(\d+(?:\.\d+)?)_ms$", metric)
    return float(m.group(1)) if m else None


class Objective(StrictModel):
    """One objective: `metric` judged in `phase` against warn and fail bands."""

    name: str = Field(min_length=1, max_length=120)
    metric: str
    endpoint: str | None = Field(None, description="request name, e.g. 'POST /api/orders'")
    phase: Phase = "steady"
    warn: float | None = Field(None, description="crossing this is a warning, not a failure")
    fail: float = Field(description="crossing this fails the objective")

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str) -> str:
        try:
            metric_family(v)
        except ValueError:
            known = ", ".join(["latency_pNN_ms", "delivery_lag_pNN_ms", *list(METRIC_PATTERNS)[2:]])
            raise ValueError(f"unknown metric {v!r} (known: {known})") from None
        return v

    @model_validator(mode="after")
    def _bands_ordered(self) -> Objective:
        family = metric_family(self.metric)
        if self.endpoint is not None and family not in ("latency", "error_ratio"):
            raise ValueError(f"endpoint: not allowed for metric {self.metric}")
        if family == "integrity_violations" and self.phase != "whole":
            raise ValueError("phase: integrity_violations is judged on the whole run only")
        if family == "recovery_time_s" and self.phase != "recovery":
            raise ValueError("phase: recovery_time_s is judged in the recovery phase only")
        if self.warn is not None:
            higher_better = self.metric in HIGHER_IS_BETTER
            if (self.warn < self.fail) if higher_better else (self.warn > self.fail):
                raise ValueError("warn: must be on the safe side of fail")
        return self

    @property
    def higher_is_better(self) -> bool:
        """True when values above the bands are good (achieved rate)."""
        return self.metric in HIGHER_IS_BETTER


class SloSpec(StrictModel):
    """Objectives plus the windows the phases are cut with."""

    recovery_window_s: float = Field(
        30.0, gt=0, le=3600, description="after a fault heals, this long counts as recovery"
    )
    warmup_s: float = Field(
        5.0, ge=0, le=600, description="the first seconds of load are left out of steady"
    )
    recovered_hold_s: float = Field(
        5.0, ge=1, le=600, description="steady objectives must hold this long to count as recovered"
    )
    objectives: list[Objective] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> SloSpec:
        seen: set[str] = set()
        for i, obj in enumerate(self.objectives):
            if obj.name in seen:
                raise ValueError(f"objectives[{i}].name: duplicate objective {obj.name!r}")
            seen.add(obj.name)
        if any(o.metric == "recovery_time_s" for o in self.objectives) and not self.steady_targets:
            raise ValueError(
                "objectives: recovery_time_s needs a steady latency or error_ratio objective "
                "to recover to"
            )
        return self

    @property
    def steady_targets(self) -> list[Objective]:
        """Steady latency/error objectives: what "recovered" means after a fault."""
        return [
            o
            for o in self.objectives
            if o.phase == "steady" and metric_family(o.metric) in ("latency", "error_ratio")
        ]
