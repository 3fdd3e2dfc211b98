"""`stack` and `doctor` subcommands (owned by the stack role)."""

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add this role's subcommands to the top-level parser."""
    _ = (sub, argparse)
