"""Typed stack configs (stack/configs/*.yaml): scaling knobs for every service."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from peakdrill.yamlconfig import StrictModel, load_model

CONFIG_DIR = Path(__file__).parent / "configs"
DEFAULT_CONFIG = CONFIG_DIR / "baseline.yaml"

ServiceName = Literal[
    "postgres", "redis", "toxiproxy", "gateway", "shop-api", "shop-worker", "haproxy"
]
SERVICES: tuple[ServiceName, ...] = (
    "postgres",
    "redis",
    "toxiproxy",
    "gateway",
    "shop-api",
    "shop-worker",
    "haproxy",
)
SCALABLE: frozenset[str] = frozenset({"shop-api", "shop-worker"})
GatewayProfile = Literal["alipay", "wechat_v3", "stripe"]


class ServiceLimits(StrictModel):
    """Replicas and resource limits of one service."""

    replicas: int = Field(1, ge=1, le=16)
    cpus: float = Field(1.0, gt=0, le=64, description="CPU limit in cores (Docker nano_cpus)")
    memory_mb: int = Field(512, ge=32, le=65536, description="memory limit in MiB")


class CacheConfig(StrictModel):
    """Redis cache for catalog and product pages."""

    enabled: bool = True
    ttl_s: float = Field(30.0, gt=0, le=86400)


class ShopConfig(StrictModel):
    """Knobs of the reference card shop (API and worker)."""

    workers_per_replica: int = Field(2, ge=1, le=32, description="uvicorn worker processes")
    db_pool_size: int = Field(10, ge=1, le=200, description="asyncpg pool size per process")
    cache: CacheConfig = CacheConfig()
    reconcile_interval_s: float = Field(5.0, gt=0, le=3600)
    reconcile_after_s: float = Field(10.0, ge=0, le=86400, description="query orders older")
    expiry_interval_s: float = Field(5.0, gt=0, le=3600)
    order_ttl_s: float = Field(120.0, gt=0, le=86400, description="unpaid order lifetime")
    gateway_timeout_ms: int = Field(3000, gt=0, le=60000)
    integrity_guards: bool = Field(
        True, description="false reproduces classic card-shop races (no row locks)"
    )


class GatewayConfig(StrictModel):
    """The fake payment gateway's behaviour profile."""

    profile: GatewayProfile = "alipay"
    time_compression: float = Field(
        600.0, ge=1, le=1_000_000, description="retry schedules run this many times faster"
    )
    notify_timeout_ms: int = Field(5000, gt=0, le=60000)
    notifier_concurrency: int = Field(64, ge=1, le=4096)


class PostgresConfig(StrictModel):
    """PostgreSQL server settings."""

    max_connections: int = Field(200, ge=10, le=5000)


class StackConfig(StrictModel):
    """One scaling config of the reference platform."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$")
    description: str = ""
    services: dict[ServiceName, ServiceLimits] = Field(default_factory=dict)
    shop: ShopConfig = ShopConfig()
    gateway: GatewayConfig = GatewayConfig()
    postgres: PostgresConfig = PostgresConfig()

    @model_validator(mode="after")
    def _only_shop_scales(self) -> StackConfig:
        for svc, limits in self.services.items():
            if limits.replicas != 1 and svc not in SCALABLE:
                raise ValueError(f"services.{svc}.replicas: only shop-api and shop-worker scale")
        return self

    def limits(self, service: ServiceName) -> ServiceLimits:
        """Limits for a service, defaults where the config names none."""
        return self.services.get(service, ServiceLimits())


def load_stack_config(path: Path | None = None) -> StackConfig:
    """Load and validate a stack config file (baseline when none is given)."""
    return load_model(StackConfig, path or DEFAULT_CONFIG)


def resolve_config_path(name_or_path: str) -> Path:
    """Accept a path, or a bare name from stack/configs (`scaled` → stack/configs/scaled.yaml)."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    return CONFIG_DIR / f"{name_or_path}.yaml"
