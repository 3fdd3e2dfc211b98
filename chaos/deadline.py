"""Run a blocking call (HTTP, Docker) with a deadline, so no heal path can hang forever."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from chaos.errors import FaultError

T = TypeVar("T")


def run_with_deadline(fn: Callable[[], T], deadline_s: float, what: str) -> T:
    """Call fn in a daemon thread; raise FaultError if it fails or outlives the deadline.

    A call past its deadline is abandoned, not joined: a daemon thread cannot block exit.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    worker = threading.Thread(target=target, name=f"deadline:{what[:40]}", daemon=True)
    worker.start()
    worker.join(deadline_s)
    if worker.is_alive():
        raise FaultError(f"{what}: no answer within {deadline_s:g}s")
    if "error" in box:
        exc = box["error"]
        if isinstance(exc, FaultError):
            raise exc
        raise FaultError(f"{what}: {type(exc).__name__}: {one_line(exc)}") from None
    value: T = box["value"]
    return value


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message, shortened."""
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""
