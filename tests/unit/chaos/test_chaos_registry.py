"""Fault registry: every kind has a class, parameters and Toxiproxy attributes map right."""

from __future__ import annotations

import time
from typing import Any

import pytest
from pydantic import Field

from chaos.deadline import run_with_deadline
from chaos.errors import FaultError
from chaos.faults._toxic import ToxicFault, toxicity_note
from chaos.faults.gateway import GatewayControlFault
from chaos.registry import REGISTRY, Fault, fault_for, register
from chaos.spec import SPEC_CLASSES, FaultSpec
from chaos.toxiproxy_client import ToxiproxyClient
from peakdrill.yamlconfig import StrictModel, validate


class Scenario(StrictModel):
    chaos: list[FaultSpec] = Field(default_factory=list)


def one(**fields: Any) -> Fault[Any]:
    spec = validate(Scenario, {"chaos": [fields]}, "s").chaos[0]
    return fault_for(spec, 4)


def test_every_spec_kind_has_a_registered_fault_class() -> None:
    kill = one(fault="kill", service="redis", at_s=0)  # fault_for registers every kind
    assert kill.kind == "kill" and kill.target == "redis[1]"
    assert set(REGISTRY) == set(SPEC_CLASSES)
    for kind, cls in REGISTRY.items():
        assert cls.kind == kind


def test_registering_a_kind_twice_fails() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register("latency")(type("Again", (), {}))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "toxic_type", "attributes"),
    [
        ({"fault": "latency", "latency_ms": 300, "jitter_ms": 50}, "latency",
         {"latency": 300, "jitter": 50}),
        ({"fault": "bandwidth", "rate_kbps": 64}, "bandwidth", {"rate": 64}),
        ({"fault": "slow_close", "delay_ms": 700}, "slow_close", {"delay": 700}),
        ({"fault": "timeout", "timeout_ms": 0}, "timeout", {"timeout": 0}),
        ({"fault": "reset_peer", "timeout_ms": 10}, "reset_peer", {"timeout": 10}),
        ({"fault": "slicer", "average_size_bytes": 100, "size_variation_bytes": 10,
          "delay_us": 5}, "slicer", {"average_size": 100, "size_variation": 10, "delay": 5}),
        ({"fault": "limit_data", "limit_bytes": 4096}, "limit_data", {"bytes": 4096}),
    ],
)  # fmt: skip
def test_toxic_attributes_use_toxiproxys_names_and_units(
    fields: dict[str, Any], toxic_type: str, attributes: dict[str, int]
) -> None:
    fault = one(target="postgres", at_s=1, duration_s=2, stream="upstream", **fields)
    assert isinstance(fault, ToxicFault)
    assert fault.kind == toxic_type
    assert fault.attributes() == attributes
    assert fault.toxic_name == f"peakdrill_{toxic_type}_upstream"
    assert fault.id == "chaos[4]" and fault.target == "postgres"
    params = fault.params()
    assert params["attributes"] == attributes and params["stream"] == "upstream"
    assert not {"at_s", "duration_s", "target", "fault", "id"} & set(params)


def test_gateway_fault_body_and_id_fit_the_gateway() -> None:
    fault = one(
        fault="gateway", kind="notify_duplicate", probability=0.3, params={"copies": 2},
        at_s=0, duration_s=4,
    )  # fmt: skip
    assert isinstance(fault, GatewayControlFault)
    assert fault.gateway_id == "chaos.4"
    assert fault.body() == {
        "id": "chaos.4",
        "kind": "notify_duplicate",
        "probability": 0.3,
        "endpoint": None,
        "params": {"copies": 2},
    }
    assert fault.target == "gateway"


def test_container_fault_target_and_params() -> None:
    fault = one(fault="cpu_squeeze", service="shop-api", replica=2, at_s=0, duration_s=3, cpus=0.2)
    assert fault.target == "shop-api[2]"
    assert fault.params() == {"cpus": 0.2}


def test_toxicity_note_only_when_partial() -> None:
    assert toxicity_note(1.0) is None
    note = toxicity_note(0.3)
    assert note is not None and "per connection" in note


def test_deadline_abandons_a_hung_call_and_maps_errors() -> None:
    started = time.monotonic()
    with pytest.raises(FaultError, match=r"slow: no answer within 0.2s"):
        run_with_deadline(lambda: time.sleep(5), 0.2, "slow")
    assert time.monotonic() - started < 2
    with pytest.raises(FaultError, match=r"^boom: ZeroDivisionError: integer division"):
        run_with_deadline(lambda: 1 // 0, 1, "boom")
    assert run_with_deadline(lambda: 42, 1, "ok") == 42


def test_toxiproxy_client_needs_host_and_port() -> None:
    with pytest.raises(FaultError, match="expected http://HOST:PORT"):
        ToxiproxyClient("toxiproxy")
    client = ToxiproxyClient("http://127.0.0.1:8474/")
    assert (client.host, client.port, client.base_url) == (
        "127.0.0.1",
        8474,
        "http://127.0.0.1:8474",
    )
