"""Secrets that only their name gives away: ``NAME <sep> value`` in config, code, logs and prose.

One scan finds every ``name = value`` whose name holds a credential word (``pass``, ``secret``,
``token``, ``key``, ``auth``...), whatever the carrier: ``KEY=value``, ``KEY: value``,
``"key": "value"`` (also JSON-escaped), ``--key value``, ``key is value``, ``key("value")``,
``Authorization: Bearer value``. The name (plus the two words before it, for prose such as
"my payments api key is ...") then decides what the value must look like:

* a password name: a password-shaped value (mixed character classes, not a placeholder);
* AWS/Azure/Twilio names: the vendor's value shape;
* any other key-ish name: a high-entropy value (``min_entropy``), never a UUID or a hash.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from aimds.detectors import sensitive_validators as val
from aimds.detectors.sensitive_values import is_placeholder

__all__ = ["KEYWORDS", "Assignment", "classify", "find_assignments"]

KEYWORDS = ("pass", "pwd", "secret", "token", "key", "auth", "bearer", "cred")
"""Lowercase words one of which every credential name holds (no two can overlap, save
``pass``+``secret`` and ``secret``+``token`` run together, which the scan resolves as a
left-to-right search would)."""

_SEP = r"""(?:\\?["'`\]])?(?:[ \t]{0,4}(?:=>|:=|[:=]|%3[dD])[ \t]{0,4}|[ \t]{1,4}(?:is|was|of|as|to)[ \t]{1,4}|[ \t]{0,4}\([ \t]{0,4}|[ \t]{1,4})(?:\\?["'`])?"""  # noqa: E501
_ASSIGN = re.compile(
    r"(?i)(?P<n>(?:pass|pwd|secret|token|key|auth|bearer|credential|cred)[A-Za-z0-9_.\-]{0,40}"
    r"(?:[ \t](?:access|secret|api|auth|key|token|password|passphrase|id)(?![A-Za-z0-9_.\-])){0,3})"
    r"(?![A-Za-z0-9_.\-])" + "(?P<s>" + _SEP + r""")(?P<v>[^\s"'`,;\\]{1,512})"""
)
_KEYWORDS = re.compile("(?i)" + "|".join(KEYWORDS))
_SCHEMES = frozenset({"bearer", "basic", "token", "digest"})
_NEXT_PARAM = re.compile(r"(?:&|%26)[A-Za-z_][A-Za-z0-9_.\-]*(?:=|%3[dD])")
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
_AUTH_SCHEME = re.compile(r"(?i)(?:bearer|basic|token|digest)[ \t]+(?P<v>[^\s\"'`,;\\]{1,512})")

# The name patterns below run on lowercased names (case-sensitive matching is several
# times faster than ``(?i)`` in ``re``).
_PASSWORD_NAME = re.compile(
    r"pass(?:word|wd|phrase|_?wort)?(?![a-z])|(?<![a-z])pwd|(?<![a-z])pw(?![a-z])|_pass\b"
)
_NOT_PASSWORD_NAME = re.compile(
    r"bypass|passport|compass|passenger|passthrough|pass_through|passive"
)
_KEYISH = re.compile(
    r"secret|token|credential|bearer|authoriz|auth[_.\- ]?(?:key|code)|passphrase|"
    r"(?:api|access|private|signing|encryption|master|account|storage|license|session|client|app|"
    r"service|admin|deploy|hmac|jwt|webhook|secret|sign|enc|crypt|auth|mailgun|payments?|stripe|"
    r"openai|llm|gpt|azure|aws|twilio|sendgrid)[_.\- ]?key|apikey|x-api-key|(?<![a-z])key(?![a-z])"
)
_NOT_KEYISH = re.compile(
    r"(?<![a-z])(?:name|type|id|arn|path|file|url|uri|len|length|ttl|expir|rotation|days|count|version|header|"
    r"field|env|var|ref|fingerprint|algorithm|alg|format|prefix|suffix|enabled|required|provider|"
    r"endpoint|location|store|manager|policy|scopes?|limit|hash|hasher|min|max|reset|change|strength|"
    r"complexity|label|prompt|hint|mode|regex|pattern|attempts|retries|timeout|validator|length|"
    r"cache|idempotency|object|partition|sort|primary|foreign|unique|public|publishable|dedup|routing|"
    r"keyboard|lookup|index|tokens|tokenizer|usage|refresh_interval|rate|size|method|scheme)(?![a-z])"
)
_HEX = re.compile(r"[0-9a-fA-F]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HASHLIKE = re.compile(r"(?i)^(?:sha\d{1,3}[-:]|md5[-:]|sha-\d+[-:]|data:|[a-z]+://|~|\.\.?/)")
_PATH = re.compile(r"(?:/[\w.\-]+){2,}/?")
_NESTED = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*[=:]")
_B64ISH = re.compile(r"[A-Za-z0-9+/=_\-.~!@#$%^&*()]+")
_ASCII_CLASSES = tuple(re.compile(c) for c in ("[a-z]", "[A-Z]", "[0-9]", "[^A-Za-z0-9]"))
_PROSE_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """A value found behind a credential name; ``kind`` is the secret type it passes as."""

    start: int
    end: int
    kind: str


def find_assignments(
    text: str,
    words: Sequence[str] = KEYWORDS,
    *,
    min_entropy: float,
    claimed: Sequence[tuple[int, int]] = (),
) -> list[Assignment]:
    """Every value behind a credential name in ``text``.

    ``words``: the :data:`KEYWORDS` that occur in ``text`` (the detector's keyword pass
    knows them); the (backtracking) assignment pattern runs anchored at their positions only.
    ``claimed``: sorted, disjoint spans a vendor format already explains
    (``GITHUB_TOKEN=ghp_...``); a value overlapping one is consumed without being judged,
    since the more specific hit would win anyway.
    """
    out: list[Assignment] = []
    claimed_starts = [s for s, _ in claimed]
    done = 0
    for at in _keyword_positions(text, words):
        if at < done or (at >= 2 and text[at - 2 : at].lower() == "un"):
            continue
        m = _ASSIGN.match(text, at)
        if m is None:
            continue
        start, end = m.span("v")
        value = m.group("v")
        scheme = _AUTH_SCHEME.match(text, start) if value.lower() in _SCHEMES else None
        if scheme is not None:
            start, end = scheme.span("v")
            value = scheme.group("v")
        if value.endswith((".", ")", "]", "}")) and (end >= len(text) or text[end] in " \t\r\n"):
            value = value[:-1]
            end -= 1
        loose = m.group("s").isspace()
        if _too_weak(value, loose):
            continue
        begin = at - _name_tail(text, at)
        if ("&" in value or "%26" in value) and _in_query(text, begin):
            following = _NEXT_PARAM.search(value)
            if following is not None:  # the value ends where the next parameter starts
                value = value[: following.start()]
                end = start + len(value)
        if claimed and _overlaps(claimed, claimed_starts, start, end):
            done = end
            continue
        kind = _classify(
            text[begin : m.end("n")],
            partial(_words_before, text, begin),
            value,
            min_entropy=min_entropy,
            loose=loose,
        )
        if kind is not None:
            out.append(Assignment(start=start, end=end, kind=kind))
            done = end
    return out


def _keyword_positions(text: str, words: Sequence[str]) -> list[int]:
    """Starts of the keyword occurrences a left-to-right case-insensitive search finds.

    ASCII text: ``str.find`` on a lowercased copy (same offsets), a few C-speed passes.
    Other text (where lowercasing may change lengths): one ``re`` pass.
    """
    if not text.isascii():
        return [m.start() for m in _KEYWORDS.finditer(text)]
    low = text.lower()
    found: list[tuple[int, int]] = []
    for word in words:
        at = low.find(word)
        while at >= 0:
            found.append((at, at + len(word)))
            at = low.find(word, at + 1)
    found.sort()
    out: list[int] = []
    end = 0
    for start, stop in found:
        if start >= end:
            out.append(start)
            end = stop
    return out


def _overlaps(spans: Sequence[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    i = bisect_right(starts, start)
    return (i > 0 and spans[i - 1][1] > start) or (i < len(spans) and spans[i][0] < end)


def _in_query(text: str, begin: int) -> bool:
    """The name at ``begin`` is a URL query parameter (``?name=`` or ``&name=``, maybe
    URL-encoded), so ``&other=`` ends its value; elsewhere ``&`` may be part of a secret."""
    if begin == 0:
        return False
    if text[begin - 1] in "?&":
        return True
    # ``%26name``: the escape's digits read as name characters, so the name starts at "26"
    return text[begin - 1] == "%" and text[begin : begin + 2].upper() in ("26", "3F")


def _name_tail(text: str, at: int) -> int:
    """How many name characters precede ``at`` (the keyword may sit inside a longer name)."""
    i = at
    while True:  # a C-speed strip per 64-character window; names are rarely that long
        window = text[max(0, i - 64) : i]
        kept = len(window.rstrip(_NAME_CHARS))
        i -= len(window) - kept
        if kept or i == 0:
            return at - i


def _words_before(text: str, at: int) -> str:
    lo = max(0, at - 40)
    words = _PROSE_WORDS.findall(text[max(text.rfind("\n", lo, at) + 1, lo) : at])
    return " ".join(words[-2:])


def classify(
    name: str, context: str, value: str, *, min_entropy: float, loose: bool = False
) -> str | None:
    """The secret type ``value`` passes as behind ``name`` (``None``: not a secret).

    ``context``: the words before the name (prose: "my payments api key is ...").
    ``loose``: only whitespace separates name and value, too weak for a password.
    """
    return _classify(name, lambda: context, value, min_entropy=min_entropy, loose=loose)


def _classify(
    name: str, context: Callable[[], str], value: str, *, min_entropy: float, loose: bool
) -> str | None:
    """:func:`classify`, cheapest rejections first; ``context`` is only read when needed."""
    if _too_weak(value, loose):
        return None
    size = len(value)
    lname = name.lower()
    password = _PASSWORD_NAME.search(lname) is not None and not _NOT_PASSWORD_NAME.search(lname)
    if not password and size < 16:
        return None  # every key shape is longer
    if is_placeholder(value) or _HASHLIKE.match(value) or _PATH.fullmatch(value):
        return None
    if password:
        if _NOT_KEYISH.search(_strip_password(lname)):
            return None
        return "password_assignment" if not loose and _password_shaped(value) else None
    full = f"{context()} {name}".lower()
    if not _KEYISH.search(full) or _NOT_KEYISH.search(lname):
        return None
    if _NESTED.match(value) and not value.endswith("="):
        return None  # another assignment (``unauthorized: user=...``), not a value
    if _UUID.fullmatch(value) or not _B64ISH.fullmatch(value) or val.repeated(value):
        return None
    if ("aws" in full or "amazon" in full or "secretaccess" in lname.replace("_", "")) and (
        len(value) == 40 and "secret" in full.replace("_", "")
    ):
        return "aws_secret_access_key" if val.entropy(value) >= 4.0 else None
    if (
        len(value) == 88
        and value.endswith("==")
        and ("azure" in full or "storage" in full or "account" in full)
    ):
        return "azure_storage_key" if val.entropy(value) >= 4.5 else None
    if "twilio" in full and len(value) == 32 and _HEX.fullmatch(value):
        return "twilio" if val.entropy(value) >= 3.0 else None
    return "generic_high_entropy_api_key" if _high_entropy(value, min_entropy) else None


def _too_weak(value: str, loose: bool) -> bool:
    """Too weak for a password and too short for a key, whatever the name: prose ("token
    bucket", "password reset"). Shortening the value never makes it pass."""
    size = len(value)
    return size < 4 or (size < 16 and (loose or value.isalpha()))


def _strip_password(lname: str) -> str:
    """The parts of a password name around the password word (``min_password_length`` -> ``min length``)."""  # noqa: E501
    return _PASSWORD_NAME.sub(" ", lname).replace("_", " ").replace("-", " ").replace(".", " ")


def _password_shaped(value: str) -> bool:
    if not 4 <= len(value) <= 128 or value[0] in "/~$%{<[(" or "://" in value:
        return False
    if value.isdigit():
        return len(value) >= 6
    if value.isascii():
        lower, upper, digit, other = (p.search(value) is not None for p in _ASCII_CLASSES)
    else:
        lower = any(c.islower() for c in value)
        upper = any(c.isupper() for c in value)
        digit = any(c.isdigit() for c in value)
        other = any(not c.isalnum() for c in value)
    if not (digit or other):
        return False  # a plain word: a setting or prose, rarely a password
    classes = lower + upper + digit + other
    if re.fullmatch(r"[a-z]+[_.\-][a-z_.\-]+", value):
        return False  # an identifier such as password_hash
    return classes >= 2


def _high_entropy(value: str, min_entropy: float) -> bool:
    if len(value) < 16:
        return False
    if _HEX.fullmatch(value):
        return len(value) >= 32 and val.entropy(value) >= min(min_entropy, 3.0)
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    if not (has_digit and has_alpha):
        return False
    return val.entropy(value) >= min_entropy
