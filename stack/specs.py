"""What each container of a stack looks like: a pure function of the config (unit-tested)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from stack.config import ServiceName, StackConfig
from stack.names import (
    LABEL_CONFIG,
    LABEL_REPLICA,
    LABEL_SERVICE,
    LABEL_STACK,
    container_name,
    image_name,
    volume_name,
)

MERCHANT_ID = "peakdrill-shop"
SHOP_PORT = 8000
# Shop and gateway reach each other and their stores only through Toxiproxy (CONTRACTS.md).
SHOP_DATABASE_URL = "postgresql://shop:shop@toxiproxy:15432/shop"
SHOP_REDIS_URL = "redis://toxiproxy:16379/0"
SHOP_GATEWAY_URL = "http://toxiproxy:18080"
SHOP_NOTIFY_URL = "http://toxiproxy:18081/api/pay/notify"
LOCALHOST_EPHEMERAL = ("127.0.0.1", None)


@dataclass(frozen=True)
class Secrets:
    """Per-stack secrets, kept in container env so a running stack can be re-inspected."""

    merchant_secret: str
    card_key_secret: str

    @classmethod
    def random(cls) -> Secrets:
        """Fresh secrets for a new stack."""
        return cls(secrets.token_hex(24), secrets.token_hex(32))


@dataclass(frozen=True)
class ContainerSpec:
    """Everything needed to create one container."""

    stack: str
    service: ServiceName
    index: int
    env: dict[str, str]
    command: list[str] | None = None
    published: tuple[int, ...] = ()  # container ports published on 127.0.0.1, ephemeral
    volumes: dict[str, str] = field(default_factory=dict)  # volume name -> mount path
    nano_cpus: int = 1_000_000_000
    memory_mb: int = 512
    config_name: str = ""

    @property
    def name(self) -> str:
        """Container name `<stack>-<service>-<i>`."""
        return container_name(self.stack, self.service, self.index)

    @property
    def image(self) -> str:
        """Image tag the container runs."""
        return image_name(self.service)

    @property
    def aliases(self) -> list[str]:
        """Network aliases: the service name, and `<service>-<i>` for scaled services."""
        return [self.service, f"{self.service}-{self.index}"]

    @property
    def labels(self) -> dict[str, str]:
        """Labels that let `stack down` and `status` find the container."""
        return {
            LABEL_STACK: self.stack,
            LABEL_SERVICE: self.service,
            LABEL_REPLICA: str(self.index),
            LABEL_CONFIG: self.config_name,
        }

    @property
    def ports(self) -> dict[str, tuple[str, None]]:
        """Docker SDK `ports=` argument: 127.0.0.1 only, ephemeral host ports."""
        return {f"{p}/tcp": LOCALHOST_EPHEMERAL for p in self.published}


def build_specs(
    config: StackConfig, stack: str, keys: Secrets, seed: int = 0
) -> dict[ServiceName, list[ContainerSpec]]:
    """All container specs of a stack, by service."""
    replicas = {svc: config.limits(svc).replicas for svc in ("shop-api", "shop-worker")}
    backends = ",".join(f"shop-api-{i}:{SHOP_PORT}" for i in range(1, replicas["shop-api"] + 1))
    envs: dict[ServiceName, dict[str, str]] = {
        "postgres": {"POSTGRES_MAX_CONNECTIONS": str(config.postgres.max_connections)},
        "redis": {},
        "toxiproxy": {},
        "gateway": gateway_env(config, keys, seed),
        "shop-api": shop_env(config, keys),
        "shop-worker": shop_env(config, keys),
        "haproxy": {"HAPROXY_BACKENDS": backends},
    }
    out: dict[ServiceName, list[ContainerSpec]] = {}
    for svc, env in envs.items():
        count = replicas.get(svc, 1)
        out[svc] = [_spec(config, stack, svc, i, env) for i in range(1, count + 1)]
    return out


_COMMANDS: dict[str, list[str]] = {
    "toxiproxy": ["-host=0.0.0.0"],
    "shop-api": ["python", "-m", "stack.shop.api"],
    "shop-worker": ["python", "-m", "stack.shop.worker"],
    "gateway": ["python", "-m", "fakes.payment_gateway"],
}
_PUBLISHED: dict[str, tuple[int, ...]] = {"toxiproxy": (8474, 18000), "gateway": (8080, 8081)}
_VOLUMES: dict[str, tuple[str, str]] = {
    "postgres": ("pgdata", "/var/lib/postgresql/data"),
    "gateway": ("gateway", "/data"),
}


def _spec(
    config: StackConfig, stack: str, svc: ServiceName, index: int, env: dict[str, str]
) -> ContainerSpec:
    limits = config.limits(svc)
    vol = _VOLUMES.get(svc)
    return ContainerSpec(
        stack=stack,
        service=svc,
        index=index,
        env=dict(env),
        command=_COMMANDS.get(svc),
        published=_PUBLISHED.get(svc, ()),
        volumes={volume_name(stack, vol[0]): vol[1]} if vol else {},
        nano_cpus=int(limits.cpus * 1e9),
        memory_mb=limits.memory_mb,
        config_name=config.name,
    )


def stack_volumes(stack: str) -> list[str]:
    """Names of the named volumes a stack uses."""
    return [volume_name(stack, what) for what, _path in _VOLUMES.values()]


def shop_env(config: StackConfig, keys: Secrets) -> dict[str, str]:
    """SHOP_* environment of shop-api and shop-worker (CONTRACTS.md)."""
    shop = config.shop
    return {
        "SHOP_DATABASE_URL": SHOP_DATABASE_URL,
        "SHOP_REDIS_URL": SHOP_REDIS_URL,
        "SHOP_GATEWAY_URL": SHOP_GATEWAY_URL,
        "SHOP_NOTIFY_URL": SHOP_NOTIFY_URL,
        "SHOP_MERCHANT_ID": MERCHANT_ID,
        "SHOP_MERCHANT_SECRET": keys.merchant_secret,
        "SHOP_CARD_KEY_SECRET": keys.card_key_secret,
        "SHOP_WORKERS": str(shop.workers_per_replica),
        "SHOP_DB_POOL_SIZE": str(shop.db_pool_size),
        "SHOP_CACHE_ENABLED": _bool(shop.cache.enabled),
        "SHOP_CACHE_TTL_S": _num(shop.cache.ttl_s),
        "SHOP_RECONCILE_INTERVAL_S": _num(shop.reconcile_interval_s),
        "SHOP_RECONCILE_AFTER_S": _num(shop.reconcile_after_s),
        "SHOP_EXPIRY_INTERVAL_S": _num(shop.expiry_interval_s),
        "SHOP_ORDER_TTL_S": _num(shop.order_ttl_s),
        "SHOP_GATEWAY_TIMEOUT_MS": str(shop.gateway_timeout_ms),
        "SHOP_INTEGRITY_GUARDS": _bool(shop.integrity_guards),
        "SHOP_GATEWAY_PROFILE": config.gateway.profile,
    }


def gateway_env(config: StackConfig, keys: Secrets, seed: int) -> dict[str, str]:
    """GATEWAY_* environment of the fake gateway (CONTRACTS.md)."""
    gw = config.gateway
    return {
        "GATEWAY_DATA_DIR": "/data",
        "GATEWAY_SEED": str(seed),
        "GATEWAY_PROFILE": gw.profile,
        "GATEWAY_TIME_COMPRESSION": _num(gw.time_compression),
        "GATEWAY_NOTIFY_TIMEOUT_MS": str(gw.notify_timeout_ms),
        "GATEWAY_NOTIFIER_CONCURRENCY": str(gw.notifier_concurrency),
        "GATEWAY_MERCHANTS": f"{MERCHANT_ID}:{keys.merchant_secret}",
    }


def _bool(v: bool) -> str:
    return "true" if v else "false"


def _num(v: float) -> str:
    # 30.0 -> "30", 0.5 -> "0.5": integers stay parseable by int() on the other side
    return str(int(v)) if float(v).is_integer() else str(v)
