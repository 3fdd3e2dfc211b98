"""Helpers for the reports tests: small synthetic run folders (imported by conftest and tests)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reports.synthetic import SynthFault, SynthRun, default_slos

MakeRun = Callable[..., Path]


def small_run(**kw: Any) -> SynthRun:
    """A 40 s run at 60 requests/s with one 8 s fault at +15 s, unless overridden."""
    base: dict[str, Any] = {
        "duration_s": 40,
        "rate_per_s": 60.0,
        "faults": (SynthFault("f1", 15, 8, tail_s=4),),
    }
    base.update(kw)
    return SynthRun(**base)


def slos_with(**changes: Any) -> dict[str, Any]:
    """default_slos() with objectives replaced by name: {name: {field: value} | None}."""
    spec = copy.deepcopy(default_slos())
    objs = []
    for obj in spec["objectives"]:
        if obj["name"] in changes:
            if changes[obj["name"]] is None:
                continue
            obj.update(changes[obj["name"]])
        objs.append(obj)
    spec["objectives"] = objs
    return spec
