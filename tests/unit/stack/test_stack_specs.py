"""Container specs: names, aliases, labels, env and limits follow CONTRACTS.md."""

from __future__ import annotations

from stack.config import load_stack_config, resolve_config_path
from stack.specs import Secrets, build_specs, stack_volumes

KEYS = Secrets(merchant_secret="m" * 48, card_key_secret="c" * 64)


def test_baseline_has_every_service_once_with_contract_names() -> None:
    specs = build_specs(load_stack_config(), "pdtest-a", KEYS, seed=7)
    assert sorted(specs) == sorted(
        ["postgres", "redis", "toxiproxy", "gateway", "shop-api", "shop-worker", "haproxy"]
    )
    api = specs["shop-api"][0]
    assert api.name == "pdtest-a-shop-api-1"
    assert api.aliases == ["shop-api", "shop-api-1"]
    assert api.image == "peakdrill/shop" == specs["shop-worker"][0].image
    assert api.command == ["python", "-m", "stack.shop.api"]
    assert specs["shop-worker"][0].command == ["python", "-m", "stack.shop.worker"]
    assert specs["toxiproxy"][0].command == ["-host=0.0.0.0"]
    assert api.labels["peakdrill.stack"] == "pdtest-a"
    assert api.labels["peakdrill.service"] == "shop-api"


def test_only_edge_toxiproxy_api_and_gateway_are_published_on_localhost() -> None:
    specs = build_specs(load_stack_config(), "pdtest-a", KEYS)
    published = {s.service: s.ports for group in specs.values() for s in group if s.ports}
    assert published == {
        "toxiproxy": {"8474/tcp": ("127.0.0.1", None), "18000/tcp": ("127.0.0.1", None)},
        "gateway": {"8080/tcp": ("127.0.0.1", None), "8081/tcp": ("127.0.0.1", None)},
    }


def test_shop_env_goes_through_toxiproxy_and_reflects_config() -> None:
    cfg = load_stack_config(resolve_config_path("nocache_smallpool"))
    env = build_specs(cfg, "pdtest-a", KEYS)["shop-api"][0].env
    assert env["SHOP_DATABASE_URL"] == "postgresql://shop:shop@toxiproxy:15432/shop"
    assert env["SHOP_REDIS_URL"] == "redis://toxiproxy:16379/0"
    assert env["SHOP_GATEWAY_URL"] == "http://toxiproxy:18080"
    assert env["SHOP_NOTIFY_URL"] == "http://toxiproxy:18081/api/pay/notify"
    assert env["SHOP_DB_POOL_SIZE"] == "3"
    assert env["SHOP_CACHE_ENABLED"] == "false"
    assert env["SHOP_CACHE_TTL_S"] == "30"
    assert env["SHOP_GATEWAY_PROFILE"] == "wechat_v3"
    assert env["SHOP_MERCHANT_SECRET"] == KEYS.merchant_secret
    assert env["SHOP_CARD_KEY_SECRET"] == KEYS.card_key_secret


def test_gateway_env_shares_the_merchant_secret_and_seed() -> None:
    env = build_specs(load_stack_config(), "pdtest-a", KEYS, seed=42)["gateway"][0].env
    assert env["GATEWAY_MERCHANTS"] == f"peakdrill-shop:{KEYS.merchant_secret}"
    assert env["GATEWAY_SEED"] == "42"
    assert env["GATEWAY_DATA_DIR"] == "/data"
    assert env["GATEWAY_TIME_COMPRESSION"] == "600"


def test_scaled_runs_three_api_replicas_behind_haproxy_with_limits() -> None:
    cfg = load_stack_config(resolve_config_path("scaled"))
    specs = build_specs(cfg, "pdtest-b", KEYS)
    apis = specs["shop-api"]
    assert [s.name for s in apis] == [f"pdtest-b-shop-api-{i}" for i in (1, 2, 3)]
    assert apis[2].aliases == ["shop-api", "shop-api-3"]
    assert apis[0].nano_cpus == 700_000_000
    assert apis[0].memory_mb == 384
    backends = specs["haproxy"][0].env["HAPROXY_BACKENDS"]
    assert backends == "shop-api-1:8000,shop-api-2:8000,shop-api-3:8000"


def test_volumes_are_named_after_the_stack() -> None:
    specs = build_specs(load_stack_config(), "pdtest-c", KEYS)
    assert specs["postgres"][0].volumes == {"pdtest-c-pgdata": "/var/lib/postgresql/data"}
    assert specs["gateway"][0].volumes == {"pdtest-c-gateway": "/data"}
    assert sorted(stack_volumes("pdtest-c")) == ["pdtest-c-gateway", "pdtest-c-pgdata"]


def test_secrets_are_random_per_stack() -> None:
    a, b = Secrets.random(), Secrets.random()
    assert a != b
    assert len(a.card_key_secret) == 64  # 32 bytes hex
    int(a.card_key_secret, 16)
