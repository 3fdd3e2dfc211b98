"""Scenario validation: whole-file, path-qualified errors, cross-checks against the config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from peakdrill.errors import BadInput, ExitCode
from scenarios.loader import SCENARIO_DIR, load_scenario, resolve_scenario_path

SHIPPED = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def _error(write_scenario: Any, data: dict[str, Any]) -> str:
    path = write_scenario(data)
    with pytest.raises(BadInput) as exc:
        load_scenario(str(path))
    assert exc.value.exit_code == ExitCode.BAD_INPUT
    return str(exc.value).removeprefix(f"{path}: ")


def test_minimal_scenario_loads_with_baseline(write_scenario: Any, scenario_data: dict) -> None:
    loaded = load_scenario(str(write_scenario(scenario_data)))
    assert loaded.config.name == "baseline"
    assert loaded.scenario.load.duration_s == 20
    assert loaded.scenario.users.active() == ["browser", "buyer"]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_are_valid(name: str) -> None:
    loaded = load_scenario(name)
    assert loaded.scenario.name == name
    assert loaded.scenario.slos.objectives, "every shipped scenario judges something"


def test_the_five_required_scenarios_ship() -> None:
    assert {"smoke", "flash_sale", "peak_day", "login_storm", "reseller_bulk"} <= set(SHIPPED)


def test_smoke_loads_at_most_a_minute() -> None:
    assert load_scenario("smoke").scenario.load.duration_s <= 60


def test_default_is_flash_sale() -> None:
    assert resolve_scenario_path(None).name == "flash_sale.yaml"


def test_unknown_field_is_named(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["load"]["stages"][1]["rate"] = 3
    assert _error(write_scenario, scenario_data) == "load.stages[1].rate: unknown field"


def test_unknown_stage_kind_lists_the_kinds(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["load"]["stages"][0] = {"kind": "wave", "duration_s": 3}
    msg = _error(write_scenario, scenario_data)
    assert msg.startswith("load.stages[0].kind: unknown stage kind 'wave'")
    assert "ramp, hold, spike, decay" in msg


def test_decay_must_fall(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["load"]["stages"].append(
        {"kind": "decay", "duration_s": 5, "from_per_s": 5, "to_per_s": 9}
    )
    msg = _error(write_scenario, scenario_data)
    assert msg == "load.stages[2].to_per_s: must be below from_per_s (use ramp to rise)"


def test_negative_mix_weight(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["users"]["mix"]["buyer"] = -1
    assert _error(write_scenario, scenario_data) == "users.mix: buyer: weight must be >= 0"


def test_unknown_behaviour_in_mix(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["users"]["mix"]["hacker"] = 1
    assert _error(write_scenario, scenario_data).startswith("users.mix.hacker")


def test_reseller_range(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["users"]["reseller"] = {"quantity_min": 9, "quantity_max": 3}
    msg = _error(write_scenario, scenario_data)
    assert msg == "users.reseller.quantity_max: must be >= quantity_min"


def test_fault_after_load_end(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["chaos"] = [
        {"fault": "latency", "target": "edge", "latency_ms": 10, "at_s": 15, "duration_s": 9}
    ]
    msg = _error(write_scenario, scenario_data)
    assert msg == "chaos[0].duration_s: ends after the load ends (20s)"


def test_fault_on_missing_replica(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["chaos"] = [{"fault": "kill", "service": "shop-api", "replica": 3, "at_s": 5}]
    msg = _error(write_scenario, scenario_data)
    assert msg.startswith("chaos[0].replica: shop-api has 1 replica(s) in config baseline")


def test_fault_parameter_error_is_path_qualified(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["chaos"] = [
        {"fault": "latency", "target": "edge", "latency_ms": 0, "at_s": 1, "duration_s": 2}
    ]
    assert _error(write_scenario, scenario_data).startswith("chaos[0].latency_ms:")


def test_missing_stack_config(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["stack_config"] = "no_such_config"
    msg = _error(write_scenario, scenario_data)
    assert msg.startswith("stack_config: stack config") and "no_such_config.yaml" in msg


def test_config_override_is_checked_too(write_scenario: Any, scenario_data: dict) -> None:
    path = write_scenario(scenario_data)
    with pytest.raises(BadInput, match="--config: stack config"):
        load_scenario(str(path), "nope")


def test_slo_endpoint_must_be_requested(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["slos"] = {
        "objectives": [
            {
                "name": "x",
                "metric": "latency_p99_ms",
                "endpoint": "POST /api/reseller/orders",
                "fail": 100,
            }
        ]
    }
    msg = _error(write_scenario, scenario_data)
    assert msg.startswith("slos.objectives[0].endpoint: no behaviour in the mix requests it")


def test_slo_unknown_metric(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["slos"] = {"objectives": [{"name": "x", "metric": "latency_p99", "fail": 1}]}
    assert _error(write_scenario, scenario_data).startswith("slos.objectives[0].metric:")


def test_delivery_lag_needs_buyers(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["users"]["mix"] = {"browser": 1}
    scenario_data["slos"] = {
        "objectives": [
            {"name": "lag", "metric": "delivery_lag_p95_ms", "phase": "whole", "fail": 1000}
        ]
    }
    msg = _error(write_scenario, scenario_data)
    assert msg == "slos.objectives[0].metric: delivery lag needs buyers in the mix"


def test_resellers_needed_for_reseller_mix(write_scenario: Any, scenario_data: dict) -> None:
    scenario_data["users"]["mix"]["reseller"] = 1
    scenario_data["data"]["resellers"] = 0
    assert _error(write_scenario, scenario_data).startswith("data.resellers:")


def test_missing_file() -> None:
    with pytest.raises(BadInput, match="file not found"):
        load_scenario(str(Path("/nonexistent/x.yaml")))
