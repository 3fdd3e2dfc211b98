"""The arrival schedule: rate over time from the stages, arrivals drawn from one seed.

Every generator process computes the same schedule from the same inputs and keeps its slice
(arrival index modulo worker count), so workers need no coordination beyond a common start.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from scenarios.behaviours.routes import BehaviourName
from scenarios.spec import AnyStage, DecayStage, HoldStage, LoadSpec, RampStage, SpikeStage

_STEP_S = 0.01  # integration step for uniform arrivals: 10 ms


@dataclass(frozen=True)
class Arrival:
    """One arrival: when (seconds from load start), which behaviour, its own seed."""

    index: int
    offset_s: float
    behaviour: str
    seed: int


class RateCurve:
    """Target arrival rate (per second) at any time since load start."""

    def __init__(self, stages: list[AnyStage]) -> None:
        self.stages = stages
        self.starts: list[float] = []
        t = 0.0
        for s in stages:
            self.starts.append(t)
            t += s.duration_s
        self.duration_s = t

    def rate(self, t: float) -> float:
        """Arrivals per second at t (0 outside the stages)."""
        if t < 0 or t >= self.duration_s:
            return 0.0
        i = bisect.bisect_right(self.starts, t) - 1
        return stage_rate(self.stages[i], t - self.starts[i])

    def peak(self) -> float:
        """Highest rate anywhere (stages are monotonic, so their ends bound it)."""
        return max(max(_bounds(s)) for s in self.stages)

    def expected(self) -> float:
        """Expected arrival count: the integral of the rate."""
        return sum(_integral(s) for s in self.stages)


def stage_rate(stage: AnyStage, t: float) -> float:
    """Rate at t seconds into one stage."""
    if isinstance(stage, HoldStage | SpikeStage):
        return stage.rate_per_s
    if isinstance(stage, RampStage):
        frac = t / stage.duration_s
        return stage.from_per_s + (stage.to_per_s - stage.from_per_s) * frac
    return _decay(stage, t)


def _decay(stage: DecayStage, t: float) -> float:
    # 95% of the way by the end: exp(-3) ~ 0.05
    k = 3.0 / stage.duration_s
    return stage.to_per_s + (stage.from_per_s - stage.to_per_s) * math.exp(-k * t)


def _bounds(stage: AnyStage) -> tuple[float, float]:
    if isinstance(stage, HoldStage | SpikeStage):
        return (stage.rate_per_s, stage.rate_per_s)
    return (stage.from_per_s, stage.to_per_s)


def _integral(stage: AnyStage) -> float:
    if isinstance(stage, HoldStage | SpikeStage):
        return stage.rate_per_s * stage.duration_s
    if isinstance(stage, RampStage):
        return (stage.from_per_s + stage.to_per_s) / 2 * stage.duration_s
    k = 3.0 / stage.duration_s
    return (
        stage.to_per_s * stage.duration_s
        + (stage.from_per_s - stage.to_per_s) * (1 - math.exp(-k * stage.duration_s)) / k
    )


def arrival_times(load: LoadSpec, seed: int) -> list[float]:
    """Arrival offsets (s) for the whole load: Poisson (thinning) or evenly spaced in rate."""
    curve = RateCurve(list(load.stages))
    if load.arrivals == "uniform":
        return _uniform(curve)
    return _poisson(curve, random.Random(seed))


def _poisson(curve: RateCurve, rng: random.Random) -> list[float]:
    # Lewis-Shedler thinning: candidates at the peak rate, each kept with p = rate(t) / peak
    peak = curve.peak()
    out: list[float] = []
    if peak <= 0:
        return out
    t = rng.expovariate(peak)
    while t < curve.duration_s:
        if rng.random() * peak < curve.rate(t):
            out.append(t)
        t += rng.expovariate(peak)
    return out


def _uniform(curve: RateCurve) -> list[float]:
    # arrival k when the integrated rate crosses k + 0.5
    out: list[float] = []
    acc, t, nxt = 0.0, 0.0, 0.5
    while t < curve.duration_s:
        r = curve.rate(t)
        while r > 0 and acc + r * _STEP_S >= nxt:
            out.append(t + (nxt - acc) / r)
            nxt += 1.0
        acc += r * _STEP_S
        t += _STEP_S
    return [x for x in out if x < curve.duration_s]


def build_schedule(load: LoadSpec, mix: Mapping[BehaviourName, float], seed: int) -> list[Arrival]:
    """The full arrival list: times from the rate, behaviours from the mix weights."""
    times = arrival_times(load, seed)
    names = sorted(n for n, w in mix.items() if w > 0)
    weights = [mix[n] for n in names]
    rng = random.Random(seed ^ 0x5EED)  # a separate stream: times do not shift with the mix
    return [
        Arrival(i, t, rng.choices(names, weights)[0], rng.getrandbits(32))
        for i, t in enumerate(times)
    ]


def worker_slice(schedule: list[Arrival], index: int, count: int) -> list[Arrival]:
    """Arrivals owned by worker `index` of `count` (round robin keeps each slice's rate even)."""
    return [a for a in schedule if a.index % count == index]
