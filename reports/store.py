"""Metrics store: per-second latency histograms from metrics/latency.jsonl, merged exactly.

Each line of latency.jsonl (one per second and request name) is decoded once, while streaming,
into a sparse form (bucket indices and counts of the shared peakdrill.hdr shape). Any window's
histogram is the exact sum of its seconds, and its percentiles are computed exactly as
HdrHistogram's `get_value_at_percentile` does on the merged histogram (tests check equality).

A second `t` (covering [t, t+1)) belongs to a window [a, b) when its midpoint t + 0.5 lies in it,
so adjacent windows split the seconds between them without double counting.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from hdrh.histogram import HdrHistogram

from peakdrill import hdr
from peakdrill.errors import InvalidRun

IntArray = npt.NDArray[np.int64]

_TEMPLATE = hdr.new_histogram()  # index <-> value conversions of the shared shape
COUNTS_LEN: int = _TEMPLATE.counts_len


@dataclass(frozen=True)
class Window:
    """A half-open time window [start, end) in unix seconds."""

    start: float
    end: float

    @property
    def duration_s(self) -> float:
        """Length in seconds (0 when empty)."""
        return max(0.0, self.end - self.start)

    def holds_second(self, t: int) -> bool:
        """True when the second [t, t+1) belongs to this window (midpoint rule)."""
        return self.start <= t + 0.5 < self.end


@dataclass
class Second:
    """One second of one request name: counts and the sparse histogram."""

    t: int
    count: int
    errors: int
    idx: IntArray
    cnt: IntArray

    def absorb(self, other: Second) -> None:
        """Merge a duplicate line for the same second and name (several writers)."""
        self.count += other.count
        self.errors += other.errors
        self.idx = np.concatenate([self.idx, other.idx])
        self.cnt = np.concatenate([self.cnt, other.cnt])


@dataclass
class Merged:
    """A merged histogram (dense counts) with request and error totals."""

    counts: IntArray = field(default_factory=lambda: np.zeros(COUNTS_LEN, dtype=np.int64))
    requests: int = 0
    errors: int = 0

    @property
    def samples(self) -> int:
        """Number of values recorded in the histogram."""
        return int(self.counts.sum())

    def add(self, sec: Second) -> None:
        """Add one second."""
        np.add.at(self.counts, sec.idx, sec.cnt)
        self.requests += sec.count
        self.errors += sec.errors

    def add_merged(self, other: Merged) -> None:
        """Add another merged histogram."""
        self.counts += other.counts
        self.requests += other.requests
        self.errors += other.errors

    def percentiles_ms(self, pcts: Iterable[float]) -> dict[float, float]:
        """Percentiles in milliseconds ({} when there are no samples)."""
        nz = np.flatnonzero(self.counts)
        return percentiles_ms(nz.astype(np.int64), self.counts[nz], pcts)


def _value_at(index: int, pct: float) -> int:
    # the same rounding HdrHistogram.get_value_at_percentile applies
    value = _TEMPLATE.get_value_from_index(index)
    if pct:
        return int(_TEMPLATE.get_highest_equivalent_value(value))
    return int(_TEMPLATE.get_lowest_equivalent_value(value))


def percentiles_ms(idx: IntArray, cnt: IntArray, pcts: Iterable[float]) -> dict[float, float]:
    """Exact HdrHistogram percentiles (µs values → ms) of a sparse histogram."""
    order = np.argsort(idx, kind="stable")
    sidx, cum = idx[order], np.cumsum(cnt[order])
    total = int(cum[-1]) if len(cum) else 0
    if total == 0:
        return {}
    out: dict[float, float] = {}
    for p in pcts:
        target = max(int((min(p, 100.0) * total / 100) + 0.5), 1)
        pos = int(np.searchsorted(cum, target, side="left"))
        out[p] = _value_at(int(sidx[pos]), p) / 1000.0
    return out


def _sparse(text: str) -> tuple[IntArray, IntArray]:
    hist: HdrHistogram = hdr.decode(text)
    if hist.counts_len != COUNTS_LEN or hist.unit_magnitude != _TEMPLATE.unit_magnitude:
        reshaped = hdr.new_histogram()  # a foreign shape: re-record into ours
        reshaped.add(hist)
        hist = reshaped
    dense = np.ctypeslib.as_array(hist.counts)
    nz = np.flatnonzero(dense)
    return nz.astype(np.int64), dense[nz].astype(np.int64)


Key = tuple[str, str]  # (kind, name): kind is "request" or "lag"


class LatencyStore:
    """All seconds of latency.jsonl, per (kind, name), in time order."""

    def __init__(self) -> None:
        self.series: dict[Key, dict[int, Second]] = {}
        self._cache: dict[tuple[str, str, tuple[Window, ...]], Merged] = {}

    @classmethod
    def load(cls, path: Path) -> LatencyStore:
        """Stream a latency.jsonl file (an absent file is an empty store)."""
        store = cls()
        if path.is_file():
            for lineno, rec in _json_lines(path):
                store._add_record(rec, f"{path}:{lineno}")
        return store

    def _add_record(self, rec: dict[str, Any], where: str) -> None:
        try:
            key = (str(rec.get("kind", "request")), str(rec["name"]))
            idx, cnt = _sparse(str(rec["hdr"]))
            sec = Second(int(rec["t"]), int(rec["count"]), int(rec.get("errors", 0)), idx, cnt)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidRun(f"{where}: unreadable latency record ({exc})") from None
        seconds = self.series.setdefault(key, {})
        if sec.t in seconds:
            seconds[sec.t].absorb(sec)
        else:
            seconds[sec.t] = sec

    def names(self, kind: str = "request") -> list[str]:
        """Names with data of this kind, busiest first."""
        totals = {k[1]: sum(s.count for s in v.values()) for k, v in self.series.items()}
        keys = [k[1] for k in self.series if k[0] == kind]
        return sorted(keys, key=lambda n: (-totals[n], n))

    def seconds(self, kind: str, name: str) -> list[Second]:
        """Seconds of one series in time order."""
        return [s for _, s in sorted(self.series.get((kind, name), {}).items())]

    def merge(
        self, kind: str, names: Iterable[str] | None, windows: Iterable[Window], cache: bool = True
    ) -> Merged:
        """Exact merge of the named series (all of `kind` when None) over the windows."""
        wins = tuple(windows)
        chosen = self.names(kind) if names is None else list(names)
        out = Merged()
        for name in chosen:
            key = (kind, name, wins)
            part = self._cache.get(key) or self._merge_one(kind, name, wins)
            if cache:
                self._cache[key] = part
            out.add_merged(part)
        return out

    def _merge_one(self, kind: str, name: str, wins: tuple[Window, ...]) -> Merged:
        seconds = self.series.get((kind, name), {})
        held = {t for w in wins for t in range(math.floor(w.start) - 1, math.ceil(w.end) + 1)}
        out = Merged()
        for t in sorted(held):
            if t in seconds and any(w.holds_second(t) for w in wins):
                out.add(seconds[t])
        return out

    def time_span(self) -> Window | None:
        """First and last second present (None when empty)."""
        ts = [t for v in self.series.values() for t in v]
        return Window(min(ts), max(ts) + 1) if ts else None


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                raise InvalidRun(f"{path}:{lineno}: not a JSON line") from None
            if not isinstance(rec, dict):
                raise InvalidRun(f"{path}:{lineno}: expected a JSON object")
            yield lineno, rec


def read_rows(path: Path) -> list[dict[str, Any]]:
    """All rows of a small JSONL metrics file ([] when absent)."""
    return [rec for _, rec in _json_lines(path)] if path.is_file() else []
