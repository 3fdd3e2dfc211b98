"""Shop settings from SHOP_* environment variables (see docs/CONTRACTS.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

GatewayProfile = Literal["alipay", "wechat_v3", "stripe"]


class ConfigError(Exception):
    """A setting is missing or unsafe; the process refuses to start with this one line."""


class ShopSettings(BaseSettings):
    """Every knob of the shop API and worker; units are in the names."""

    model_config = SettingsConfigDict(env_prefix="SHOP_", extra="ignore", frozen=True)

    database_url: str = "postgresql://shop:shop@toxiproxy:15432/shop"
    redis_url: str = "redis://toxiproxy:16379/0"
    gateway_url: str = "http://toxiproxy:18080"
    notify_url: str = "http://toxiproxy:18081/api/pay/notify"
    merchant_id: str = "peakdrill-shop"
    merchant_secret: str = Field(min_length=16)
    card_key_secret: str
    workers: int = Field(2, ge=1, le=64)
    db_pool_size: int = Field(10, ge=1, le=500)
    cache_enabled: bool = True
    cache_ttl_s: float = Field(30.0, gt=0)
    reconcile_interval_s: float = Field(5.0, gt=0)
    reconcile_after_s: float = Field(10.0, ge=0)
    expiry_interval_s: float = Field(5.0, gt=0)
    order_ttl_s: float = Field(120.0, gt=0)
    gateway_timeout_ms: int = Field(3000, gt=0)
    integrity_guards: bool = True
    gateway_profile: GatewayProfile = "alipay"
    # not in the stack contract: tuning with safe defaults
    password_iterations: int = Field(4000, ge=1000)
    redis_timeout_ms: int = Field(300, gt=0)
    db_acquire_timeout_ms: int = Field(5000, gt=0)
    db_command_timeout_ms: int = Field(10000, gt=0)
    port: int = 8000
    notify_tolerance_s: int = Field(300, gt=0)
    # unguarded mode: the read-then-write window real shops have (a slow SMS/e-mail/ERP call
    # between "not delivered yet?" and the update); wide enough to see under test
    unguarded_race_ms: int = Field(300, ge=0)


def load_settings() -> ShopSettings:
    """Read and validate the environment; ConfigError with one line on any problem."""
    from stack.shop.crypto import validate_card_key_secret

    try:
        settings = ShopSettings()  # values come from the env
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "SHOP_" + str(err["loc"][0]).upper() if err["loc"] else "SHOP_*"
        raise ConfigError(f"{name}: {err['msg']}") from None
    validate_card_key_secret(settings.card_key_secret)
    return settings
