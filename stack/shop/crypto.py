"""Card keys encrypted at rest with AES-256-GCM; the key comes from SHOP_CARD_KEY_SECRET."""

from __future__ import annotations

import hashlib
import itertools
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
KEY_BYTES = 32
# values people paste from examples; refusing them keeps a demo secret out of a real deployment
PLACEHOLDERS = ("changeme", "change-me", "secret", "password", "example", "placeholder", "xxxx")


def validate_card_key_secret(secret_hex: str) -> bytes:
    """The 32-byte key, or ConfigError naming what is wrong with SHOP_CARD_KEY_SECRET."""
    from stack.shop.settings import ConfigError

    name = "SHOP_CARD_KEY_SECRET"
    lowered = secret_hex.lower()
    if any(p in lowered for p in PLACEHOLDERS):
        raise ConfigError(f"{name}: looks like a placeholder; generate 32 random bytes as hex")
    try:
        key = bytes.fromhex(secret_hex)
    except ValueError:
        raise ConfigError(f"{name}: must be hex (64 hex digits = 32 bytes)") from None
    if len(key) != KEY_BYTES:
        raise ConfigError(f"{name}: must be 32 bytes (64 hex digits), got {len(key)} bytes")
    if len(set(key)) < 8 or _is_sequence(key):
        raise ConfigError(f"{name}: obviously not random (repeated or sequential bytes)")
    return key


def _is_sequence(key: bytes) -> bool:
    # 00 01 02 ... or a short pattern repeated (e.g. "0123456789abcdef" * 4)
    steps = {(b - a) % 256 for a, b in itertools.pairwise(key)}
    return len(steps) == 1 or key[:16] == key[16:]


def secret_hash(secret: str) -> str:
    """SHA-256 of a plaintext key: lets the audit see one secret stored under two ids."""
    return hashlib.sha256(secret.encode()).hexdigest()


class CardKeyCipher:
    """Encrypts and decrypts card-key secrets; the product id is bound as associated data."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def encrypt(self, product_id: int, secret: str) -> bytes:
        """nonce || ciphertext+tag."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, secret.encode(), _aad(product_id))

    def decrypt(self, product_id: int, blob: bytes) -> str:
        """Inverse of `encrypt`; raises InvalidTag when tampered or moved to another product."""
        nonce, body = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        return self._aead.decrypt(nonce, body, _aad(product_id)).decode()


def _aad(product_id: int) -> bytes:
    return f"card-key:product:{product_id}".encode()
