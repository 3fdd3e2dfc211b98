"""Password hashes and notification signatures."""

import json

from stack.shop.passwords import hash_password, verify_password
from stack.shop.signature import sign, verify

SECRET = "merchant-secret-123456"


def test_password_roundtrip_and_wrong_password() -> None:
    stored = hash_password("peakdrill-1", 1000)
    assert stored.startswith("pbkdf2_sha256$1000$")
    assert verify_password("peakdrill-1", stored)
    assert not verify_password("peakdrill-2", stored)


def test_password_hash_salted_and_keeps_its_cost() -> None:
    a, b = hash_password("same", 1000), hash_password("same", 1000)
    assert a != b
    assert verify_password("same", hash_password("same", 2000))


def test_malformed_hash_never_verifies() -> None:
    for stored in ("", "md5$1$x$y", "pbkdf2_sha256$x$y", "pbkdf2_sha256$1000$!!$!!"):
        assert not verify_password("anything", stored)


def _body() -> bytes:
    return json.dumps({"id": "e1", "out_trade_no": "PD1", "amount_cents": 500}).encode()


def test_valid_signature_accepted() -> None:
    body = _body()
    v = verify(SECRET, sign(SECRET, 1000, body), body, now=1010, tolerance_s=300)
    assert v.ok and v.timestamp == 1000


def test_forged_signature_rejected() -> None:
    body = _body()
    v = verify(SECRET, sign("another-secret-000000", 1000, body), body, now=1000, tolerance_s=300)
    assert (v.ok, v.reason) == (False, "bad_signature")


def test_tampered_body_rejected() -> None:
    body = _body()
    header = sign(SECRET, 1000, body)
    v = verify(SECRET, header, body.replace(b"500", b"1"), now=1000, tolerance_s=300)
    assert (v.ok, v.reason) == (False, "bad_signature")


def test_stale_signature_rejected_both_directions() -> None:
    body = _body()
    header = sign(SECRET, 1000, body)
    assert verify(SECRET, header, body, now=1301, tolerance_s=300).reason == "stale"
    assert verify(SECRET, header, body, now=699, tolerance_s=300).reason == "stale"
    assert verify(SECRET, header, body, now=1300, tolerance_s=300).ok


def test_missing_or_malformed_header() -> None:
    body = _body()
    assert verify(SECRET, None, body, 0, 300).reason == "missing_signature"
    assert verify(SECRET, "v1=abc", body, 0, 300).reason == "malformed_signature"
    assert verify(SECRET, "t=x,v1=abc", body, 0, 300).reason == "malformed_signature"
