"""Gateway settings from GATEWAY_* environment variables, validated whole at start."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from fakes.payment_gateway.distributions import MAX_DELAY_MS, DelayParams
from fakes.payment_gateway.faults import FaultList
from fakes.payment_gateway.profiles import ProfileName
from peakdrill.errors import BadInput
from peakdrill.yamlconfig import StrictModel, first_error


class AutopayConfig(DelayParams):
    """Auto-pay: the gateway pays created payments itself after a sampled delay (real time)."""

    enabled: bool = False
    probability: float = Field(1.0, ge=0, le=1)
    delay_ms: float | None = Field(0.0, ge=0, le=MAX_DELAY_MS)


class GatewaySettings(StrictModel):
    """Everything the gateway process is configured with."""

    data_dir: Path = Path("/data")
    seed: int = 0
    profile: ProfileName = "alipay"
    retry_schedule_s: tuple[float, ...] | None = Field(None, description="override the profile")
    time_compression: float = Field(1.0, ge=1, le=1_000_000)
    signing: Literal["hmac", "rsa"] = Field("hmac", description="rsa adds an RSA signature")
    notify_timeout_ms: int = Field(5000, gt=0, le=60_000)
    notifier_concurrency: int = Field(64, ge=1, le=4096)
    merchants: dict[str, str] = Field(min_length=1, description="merchant id → secret")
    faults: FaultList = FaultList()
    autopay: AutopayConfig = AutopayConfig()
    host: str = "0.0.0.0"
    port: int = Field(8080, ge=0, le=65535)
    control_port: int = Field(8081, ge=0, le=65535)


SCALARS = (
    "data_dir",
    "seed",
    "profile",
    "time_compression",
    "signing",
    "notify_timeout_ms",
    "notifier_concurrency",
    "host",
    "port",
    "control_port",
)
# fields read from a variable not named GATEWAY_<FIELD>
VARS = {
    "faults": "GATEWAY_FAULTS_JSON",
    "autopay": "GATEWAY_AUTOPAY_JSON",
    "retry_schedule_s": "GATEWAY_RETRY_SCHEDULE_S",
}


def parse_merchants(text: str) -> dict[str, str]:
    """`id:secret,id2:secret2` → {id: secret}."""
    out: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        merchant, sep, secret = pair.partition(":")
        if not sep or not merchant or not secret:
            raise ValueError(f"expected id:secret, got {pair.split(':')[0]!r}:…")
        out[merchant] = secret
    return out


def _raw(env: Mapping[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for name in SCALARS:
        if f"GATEWAY_{name.upper()}" in env:
            raw[name] = env[f"GATEWAY_{name.upper()}"]
    for name in ("faults", "autopay"):
        var = VARS[name]
        if env.get(var, "").strip():
            try:
                raw[name] = json.loads(env[var])
            except json.JSONDecodeError as exc:
                raise BadInput(f"{var}: invalid JSON: {exc.msg}") from None
    if env.get(VARS["retry_schedule_s"], "").strip():
        raw["retry_schedule_s"] = env[VARS["retry_schedule_s"]].split(",")
    try:
        raw["merchants"] = parse_merchants(env.get("GATEWAY_MERCHANTS", ""))
    except ValueError as exc:
        raise BadInput(f"GATEWAY_MERCHANTS: {exc}") from None
    return raw


def from_env(env: Mapping[str, str]) -> GatewaySettings:
    """Settings from the environment; BadInput names the variable and the field path."""
    try:
        return GatewaySettings.model_validate(_raw(env))
    except ValidationError as exc:
        message = first_error(exc)
        head = re.split(r"[.\[:]", message, maxsplit=1)[0]
        raise BadInput(f"{VARS.get(head, 'GATEWAY_' + head.upper())}: {message}") from None
