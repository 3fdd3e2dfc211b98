"""Names and labels of everything a stack creates (see docs/CONTRACTS.md)."""

from __future__ import annotations

import os
import re

from peakdrill.errors import BadInput

DEFAULT_STACK = "peakdrill"
# Image namespace; the cold benchmark uses its own so it never disturbs the shared images.
IMAGE_REPO = os.environ.get("PEAKDRILL_IMAGE_REPO", "peakdrill")
LABEL_STACK = "peakdrill.stack"
LABEL_SERVICE = "peakdrill.service"
LABEL_REPLICA = "peakdrill.replica"
LABEL_CONFIG = "peakdrill.config"
LABEL_INPUTS = "peakdrill.inputs"  # content hash of an image's build inputs

# Docker DNS names double as hostnames, so keep stack names DNS-safe and short.
_STACK_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def check_stack_name(name: str) -> str:
    """Return `name` if it is a valid stack name, else raise BadInput."""
    if not _STACK_RE.match(name):
        raise BadInput(f"--stack {name!r}: use 1-40 of a-z, 0-9 and '-', starting alphanumeric")
    return name


def network_name(stack: str) -> str:
    """The stack's single bridge network."""
    return f"{stack}-net"


def volume_name(stack: str, what: str) -> str:
    """A named volume of the stack (`pgdata`, `gateway`)."""
    return f"{stack}-{what}"


def container_name(stack: str, service: str, index: int) -> str:
    """`<stack>-<service>-<i>`, i from 1."""
    return f"{stack}-{service}-{index}"


def stack_filter(stack: str, service: str | None = None) -> dict[str, list[str]]:
    """Docker API label filter selecting a stack's resources (optionally one service)."""
    labels = [f"{LABEL_STACK}={stack}"]
    if service is not None:
        labels.append(f"{LABEL_SERVICE}={service}")
    return {"label": labels}


def image_name(service: str) -> str:
    """Image of a service; shop-api and shop-worker share `peakdrill/shop`."""
    return f"{IMAGE_REPO}/shop" if service.startswith("shop") else f"{IMAGE_REPO}/{service}"
