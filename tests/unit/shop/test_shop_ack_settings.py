"""Acknowledgements per gateway profile, and settings validation."""

import os

import pytest

from stack.shop.ack import acknowledge, refuse
from stack.shop.settings import ConfigError, load_settings


def test_alipay_ack_is_exactly_success() -> None:
    a = acknowledge("alipay")
    assert (a.status, a.body) == (200, b"success")
    assert refuse("alipay", 400, "bad_signature").body == b"fail"


def test_wechat_ack_is_204_and_failure_is_fail_code() -> None:
    assert acknowledge("wechat_v3").status == 204
    r = refuse("wechat_v3", 500, "shop_unavailable")
    assert r.status == 500 and b'"FAIL"' in r.body


def test_stripe_ack_is_2xx() -> None:
    assert 200 <= acknowledge("stripe").status < 300
    assert refuse("stripe", 400, "stale").status == 400


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for k in list(os.environ):
        if k.startswith("SHOP_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("SHOP_MERCHANT_SECRET", "m" * 24)
    monkeypatch.setenv("SHOP_CARD_KEY_SECRET", os.urandom(32).hex())
    return monkeypatch


def test_settings_from_env(env: pytest.MonkeyPatch) -> None:
    env.setenv("SHOP_INTEGRITY_GUARDS", "false")
    env.setenv("SHOP_ORDER_TTL_S", "7.5")
    env.setenv("SHOP_GATEWAY_PROFILE", "wechat_v3")
    s = load_settings()
    assert s.integrity_guards is False and s.order_ttl_s == 7.5 and s.gateway_profile == "wechat_v3"


def test_missing_secret_names_the_variable(env: pytest.MonkeyPatch) -> None:
    env.delenv("SHOP_MERCHANT_SECRET")
    with pytest.raises(ConfigError, match=r"^SHOP_MERCHANT_SECRET: "):
        load_settings()


def test_placeholder_card_key_refused_at_start(env: pytest.MonkeyPatch) -> None:
    env.setenv("SHOP_CARD_KEY_SECRET", "changeme")
    with pytest.raises(ConfigError, match=r"^SHOP_CARD_KEY_SECRET: "):
        load_settings()


def test_bad_profile_refused(env: pytest.MonkeyPatch) -> None:
    env.setenv("SHOP_GATEWAY_PROFILE", "paypal")
    with pytest.raises(ConfigError, match=r"^SHOP_GATEWAY_PROFILE: "):
        load_settings()
