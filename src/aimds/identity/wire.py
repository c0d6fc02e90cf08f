"""The canonical bytes that identities sign, and the strict field checks of what they sign.

A signature covers ``DOMAIN + JSON(header)``: the header as JSON with sorted keys, no
whitespace (``separators=(",", ":")``), UTF-8, integers only (times in milliseconds), no
floats. Every header value is restricted to printable ASCII (names, globs, hex, base64url),
so any JSON encoder that sorts keys and omits whitespace reproduces the same bytes. The
domain prefix (``aimds-message-v1\\n``, ``aimds-delegation-v1\\n``) keeps a signature made
for one purpose from verifying for another. Free text (a message body) is never in the
header: its SHA-256 is.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from aimds.errors import InputError

__all__ = [
    "DELEGATION_DOMAIN",
    "MESSAGE_DOMAIN",
    "canonical",
    "digest_of",
    "hex64",
    "json_digest",
    "name",
    "nonce",
    "ms",
    "sha256_hex",
]

MESSAGE_DOMAIN = b"aimds-message-v1\n"
DELEGATION_DOMAIN = b"aimds-delegation-v1\n"

_NAME = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MAX_MS = 10**15  # year ~33658: any later time is a malformed field, not a date


def canonical(domain: bytes, header: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers (see the module docstring)."""
    return domain + json.dumps(
        header, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def json_digest(value: Any) -> str:
    """SHA-256 (hex) of ``value``'s canonical JSON (sorted keys, no whitespace);
    :class:`InputError` for values JSON cannot hold."""
    try:
        text = json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        return sha256_hex(text.encode("utf-8"))
    except (TypeError, ValueError, RecursionError):
        raise InputError("delegation: links must be plain JSON values") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_of(body: str, *, field: str = "body") -> str:
    """SHA-256 (hex) of ``body``'s UTF-8 bytes; :class:`InputError` for a non-string or one
    that is not valid Unicode (lone surrogates)."""
    if not isinstance(body, str):
        raise InputError(f"{field}: expected text, got {type(body).__name__}")
    try:
        return sha256_hex(body.encode("utf-8"))
    except UnicodeEncodeError:
        raise InputError(f"{field}: not valid Unicode text (lone surrogates)") from None


def name(value: Any, field: str) -> str:
    """Agent, tenant, role, channel and key ids: 1-128 of ``[A-Za-z0-9_.:@-]``."""
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise InputError(f"{field}: use 1-128 characters of letters, digits and _ . : @ -")
    return value


def nonce(value: Any, field: str = "nonce") -> str:
    if not isinstance(value, str) or not _NONCE.fullmatch(value):
        raise InputError(f"{field}: expected 16-64 characters of base64url")
    return value


def hex64(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise InputError(f"{field}: expected 64 lowercase hex digits (a SHA-256)")
    return value


def ms(value: Any, field: str) -> int:
    """A time in integer milliseconds since the epoch (booleans and floats refused)."""
    if type(value) is not int or not 0 <= value < _MAX_MS:
        raise InputError(f"{field}: expected integer milliseconds since the epoch")
    return value
