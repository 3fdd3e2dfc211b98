"""Fixtures for the reports tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reports_helpers import MakeRun, small_run

from reports.synthetic import write_run


@pytest.fixture
def make_run(tmp_path: Path) -> MakeRun:
    """Write a synthetic run folder under tmp_path; returns its path."""
    counter = iter(range(1000))

    def make(**kw: Any) -> Path:
        return write_run(tmp_path / f"run{next(counter)}", small_run(**kw))

    return make
