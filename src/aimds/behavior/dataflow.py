"""Data-flow tracking: fingerprint sensitive values read by the agent, spot them going out.

Sources are values the detectors mark sensitive in tool results (secret and PII spans), and,
for a tool result that answers a credential read or a database dump, every *significant*
token of the result (long enough, mixing letters and digits or cases, not a placeholder).
Each value is stored only as a keyed HMAC (``behavior.fingerprint_key`` or a random key per
process), never in clear. An outbound call's string arguments are tokenised the same way,
also after URL, base64, base32 and hex decoding; any token whose fingerprint is stored is a
flow.

Where a secret hides in an outbound URL: the query (``?d=<b64>``), a path segment
(``/<b64>``), a subdomain label (``<hex>.attacker.example``), or split over consecutive
labels or segments (DNS labels hold at most 63 characters). Each part of a URL-like token
(split at ``/ . @ +``) and each run of up to :data:`_MAX_JOIN` consecutive parts is decoded
(bounded). DNS names are case-insensitive, so case does not protect a token: every stored
and outbound token is also fingerprinted lowercased (hex and base32 are decoded whatever
their case).

Re-spelling: a secret sent with separators inserted (``AKIA-IOSF-ODNN-7EXA-MPLE``, a space
between every character), reversed, or case-changed keeps its letters and digits in order
(or in reverse order). A source token of at least :data:`_WINDOW` letters and digits (not a
host, URL, address, path or file name) is also stored as two *window* fingerprints: its
first :data:`_WINDOW` letters and digits lowercased (more, up to its first digit), and the
same of its reversal. An outbound string is reduced the same way (letters and digits only,
lowercased) and the window starting at each word start is fingerprinted: a secret written
forwards or backwards from a word start, whatever sits between its characters, is a flow.
Only windows that hold a digit, a letter and :data:`_WINDOW_DISTINCT` distinct characters
count on either side, so prose without digits, dates and counters cost a scan and no HMAC;
at most :data:`_MAX_WINDOWS` are fingerprinted per call, and (with an in-process store) only
in a session that has stored fingerprints (:class:`SourcedSessions`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import threading
import unicodedata
import urllib.parse
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from itertools import accumulate
from typing import Any

__all__ = [
    "Fingerprinter",
    "SourcedSessions",
    "outbound_tokens",
    "outbound_windows",
    "significant_tokens",
    "source_forms",
]

_SPLIT = re.compile(r"[\s\"'`,;=:<>()\[\]{}|&?#!*\\]+")
_SUBSPLIT = re.compile(r"[/.@+]+")
_PART = re.compile(r"[^/.@+]+")
_B64 = re.compile(r"^[A-Za-z0-9+/_-]{11,}={0,2}$")
_B32 = re.compile(r"^[A-Za-z2-7]{16,}={0,6}$")
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2}){8,}$")
_PLACEHOLDER = re.compile(
    r"example|changeme|your[-_]?|placeholder|redacted|xxxx|\*\*\*|<[^>]*>|\$\{|dummy|sample",
    re.I,
)
_MIN_TOKEN = 8
_MIN_VALUE = 4
_MAX_TOKEN = 4096
_MAX_DEPTH = 8
_MAX_JOIN = 4  # consecutive labels or path segments joined before decoding
_MAX_PARTS = 16  # parts of one token considered for joining
_MIN_JOINED = 16
_WINDOW = 16  # letters and digits of a re-spelt secret that identify it
_MAX_WINDOW = 32  # longest window: a secret's first digit further in is not windowed
_WINDOW_DISTINCT = 8  # distinct characters a window needs (not a date, a counter, a run)
_WINDOW_TAG = "\x1fw:"  # window fingerprints never equal a token's
_MAX_WINDOWS = 128  # window fingerprints per outbound call
_MAX_WINDOW_SCAN = 16_384  # characters of an outbound call read for windows
_MAX_SESSIONS = 65_536  # sessions remembered as holding fingerprints (oldest out first)
_ALNUM = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")
# hosts, URLs, addresses, file names, paths and JWTs: their first letters are shared by
# other values (a config's endpoint and a call to it, every HS256 JWT's header), so only
# their exact spelling (and the secret tokens inside them) is tracked
_NOT_WINDOWED = re.compile(r"[.@]|^[/~]")


class Fingerprinter:
    """Keyed HMAC-SHA256 of normalised values, truncated to 96 bits (hex).

    HMAC (RFC 2104) with the keyed inner and outer SHA-256 states set up once and copied per
    value: two C-level copies instead of keying a new HMAC object each time. The templates
    are never updated, so sharing them across threads is safe.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = hashlib.sha256().block_size
        if len(key) > block:
            key = hashlib.sha256(key).digest()
        key = key.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def __call__(self, value: str) -> str:
        norm = unicodedata.normalize("NFKC", value).strip()
        inner = self._inner.copy()
        inner.update(norm.encode("utf-8", "replace"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()[:12].hex()

    def many(self, values: Iterable[str], limit: int) -> tuple[str, ...]:
        """Distinct fingerprints of ``values``, in order, at most ``limit``."""
        out: dict[str, None] = {}
        seen: set[str] = set()
        for value in values:
            if len(out) >= limit:
                break
            if value not in seen:
                seen.add(value)
                out[self(value)] = None
        return tuple(out)


class SourcedSessions:
    """Which sessions may hold fingerprints, and until when: an outbound call of any other
    session skips its window fingerprints. Exact only while every event of a session passes
    through this process and the store is this process's own (the caller decides); bounded,
    oldest out first; thread-safe. A session pushed out while it may still hold
    fingerprints is no longer known, so until its time is up every session is looked at
    (a flood of sessions must not switch the lookup off for the one that read a secret)."""

    __slots__ = ("_evicted_until", "_lock", "_until")

    def __init__(self) -> None:
        self._until: OrderedDict[str, float] = OrderedDict()
        self._evicted_until = float("-inf")
        self._lock = threading.Lock()

    def mark(self, session: str, until: float) -> None:
        """``session`` may hold fingerprints until ``until`` (event time)."""
        with self._lock:
            self._until[session] = max(until, self._until.get(session, until))
            self._until.move_to_end(session)
            if len(self._until) > _MAX_SESSIONS:
                _, evicted = self._until.popitem(last=False)
                self._evicted_until = max(self._evicted_until, evicted)

    def holds(self, session: str, now: float) -> bool:
        if now <= self._evicted_until:
            return True
        until = self._until.get(session)
        return until is not None and now <= until


def _significant(token: str, placeholders: bool = False) -> bool:
    if not _MIN_TOKEN <= len(token) <= _MAX_TOKEN:
        return False
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    mixed_case = any(c.isupper() for c in token) and any(c.islower() for c in token)
    if not (has_digit and has_alpha) and not (mixed_case and len(token) >= 16):
        return False
    return placeholders or _PLACEHOLDER.search(token) is None


def _cased(tokens: Iterable[str]) -> Iterator[str]:
    """Each token, then its lowercased form where that differs (DNS folds case)."""
    for token in tokens:
        yield token
        lower = token.lower()
        if lower != token:
            yield lower


def significant_tokens(text: str, *, placeholders: bool = False) -> Iterator[str]:
    """Tokens of ``text`` worth tracking: the likely secrets of a credential file (and each
    lowercased, so a secret cannot leave disguised by case). A token with ``@``, ``/``, ``.``
    or ``+`` inside also gives its significant parts: the token of ``https://u:TOKEN@host``
    leaves without its host.

    ``placeholders``: keep tokens that look like placeholders (``...EXAMPLEKEY``); what a
    credential store holds is its secret whatever it looks like."""
    return _cased(_significant_with_parts(_SPLIT.split(text), placeholders))


def _significant_with_parts(tokens: Iterable[str], placeholders: bool) -> Iterator[str]:
    for token in tokens:
        if not _significant(token, placeholders):
            continue
        yield token
        if _SUBSPLIT.search(token):
            for part in _PART.findall(token)[:_MAX_PARTS]:
                if part != token and _significant(part, placeholders):
                    yield part


def sensitive_values(values: Iterable[str]) -> Iterator[str]:
    """Detector-marked values, plus their significant tokens (a value may carry a prefix)."""
    for value in values:
        value = value.strip()
        if len(value) >= _MIN_VALUE:
            yield from _cased((value,))
            yield from significant_tokens(value)


def source_forms(values: Iterable[str]) -> Iterator[str]:
    """``values``, each followed by its window forms (see the module docstring): what a
    source stores so that the value is also found re-spelt."""
    for value in values:
        yield value
        if _NOT_WINDOWED.search(value):
            continue
        squashed = "".join(_ALNUM.findall(value)).lower()
        if len(squashed) < _WINDOW:
            continue
        for text in (squashed, squashed[::-1]):
            digit = _DIGIT.search(text)
            if digit is not None:
                window = _window(text, 0, digit.start())
                if window:
                    yield window


def _window(squashed: str, start: int, digit: int) -> str:
    """The window of ``squashed`` from ``start`` (tagged), given the first digit at or after
    it, or ``""``: at least :data:`_WINDOW` characters, longer up to that digit (a secret
    whose first letters hold no digit), never past :data:`_MAX_WINDOW`; it must mix letters
    and digits and hold :data:`_WINDOW_DISTINCT` distinct characters."""
    end = start + max(_WINDOW, digit - start + 1)
    if end - start > _MAX_WINDOW or end > len(squashed):
        return ""
    window = squashed[start:end]
    if window.isdigit() or len(set(window)) < _WINDOW_DISTINCT:
        return ""
    return _WINDOW_TAG + window


def outbound_windows(args: Mapping[str, Any]) -> Iterator[str]:
    """Window forms of every string in ``args``, each once: from each word start, the
    letters and digits (lowercased) that could be a source's window."""
    budget = _MAX_WINDOW_SCAN
    seen: set[str] = set()
    for text in _strings(args, 0):
        if budget <= 0:
            return
        text = text[:budget]
        budget -= len(text)
        if _DIGIT.search(text) is None:
            continue
        runs = _ALNUM.findall(text)
        squashed = "".join(runs).lower()
        digits = [m.start() for m in _DIGIT.finditer(squashed)]
        last = len(squashed) - _WINDOW
        for start in accumulate(map(len, runs), initial=0):
            if start > last:
                break
            d = bisect_left(digits, start)
            if d == len(digits):
                break
            if digits[d] - start >= _MAX_WINDOW:  # no window here: skip the call
                continue
            window = _window(squashed, start, digits[d])
            if window and window not in seen:
                seen.add(window)
                yield window
                if len(seen) >= _MAX_WINDOWS:
                    return


def outbound_tokens(args: Mapping[str, Any], encodings: Iterable[str]) -> Iterator[str]:
    """Candidate tokens of every string in ``args`` (nested), as written and decoded."""
    wanted = frozenset(encodings)
    for text in _strings(args, 0):
        yield from _cased(_tokens_of(text, wanted, depth=0))


def _tokens_of(text: str, encodings: frozenset[str], depth: int) -> Iterator[str]:
    yield text.strip()
    if "url" in encodings and "%" in text:
        decoded = urllib.parse.unquote_plus(text)
        if decoded != text and depth < 2:
            yield from _tokens_of(decoded, encodings, depth + 1)
    for token in _SPLIT.split(text):
        if len(token) < _MIN_VALUE:
            continue
        yield token
        if not _SUBSPLIT.search(token):
            if depth < 2:
                for decoded in _decodings(token, encodings):
                    yield from _tokens_of(decoded, encodings, depth + 1)
            continue
        spans = [m.span() for m in _PART.finditer(token)][:_MAX_PARTS]
        yield from (token[a:b] for a, b in spans if b - a >= _MIN_VALUE)
        runs = list(_runs(token, spans))
        for joined, raw in runs:  # a secret split over parts, or holding "/" or "."
            yield joined
            yield raw
        if depth >= 2:
            continue
        candidates = [token, *(token[a:b] for a, b in spans if b - a >= _MIN_TOKEN)]
        candidates += [c for run in runs for c in run]
        for candidate in candidates:
            for decoded in _decodings(candidate, encodings):
                yield from _tokens_of(decoded, encodings, depth + 1)


def _runs(token: str, spans: list[tuple[int, int]]) -> Iterator[tuple[str, str]]:
    """Runs of 2 to :data:`_MAX_JOIN` consecutive parts of ``token`` (a secret split over
    subdomain labels or path segments, or one holding ``/``), joined and as written."""
    for i in range(len(spans)):
        for j in range(i + 1, min(i + _MAX_JOIN, len(spans))):
            raw = token[spans[i][0] : spans[j][1]]
            if len(raw) >= _MIN_JOINED:
                yield "".join(token[a:b] for a, b in spans[i : j + 1]), raw


def _text(raw: bytes) -> str:
    """``raw`` as text when it is printable UTF-8 (a decoded secret), else ``""``."""
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return decoded if decoded.isprintable() or decoded.strip().isprintable() else ""


def _decodings(token: str, encodings: frozenset[str]) -> Iterator[str]:
    if "hex" in encodings and _HEX.match(token):
        decoded = _text(bytes.fromhex(token))
        if decoded:
            yield decoded
    if "base32" in encodings and _B32.match(token):
        body = token.rstrip("=").upper()
        if len(body) % 8 in (0, 2, 4, 5, 7):
            try:
                decoded = _text(base64.b32decode(body + "=" * (-len(body) % 8)))
            except (ValueError, binascii.Error):
                decoded = ""
            if decoded:
                yield decoded
    if "base64" in encodings and _B64.match(token):
        padded = token + "=" * (-len(token) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                yield decode(padded.encode()).decode("utf-8")
                break
            except (ValueError, binascii.Error, UnicodeDecodeError):
                continue


def _strings(value: Any, depth: int) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, depth + 1)
