"""Delay distributions (fixed, uniform, lognormal) shared by faults and auto-pay."""

from __future__ import annotations

import math
import random
from typing import Literal

from pydantic import Field, model_validator

from peakdrill.yamlconfig import StrictModel

MAX_DELAY_MS = 3_600_000.0  # one hour: a bound so no sampled delay holds a task forever


class DelayParams(StrictModel):
    """A delay: fixed {delay_ms}, uniform {min_ms, max_ms} or lognormal {median_ms, sigma}."""

    distribution: Literal["fixed", "uniform", "lognormal"] = "fixed"
    delay_ms: float | None = Field(None, ge=0, le=MAX_DELAY_MS)
    min_ms: float | None = Field(None, ge=0, le=MAX_DELAY_MS)
    max_ms: float | None = Field(None, ge=0, le=MAX_DELAY_MS)
    median_ms: float | None = Field(None, gt=0, le=MAX_DELAY_MS)
    sigma: float | None = Field(None, ge=0, le=5)

    @model_validator(mode="after")
    def _needs_its_params(self) -> DelayParams:
        needed = {
            "fixed": ("delay_ms",),
            "uniform": ("min_ms", "max_ms"),
            "lognormal": ("median_ms", "sigma"),
        }[self.distribution]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.distribution} delay needs {', '.join(missing)}")
        if self.distribution == "uniform" and (self.min_ms or 0) > (self.max_ms or 0):
            raise ValueError("min_ms must be <= max_ms")
        return self


def sample_ms(params: DelayParams, rng: random.Random) -> float:
    """One delay in milliseconds drawn with `rng`, clamped to [0, MAX_DELAY_MS]."""
    if params.distribution == "fixed":
        value = params.delay_ms or 0.0
    elif params.distribution == "uniform":
        value = rng.uniform(params.min_ms or 0.0, params.max_ms or 0.0)
    else:
        value = rng.lognormvariate(math.log(params.median_ms or 1.0), params.sigma or 0.0)
    return min(max(value, 0.0), MAX_DELAY_MS)
