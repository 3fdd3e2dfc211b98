"""Payment notification signatures: `Peakdrill-Signature: t=<unix>,v1=<hex HMAC-SHA256>`.

The shop implements its own verification (it is a separate system from the gateway); the format
is the one in docs/CONTRACTS.md (Stripe-style, HMAC over f"{t}.{raw body}").
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

HEADER = "Peakdrill-Signature"


@dataclass(frozen=True)
class Verdict:
    """Outcome of a signature check: ok, or the reason it was rejected."""

    ok: bool
    reason: str = ""
    timestamp: int | None = None


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for `body` signed at `timestamp`."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(secret: str, header: str | None, body: bytes, now: float, tolerance_s: int) -> Verdict:
    """Check the header against the raw body; stale when |now - t| exceeds the tolerance."""
    if not header:
        return Verdict(False, "missing_signature")
    pairs = [p.split("=", 1) for p in header.split(",") if "=" in p]
    try:
        ts = int(dict(pairs)["t"])
    except (KeyError, ValueError):
        return Verdict(False, "malformed_signature")
    expected = _mac(secret, ts, body)
    given = [v for k, v in pairs if k == "v1"]
    if not any(hmac.compare_digest(expected, g) for g in given):
        return Verdict(False, "bad_signature", ts)
    if abs(now - ts) > tolerance_s:
        return Verdict(False, "stale", ts)
    return Verdict(True, "", ts)
