"""Judge a measured value against an objective's warn and fail bands."""

from __future__ import annotations

from typing import Literal

from reports.slo_spec import Objective

Status = Literal["pass", "warn", "fail", "unmeasured"]


def crosses(obj: Objective, value: float, band: float) -> bool:
    """True when value is on the wrong side of band (strictly beyond it)."""
    return value < band if obj.higher_is_better else value > band


def judge(obj: Objective, value: float) -> Status:
    """fail beyond the fail band, warn beyond the warn band, else pass."""
    if crosses(obj, value, obj.fail):
        return "fail"
    if obj.warn is not None and crosses(obj, value, obj.warn):
        return "warn"
    return "pass"
