"""Find, load and cross-check a scenario whole, before anything is started."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chaos.spec import end_s, validate_targets
from peakdrill.errors import BadInput
from peakdrill.yamlconfig import load_model
from reports.slo_spec import metric_family
from scenarios.behaviours.routes import ROUTES
from scenarios.spec import Scenario
from stack.config import StackConfig, load_stack_config, resolve_config_path

SCENARIO_DIR = Path(__file__).parent
DEFAULT_SCENARIO = "flash_sale"


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the stack config it will run on."""

    scenario: Scenario
    path: Path
    config_path: Path
    config: StackConfig


def resolve_scenario_path(name_or_path: str | None) -> Path:
    """A path, or a bare name from scenarios/ (`smoke` -> scenarios/smoke.yaml)."""
    arg = name_or_path or DEFAULT_SCENARIO
    p = Path(arg)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    return SCENARIO_DIR / f"{arg}.yaml"


def load_scenario(name_or_path: str | None, config: str | None = None) -> LoadedScenario:
    """Validate the scenario and its stack config (or `config` instead); BadInput on any error."""
    path = resolve_scenario_path(name_or_path)
    scenario = load_model(Scenario, path)
    check_scenario(scenario, str(path))
    config_path = resolve_config_path(config or scenario.stack_config)
    if not config_path.is_file():
        field = "--config" if config else "stack_config"
        raise BadInput(f"{path}: {field}: stack config {config_path} not found")
    stack_config = load_stack_config(config_path)
    validate_targets(list(scenario.chaos), stack_config, str(path))
    return LoadedScenario(scenario, path, config_path, stack_config)


def check_scenario(sc: Scenario, source: str) -> None:
    """Cross-field checks pydantic cannot place on one field; errors name the field path."""
    for problem in _chaos_window(sc) + _population(sc) + _slo_metrics(sc):
        raise BadInput(f"{source}: {problem}")


def _chaos_window(sc: Scenario) -> list[str]:
    total = sc.load.duration_s
    for i, spec in enumerate(sc.chaos):
        if spec.at_s >= total:
            return [f"chaos[{i}].at_s: starts after the load ends ({total:g}s)"]
        if end_s(spec) > total:
            return [f"chaos[{i}].duration_s: ends after the load ends ({total:g}s)"]
    return []


def _population(sc: Scenario) -> list[str]:
    active = set(sc.users.active())
    if {"buyer", "returning"} & active and sc.data.users < 1:
        return ["data.users: buyers and returning users need at least 1 user"]
    if "reseller" in active and sc.data.resellers < 1:
        return ["data.resellers: resellers in the mix need at least 1 reseller"]
    return []


def _slo_metrics(sc: Scenario) -> list[str]:
    active = sc.users.active()
    routes = {r for b in active for r in ROUTES[b]}
    for i, obj in enumerate(sc.slos.objectives):
        where = f"slos.objectives[{i}]"
        family = metric_family(obj.metric)
        if obj.endpoint is not None and obj.endpoint not in routes:
            known = ", ".join(sorted(routes))
            return [f"{where}.endpoint: no behaviour in the mix requests it (known: {known})"]
        if family == "delivery_lag" and "buyer" not in active:
            return [f"{where}.metric: delivery lag needs buyers in the mix"]
        if family == "recovery_time_s" and not sc.chaos:
            return [f"{where}.metric: recovery time needs at least one fault"]
    return []
