"""Every shipped stack config validates; bad ones fail with `file: field: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from peakdrill.errors import BadInput
from stack.config import CONFIG_DIR, load_stack_config, resolve_config_path


@pytest.mark.parametrize("path", sorted(CONFIG_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_configs_load(path: Path) -> None:
    cfg = load_stack_config(path)
    assert cfg.name == path.stem


def test_names_resolve_to_shipped_files() -> None:
    assert resolve_config_path("scaled") == CONFIG_DIR / "scaled.yaml"


def test_unscalable_replicas_are_rejected_with_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nservices:\n  postgres: {replicas: 2}\n")
    with pytest.raises(BadInput, match=r"bad\.yaml: .*services\.postgres\.replicas"):
        load_stack_config(bad)


def test_negative_limits_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "neg.yaml"
    bad.write_text("name: neg\nservices:\n  shop-api: {cpus: -1}\n")
    with pytest.raises(BadInput, match=r"neg\.yaml: services\.shop-api\.cpus: "):
        load_stack_config(bad)
