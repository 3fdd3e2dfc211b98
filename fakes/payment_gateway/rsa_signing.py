"""Optional RSA profile (GATEWAY_SIGNING=rsa): SHA256withRSA over `{t}.{body}`, as Alipay's RSA2.

The signature travels as an extra `rsa=<urlsafe base64>` element of the same header, after `v1`,
so HMAC verifiers keep working; the public key is served at `GET /v1/public-key`.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from fakes.payment_gateway.signing import TOLERANCE_S

KEY_FILE = "rsa_private.pem"
KEY_BITS = 2048


def load_or_create_key(data_dir: Path) -> rsa.RSAPrivateKey:
    """The gateway's key from the data dir, created once (so it survives restarts)."""
    path = data_dir / KEY_FILE
    if path.is_file():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pem)
    path.chmod(0o600)
    return key


@lru_cache(maxsize=1)
def forger_key() -> rsa.RSAPrivateKey:
    """A key that is not the gateway's: what a forger would sign with."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    """The public half as PEM (SubjectPublicKeyInfo)."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def rsa_sign(key: rsa.RSAPrivateKey, timestamp: int, body: bytes) -> str:
    """Urlsafe base64 (unpadded) SHA256withRSA signature of `{timestamp}.{body}`."""
    sig = key.sign(str(timestamp).encode() + b"." + body, padding.PKCS1v15(), hashes.SHA256())
    return base64.urlsafe_b64encode(sig).rstrip(b"=").decode("ascii")


def verify_rsa(
    public: bytes, header: str, body: bytes, now: float, tolerance_s: int = TOLERANCE_S
) -> str | None:
    """None when the header's rsa element verifies, else `malformed`, `mismatch` or `stale`."""
    fields = dict(part.strip().split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
        raw = fields["rsa"]
        sig = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (KeyError, ValueError):
        return "malformed"
    key = serialization.load_pem_public_key(public)
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(sig, str(timestamp).encode() + b"." + body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return "mismatch"
    return "stale" if abs(now - timestamp) > tolerance_s else None
