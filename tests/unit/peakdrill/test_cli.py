"""CLI dispatch: errors become one line and the right exit code."""

import argparse

import pytest

from peakdrill import cli
from peakdrill.errors import BadInput, InvalidRun


def _parser_with(handler: object) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py")
    parser.add_argument("--debug", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("x")
    p.set_defaults(func=handler)
    return parser


def test_errors_map_to_exit_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def bad(_: argparse.Namespace) -> int:
        raise BadInput("scenarios/x.yaml: chaos[2].latency_ms: must be > 0")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(bad))
    assert cli.main(["x"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "peakdrill: error: scenarios/x.yaml: chaos[2].latency_ms: must be > 0"

    def invalid(_: argparse.Namespace) -> int:
        raise InvalidRun("no samples")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(invalid))
    assert cli.main(["x"]) == 3


def test_crash_is_one_line_without_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(_: argparse.Namespace) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(crash))
    assert cli.main(["x"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RuntimeError: boom" in err


def test_usage_error_exits_2() -> None:
    assert cli.main(["no-such-command"]) == 2
