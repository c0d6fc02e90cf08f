"""Signed checkpoints: HMAC-SHA256 or Ed25519 (``cryptography``, imported lazily), or none.

A checkpoint signs ``(chain, seq, hash, ts)``. Anyone able to edit the database can
recompute every hash after a change; they cannot sign a new checkpoint without the key, so
a rewrite or a truncated tail up to the last checkpoint is detected. Records written after
the last checkpoint are protected by the chain alone: a checkpoint is signed every
``checkpoints.every`` records and when the log closes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import time
from typing import Any, Protocol

from aimds.audit.chain import Checkpoint
from aimds.errors import ConfigError, MissingExtraError

__all__ = [
    "CheckpointSigner",
    "Ed25519Signer",
    "HmacSigner",
    "UnsignedSigner",
    "signer_from_settings",
]

log = logging.getLogger("aimds.audit")


class CheckpointSigner(Protocol):
    """Signs and checks checkpoints."""

    algorithm: str
    key_id: str

    def sign(self, chain: str, seq: int, hash_: str, ts: float | None = None) -> Checkpoint: ...

    def check(self, checkpoint: Checkpoint) -> str | None:
        """``None`` when the signature holds, else what is wrong (no key material)."""
        ...


def _key_id(material: bytes) -> str:
    return hashlib.sha256(b"aimds-key-id\n" + material).hexdigest()[:16]


class _Base:
    __slots__ = ("algorithm", "key_id")

    def __init__(self, algorithm: str, key_id: str) -> None:
        self.algorithm = algorithm
        self.key_id = key_id

    def _new(self, chain: str, seq: int, hash_: str, ts: float | None) -> Checkpoint:
        return Checkpoint(
            chain=chain,
            seq=seq,
            hash=hash_,
            ts=round(time.time() if ts is None else ts, 6),
            algorithm=self.algorithm,
            key_id=self.key_id,
            signature="",
        )

    def _mismatch(self, cp: Checkpoint) -> str | None:
        if cp.algorithm != self.algorithm:
            return f"checkpoint at {cp.seq} uses {cp.algorithm!r}, the verifier {self.algorithm!r}"
        if cp.key_id != self.key_id:
            return f"checkpoint at {cp.seq} was signed with another key (id {cp.key_id})"
        return None


class HmacSigner(_Base):
    """HMAC-SHA256 with a shared secret key (at least 16 bytes)."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ConfigError("audit.checkpoints: the HMAC key must be at least 16 bytes long")
        super().__init__("hmac-sha256", _key_id(key))
        self._key = key

    def sign(self, chain: str, seq: int, hash_: str, ts: float | None = None) -> Checkpoint:
        cp = self._new(chain, seq, hash_, ts)
        mac = hmac.new(self._key, cp.message(), hashlib.sha256).hexdigest()
        return _with_sig(cp, mac)

    def check(self, checkpoint: Checkpoint) -> str | None:
        bad = self._mismatch(checkpoint)
        if bad:
            return bad
        mac = hmac.new(self._key, checkpoint.message(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(mac, checkpoint.signature):
            return f"checkpoint at {checkpoint.seq} has an invalid signature (forged or altered)"
        return None


class Ed25519Signer(_Base):
    """Ed25519: sign with the private key; a verifier needs only the public key."""

    __slots__ = ("_private", "_public")

    def __init__(self, *, private_key: Any = None, public_key: Any = None) -> None:
        ser = _crypto_serialization()
        if private_key is not None:
            public_key = private_key.public_key()
        if public_key is None:
            raise ConfigError("audit.checkpoints: Ed25519 needs a private or a public key")
        raw = public_key.public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
        super().__init__("ed25519", _key_id(raw))
        self._private = private_key
        self._public = public_key

    @classmethod
    def from_material(cls, material: bytes) -> Ed25519Signer:
        """A PEM private key, or a 32-byte seed as 64 hex characters."""
        ser = _crypto_serialization()
        from cryptography.hazmat.primitives.asymmetric import ed25519

        text = material.strip()
        if text.startswith(b"-----BEGIN"):
            key = ser.load_pem_private_key(text, password=None)
            if not isinstance(key, ed25519.Ed25519PrivateKey):
                raise ConfigError("audit.checkpoints: the PEM key is not an Ed25519 private key")
            return cls(private_key=key)
        try:
            seed = bytes.fromhex(text.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            seed = b""
        if len(seed) != 32:
            raise ConfigError(
                "audit.checkpoints: an Ed25519 key must be a PEM private key or 64 hex "
                "characters (a 32-byte seed)"
            )
        return cls(private_key=ed25519.Ed25519PrivateKey.from_private_bytes(seed))

    def sign(self, chain: str, seq: int, hash_: str, ts: float | None = None) -> Checkpoint:
        if self._private is None:
            raise ConfigError("audit.checkpoints: signing needs the Ed25519 private key")
        cp = self._new(chain, seq, hash_, ts)
        sig = self._private.sign(cp.message())
        return _with_sig(cp, base64.b64encode(sig).decode("ascii"))

    def check(self, checkpoint: Checkpoint) -> str | None:
        bad = self._mismatch(checkpoint)
        if bad:
            return bad
        from cryptography.exceptions import InvalidSignature

        try:
            self._public.verify(base64.b64decode(checkpoint.signature), checkpoint.message())
        except (InvalidSignature, ValueError):
            return f"checkpoint at {checkpoint.seq} has an invalid signature (forged or altered)"
        return None


class UnsignedSigner(_Base):
    """No key: a plain digest. Detects accidental truncation, not a deliberate one."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("none", "-")

    def sign(self, chain: str, seq: int, hash_: str, ts: float | None = None) -> Checkpoint:
        cp = self._new(chain, seq, hash_, ts)
        return _with_sig(cp, hashlib.sha256(cp.message()).hexdigest())

    def check(self, checkpoint: Checkpoint) -> str | None:
        if checkpoint.algorithm != "none":
            return None  # a keyed checkpoint: cannot be checked without the key
        if hashlib.sha256(checkpoint.message()).hexdigest() != checkpoint.signature:
            return f"checkpoint at {checkpoint.seq} does not match its digest"
        return None


def _with_sig(cp: Checkpoint, signature: str) -> Checkpoint:
    return Checkpoint(
        chain=cp.chain,
        seq=cp.seq,
        hash=cp.hash,
        ts=cp.ts,
        algorithm=cp.algorithm,
        key_id=cp.key_id,
        signature=signature,
    )


def _crypto_serialization() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        raise MissingExtraError("crypto", "cryptography") from None
    return serialization


def signer_from_settings(
    algorithm: str, key_env: str, *, environ: Any = None
) -> CheckpointSigner:
    """The signer ``audit.checkpoints`` asks for, its key read from ``key_env``.

    ``auto`` signs with HMAC when ``key_env`` is set and falls back to unsigned digests
    (logged) when it is not; a named algorithm without its key is a :class:`ConfigError`
    naming the variable to set.
    """
    if algorithm == "none":
        return UnsignedSigner()
    env = os.environ if environ is None else environ
    raw = env.get(key_env)
    if algorithm == "auto":
        if not raw:
            log.warning(
                "audit checkpoints are unsigned: set %s to an HMAC key to sign them", key_env
            )
            return UnsignedSigner()
        algorithm = "hmac-sha256"
    if not raw:
        raise ConfigError(
            f"audit.checkpoints.key_env: environment variable {key_env!r} is not set; "
            f"set it to the {algorithm} key or use checkpoints.algorithm: none"
        )
    material = raw.encode() if isinstance(raw, str) else bytes(raw)
    if algorithm == "hmac-sha256":
        return HmacSigner(material)
    if algorithm == "ed25519":
        return Ed25519Signer.from_material(material)
    raise ConfigError(f"audit.checkpoints.algorithm: unknown algorithm {algorithm!r}")
