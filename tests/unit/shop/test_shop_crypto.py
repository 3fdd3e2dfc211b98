"""Card-key encryption and the refusal of unsafe SHOP_CARD_KEY_SECRET values."""

import os

import pytest
from cryptography.exceptions import InvalidTag

from stack.shop.crypto import CardKeyCipher, secret_hash, validate_card_key_secret
from stack.shop.settings import ConfigError


def test_roundtrip_and_ciphertext_hides_secret() -> None:
    cipher = CardKeyCipher(os.urandom(32))
    blob = cipher.encrypt(7, "ABCD-EFGH-JKLM-NPQR")
    assert b"ABCD" not in blob
    assert cipher.decrypt(7, blob) == "ABCD-EFGH-JKLM-NPQR"
    assert cipher.encrypt(7, "X") != cipher.encrypt(7, "X")  # fresh nonce each time


def test_ciphertext_is_bound_to_its_product() -> None:
    cipher = CardKeyCipher(os.urandom(32))
    blob = cipher.encrypt(1, "secret-code")
    with pytest.raises(InvalidTag):
        cipher.decrypt(2, blob)
    with pytest.raises(InvalidTag):
        CardKeyCipher(os.urandom(32)).decrypt(1, blob)


def test_random_key_accepted() -> None:
    key = os.urandom(32)
    assert validate_card_key_secret(key.hex()) == key


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("changeme" * 8, "placeholder"),
        ("zz" * 32, "hex"),
        (os.urandom(16).hex(), "32 bytes"),
        ("00" * 32, "not random"),
        ("0123456789abcdef" * 4, "not random"),
        (bytes(range(32)).hex(), "not random"),
    ],
)
def test_unsafe_keys_refused_with_one_line(value: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        validate_card_key_secret(value)
    assert fragment in str(err.value)
    assert str(err.value).startswith("SHOP_CARD_KEY_SECRET:")
    assert "\n" not in str(err.value)


def test_secret_hash_is_stable_and_distinct() -> None:
    assert secret_hash("A") == secret_hash("A")
    assert secret_hash("A") != secret_hash("B")
