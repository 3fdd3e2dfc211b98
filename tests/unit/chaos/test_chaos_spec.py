"""Fault spec validation: units, unknown fields and kinds, targets, conflicts, gateway params."""

from __future__ import annotations

import warnings
from typing import Any, get_args

import pytest
from pydantic import Field

from chaos.spec import (
    SPEC_CLASSES,
    AnyFault,
    FaultSpec,
    KillFault,
    LatencyFault,
    ProxyName,
    end_s,
    target_of,
    toxic_name,
    validate_targets,
    with_ids,
)
from peakdrill.errors import BadInput
from peakdrill.yamlconfig import StrictModel, validate
from stack.config import StackConfig
from stack.proxies import PROXIES


class Scenario(StrictModel):
    """The shape the load engineer's scenario model gives the chaos list."""

    chaos: list[FaultSpec] = Field(default_factory=list)


def load(*faults: dict[str, Any]) -> list[AnyFault]:
    return list(validate(Scenario, {"chaos": list(faults)}, "s.yaml").chaos)


def error_of(*faults: dict[str, Any]) -> str:
    with pytest.raises(BadInput) as info:
        load(*faults)
    return str(info.value)


LAT = {"fault": "latency", "target": "edge", "at_s": 5, "duration_s": 10, "latency_ms": 200}


def test_every_kind_loads_from_plain_yaml_data() -> None:
    specs = load(
        LAT,
        {"fault": "bandwidth", "target": "redis", "at_s": 0, "duration_s": 1, "rate_kbps": 8},
        {"fault": "slow_close", "target": "postgres", "at_s": 0, "duration_s": 1, "delay_ms": 5},
        {"fault": "timeout", "target": "gateway", "at_s": 0, "duration_s": 1, "timeout_ms": 0},
        {"fault": "reset_peer", "target": "notify", "at_s": 0, "duration_s": 1},
        {
            "fault": "slicer",
            "target": "edge",
            "at_s": 20,
            "duration_s": 1,
            "average_size_bytes": 64,
            "size_variation_bytes": 8,
            "delay_us": 100,
        },
        {"fault": "limit_data", "target": "edge", "at_s": 30, "duration_s": 1, "limit_bytes": 9},
        {"fault": "down", "target": "redis", "at_s": 5, "duration_s": 1},
        {"fault": "kill", "service": "shop-api", "at_s": 1},
        {"fault": "restart", "service": "shop-worker", "at_s": 1},
        {"fault": "pause", "service": "postgres", "at_s": 1, "duration_s": 2},
        {"fault": "cpu_squeeze", "service": "redis", "at_s": 1, "duration_s": 2, "cpus": 0.1},
        {"fault": "gateway", "kind": "notify_drop", "at_s": 1, "duration_s": 2},
    )
    assert [s.fault for s in specs] == list(SPEC_CLASSES)
    assert isinstance(specs[0], LatencyFault) and specs[0].stream == "downstream"
    assert specs[0].toxicity == 1.0


def test_error_paths_name_the_field_without_union_tags() -> None:
    assert error_of(LAT | {"latency_ms": 0}) == (
        "s.yaml: chaos[0].latency_ms: Input should be greater than 0"
    )
    assert error_of(LAT, LAT | {"at_s": -1}).startswith("s.yaml: chaos[1].at_s: ")
    assert error_of(LAT | {"duration_s": 0}).startswith("s.yaml: chaos[0].duration_s: ")


def test_unknown_field_and_unknown_kind_are_errors() -> None:
    assert error_of(LAT | {"latency": 200}) == "s.yaml: chaos[0].latency: unknown field"
    msg = error_of({"fault": "earthquake", "at_s": 0})
    assert msg.startswith("s.yaml: chaos[0].fault: unknown fault kind 'earthquake'")
    assert "latency" in msg and "cpu_squeeze" in msg
    assert "fault" in error_of({"at_s": 0})


def test_unknown_proxy_names_the_allowed_ones() -> None:
    msg = error_of(LAT | {"target": "mysql"})
    assert msg.startswith("s.yaml: chaos[0].target: ")
    for proxy in ("postgres", "redis", "gateway", "notify", "edge"):
        assert proxy in msg


def test_lasting_faults_need_a_duration_instant_ones_do_not() -> None:
    no_duration = {k: v for k, v in LAT.items() if k != "duration_s"}
    assert error_of(no_duration) == "s.yaml: chaos[0].duration_s: required field is missing"
    assert "duration_s" in error_of({"fault": "pause", "service": "redis", "at_s": 1})
    (kill,) = load({"fault": "kill", "service": "shop-api", "at_s": 3})
    assert isinstance(kill, KillFault) and kill.replica == 1 and end_s(kill) == 3


def test_container_faults_reject_unknown_services_and_toxiproxy() -> None:
    assert "chaos[0].service" in error_of({"fault": "kill", "service": "nginx", "at_s": 1})
    msg = error_of({"fault": "restart", "service": "toxiproxy", "at_s": 1})
    assert msg.startswith("s.yaml: chaos[0].service: toxiproxy is the fault injector")


def test_slicer_variation_must_stay_below_average() -> None:
    bad = {"fault": "slicer", "target": "edge", "at_s": 0, "duration_s": 1}
    bad |= {"average_size_bytes": 10, "size_variation_bytes": 10}
    assert error_of(bad) == ("s.yaml: chaos[0].size_variation_bytes: must be < average_size_bytes")


def test_gateway_params_are_checked_by_the_gateways_own_model() -> None:
    base = {"fault": "gateway", "at_s": 0, "duration_s": 5}
    assert error_of(base | {"kind": "notify_drop", "params": {"copies": 2}}) == (
        "s.yaml: chaos[0].params.copies: unknown parameter for notify_drop"
    )
    msg = error_of(base | {"kind": "notify_teleport"})
    assert msg.startswith("s.yaml: chaos[0].kind: unknown gateway fault kind 'notify_teleport'")
    assert "endpoint_hang" in msg
    assert error_of(base | {"kind": "endpoint_error", "params": {"status": 404}}).startswith(
        "s.yaml: chaos[0].params.status: "
    )
    assert "delay_ms" in error_of(base | {"kind": "notify_delay", "params": {}})
    (ok,) = load(base | {"kind": "endpoint_error", "endpoint": "/v1", "params": {"status": 503}})
    assert target_of(ok) == "gateway"


def test_default_ids_and_targets() -> None:
    specs = with_ids(load(LAT, {"fault": "kill", "service": "shop-api", "id": "k1", "at_s": 1}))
    assert [s.id for s in specs] == ["chaos[0]", "k1"]
    assert [target_of(s) for s in specs] == ["edge", "shop-api[1]"]
    assert toxic_name(specs[0]) == "peakdrill_latency_downstream"


def config(replicas: int = 2) -> StackConfig:
    return StackConfig.model_validate(
        {"name": "t", "services": {"shop-api": {"replicas": replicas}}}
    )


def test_replica_beyond_the_config_is_named() -> None:
    specs = load(
        {"fault": "pause", "service": "shop-api", "replica": 2, "at_s": 0, "duration_s": 1},
        {"fault": "kill", "service": "shop-api", "replica": 3, "at_s": 9},
    )
    with pytest.raises(BadInput, match=r"^s.yaml: chaos\[1\]\.replica: shop-api has 2 replica"):
        validate_targets(specs, config(2), source="s.yaml")
    validate_targets(specs[:1], config(2))
    with pytest.raises(BadInput, match=r"^chaos\[0\]\.replica: "):
        validate_targets(specs[:1], config(1))


def test_overlapping_same_toxic_on_one_proxy_is_rejected() -> None:
    second = LAT | {"at_s": 14, "latency_ms": 50}
    with pytest.raises(BadInput, match=r"chaos\[1\]: overlaps chaos\[0\] on edge"):
        validate_targets(load(LAT, second), config())
    # another stream, another proxy, or back to back: no conflict
    validate_targets(load(LAT, second | {"stream": "upstream"}), config())
    validate_targets(load(LAT, second | {"target": "redis"}), config())
    validate_targets(load(LAT, second | {"at_s": 15}), config())


def test_overlapping_down_and_container_faults_are_rejected() -> None:
    down = {"fault": "down", "target": "postgres", "at_s": 0, "duration_s": 10}
    with pytest.raises(BadInput, match="overlaps"):
        validate_targets(load(down, down | {"at_s": 9}), config())
    pause = {"fault": "pause", "service": "shop-api", "at_s": 0, "duration_s": 10}
    kill = {"fault": "kill", "service": "shop-api", "at_s": 5}
    with pytest.raises(BadInput, match=r"overlaps chaos\[0\] on shop-api\[1\]"):
        validate_targets(load(pause, kill), config())
    validate_targets(load(pause, kill | {"replica": 2}), config(2))


def test_duplicate_ids_are_rejected() -> None:
    a = LAT | {"id": "x"}
    b = {"fault": "down", "target": "redis", "at_s": 0, "duration_s": 1, "id": "x"}
    with pytest.raises(BadInput, match=r"chaos\[1\]\.id: 'x' is already used by chaos\[0\]"):
        validate_targets(load(a, b), config())


def test_proxy_names_match_the_proxies_the_stack_creates() -> None:
    assert set(get_args(ProxyName)) == {p.name for p in PROXIES}


def test_specs_dump_and_reload_without_serializer_warnings() -> None:
    scenario = validate(
        Scenario, {"chaos": [LAT, {"fault": "kill", "service": "redis", "at_s": 1}]}, "s"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = scenario.model_dump(mode="json")
    assert data["chaos"][0]["latency_ms"] == 200 and data["chaos"][1]["fault"] == "kill"
    assert validate(Scenario, data, "again") == scenario
