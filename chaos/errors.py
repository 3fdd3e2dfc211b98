"""The error a fault raises when it cannot be applied or healed."""

from __future__ import annotations

from peakdrill.errors import InvalidRun


class FaultError(InvalidRun):
    """A fault could not be applied or healed: the run's fault phase is not what was asked."""
