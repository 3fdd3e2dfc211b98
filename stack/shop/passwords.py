"""Password hashing: PBKDF2-HMAC-SHA256 with a modest, stored iteration count.

Why not argon2/scrypt or OWASP's 600k PBKDF2 rounds: a login storm is part of every
rehearsal, and at 600k rounds one login costs ~150 ms of CPU, so two cores would top out near
13 logins/s and the rehearsal would measure only the hash. 4k rounds (~1.6 ms) keeps logins
cheap enough for a peak while still salted and slow-ish; the count is stored in each hash, so a
deployment can raise SHOP_PASSWORD_ITERATIONS and old hashes keep verifying.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

SCHEME = "pbkdf2_sha256"


def hash_password(password: str, iterations: int, salt: bytes | None = None) -> str:
    """`pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>`."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of a password against a stored hash; False on a malformed hash."""
    try:
        scheme, iters, salt_b64, digest_b64 = stored.split("$")
        if scheme != SCHEME:
            return False
        salt, expected = _unb64(salt_b64), _unb64(digest_b64)
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, int(iters))
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
