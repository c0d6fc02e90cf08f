"""The two signature schemes of agent identities, and the strict encodings they travel in.

``ed25519`` (``pip install 'aimds[crypto]'``, imported lazily): the agent holds the private
key, the verifier only the public one. Where PyNaCl is installed too (``aimds[fastverify]``),
signatures are verified by libsodium, about half the instructions of ``cryptography``'s
verify (the larger part of checking a signed 1 KB message); keys are still made, read and
checked by ``cryptography``, and without PyNaCl it verifies as well.

``hmac-sha256`` (standard library): both sides hold the same secret, so the verifier's copy
is as sensitive as the agent's (the service keeps it sealed at rest, see
:mod:`aimds.identity.sealing`).

Binary values travel as unpadded base64url, and decoding is strict: a string that is not the
one canonical encoding of its bytes (padding, stray trailing bits, other alphabets) is
rejected, so no two spellings of a signature or key verify alike.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import importlib
from typing import Any

from aimds.errors import InputError, MissingExtraError

__all__ = [
    "ALGORITHMS",
    "ED25519",
    "HMAC_SHA256",
    "MIN_SECRET_BYTES",
    "b64decode",
    "b64encode",
    "ed25519_generate",
    "ed25519_public",
    "ed25519_sign",
    "ed25519_verify",
    "hmac_key_id",
    "hmac_sign",
    "hmac_verify",
    "public_key_id",
]

ED25519 = "ed25519"
HMAC_SHA256 = "hmac-sha256"
ALGORITHMS = (ED25519, HMAC_SHA256)
MIN_SECRET_BYTES = 16
"""Shared secrets shorter than this are refused: a signature would let anyone brute-force them."""


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64decode(text: Any, *, field: str, size: int | None = None) -> bytes:
    """The bytes of canonical unpadded base64url ``text``; :class:`InputError` naming
    ``field`` otherwise (never quoting the value)."""
    if not isinstance(text, str) or not text.isascii():
        raise InputError(f"{field}: expected unpadded base64url text")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InputError(f"{field}: expected unpadded base64url text") from None
    if b64encode(raw) != text:
        raise InputError(f"{field}: not the canonical unpadded base64url encoding")
    if size is not None and len(raw) != size:
        raise InputError(f"{field}: expected {size} bytes, got {len(raw)}")
    return raw


def _ed25519() -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        raise MissingExtraError("crypto", "cryptography") from None
    return ed25519


def ed25519_generate() -> bytes:
    """A new private key (its 32 raw bytes)."""
    from cryptography.hazmat.primitives import serialization

    key = _ed25519().Ed25519PrivateKey.generate()
    return bytes(
        key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    )


def ed25519_public(private: bytes) -> bytes:
    """The raw public key of a raw private key."""
    from cryptography.hazmat.primitives import serialization

    key = _ed25519().Ed25519PrivateKey.from_private_bytes(private)
    return bytes(
        key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def ed25519_sign(private: Any, data: bytes) -> bytes:
    """Sign with a key object from :func:`ed25519_private_key` (or raw bytes)."""
    if isinstance(private, bytes):
        private = _ed25519().Ed25519PrivateKey.from_private_bytes(private)
    return bytes(private.sign(data))


def ed25519_private_key(private: bytes) -> Any:
    """A reusable signing object (building one per signature costs more than signing)."""
    return _ed25519().Ed25519PrivateKey.from_private_bytes(private)


class SodiumKey:
    """A raw Ed25519 public key verified through libsodium (PyNaCl's bindings)."""

    __slots__ = ("_bad", "_open", "raw")

    def __init__(self, raw: bytes, sodium: tuple[Any, Any]) -> None:
        self.raw = raw
        self._open, self._bad = sodium

    def verify(self, signature: bytes, data: bytes) -> bool:
        if len(signature) != SIGNATURE_BYTES:  # the signature is the first 64 bytes it opens
            return False
        try:
            self._open(signature + data, self.raw)
        except self._bad:
            return False
        return True


SIGNATURE_BYTES = 64
_SODIUM: list[tuple[Any, Any] | None] = []
"""PyNaCl's ``crypto_sign_open`` and the exception it raises, or ``None``; looked up once."""


def _sodium() -> tuple[Any, Any] | None:
    if not _SODIUM:
        try:
            bindings = importlib.import_module("nacl.bindings")
            exceptions = importlib.import_module("nacl.exceptions")
        except ImportError:
            _SODIUM.append(None)
        else:
            _SODIUM.append((bindings.crypto_sign_open, exceptions.BadSignatureError))
    return _SODIUM[0]


def ed25519_public_key(public: bytes) -> Any:
    """A reusable verifying object (libsodium's where PyNaCl is installed);
    :class:`InputError` for bytes that are no public key."""
    try:
        key = _ed25519().Ed25519PublicKey.from_public_bytes(public)
    except ValueError:
        raise InputError("public_key: not an Ed25519 public key") from None
    sodium = _sodium()
    return SodiumKey(bytes(public), sodium) if sodium is not None else key


def ed25519_verify(public: Any, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is valid for ``data`` under ``public`` (a key object from
    :func:`ed25519_public_key`)."""
    if isinstance(public, SodiumKey):
        return public.verify(signature, data)
    from cryptography.exceptions import InvalidSignature

    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def hmac_sign(secret: bytes, data: bytes) -> bytes:
    return hmac.new(secret, data, hashlib.sha256).digest()


def hmac_verify(secret: bytes, signature: bytes, data: bytes) -> bool:
    return hmac.compare_digest(hmac.new(secret, data, hashlib.sha256).digest(), signature)


def public_key_id(public: bytes) -> str:
    """An Ed25519 key's id: the first 16 hex digits of ``sha256(public key)``."""
    return hashlib.sha256(b"aimds-kid-ed25519\n" + public).hexdigest()[:16]


def hmac_key_id(secret: bytes) -> str:
    """A shared secret's id: ``HMAC(secret, "aimds-kid")``, 16 hex digits. Both sides derive
    it from the secret alone; it tells an observer no more than any signature does."""
    return hmac.new(secret, b"aimds-kid-hmac-sha256", hashlib.sha256).hexdigest()[:16]
