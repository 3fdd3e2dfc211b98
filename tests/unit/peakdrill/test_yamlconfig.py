"""Typed YAML loading: whole-file validation with file: field-path errors."""

from pathlib import Path

import pytest
from pydantic import Field

from peakdrill.errors import BadInput, ExitCode
from peakdrill.yamlconfig import StrictModel, format_loc, load_model


class Item(StrictModel):
    latency_ms: int = Field(gt=0)


class Doc(StrictModel):
    name: str
    items: list[Item] = Field(default_factory=list)


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "doc.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_valid_file_loads(tmp_path: Path) -> None:
    doc = load_model(Doc, write(tmp_path, "name: a\nitems: [{latency_ms: 5}]\n"))
    assert doc.items[0].latency_ms == 5


def test_error_names_file_and_indexed_field(tmp_path: Path) -> None:
    p = write(tmp_path, "name: a\nitems: [{latency_ms: 5}, {latency_ms: 0}]\n")
    with pytest.raises(BadInput) as err:
        load_model(Doc, p)
    assert str(err.value).startswith(f"{p}: items[1].latency_ms: ")
    assert "greater than 0" in str(err.value)
    assert err.value.exit_code == ExitCode.BAD_INPUT


def test_unknown_field_is_an_error(tmp_path: Path) -> None:
    p = write(tmp_path, "name: a\nitems: [{latency_ms: 5, latncy: 3}]\n")
    with pytest.raises(BadInput, match=r"items\[0\]\.latncy: unknown field"):
        load_model(Doc, p)


def test_missing_field_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="name: required field is missing"):
        load_model(Doc, write(tmp_path, "items: []\n"))
    with pytest.raises(BadInput, match="file not found"):
        load_model(Doc, tmp_path / "nope.yaml")


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    p = write(tmp_path, "name: a\nitems: [\n  {latency_ms: 5\n")
    with pytest.raises(BadInput, match=rf"^{p}:\d+: "):
        load_model(Doc, p)


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="expected a mapping"):
        load_model(Doc, write(tmp_path, "- 1\n- 2\n"))


def test_format_loc() -> None:
    assert format_loc(("chaos", 2, "latency_ms")) == "chaos[2].latency_ms"
    assert format_loc(()) == "(top level)"
