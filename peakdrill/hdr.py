"""The one histogram shape every writer and reader shares (values in microseconds)."""

from __future__ import annotations

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 3_600_000_000  # one hour: anything slower is a hang, clamp it
SIGNIFICANT_DIGITS = 3  # quantisation <= 0.1 %


def new_histogram() -> HdrHistogram:
    """An empty latency histogram in microseconds with 3 significant digits."""
    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)


def record_us(hist: HdrHistogram, value_us: float) -> None:
    """Record one value, clamped into the histogram's range."""
    hist.record_value(int(min(max(value_us, LOWEST_US), HIGHEST_US)))


def encode(hist: HdrHistogram) -> str:
    """Compressed base64 text (HdrHistogram's standard encoding)."""
    return hist.encode().decode("ascii")


def decode(text: str) -> HdrHistogram:
    """Inverse of `encode`."""
    return HdrHistogram.decode(text.encode("ascii"))


def merge(texts: list[str]) -> HdrHistogram:
    """Decode and merge encoded histograms exactly."""
    out = new_histogram()
    for t in texts:
        out.add(decode(t))
    return out
