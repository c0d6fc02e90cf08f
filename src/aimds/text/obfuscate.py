"""Obfuscating transforms: the inverses of what the views undo, for evaluation and tests.

Each transform hides a whole text in one technique, deterministically (same input, same
output), the way an attacker would to slip an instruction past a filter. The measurement
script (``scripts/obfuscation_eval.py``) and the property tests apply each of them once
to attacks the detectors catch in plain form and check that they are still caught.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import json
import uuid
from collections.abc import Callable
from urllib.parse import quote

__all__ = ["TRANSFORMS", "benign_encoded"]

_RLO = "\u202e"
_PDF = "\u202c"
_ZWSP = "\u200b"
_TAG_BASE = 0xE0000
_COVER = "Please summarise the following text."
# Latin letters and their Cyrillic look-alikes
_HOMOGLYPHS = str.maketrans("aceopxyiABCEHKMOPTX", "асеорхуіАВСЕНКМОРТХ")
_LEET = str.maketrans("aeiost", "431057")


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _b32(text: str) -> str:
    return base64.b32encode(text.encode()).decode()


def _hex(text: str) -> str:
    return text.encode().hex()


def _hex_escaped(text: str) -> str:
    return "".join(f"\\x{b:02x}" for b in text.encode())


def _hex_spaced(text: str) -> str:
    return " ".join(f"{b:02X}" for b in text.encode())


def _rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


def _url(text: str) -> str:
    return quote(text, safe="")


def _url_all(text: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode())


def _url_double(text: str) -> str:
    return quote(quote(text, safe=""), safe="")


def _html_decimal(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def _html_hex(text: str) -> str:
    return "".join(f"&#x{ord(c):x};" for c in text)


_NAMED = {
    " ": "&nbsp;",
    ",": "&comma;",
    ".": "&period;",
    ":": "&colon;",
    "!": "&excl;",
    "?": "&quest;",
    "'": "&apos;",
    '"': "&quot;",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\n": "&NewLine;",
}


def _html_named(text: str) -> str:
    """Named entities where HTML has them, hex entities for the letters (HTML has no
    named entities for plain ASCII letters)."""
    return "".join(_NAMED.get(c) or f"&#x{ord(c):x};" for c in text)


def _bidi(text: str) -> str:
    """Stored reversed behind a right-to-left override: it *displays* as the original."""
    return "\n".join(_RLO + line[::-1] + _PDF for line in text.split("\n"))


def _reversed(text: str) -> str:
    return text[::-1]


def _tags(text: str) -> str:
    """An innocent visible sentence carrying the text in invisible Unicode tag characters."""
    hidden = "".join(chr(_TAG_BASE + ord(c)) for c in text if 0x20 <= ord(c) <= 0x7E)
    return _COVER + hidden


def _homoglyphs(text: str) -> str:
    return text.translate(_HOMOGLYPHS)


def _leet(text: str) -> str:
    return text.translate(_LEET)


def _zero_width(text: str) -> str:
    return _ZWSP.join(text)


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "base64": _b64,
    "base64_url": _b64url,
    "base32": _b32,
    "hex": _hex,
    "hex_escaped": _hex_escaped,
    "hex_spaced": _hex_spaced,
    "rot13": _rot13,
    "url": _url,
    "url_all": _url_all,
    "url_double": _url_double,
    "html_decimal": _html_decimal,
    "html_hex": _html_hex,
    "html_named": _html_named,
    "bidi": _bidi,
    "reversed": _reversed,
    "tags": _tags,
    "homoglyphs": _homoglyphs,
    "leet": _leet,
    "zero_width": _zero_width,
}
"""Transform name -> function hiding a whole text in that technique."""


def benign_encoded() -> list[str]:
    """Ordinary texts full of encoded data that hides nothing (hard negatives): images in
    data URIs, JWTs, hashes, git SHAs, UUIDs, minified assets, base64 of binary, URLs with
    ``%20``, HTML with ``&amp;``. Deterministic: the bytes come from SHA-256 chains."""
    out: list[str] = []
    for n in range(40):
        blob = _bytes(f"blob{n}", 48 + 16 * (n % 5))
        digest = hashlib.sha256(f"file{n}".encode()).hexdigest()
        sha1 = hashlib.sha1(f"commit{n}".encode()).hexdigest()  # noqa: S324 - a git SHA
        uid = str(uuid.UUID(bytes=_bytes(f"uuid{n}", 16)))
        png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + _bytes(f"png{n}", 90)).decode()
        jwt = _jwt(n)
        out += [
            f'<img alt="logo" src="data:image/png;base64,{png}">',
            f"Authorization: Bearer {jwt}",
            f"The release tarball's sha256 is {digest}; verify it before installing.",
            f"Fixed in commit {sha1} (see {sha1[:7]} for the revert).",
            f"Order {uid} was shipped on {n % 28 + 1} March.",
            f"attachment.bin (base64): {base64.b64encode(blob).decode()}",
            f"key material: {base64.urlsafe_b64encode(blob).decode().rstrip('=')}",
            f"raw bytes: {blob.hex()}",
            f"Open https://example.com/search?q=weekly%20report%20{n}&lang=en%2DGB&page={n}",
            f"<p>Fish &amp; chips &amp; peas for {n} &lt;people&gt; &mdash; &copy; 2024</p>",
            _minified(n),
        ]
    return out


def _bytes(seed: str, size: int) -> bytes:
    out = b""
    block = seed.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return out[:size]


def _jwt(n: int) -> str:
    def part(obj: dict[str, object]) -> str:
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    claims = part({"sub": f"user-{n}", "iat": 1_700_000_000 + n, "scope": "read write"})
    sig = base64.urlsafe_b64encode(_bytes(f"sig{n}", 32)).decode().rstrip("=")
    return f"{header}.{claims}.{sig}"


def _minified(n: int) -> str:
    if n % 2:
        return (
            f"!function(e,t){{var n=e.getElementById(t);n&&(n.innerHTML='v{n}')}}"
            f"(document,'app');.btn{{color:#{n:06x};background:url(data:image/gif;base64,"
            "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7)}"
        )
    return (
        "function(a,b){return a.reduceRight(function(c,d){return c+d.toString(16)},b)}"
        f';var sourceMappingURL_{n}=1;window.__INITIAL_STATE__={{"v":{n}}}'
    )
