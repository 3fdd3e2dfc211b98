"""Integration fixtures: real stacks under unique names, always removed (also on failure).

`baseline_stack` (session) is shared by every role's integration tests. Images are built once
after collection, outside any test's timeout; bringing a stack up then fits in a test's budget.
"""

from __future__ import annotations

import atexit
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest

from peakdrill.errors import PeakdrillError
from stack import engine, images, lifecycle, teardown
from stack.config import StackConfig, load_stack_config, resolve_config_path
from stack.endpoints import StackEndpoints

UP_TIMEOUT_S = 600  # pytest-timeout budget of the first test that starts the shared stack
_created: set[str] = set()
_image_error: list[str] = []


def unique_stack_name(role: str) -> str:
    """`pdtest-<role>-<random>`: parallel runs by several engineers never collide."""
    return f"pdtest-{role}-{secrets.token_hex(3)}"


def assert_no_leftovers(name: str) -> None:
    """Fail if any container, network or volume labeled with the stack name still exists."""
    left = teardown.leftovers(engine.client(), name)
    assert left == [], f"stack {name} left {left}"


@contextmanager
def running_stack(config: StackConfig, role: str) -> Iterator[StackEndpoints]:
    """Bring a stack up under a unique name; down it afterwards whatever happened."""
    if _image_error:
        pytest.fail(f"images could not be built: {_image_error[0]}")
    name = unique_stack_name(role)
    _created.add(name)
    try:
        yield lifecycle.up(config, name, progress=print)
    finally:
        lifecycle.down(name)
        _created.discard(name)


@pytest.fixture(scope="session")
def baseline_stack() -> Iterator[StackEndpoints]:
    """A healthy stack from stack/configs/baseline.yaml for the whole session."""
    with running_stack(load_stack_config(), "base") as eps:
        yield eps


@pytest.fixture(scope="session")
def scaled_config() -> StackConfig:
    """stack/configs/scaled.yaml (3 shop-api replicas)."""
    return load_stack_config(resolve_config_path("scaled"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Build the images once, before any test's timeout starts, if a test needs a stack."""
    if not any("integration" in item.keywords for item in session.items):
        return
    try:
        images.ensure_images(lambda msg: print(f"[images] {msg}", flush=True))
    except PeakdrillError as exc:  # reported by the first test that needs a stack
        _image_error.append(str(exc))


@atexit.register
def _down_forgotten_stacks() -> None:
    # last resort when pytest dies between up and the fixture's finally (e.g. a second Ctrl-C)
    for name in list(_created):
        with suppress(PeakdrillError):
            lifecycle.down(name)
