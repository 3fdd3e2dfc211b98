"""Exit codes (see DESIGN.md) and the errors that map to them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes every command shares; CI gates on them."""

    OK = 0  # all SLOs met / command succeeded
    FAILED = 1  # an SLO or an integrity invariant failed
    BAD_INPUT = 2  # usage, scenario, config or SLO file is wrong; nothing was started
    INVALID_RUN = 3  # missing evidence: stack never healthy, no samples, saturated generator


class PeakdrillError(Exception):
    """An error shown to the user as one line; `exit_code` says how the process ends."""

    exit_code: ExitCode = ExitCode.FAILED


class BadInput(PeakdrillError):
    """Bad user input (file, field, flag). Raised before anything is started."""

    exit_code = ExitCode.BAD_INPUT


class InvalidRun(PeakdrillError):
    """The run cannot be judged: evidence is missing or untrustworthy."""

    exit_code = ExitCode.INVALID_RUN


class StackError(PeakdrillError):
    """The stack could not be brought up or inspected (a run with no healthy stack is invalid)."""

    exit_code = ExitCode.INVALID_RUN
