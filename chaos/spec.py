"""Fault specs: the `chaos:` list of a scenario, one pydantic model per fault kind.

`FaultSpec` is a union discriminated by the field `fault`. Every spec has `at_s` (seconds from
load start), `duration_s` (how long the fault lasts; optional only for the instantaneous kinds
`kill` and `restart`) and an optional `id` (default `chaos[i]`, see `with_ids`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from fakes.payment_gateway.faults import FaultEnvelope
from peakdrill.errors import BadInput
from peakdrill.yamlconfig import StrictModel, tagged_union
from stack.config import ServiceName, StackConfig

# The Toxiproxy proxies every stack has (docs/CONTRACTS.md, "Toxiproxy proxies").
ProxyName = Literal["postgres", "redis", "gateway", "notify", "edge"]
Stream = Literal["upstream", "downstream"]


def _error(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as is (no `Value error, ` prefix)."""
    return PydanticCustomError("fault_value", message)


_MAX_S = 86_400.0  # one day: longer than any rehearsal, catches unit mistakes (ms given as s)
_MAX_MS = 600_000  # ten minutes in ms


class _Base(StrictModel):
    """Fields every fault has."""

    id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.\[\]-]{1,64}$")
    at_s: float = Field(ge=0, le=_MAX_S, description="start, seconds from load start")


class _Lasting(_Base):
    """A fault that is applied, holds for `duration_s`, then is healed."""

    duration_s: float = Field(gt=0, le=_MAX_S)


class _Toxic(_Lasting):
    """A Toxiproxy toxic on one proxy."""

    target: ProxyName
    stream: Stream = "downstream"
    toxicity: float = Field(
        1.0, gt=0, le=1, description="share of CONNECTIONS affected (decided per connection)"
    )


class LatencyFault(_Toxic):
    """Delay data by latency_ms ± jitter_ms."""

    fault: Literal["latency"]
    latency_ms: int = Field(gt=0, le=_MAX_MS)
    jitter_ms: int = Field(0, ge=0, le=_MAX_MS)


class BandwidthFault(_Toxic):
    """Limit throughput to rate_kbps (KILOBYTES per second, Toxiproxy's unit)."""

    fault: Literal["bandwidth"]
    rate_kbps: int = Field(gt=0, le=10_000_000)


class SlowCloseFault(_Toxic):
    """Delay the closing of connections by delay_ms."""

    fault: Literal["slow_close"]
    delay_ms: int = Field(gt=0, le=_MAX_MS)


class TimeoutFault(_Toxic):
    """Stop all data and close after timeout_ms (0: black hole until healed)."""

    fault: Literal["timeout"]
    timeout_ms: int = Field(ge=0, le=_MAX_MS)


class ResetPeerFault(_Toxic):
    """Reset connections (TCP RST) after timeout_ms (0: at once)."""

    fault: Literal["reset_peer"]
    timeout_ms: int = Field(0, ge=0, le=_MAX_MS)


class SlicerFault(_Toxic):
    """Slice data into small packets with a delay between them."""

    fault: Literal["slicer"]
    average_size_bytes: int = Field(gt=0, le=1_048_576)
    size_variation_bytes: int = Field(0, ge=0, le=1_048_576)
    delay_us: int = Field(0, ge=0, le=_MAX_MS * 1000)

    @field_validator("size_variation_bytes")
    @classmethod
    def _variation_below_average(cls, value: int, info: ValidationInfo) -> int:
        average = info.data.get("average_size_bytes")
        if average is not None and value >= average:
            raise _error("must be < average_size_bytes")
        return value


class LimitDataFault(_Toxic):
    """Close connections after limit_bytes have passed."""

    fault: Literal["limit_data"]
    limit_bytes: int = Field(ge=0, le=1 << 40)


class DownFault(_Lasting):
    """Disable the proxy: listener closed, open connections dropped."""

    fault: Literal["down"]
    target: ProxyName


class _Container(_Base):
    """A fault on one container of a service (replica is 1-based)."""

    service: ServiceName
    replica: int = Field(1, ge=1, le=16)

    @field_validator("service")
    @classmethod
    def _not_the_injector(cls, value: ServiceName) -> ServiceName:
        # the proxies live only in Toxiproxy's memory: restarting it would break every hop for good
        if value == "toxiproxy":
            raise _error("toxiproxy is the fault injector; use `down` on one of its proxies")
        return value


class KillFault(_Container):
    """SIGKILL a container; start it again after duration_s (at once if absent) unless back."""

    fault: Literal["kill"]
    duration_s: float | None = Field(None, gt=0, le=_MAX_S)


class RestartFault(_Container):
    """Restart a container (graceful stop up to stop_timeout_s, then SIGKILL)."""

    fault: Literal["restart"]
    duration_s: float | None = Field(
        None, gt=0, le=_MAX_S, description="optional fault window for the report"
    )
    stop_timeout_s: int = Field(10, ge=0, le=300)


class PauseFault(_Container):
    """Freeze a container (cgroup freezer) for duration_s."""

    fault: Literal["pause"]
    duration_s: float = Field(gt=0, le=_MAX_S)


class CpuSqueezeFault(_Container):
    """Lower a container's CPU limit to `cpus` cores for duration_s, then restore it."""

    fault: Literal["cpu_squeeze"]
    duration_s: float = Field(gt=0, le=_MAX_S)
    cpus: float = Field(gt=0, le=64)


class GatewayFault(_Lasting):
    """A fault of the fake payment gateway, set through its control API.

    `kind`, `probability`, `endpoint` and `params` are the gateway's own fault object
    (fakes/payment_gateway/README.md) and are validated by the gateway's own model, so a
    scenario fails at load exactly where the gateway would refuse it.
    """

    fault: Literal["gateway"]
    kind: str
    probability: float = Field(1.0, ge=0, le=1)
    endpoint: str | None = Field(None, pattern=r"^/", description="path prefix, endpoint_* only")
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _gateway_accepts(self) -> GatewayFault:
        body = {"id": "check", "kind": self.kind, "probability": self.probability}
        body |= {"endpoint": self.endpoint, "params": self.params}
        try:
            FaultEnvelope.model_validate({"fault": body})
        except ValidationError as exc:
            raise _gateway_error(exc, self.kind) from None
        return self


def _gateway_error(exc: ValidationError, kind: str) -> ValidationError:
    """Re-home the gateway model's first error onto our field path (`params.delay_ms`)."""
    err = exc.errors()[0]
    loc = list(err["loc"])[1:]  # drop the envelope's `fault`
    if loc and loc[0] == kind:
        loc = loc[1:]  # drop the union tag
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "union_tag_invalid":
        allowed = message.split("expected tags: ")[-1]
        loc, message = ["kind"], f"unknown gateway fault kind {kind!r}; expected one of: {allowed}"
    elif err["type"] == "extra_forbidden":
        message = f"unknown parameter for {kind}"
    detail = InitErrorDetails(
        type=PydanticCustomError("gateway_fault", message), loc=tuple(loc), input=err["input"]
    )
    return ValidationError.from_exception_data("GatewayFault", [detail])


ToxicSpec = (
    LatencyFault
    | BandwidthFault
    | SlowCloseFault
    | TimeoutFault
    | ResetPeerFault
    | SlicerFault
    | LimitDataFault
)
AnyFault = (
    ToxicSpec | DownFault | KillFault | RestartFault | PauseFault | CpuSqueezeFault | GatewayFault
)
SPEC_CLASSES: dict[str, type[AnyFault]] = {
    "latency": LatencyFault,
    "bandwidth": BandwidthFault,
    "slow_close": SlowCloseFault,
    "timeout": TimeoutFault,
    "reset_peer": ResetPeerFault,
    "slicer": SlicerFault,
    "limit_data": LimitDataFault,
    "down": DownFault,
    "kill": KillFault,
    "restart": RestartFault,
    "pause": PauseFault,
    "cpu_squeeze": CpuSqueezeFault,
    "gateway": GatewayFault,
}
TOXIC_KINDS = frozenset(k for k, cls in SPEC_CLASSES.items() if issubclass(cls, _Toxic))
CONTAINER_KINDS = frozenset(k for k, cls in SPEC_CLASSES.items() if issubclass(cls, _Container))


if TYPE_CHECKING:
    FaultSpec = AnyFault
else:
    FaultSpec = tagged_union(SPEC_CLASSES, "fault", "fault")
"""One fault of a scenario's chaos timeline; use as `chaos: list[FaultSpec]`."""


def fault_id(spec: AnyFault, index: int) -> str:
    """The spec's id, or `chaos[index]` when it has none."""
    return spec.id or f"chaos[{index}]"


def with_ids(specs: list[AnyFault]) -> list[AnyFault]:
    """Copies of the specs with every `id` filled in (`chaos[i]` by default)."""
    return [s.model_copy(update={"id": fault_id(s, i)}) for i, s in enumerate(specs)]


def end_s(spec: AnyFault) -> float:
    """When the fault is healed, seconds from load start (instant faults end where they start)."""
    return spec.at_s + (spec.duration_s or 0.0)


def target_of(spec: AnyFault) -> str:
    """What the fault acts on: a proxy name, `service[replica]`, or `gateway`."""
    if isinstance(spec, _Toxic | DownFault):
        return spec.target
    if isinstance(spec, _Container):
        return f"{spec.service}[{spec.replica}]"
    return "gateway"


def _conflict_key(spec: AnyFault) -> tuple[str, ...] | None:
    """What two faults must not hold at the same time (None: no shared resource)."""
    if isinstance(spec, _Toxic):
        # one toxic per (proxy, type, stream): the toxic's name on the server, see toxic_name()
        return ("proxy", spec.target, toxic_name(spec))
    if isinstance(spec, DownFault):
        return ("proxy", spec.target, "down")
    if isinstance(spec, _Container):
        # any two faults on one container interfere (unpausing a killed one, squeezing a paused one)
        return ("container", spec.service, str(spec.replica))
    return None


def toxic_name(spec: AnyFault) -> str:
    """The toxic's name in Toxiproxy: deterministic, so a heal finds it even after a crash."""
    stream = getattr(spec, "stream", "downstream")
    return f"peakdrill_{spec.fault}_{stream}"


def _overlap(a: AnyFault, b: AnyFault) -> bool:
    """Do the fault windows [at_s, end_s) intersect (an instant fault is a point)?"""
    if a.at_s == b.at_s:
        return True
    return a.at_s < end_s(b) and b.at_s < end_s(a)


def validate_targets(specs: list[AnyFault], config: StackConfig, source: str = "") -> None:
    """Raise BadInput (`chaos[i].replica: ...`) for targets the stack config lacks or conflicts."""
    prefix = f"{source}: " if source else ""
    seen_ids: dict[str, int] = {}
    for i, spec in enumerate(specs):
        if isinstance(spec, _Container):
            have = config.limits(spec.service).replicas
            if spec.replica > have:
                raise BadInput(
                    f"{prefix}chaos[{i}].replica: {spec.service} has {have} replica(s) in "
                    f"config {config.name}, not {spec.replica}"
                )
        fid = fault_id(spec, i)
        if fid in seen_ids:
            raise BadInput(
                f"{prefix}chaos[{i}].id: {fid!r} is already used by chaos[{seen_ids[fid]}]"
            )
        seen_ids[fid] = i
    _check_conflicts(specs, prefix)


def _check_conflicts(specs: list[AnyFault], prefix: str) -> None:
    """Reject two faults holding one resource (toxic name, proxy state, container) at once."""
    for i, a in enumerate(specs):
        key = _conflict_key(a)
        for j in range(i):
            b = specs[j]
            if key is not None and key == _conflict_key(b) and _overlap(a, b):
                raise BadInput(
                    f"{prefix}chaos[{i}]: overlaps chaos[{j}] on {target_of(a)} "
                    f"({b.fault} at {b.at_s:g}s..{end_s(b):g}s); move or merge one of them"
                )
