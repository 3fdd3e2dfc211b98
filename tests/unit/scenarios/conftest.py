"""Helpers for scenario unit tests: minimal valid scenario data and YAML files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

BASE: dict[str, Any] = {
    "name": "unit",
    "seed": 5,
    "stack_config": "baseline",
    "data": {"products": 4, "keys_per_product": 50, "hot_stock": 10, "users": 10, "resellers": 1},
    "load": {
        "stages": [
            {"kind": "ramp", "duration_s": 10, "from_per_s": 0, "to_per_s": 10},
            {"kind": "hold", "duration_s": 10, "rate_per_s": 10},
        ]
    },
    "users": {"mix": {"browser": 1, "buyer": 1}},
}


@pytest.fixture
def scenario_data() -> dict[str, Any]:
    """A fresh copy of a small valid scenario."""
    return copy.deepcopy(BASE)


@pytest.fixture
def write_scenario(tmp_path: Path) -> Any:
    """Write scenario data to a YAML file and return its path."""

    def write(data: dict[str, Any], name: str = "s.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return path

    return write
