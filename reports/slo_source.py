"""Where a run's SLOs come from: `--slo FILE` (top level is a SloSpec) or scenario.yaml `slos:`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from peakdrill.errors import BadInput
from peakdrill.runfolder import RunFolder
from peakdrill.yamlconfig import first_error, read_yaml
from reports.slo_spec import SloSpec

# model validators report "Value error, objectives[1].name: duplicate ..." at the parent's path;
# fold that inner path into the location so every message reads `file: a.b[1].c: message`
_INNER = re.compile(r"^(?P<loc>[A-Za-z_][\w.\[\]]*): (?P<msg>.+)$")


def _tidy(line: str) -> str:
    loc, _, msg = line.partition(": ")
    msg = msg.removeprefix("Value error, ")
    inner = _INNER.match(msg)
    if inner:
        prefix = "" if loc == "(top level)" else f"{loc}."
        return f"{prefix}{inner['loc']}: {inner['msg']}"
    return f"{loc}: {msg}"


def parse_spec(data: Any, source: str, prefix: str = "") -> SloSpec:
    """Validate plain data as a SloSpec; BadInput `source: prefix.path: message` otherwise."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        where = prefix.rstrip(".") or "(top level)"
        raise BadInput(f"{source}: {where}: expected a mapping")
    try:
        return SloSpec.model_validate(data)
    except ValidationError as exc:
        tidy = _tidy(first_error(exc))
        if tidy.startswith("(top level): ") and prefix:
            tidy = prefix.rstrip(".") + tidy.removeprefix("(top level)")
        elif prefix:
            tidy = prefix + tidy
        raise BadInput(f"{source}: {tidy}") from None


def load_slo_file(path: Path) -> SloSpec:
    """A YAML file whose top level is a SloSpec."""
    return parse_spec(read_yaml(path), str(path))


def load_run_slos(run_dir: Path, slo_file: Path | None = None) -> SloSpec | None:
    """The SLOs to judge a run by: the file when given, else the scenario's `slos:` (or None)."""
    if slo_file is not None:
        return load_slo_file(slo_file)
    scenario = RunFolder(run_dir).scenario
    if not scenario.is_file():
        return None
    data = read_yaml(scenario)
    if not isinstance(data, dict) or data.get("slos") is None:
        return None
    return parse_spec(data["slos"], str(scenario), prefix="slos.")
