"""Stack names and label filters."""

from __future__ import annotations

import pytest

from peakdrill.errors import BadInput
from stack.names import check_stack_name, container_name, image_name, stack_filter


@pytest.mark.parametrize("name", ["peakdrill", "pdtest-stack-1a2b", "a"])
def test_valid_names_pass(name: str) -> None:
    assert check_stack_name(name) == name


@pytest.mark.parametrize("name", ["", "-x", "Upper", "has_underscore", "a" * 41, "dot.name"])
def test_invalid_names_are_bad_input(name: str) -> None:
    with pytest.raises(BadInput, match="--stack"):
        check_stack_name(name)


def test_filters_and_names() -> None:
    assert stack_filter("s") == {"label": ["peakdrill.stack=s"]}
    assert stack_filter("s", "redis") == {"label": ["peakdrill.stack=s", "peakdrill.service=redis"]}
    assert container_name("s", "shop-api", 2) == "s-shop-api-2"
    assert image_name("shop-worker") == "peakdrill/shop"
    assert image_name("haproxy") == "peakdrill/haproxy"
