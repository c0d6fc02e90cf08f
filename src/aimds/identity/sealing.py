"""Shared HMAC secrets sealed at rest: AES-256-GCM under the service's identity key.

An HMAC-SHA256 identity's verifier needs the secret itself, so the service must keep it,
but never in the clear: each secret is sealed with a random 96-bit nonce, the row's
``tenant:key id`` as associated data (a sealed secret copied to another row does not
open), under a key derived (SHA-256) from, in order:

1. ``AIMDS_IDENTITY_KEY`` (at least 16 characters), or a file named by
   ``AIMDS_IDENTITY_KEY_FILE`` (a mounted secret): what every replica of a cluster needs;
2. ``DATA_DIR/.identity.secret``, created 0600 on first use (an embedded service);
3. otherwise a random per-process key, ``stable`` false: fine for an in-memory service,
   refused for a persistent database (the secrets would not open after a restart).

Needs ``pip install 'aimds[crypto]'``. The API never returns a stored secret.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from aimds.errors import BackendError, ConfigError, MissingExtraError
from aimds.identity import crypto

__all__ = ["ENV", "Sealer", "sealer_from"]

ENV = "AIMDS_IDENTITY_KEY"
_PREFIX = "v1."


class Sealer:
    def __init__(self, material: bytes, *, source: str | None) -> None:
        try:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        except ImportError:
            raise MissingExtraError("crypto", "cryptography") from None
        self._aead = AESGCM(hashlib.sha256(b"aimds-identity-seal-v1\n" + material).digest())
        self.source = source
        """``env``, ``file`` or ``data_dir``; ``None`` for a random per-process key."""

    @property
    def stable(self) -> bool:
        return self.source is not None

    def seal(self, secret: bytes, *, context: str) -> str:
        nonce = os.urandom(12)
        return _PREFIX + crypto.b64encode(
            nonce + self._aead.encrypt(nonce, secret, context.encode())
        )

    def open(self, sealed: str, *, context: str) -> bytes:
        """The secret; :class:`BackendError` when it does not open (another key, a
        tampered row), naming the key variable, never the value."""
        from cryptography.exceptions import InvalidTag

        try:
            raw = crypto.b64decode(sealed.removeprefix(_PREFIX), field="secret")
            return bytes(self._aead.decrypt(raw[:12], raw[12:], context.encode()))
        except (InvalidTag, ValueError):
            raise BackendError(
                f"a stored identity secret does not open with this process's identity key "
                f"(is {ENV} the same on every replica?)"
            ) from None


def sealer_from(
    environ: Mapping[str, str] | None = None,
    data_dir_secret: Callable[[], bytes] | None = None,
) -> Sealer:
    """The sealer for this process (see the module docstring for the key's sources)."""
    env = os.environ if environ is None else environ
    raw = env.get(ENV)
    if raw:
        if len(raw) < 16:
            raise ConfigError(f"{ENV}: the identity key must have at least 16 characters")
        return Sealer(raw.encode(), source="env")
    if env.get(ENV + "_FILE"):
        try:
            text = Path(env[ENV + "_FILE"]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"{ENV}_FILE: cannot read the identity key file "
                f"({exc.strerror or type(exc).__name__})"
            ) from None
        if len(text) < 16:
            raise ConfigError(f"{ENV}_FILE: the identity key must have at least 16 characters")
        return Sealer(text.encode(), source="file")
    if data_dir_secret is not None:
        return Sealer(data_dir_secret(), source="data_dir")
    return Sealer(os.urandom(32), source=None)
