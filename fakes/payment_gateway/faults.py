"""Fault specifications of the control API (`{"faults": [...]}`), validated with pydantic."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from fakes.payment_gateway.distributions import DelayParams
from peakdrill.yamlconfig import StrictModel


class NoParams(StrictModel):
    """A fault kind without parameters."""


class DuplicateParams(StrictModel):
    """notify_duplicate: extra copies sent concurrently with the original."""

    copies: int = Field(1, ge=1, le=20)


class ReorderParams(StrictModel):
    """notify_reorder: hold the send back so later notifications overtake it."""

    hold_ms: float = Field(2000.0, gt=0, le=600_000)


class BadSignatureParams(StrictModel):
    """notify_bad_signature: `forged` (wrong key) or `stale` (valid HMAC, timestamp too old)."""

    mode: Literal["forged", "stale"] = "forged"


class WrongAmountParams(StrictModel):
    """notify_wrong_amount: validly signed body whose amount is off by delta_cents."""

    delta_cents: int = Field(1, ge=-1_000_000_000, le=1_000_000_000)

    @model_validator(mode="after")
    def _nonzero(self) -> WrongAmountParams:
        if self.delta_cents == 0:
            raise ValueError("delta_cents must not be 0")
        return self


class ErrorParams(StrictModel):
    """endpoint_error: answer this status instead of serving the request."""

    status: Literal[500, 502, 503, 429] = 500


class HangParams(StrictModel):
    """endpoint_hang: never answer; close the connection after hang_ms (bounded)."""

    hang_ms: float = Field(30_000.0, gt=0, le=600_000)


class _FaultBase(StrictModel):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    probability: float = Field(1.0, ge=0, le=1)
    endpoint: str | None = Field(None, description="path prefix; endpoint faults only")

    @model_validator(mode="after")
    def _not_reserved(self) -> _FaultBase:
        if self.id == "notifications":  # a key of GET /control/counters
            raise ValueError("fault id 'notifications' is reserved")
        return self


class _NotifyFault(_FaultBase):
    @model_validator(mode="after")
    def _no_endpoint(self) -> _NotifyFault:
        if self.endpoint is not None:
            raise ValueError("endpoint applies to endpoint_* faults only")
        return self


class NotifyDrop(_NotifyFault):
    """Do not send this attempt (it counts as failed and is retried on schedule)."""

    kind: Literal["notify_drop"]
    params: NoParams = NoParams()


class NotifyDuplicate(_NotifyFault):
    """Send extra copies of this attempt at the same time."""

    kind: Literal["notify_duplicate"]
    params: DuplicateParams = DuplicateParams()


class NotifyReorder(_NotifyFault):
    """Hold this attempt back by hold_ms."""

    kind: Literal["notify_reorder"]
    params: ReorderParams = ReorderParams()


class NotifyDelay(_NotifyFault):
    """Delay this attempt by a sampled delay."""

    kind: Literal["notify_delay"]
    params: DelayParams


class NotifyReplay(_NotifyFault):
    """After this attempt, resend an older notification byte for byte (old signature too)."""

    kind: Literal["notify_replay"]
    params: NoParams = NoParams()


class NotifyBadSignature(_NotifyFault):
    """Send this attempt with a forged or stale signature."""

    kind: Literal["notify_bad_signature"]
    params: BadSignatureParams = BadSignatureParams()


class NotifyWrongAmount(_NotifyFault):
    """Send this attempt, validly signed, with a wrong amount."""

    kind: Literal["notify_wrong_amount"]
    params: WrongAmountParams = WrongAmountParams()


class EndpointLatency(_FaultBase):
    """Add a sampled latency before serving."""

    kind: Literal["endpoint_latency"]
    params: DelayParams


class EndpointError(_FaultBase):
    """Answer an HTTP error instead of serving."""

    kind: Literal["endpoint_error"]
    params: ErrorParams = ErrorParams()


class EndpointHang(_FaultBase):
    """Never answer; drop the connection after hang_ms."""

    kind: Literal["endpoint_hang"]
    params: HangParams = HangParams()


class EndpointReset(_FaultBase):
    """Reset the TCP connection (RST) without answering."""

    kind: Literal["endpoint_reset"]
    params: NoParams = NoParams()


class EndpointEmpty(_FaultBase):
    """Close the connection without sending a byte."""

    kind: Literal["endpoint_empty"]
    params: NoParams = NoParams()


NotifyFault = (
    NotifyDrop
    | NotifyDuplicate
    | NotifyReorder
    | NotifyDelay
    | NotifyReplay
    | NotifyBadSignature
    | NotifyWrongAmount
)
EndpointFault = EndpointLatency | EndpointError | EndpointHang | EndpointReset | EndpointEmpty
Fault = Annotated[NotifyFault | EndpointFault, Field(discriminator="kind")]

FAULT_KINDS = frozenset(
    m.model_fields["kind"].annotation.__args__[0]
    for m in (*NotifyFault.__args__, *EndpointFault.__args__)
)


class FaultList(StrictModel):
    """Body of `PUT /control/faults` and of GATEWAY_FAULTS_JSON."""

    faults: list[Fault] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _unique_ids(self) -> FaultList:
        seen: set[str] = set()
        for fault in self.faults:
            if fault.id in seen:
                raise ValueError(f"duplicate fault id {fault.id!r}")
            seen.add(fault.id)
        return self


class FaultEnvelope(StrictModel):
    """Wrapper used to validate one fault (`POST /control/faults`)."""

    fault: Fault
