"""GATEWAY_* environment parsing: one-line errors naming the variable and field."""

from __future__ import annotations

import json

import pytest

from fakes.payment_gateway.settings import from_env, parse_merchants
from peakdrill.errors import BadInput

BASE = {"GATEWAY_MERCHANTS": "peakdrill-shop:abc,other:def"}


def test_defaults_and_overrides() -> None:
    s = from_env(BASE)
    assert s.merchants == {"peakdrill-shop": "abc", "other": "def"}
    assert (s.port, s.control_port, s.profile, s.time_compression) == (8080, 8081, "alipay", 1.0)
    s = from_env(
        {
            **BASE,
            "GATEWAY_PORT": "0",
            "GATEWAY_SEED": "9",
            "GATEWAY_PROFILE": "stripe",
            "GATEWAY_RETRY_SCHEDULE_S": "1,2.5",
            "GATEWAY_FAULTS_JSON": json.dumps({"faults": [{"id": "a", "kind": "notify_drop"}]}),
            "GATEWAY_AUTOPAY_JSON": '{"enabled": true, "delay_ms": 5}',
        }
    )
    assert (s.port, s.seed, s.profile, s.retry_schedule_s) == (0, 9, "stripe", (1.0, 2.5))
    assert s.faults.faults[0].id == "a" and s.autopay.enabled


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "GATEWAY_MERCHANTS: merchants: "),
        ({"GATEWAY_MERCHANTS": "nosecret"}, "GATEWAY_MERCHANTS: expected id:secret"),
        ({**BASE, "GATEWAY_PROFILE": "paypal"}, "GATEWAY_PROFILE: profile: Input should be"),
        (
            {**BASE, "GATEWAY_TIME_COMPRESSION": "0.5"},
            "GATEWAY_TIME_COMPRESSION: time_compression:",
        ),
        ({**BASE, "GATEWAY_FAULTS_JSON": "{"}, "GATEWAY_FAULTS_JSON: invalid JSON"),
        (
            {**BASE, "GATEWAY_FAULTS_JSON": '{"faults": [{"id": "a", "kind": "nope"}]}'},
            "GATEWAY_FAULTS_JSON: faults.faults[0]: ",
        ),
        (
            {**BASE, "GATEWAY_AUTOPAY_JSON": '{"enabled": true, "probability": 2}'},
            "GATEWAY_AUTOPAY_JSON: autopay.probability: ",
        ),
    ],
)
def test_errors_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(BadInput) as exc:
        from_env(env)
    assert str(exc.value).startswith(message)
    assert "\n" not in str(exc.value)


def test_parse_merchants_allows_colons_in_secrets() -> None:
    assert parse_merchants("a:b:c, d:e ,") == {"a": "b:c", "d": "e"}
