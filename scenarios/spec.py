"""The scenario model (scenarios/*.yaml): data sizing, load stages, user mix, chaos, SLOs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from chaos.spec import FaultSpec
from peakdrill.yamlconfig import StrictModel, tagged_union
from reports.slo_spec import SloSpec
from scenarios.behaviours.routes import BehaviourName

_MAX_RATE = 2000.0  # arrivals/s: far beyond what one box can honestly drive
_MAX_S = 3600.0


def _error(message: str) -> PydanticCustomError:
    """A validation error shown as is (no `Value error, ` prefix)."""
    return PydanticCustomError("scenario_value", message)


class RampStage(StrictModel):
    """Rate moves linearly from from_per_s to to_per_s."""

    kind: Literal["ramp"]
    name: str | None = None
    duration_s: float = Field(gt=0, le=_MAX_S)
    from_per_s: float = Field(ge=0, le=_MAX_RATE)
    to_per_s: float = Field(ge=0, le=_MAX_RATE)


class HoldStage(StrictModel):
    """Constant rate."""

    kind: Literal["hold"]
    name: str | None = None
    duration_s: float = Field(gt=0, le=_MAX_S)
    rate_per_s: float = Field(ge=0, le=_MAX_RATE)


class SpikeStage(StrictModel):
    """Jump to rate_per_s at once and hold it (a hold that says what it is in the report)."""

    kind: Literal["spike"]
    name: str | None = None
    duration_s: float = Field(gt=0, le=_MAX_S)
    rate_per_s: float = Field(gt=0, le=_MAX_RATE)


class DecayStage(StrictModel):
    """Exponential fall from from_per_s toward to_per_s, 95% of the way by the stage's end."""

    kind: Literal["decay"]
    name: str | None = None
    duration_s: float = Field(gt=0, le=_MAX_S)
    from_per_s: float = Field(gt=0, le=_MAX_RATE)
    to_per_s: float = Field(ge=0, le=_MAX_RATE)

    @field_validator("to_per_s")
    @classmethod
    def _falls(cls, value: float, info: ValidationInfo) -> float:
        start = info.data.get("from_per_s")
        if start is not None and value >= start:
            raise _error("must be below from_per_s (use ramp to rise)")
        return value


AnyStage = RampStage | HoldStage | SpikeStage | DecayStage
STAGE_CLASSES: dict[str, type[AnyStage]] = {
    "ramp": RampStage,
    "hold": HoldStage,
    "spike": SpikeStage,
    "decay": DecayStage,
}


if TYPE_CHECKING:
    Stage = AnyStage
else:
    Stage = tagged_union(STAGE_CLASSES, "kind", "stage")


class LoadSpec(StrictModel):
    """Open-model arrivals: a rate over time, a concurrency cap, late/drop thresholds."""

    arrivals: Literal["poisson", "uniform"] = "poisson"
    stages: list[Stage] = Field(min_length=1, max_length=50)
    max_concurrency: int = Field(
        400, ge=1, le=20_000, description="flows in flight at once (all workers together)"
    )
    late_after_ms: float = Field(
        50.0, gt=0, le=60_000, description="a start later than this after its schedule is late"
    )
    drop_after_ms: float = Field(
        1000.0, ge=0, le=60_000, description="no free slot within this long: the arrival drops"
    )
    request_timeout_s: float = Field(10.0, gt=0, le=120)

    @field_validator("stages")
    @classmethod
    def _bounded(cls, value: list[AnyStage]) -> list[AnyStage]:
        total = sum(s.duration_s for s in value)
        if total > _MAX_S:
            raise _error(f"total duration {total:g}s exceeds {_MAX_S:g}s")
        return value

    @property
    def duration_s(self) -> float:
        """Total load time: the sum of the stages."""
        return sum(s.duration_s for s in self.stages)


class DataSpec(StrictModel):
    """Data seeded before load (python -m stack.shop.seed)."""

    products: int = Field(20, ge=1, le=10_000)
    keys_per_product: int = Field(2000, ge=1, le=1_000_000)
    hot_stock: int = Field(200, ge=1, le=1_000_000, description="keys of the one hot product")
    users: int = Field(500, ge=0, le=1_000_000)
    resellers: int = Field(5, ge=0, le=10_000)


class BrowserSpec(StrictModel):
    """Catalog, then a few product pages."""

    pages_min: int = Field(1, ge=0, le=50)
    pages_max: int = Field(3, ge=0, le=50)
    think_ms: int = Field(200, ge=0, le=60_000, description="pause between pages")

    @field_validator("pages_max")
    @classmethod
    def _range(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("pages_min")
        if low is not None and value < low:
            raise _error("must be >= pages_min")
        return value


class BuyerSpec(StrictModel):
    """Login, order, pay on the cashier, poll until the keys show."""

    hot_share: float = Field(0.5, ge=0, le=1, description="share of buyers after the hot product")
    quantity: int = Field(1, ge=1, le=10)
    think_ms: int = Field(300, ge=0, le=60_000, description="pause before paying")
    poll_interval_ms: int = Field(250, ge=20, le=10_000)
    poll_timeout_s: float = Field(30.0, gt=0, le=600, description="give up waiting for keys")


class ReturningSpec(StrictModel):
    """Login, order history, a few past orders."""

    orders_max: int = Field(2, ge=0, le=20, description="past orders opened from the history")
    think_ms: int = Field(200, ge=0, le=60_000)


class ResellerSpec(StrictModel):
    """Bulk orders through the reseller API."""

    quantity_min: int = Field(5, ge=1, le=100)
    quantity_max: int = Field(20, ge=1, le=100)
    poll_interval_ms: int = Field(500, ge=20, le=10_000)
    poll_timeout_s: float = Field(30.0, gt=0, le=600)

    @field_validator("quantity_max")
    @classmethod
    def _range(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("quantity_min")
        if low is not None and value < low:
            raise _error("must be >= quantity_min")
        return value


class UsersSpec(StrictModel):
    """Who arrives (mix weights) and how each behaviour acts."""

    mix: dict[BehaviourName, float] = Field(min_length=1)
    browser: BrowserSpec = BrowserSpec()
    buyer: BuyerSpec = BuyerSpec()
    returning: ReturningSpec = ReturningSpec()
    reseller: ResellerSpec = ResellerSpec()

    @field_validator("mix")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for name, w in value.items():
            if w < 0:
                raise _error(f"{name}: weight must be >= 0")
        if sum(value.values()) <= 0:
            raise _error("at least one weight must be > 0")
        return value

    def active(self) -> list[BehaviourName]:
        """Behaviours with a positive weight, in a stable order."""
        return sorted(n for n, w in self.mix.items() if w > 0)


class Scenario(StrictModel):
    """One rehearsal: what to seed, how load arrives, which faults when, which SLOs."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$")
    description: str = ""
    seed: int = Field(1, ge=0, le=2**31 - 1)
    stack_config: str = Field("baseline", description="config name in stack/configs or a path")
    data: DataSpec = DataSpec()
    load: LoadSpec
    users: UsersSpec
    chaos: list[FaultSpec] = Field(default_factory=list)
    slos: SloSpec = SloSpec()
    settle_s: float = Field(20.0, ge=0, le=600, description="after healing, before the audit")
