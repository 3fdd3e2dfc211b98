"""Waiting for health: passes when checks pass, fails fast on exits, names the service."""

from __future__ import annotations

from typing import Any

import pytest

from peakdrill.errors import StackError
from stack import health
from stack.health import Probe, wait_healthy


class FakeBox:
    """Enough of a docker Container for the health loop: state, reload, logs."""

    def __init__(self, name: str, states: list[str], logs: bytes = b"") -> None:
        self.name = name
        self._states = states
        self.attrs: dict[str, Any] = {}
        self._logs = logs

    def reload(self) -> None:
        status = self._states.pop(0) if len(self._states) > 1 else self._states[0]
        code = 1 if status == "exited" else 0
        self.attrs = {"State": {"Status": status, "ExitCode": code, "OOMKilled": False}}

    def logs(self, **_kw: Any) -> bytes:
        return self._logs


@pytest.fixture(autouse=True)
def fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "POLL_S", 0.001)


def test_waits_until_every_check_passes() -> None:
    answers = iter([Probe(False, "starting"), Probe(False, "starting"), Probe(True)])
    box = FakeBox("s-redis-1", ["running"])
    calls = []

    def check() -> Probe:
        calls.append(1)
        return next(answers)

    wait_healthy({"s-redis-1": (box, check)}, timeout_s=5)
    assert len(calls) == 3


def test_an_exited_container_fails_at_once_with_its_logs() -> None:
    box = FakeBox("s-gateway-1", ["running", "exited"], logs=b"Traceback\nImportError: boom\n")
    with pytest.raises(StackError) as err:
        wait_healthy({"s-gateway-1": (box, lambda: Probe(False))}, timeout_s=60)
    msg = str(err.value)
    assert msg.startswith("s-gateway-1 exited (code 1) during start-up")
    assert "ImportError: boom" in msg and "\n" not in msg


def test_timeout_names_the_unhealthy_service_and_why() -> None:
    box = FakeBox("s-shop-api-1", ["running"], logs=b"waiting for db\n")
    with pytest.raises(
        StackError, match=r"s-shop-api-1 not healthy after 0s \(HTTP 503\).*waiting"
    ):
        wait_healthy({"s-shop-api-1": (box, lambda: Probe(False, "HTTP 503"))}, timeout_s=0.01)


def test_last_logs_is_one_line() -> None:
    box = FakeBox("x", ["running"], logs=b"a\n\n b \nc\n")
    assert health.last_logs(box) == "a | b | c"
