"""Retry schedules as data, compression, and acknowledgement rules."""

from __future__ import annotations

import pytest

from fakes.payment_gateway.profiles import (
    PROFILES,
    get_profile,
    is_ack,
    max_sends,
    retry_delay_s,
    schedule_offsets_s,
)


def test_alipay_schedule_compressed() -> None:
    alipay = get_profile("alipay")
    # 4m,10m,10m,1h,2h,6h,15h divided by 600
    assert schedule_offsets_s(alipay, 600) == pytest.approx(
        [0, 0.4, 1.4, 2.4, 8.4, 20.4, 56.4, 146.4]
    )
    assert max_sends(alipay) == 8
    assert sum(alipay.retry_intervals_s) / 3600 == pytest.approx(24 + 24 / 60)


def test_wechat_v3_schedule_spans_a_day() -> None:
    wechat = get_profile("wechat_v3")
    assert max_sends(wechat) == 16
    assert wechat.retry_intervals_s[:4] == (15, 15, 30, 180)
    assert 23 * 3600 < sum(wechat.retry_intervals_s) < 25 * 3600


def test_stripe_retries_for_about_three_days() -> None:
    total_h = sum(get_profile("stripe").retry_intervals_s) / 3600
    assert 60 < total_h <= 72


def test_retry_delay_runs_out() -> None:
    alipay = get_profile("alipay")
    assert retry_delay_s(alipay, 1, 1) == 240
    assert retry_delay_s(alipay, 7, 1000) == pytest.approx(54.0)
    assert retry_delay_s(alipay, 8, 1) is None
    assert retry_delay_s(alipay, 0, 1) is None


def test_override_keeps_ack_rule() -> None:
    custom = get_profile("wechat_v3", (1.0, 2.0))
    assert custom.retry_intervals_s == (1.0, 2.0)
    assert custom.ack == PROFILES["wechat_v3"].ack
    with pytest.raises(ValueError, match="unknown gateway profile"):
        get_profile("paypal")


@pytest.mark.parametrize(
    ("profile", "status", "body", "acked"),
    [
        ("alipay", 200, b"success", True),
        ("alipay", 200, b"success\n", True),
        ("alipay", 200, b"SUCCESS", False),
        ("alipay", 200, b"fail", False),
        ("alipay", 500, b"success", False),
        ("alipay", 204, b"", False),
        ("wechat_v3", 200, b"", True),
        ("wechat_v3", 204, b"", True),
        ("wechat_v3", 200, b'{"code":"FAIL"}', True),  # the status code wins
        ("wechat_v3", 202, b"", False),
        ("wechat_v3", 500, b'{"code":"FAIL"}', False),
        ("stripe", 202, b"", True),
        ("stripe", 299, b"whatever", True),
        ("stripe", 301, b"", False),
        ("stripe", 400, b"", False),
    ],
)
def test_ack_rules(profile: str, status: int, body: bytes, acked: bool) -> None:
    assert is_ack(get_profile(profile), status, body) is acked
