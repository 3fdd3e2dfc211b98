"""Optional RSA profile: signatures next to the HMAC, a public key that survives restarts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import SECRET, eventually, running

from fakes.payment_gateway import rsa_signing, signing

pytestmark = pytest.mark.anyio
BODY = b'{"id":"evt_1"}'
NOW = 1_800_000_000


def test_rsa_sign_and_verify(tmp_path: Path) -> None:
    key = rsa_signing.load_or_create_key(tmp_path)
    public = rsa_signing.public_pem(key)
    header = f"t={NOW},v1=x,rsa={rsa_signing.rsa_sign(key, NOW, BODY)}"
    assert rsa_signing.verify_rsa(public, header, BODY, now=NOW + 5) is None
    assert rsa_signing.verify_rsa(public, header, BODY + b" ", now=NOW) == "mismatch"
    assert rsa_signing.verify_rsa(public, header, BODY, now=NOW + 301) == "stale"
    forged = f"t={NOW},rsa={rsa_signing.rsa_sign(rsa_signing.forger_key(), NOW, BODY)}"
    assert rsa_signing.verify_rsa(public, forged, BODY, now=NOW) == "mismatch"
    assert rsa_signing.verify_rsa(public, f"t={NOW},v1=x", BODY, now=NOW) == "malformed"
    again = rsa_signing.load_or_create_key(tmp_path)  # persisted, not regenerated
    assert rsa_signing.public_pem(again) == public


async def test_notifications_carry_both_signatures(tmp_path: Path) -> None:
    async with running(tmp_path, signing="rsa") as h:
        public = (await h.merchant.get("/v1/public-key")).content
        assert public.startswith(b"-----BEGIN PUBLIC KEY-----")
        await h.create_and_pay("RSA-1")
        await eventually(lambda: len(h.receiver.received) == 1)
        await h.control.put(
            "/control/faults", json={"faults": [{"id": "forge", "kind": "notify_bad_signature"}]}
        )
        await h.create_and_pay("RSA-2")
        await eventually(lambda: len(h.receiver.received) == 2)
        (_, good), (_, bad) = h.receiver.received
        for request, reason in ((good, None), (bad, "mismatch")):
            header = request.headers[signing.SIGNATURE_HEADER]
            now = time.time()
            assert rsa_signing.verify_rsa(public, header, request.content, now) == reason
            assert signing.verify(SECRET, header, request.content, now) == reason


async def test_public_key_is_404_without_rsa(tmp_path: Path) -> None:
    async with running(tmp_path) as h:
        r = await h.merchant.get("/v1/public-key")
        assert (r.status_code, r.json()) == (404, {"code": "RSA_SIGNING_OFF"})
