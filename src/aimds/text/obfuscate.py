"""Obfuscating transforms: the inverses of what the views undo, for evaluation and tests.

Each transform hides a whole text in one technique, deterministically (same input, same
output), the way an attacker would to slip an instruction past a filter. The measurement
script (``scripts/obfuscation_eval.py``) and the property tests apply each of them once
to attacks the detectors catch in plain form and check that they are still caught.
"""

from __future__ import annotations

import base64
import codecs
import gzip
import hashlib
import json
import quopri
import uuid
from collections.abc import Callable
from urllib.parse import quote

from aimds.text.decoders import MORSE

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


def _zero_width_words(text: str) -> str:
    """A zero-width joiner inside each word, where it splits the word for a tokenizer."""
    return " ".join(w[: len(w) // 2] + "\u200d" + w[len(w) // 2 :] for w in text.split(" "))


def _soft_hyphen(text: str) -> str:
    """Soft hyphens (invisible unless a line breaks there) between the letters of words."""
    return "\u00ad".join(text)


def _b85(text: str) -> str:
    return base64.b85encode(text.encode()).decode()


def _a85(text: str) -> str:
    """Adobe's ASCII85, with its ``<~ ~>`` frame."""
    return base64.a85encode(text.encode(), adobe=True).decode()


def _b64_twice(text: str) -> str:
    return _b64(_b64(text))


def _b64_lines(text: str) -> str:
    """base64 wrapped at 76 characters, the way MIME and PEM write it."""
    return base64.encodebytes(text.encode()).decode().rstrip("\n")


def _hex_of_b64(text: str) -> str:
    return _hex(_b64(text))


def _spaced(text: str) -> str:
    """Letters spaced out, words apart by three spaces (``i g n o r e   a l l``)."""
    return "   ".join(" ".join(w) for w in text.split(" "))


def _dotted(text: str) -> str:
    return " ".join(".".join(w) for w in text.split(" "))


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


_GREEK = str.maketrans("ABEHIKMNOPTXYZiov", "ΑΒΕΗΙΚΜΝΟΡΤΧΥΖιον")


def _greek(text: str) -> str:
    """Greek look-alikes (Α, Ο, ο, ν...)."""
    return text.translate(_GREEK)


def _mixed_case(text: str) -> str:
    return "".join(c.upper() if n % 2 else c.lower() for n, c in enumerate(text))


def _morse(text: str) -> str:
    """International Morse: letters apart by a space, words by `` / ``."""
    words = (" ".join(MORSE[c] for c in w.upper() if c in MORSE) for w in text.split())
    return " / ".join(w for w in words if w)


def _quoted_printable(text: str) -> str:
    """Quoted-printable as an e-mail writes it (only ``=``, non-ASCII and long lines)."""
    return quopri.encodestring(text.encode()).decode()


def _quoted_printable_all(text: str) -> str:
    """Every byte quoted (``=49=67=6E``), soft line breaks every 25 bytes."""
    data = text.encode()
    lines = ("".join(f"={b:02X}" for b in data[i : i + 25]) for i in range(0, len(data), 25))
    return "=\n".join(lines)


def _unicode_escapes(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c for c in text)


def _json_string(text: str) -> str:
    """The text as a JSON string value inside an object, as an API response carries it."""
    return json.dumps({"note": text})


def _json_ascii(text: str) -> str:
    """A JSON string with every letter escaped (``"\\u0049\\u0067..."``)."""
    return '{"note": "' + _unicode_escapes(text) + '"}'


def _url_plus(text: str) -> str:
    """Form encoding: spaces as ``+``, the rest percent-escaped where needed."""
    return quote(text, safe="").replace("%20", "+")


def _html_decimal_padded(text: str) -> str:
    """Decimal entities with leading zeros and without the closing ``;`` browsers forgive."""
    return "".join(f"&#00{ord(c)}" for c in text)


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
    "zero_width_words": _zero_width_words,
    "soft_hyphen": _soft_hyphen,
    "base85": _b85,
    "ascii85": _a85,
    "base64_twice": _b64_twice,
    "base64_lines": _b64_lines,
    "hex_of_base64": _hex_of_b64,
    "spaced": _spaced,
    "dotted": _dotted,
    "fullwidth": _fullwidth,
    "greek": _greek,
    "mixed_case": _mixed_case,
    "morse": _morse,
    "quoted_printable": _quoted_printable,
    "quoted_printable_all": _quoted_printable_all,
    "unicode_escapes": _unicode_escapes,
    "json_string": _json_string,
    "json_ascii": _json_ascii,
    "url_plus": _url_plus,
    "html_decimal_padded": _html_decimal_padded,
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
            *_benign_encoded_more(n, blob),
        ]
    return out


_FRENCH = "Réunion à l'été: déjà prévu, merci à Zoë et François."


def _benign_encoded_more(n: int, blob: bytes) -> list[str]:
    """The encodings the newer decoders read (base85, quoted-printable, unicode escapes,
    Morse-like punctuation) as ordinary data writes them, and the shapes of public keys,
    compressed payloads and inline assets."""
    der = b"\x30\x82\x03\x0b" + _bytes(f"cert{n}", 240)
    pem = "\n".join(
        ["-----BEGIN CERTIFICATE-----", *_wrapped(base64.b64encode(der).decode(), 64)]
        + ["-----END CERTIFICATE-----"]
    )
    packed = gzip.compress(f"row,{n},ok\n".encode() * 20, mtime=0)
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{n + 8}"><circle r="4"/></svg>'
    source_map = json.dumps({"version": 3, "sources": [f"app{n}.ts"], "mappings": "AAAA,CAAC"})
    config = base64.b64encode(f"postgres://db{n}.internal:5432/app".encode()).decode()
    return [
        pem,
        f"payload.json.gz (base64): {base64.b64encode(packed).decode()}",
        f"GIT binary patch\nliteral {len(blob)}\n{base64.b85encode(blob).decode()}",
        "Content-Transfer-Encoding: quoted-printable\n\nHi team, we=E2=80=99re on track f=\n"
        f"or release {n}; the caf=C3=A9 booking is confirmed =3D see you there.",
        json.dumps({"title": f"{_FRENCH} #{n}"}),  # ensure_ascii: \u00e9 escapes
        f"<p>We don&#8217;t ship on Sundays &#8212; order {n} arrives Monday&#8230;</p>",
        f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">',
        "//# sourceMappingURL=data:application/json;base64,"
        + base64.b64encode(source_map.encode()).decode(),
        f"apiVersion: v1\nkind: Secret\ndata:\n  DATABASE_URL: {config}",
        f"Signal log {n}: ... --- ... received at 0{n % 10}:00, then -.-. -.-. (test).",
        f"utm link: https://shop.example/p?utm_source=news%2Fletter&utm_campaign=spring%20{n}",
    ]


def _wrapped(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


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
