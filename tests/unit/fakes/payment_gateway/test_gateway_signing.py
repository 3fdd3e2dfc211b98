"""Notification signatures: valid, forged, tampered, stale, malformed."""

from __future__ import annotations

import hashlib
import hmac

from fakes.payment_gateway import signing

BODY = b'{"id":"evt_1","amount_cents":1000}'
NOW = 1_800_000_000


def test_header_matches_stripe_scheme() -> None:
    header = signing.sign("k", NOW, BODY)
    expected = hmac.new(b"k", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={NOW},v1={expected}"


def test_valid_signature_verifies() -> None:
    assert signing.verify("k", signing.sign("k", NOW, BODY), BODY, now=NOW + 10) is None


def test_forged_signature_is_rejected() -> None:
    assert signing.verify("k", signing.sign("other", NOW, BODY), BODY, now=NOW) == "mismatch"


def test_tampered_body_is_rejected() -> None:
    header = signing.sign("k", NOW, BODY)
    assert signing.verify("k", header, BODY.replace(b"1000", b"1001"), now=NOW) == "mismatch"


def test_stale_and_future_timestamps_are_rejected() -> None:
    header = signing.sign("k", NOW, BODY)
    assert signing.verify("k", header, BODY, now=NOW + 300) is None  # at the tolerance edge
    assert signing.verify("k", header, BODY, now=NOW + 301) == "stale"
    assert signing.verify("k", header, BODY, now=NOW - 301) == "stale"


def test_retimed_header_does_not_verify() -> None:
    # moving t forward to dodge the tolerance breaks the HMAC, since t is signed
    sig = signing.compute("k", NOW, BODY)
    assert signing.verify("k", f"t={NOW + 600},v1={sig}", BODY, now=NOW + 600) == "mismatch"


def test_malformed_headers() -> None:
    for header in ("", "garbage", "t=1", "v1=abc", "t=x,v1=abc"):
        assert signing.verify("k", header, BODY, now=NOW) == "malformed"
