"""Stripe-style notification signatures: `t=<unix s>,v1=<hex HMAC-SHA256(secret, "t.body")>`."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Peakdrill-Signature"
TOLERANCE_S = 300


def compute(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of `{timestamp}.{body}` under the merchant secret."""
    msg = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for `body` signed at `timestamp`."""
    return f"t={timestamp},v1={compute(secret, timestamp, body)}"


def parse(header: str) -> tuple[int, list[str]]:
    """Timestamp and v1 signatures of a header; ValueError when malformed."""
    timestamp: int | None = None
    sigs: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise ValueError("malformed signature header")
        if key == "t":
            timestamp = int(value)
        elif key == "v1":
            sigs.append(value)
    if timestamp is None or not sigs:
        raise ValueError("signature header lacks t or v1")
    return timestamp, sigs


def verify(
    secret: str, header: str, body: bytes, now: float, tolerance_s: int = TOLERANCE_S
) -> str | None:
    """None when valid, else the reason: `malformed`, `stale` or `mismatch`."""
    try:
        timestamp, sigs = parse(header)
    except ValueError:
        return "malformed"
    expected = compute(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, s) for s in sigs):
        return "mismatch"
    if abs(now - timestamp) > tolerance_s:
        return "stale"
    return None
