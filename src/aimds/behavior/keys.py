"""Where the behaviour stage's fingerprint key comes from.

Data-flow fingerprints (``HMAC(key, token)``) only match across processes that share the
key, so in a cluster every process must be given the same one. Precedence: the policy's
``behavior.fingerprint_key``, then the environment variable ``fingerprint_key_env``
(``AIMDS_FINGERPRINT_KEY``), then a file named by ``<that variable>_FILE`` (a mounted
secret), else a random key per process (``source`` ``None``; the service warns about it in
cluster mode).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aimds.errors import ConfigError

if TYPE_CHECKING:
    from aimds.policy.sections.behavior import BehaviorSection

__all__ = ["FingerprintKey", "fingerprint_key"]

_MIN_LEN = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class FingerprintKey:
    key: bytes
    source: str | None
    """``policy``, ``env`` or ``file``; ``None`` for a random per-process key."""


def fingerprint_key(
    section: BehaviorSection, environ: Mapping[str, str] | None = None
) -> FingerprintKey:
    """The key for ``section``. Raises :class:`ConfigError` for a key too short or a file
    that cannot be read (naming the variable, never the key)."""
    if section.fingerprint_key:
        return FingerprintKey(key=section.fingerprint_key.encode(), source="policy")
    env = os.environ if environ is None else environ
    name = section.fingerprint_key_env
    raw, source = env.get(name), "env"
    if not raw and env.get(name + "_FILE"):
        try:
            raw = Path(env[name + "_FILE"]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"{name}_FILE: cannot read the fingerprint key file "
                f"({exc.strerror or type(exc).__name__})"
            ) from None
        source = "file"
    if not raw:
        return FingerprintKey(key=os.urandom(32), source=None)
    if len(raw) < _MIN_LEN:
        raise ConfigError(f"{name}: the fingerprint key must have at least {_MIN_LEN} characters")
    return FingerprintKey(key=raw.encode(), source=source)
