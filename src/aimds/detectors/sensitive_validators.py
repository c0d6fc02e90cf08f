"""Format validators for secrets and PII: checksums and structure checks, all pure functions.

Each validator takes the candidate value (as written, minus separators where noted) and
returns ``True`` when the value has the structure a real one has. None of them raises.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import math
import re
import zlib
from bisect import bisect_right
from collections import Counter

__all__ = [
    "base62_crc32_ok",
    "card_ok",
    "entropy",
    "iban_ok",
    "ipv4_public",
    "ipv6_public",
    "jwt_ok",
    "luhn_ok",
    "pem_private_key_ok",
    "repeated",
    "ssn_ok",
]

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


_XLOGX = tuple(c * math.log2(c) if c else 0.0 for c in range(257))


def entropy(value: str) -> float:
    """Shannon entropy in bits per character: ``log2(n) - sum(c * log2(c)) / n`` over the
    character counts ``c`` (table look-ups instead of a Python loop for short values)."""
    if not value:
        return 0.0
    n = len(value)
    if n < len(_XLOGX):
        total = sum(map(_XLOGX.__getitem__, map(value.count, set(value))))
    else:
        total = sum(c * math.log2(c) for c in Counter(value).values())
    return max(0.0, math.log2(n) - total / n)


_RUN = re.compile(r"(.)\1{5,}")


def repeated(value: str) -> bool:
    """True for values that are mostly one character or hold a long run (``xxxxxx``).

    Only short values are judged: long encoded blobs (keys) legitimately hold runs.
    """
    if len(value) > 128:
        return False
    if _RUN.search(value) is not None:
        return True
    return len(set(value)) <= max(2, len(value) // 8)


def _b62(number: int) -> str:
    out = ""
    while number:
        number, rem = divmod(number, 62)
        out = _B62[rem] + out
    return out.rjust(6, "0")


def base62_crc32_ok(token: str) -> bool:
    """GitHub ``gh?_`` tokens: the last 6 characters are base62(CRC32(the 30 random ones))."""
    _, _, body = token.partition("_")
    if len(body) != 36:
        return False
    return _b62(zlib.crc32(body[:30].encode("ascii", "replace"))) == body[30:]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if d < 0 or d > 9:
            return False
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _issuer_ok(digits: str) -> bool:
    n = len(digits)
    if digits[0] == "4":
        return n in (13, 16, 19)
    two, four, six = int(digits[:2]), int(digits[:4]), int(digits[:6])
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16
    if two in (34, 37):
        return n == 15
    if four == 6011 or 644 <= int(digits[:3]) <= 649 or two == 65 or 622126 <= six <= 622925:
        return 16 <= n <= 19
    if 3528 <= four <= 3589:  # JCB
        return 16 <= n <= 19
    if two in (36, 38) or 300 <= int(digits[:3]) <= 305:  # Diners
        return 14 <= n <= 19
    return False


def card_ok(digits: str) -> bool:
    """Payment card number: issuer range and length, then Luhn."""
    return 13 <= len(digits) <= 19 and digits.isdigit() and _issuer_ok(digits) and luhn_ok(digits)


_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def iban_ok(compact: str) -> bool:
    """IBAN without spaces: the country's length and the ISO 13616 mod-97 check."""
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    moved = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in moved))
    except ValueError:
        return False
    return number % 97 == 1


_SSN_BLOCKED = frozenset({"078051120", "123456789", "219099999"})


def ssn_ok(digits: str) -> bool:
    """US SSN: area not 000/666/9xx, group not 00, serial not 0000, not a famous sample."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return not (digits in _SSN_BLOCKED or digits.startswith("98765432"))


# Not globally reachable (Python's ``is_global`` table: RFC 6890 special-purpose blocks and
# 100.64.0.0/10 shared space) plus multicast: as sorted, merged ``(first, last)`` integers.
_V4_NOT_PUBLIC_NETS = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/29", "192.0.0.170/31", "192.0.2.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
)  # fmt: skip
_V4_NOT_PUBLIC = tuple(
    sorted(
        (int(n.network_address), int(n.broadcast_address))
        for n in map(ipaddress.IPv4Network, _V4_NOT_PUBLIC_NETS)
    )
)
_V4_FIRSTS = tuple(first for first, _ in _V4_NOT_PUBLIC)


def ipv4_public(value: str) -> bool:
    """A dotted-quad address that is globally reachable and not multicast (what
    ``ipaddress``'s ``is_global and not is_multicast`` says, without building objects)."""
    parts = value.split(".")
    if len(parts) != 4:
        return False
    number = 0
    for part in parts:
        if not (0 < len(part) <= 3 and part.isascii() and part.isdigit()):
            return False
        if part[0] == "0" and len(part) > 1:
            return False  # ipaddress rejects leading zeros (ambiguous octal)
        octet = int(part)
        if octet > 255:
            return False
        number = number << 8 | octet
    i = bisect_right(_V4_FIRSTS, number) - 1
    return i < 0 or number > _V4_NOT_PUBLIC[i][1]


_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_DOC6 = ipaddress.IPv6Network("2001:db8::/32")


def ipv6_public(value: str) -> bool:
    """Global unicast IPv6 only (not documentation, ULA, link-local, loopback)."""
    try:
        addr = ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return addr in _GLOBAL_UNICAST and addr not in _DOC6


def _b64url_json(part: str) -> object:
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    return json.loads(raw)


def jwt_ok(token: str) -> bool:
    """Header and payload decode to JSON objects and the header names an ``alg``."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    try:
        header = _b64url_json(parts[0])
        payload = _b64url_json(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return isinstance(header, dict) and "alg" in header and isinstance(payload, dict)


_B64_BODY = re.compile(r"[^A-Za-z0-9+/=]")


def pem_private_key_ok(body: str, kind: str) -> bool:
    """The base64 between the armour lines decodes to DER (a SEQUENCE) or an OpenSSH key.

    ``body`` may carry indentation, JSON escapes (``\\n``) and PEM headers (``Proc-Type:``).
    """
    lines = [ln for ln in body.replace("\\n", "\n").splitlines() if ":" not in ln]
    data = _B64_BODY.sub("", "".join(lines))
    if len(data) < 40:
        return False
    try:
        raw = base64.b64decode(data + "=" * (-len(data) % 4))
    except (ValueError, binascii.Error):
        return False
    if kind == "OPENSSH":
        return raw.startswith(b"openssh-key-v1\x00")
    if "ENCRYPTED" in kind:
        return raw[:1] == b"\x30"
    return (
        len(raw) > 8 and raw[0] == 0x30 and (0x20 <= raw[1] < 0x80 or raw[1] in (0x81, 0x82, 0x83))
    )
