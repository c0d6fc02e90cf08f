"""What a suspicious instruction planted in data asks for, and what a reply shows of it.

Pure text functions for the effect checks (:mod:`aimds.behavior.effects`):

* :func:`planted_pieces` picks the sentences of a tool result that carry the instruction an
  injection finding points at (its ``span``; else its redacted ``evidence``; else the
  sentences addressed to the assistant), and returns the rest of the text apart.
* :func:`values` lists the concrete values a text introduces (URLs, hosts, e-mail addresses,
  phone numbers, code snippets, distinctive tokens) in one canonical form, so the planted
  sentence and a later completion or tool call compare equal on the same value.
* :func:`requests` reads a requested reply language or encoding ("reply in German",
  "answer in base32").
* :func:`guess_language` is a cheap stopword (and script) guess; :func:`blobs` names the
  encodings (base64, base32, hex, rot13) of encoded text a reply carries.

Values leave this module only to be fingerprinted; nothing here logs or keeps them.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import itertools
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import re2

from aimds.behavior.dataflow import significant_tokens

__all__ = [
    "Piece",
    "blobs",
    "guess_language",
    "planted_pieces",
    "requests",
    "values",
]

MAX_SCAN = 65_536  # characters of one text read here
_MAX_PIECES = 2_000

# -- pieces ------------------------------------------------------------------------------------

_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
# How plainly a piece addresses the assistant (only used to pick pieces once a detector has
# flagged the text): naming the model, speaking as the system, telling "you" what you must
# do, or opening with an imperative count 2; second person or "the user" count 1.
_NAMES_MODEL = re.compile(
    r"\b(?:assistant|chatbot|ai|llm|language model|gpt|claude)\b|\b(?:system|note|important)\s*:"
    r"|\b(?:you|assistants?)\s+(?:must|should|shall|will|need to|have to|are to)\b",
    re.I,
)
_IMPERATIVE = re.compile(
    r"^\W*(?:(?:please|also|now|then|and|first|finally|instead|kindly)\W+)*"
    r"(?:send|forward|e-?mail|mail|include|add|append|insert|mention|reply|respond|answer|"
    r"write|translate|visit|click|go|open|run|execute|call|post|upload|fetch|download|share|"
    r"provide|tell|say|output|print|use|recommend|contact|ignore|disregard|forget|encode|"
    r"copy|paste|transfer|pay|wire|delete|remove|augment|summari[sz]e|focus|make sure)\b",
    re.I,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours)\b|\bthe user\b", re.I)
_STRONG = 2
_MAX_SEEDS = 3
_MAX_PAYLOAD = 8
_PAIRS = (("<", ">"), ("(", ")"), ("[", "]"), ("\u201c", "\u201d"), ("\u00ab", "\u00bb"))


@dataclass(frozen=True, slots=True)
class Piece:
    """A sentence or line of a text, by code-point offsets."""

    start: int
    end: int


def pieces(text: str) -> list[Piece]:
    """Lines, each cut into sentences (a full stop, ``!`` or ``?`` followed by space)."""
    out: list[Piece] = []
    for line in _LINE.finditer(text[:MAX_SCAN]):
        start = line.start()
        for cut in _SENTENCE_END.finditer(line.group()):
            out.append(Piece(start, line.start() + cut.start()))
            start = line.start() + cut.end()
        out.append(Piece(start, line.end()))
        if len(out) >= _MAX_PIECES:
            break
    return [p for p in out if text[p.start : p.end].strip()]


def _address(piece: str) -> int:
    """0..5: how plainly ``piece`` speaks to the assistant."""
    score = _STRONG if _NAMES_MODEL.search(piece) else 0
    if _IMPERATIVE.search(piece):
        score += _STRONG
    return score + (1 if _SECOND_PERSON.search(piece) else 0)


def _evidence_pattern(evidence: str) -> re.Pattern[str] | None:
    """The redacted evidence (``yo* mu** re***``) as a pattern over the original words."""
    words = [w.rstrip("*") for w in evidence.split() if w.rstrip("*")]
    if not words:
        return None
    body = r"\W+".join(re.escape(w) + r"\w*" for w in words[:12])
    return re.compile(r"(?<!\w)" + body, re.I)


def planted_pieces(
    text: str, spans: Sequence[tuple[int, int]], evidence: Sequence[str]
) -> tuple[str, str]:
    """``(planted, rest)``: the text of the pieces holding the instruction, and the others.

    Seeds are the pieces overlapping a finding's ``span``; without spans, those matching its
    redacted ``evidence``; without either, the (at most three, last) pieces that speak to the
    assistant most plainly, if any does plainly (names the model or speaks as the system, or
    opens with an imperative); else the last piece, since planted instructions are mostly
    appended to their carrier. A seed then takes in its neighbours that speak to the
    assistant plainly, and its payload (:func:`_payload`).
    """
    parts = pieces(text)
    if not parts:
        return "", ""
    seeds: set[int] = set()
    for start, end in spans:
        seeds.update(i for i, p in enumerate(parts) if p.start < end and start < p.end)
    if not seeds:
        for item in evidence:
            pattern = _evidence_pattern(item)
            found = pattern.search(text, 0, MAX_SCAN) if pattern is not None else None
            if found is not None:
                a, b = found.span()
                seeds.update(i for i, p in enumerate(parts) if p.start < b and a < p.end)
    scores = [_address(text[p.start : p.end]) for p in parts]
    if not seeds:
        best = max(scores)
        if best >= _STRONG:
            seeds = set([i for i, s in enumerate(scores) if s == best][-_MAX_SEEDS:])
        else:
            seeds = {len(parts) - 1}
    chosen = set(seeds)
    for seed in sorted(seeds):
        for step in (-1, 1):
            i = seed + step
            while 0 <= i < len(parts) and i not in chosen and scores[i] >= _STRONG:
                chosen.add(i)
                i += step
        chosen.update(_payload(text, parts, seed))
    planted = " \n".join(text[p.start : p.end] for i, p in enumerate(parts) if i in chosen)
    rest = " \n".join(text[p.start : p.end] for i, p in enumerate(parts) if i not in chosen)
    return planted, rest


def _payload(text: str, parts: list[Piece], seed: int) -> Iterator[int]:
    """The pieces after ``seed`` that are what it tells the assistant to say or use: the
    next piece where the seed ends with a colon, and on while a quote or bracket opened in
    the seed is still open (at most ``_MAX_PAYLOAD`` pieces)."""
    run = text[parts[seed].start : parts[seed].end]
    follow = run.rstrip().endswith(":")
    for i in range(seed + 1, min(seed + 1 + _MAX_PAYLOAD, len(parts))):
        if not (follow or _unclosed(run)):
            return
        follow = False
        run += text[parts[i].start : parts[i].end]
        yield i


def _unclosed(run: str) -> bool:
    return run.count('"') % 2 == 1 or any(run.count(a) > run.count(b) for a, b in _PAIRS)


# -- values ------------------------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`()\[\]{}|\\^]+", re.I)
# RE2 (linear time): ``(label.)+`` backtracks cubically in ``re`` on "a.a.a.a..."
_EMAIL: Any = re2.compile(r"(?i)[\w.+-]{1,64}@(?:[a-z0-9-]{1,63}\.)+[a-z]{2,24}\b")
_HOST: Any = re2.compile(r"(?i)\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,23}\b")
_PHONE = re.compile(r"(?<![\w+.])\+?\d[\d ().-]{6,18}\d(?![\w.]\d)")
_CODE = re.compile(r"```[^\n]*\n(.*?)```|`([^`\n]{4,400})`", re.S)
_SPACES = re.compile(r"\s+")
_MAX_MATCHES = 1024  # matches of one kind read from one text
_CODE_MARK = re.compile(r"[\s/|;&$=(<>]")
_TRAIL = ".,;:!?'\")]}>"
# last labels that make a dotted word a file name or a version, not a host
_NOT_TLD = frozenset(
    {
        *("pdf", "txt", "html", "htm", "md", "csv", "json", "yaml", "yml", "xml", "log"),
        *("py", "js", "ts", "jsx", "tsx", "vue", "sh", "java", "go", "rs", "rb", "php", "css"),
        *("exe", "zip", "gz", "tar", "png", "jpg", "jpeg", "gif", "svg", "mp3", "mp4", "wav"),
        *("doc", "docx", "xls", "xlsx", "ppt", "pptx", "ini", "cfg", "conf", "toml", "lock"),
        *("map", "tmp", "bak"),
    }
)


def _url(raw: str) -> tuple[str, str | None]:
    """Canonical URL (scheme and host lower-cased, no fragment, no trailing slash) and host."""
    raw = raw.rstrip(_TRAIL)
    try:
        parts = urllib.parse.urlsplit(raw)
        host = parts.hostname
    except ValueError:
        return raw.casefold(), None
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{(host or '').rstrip('.')}{path}{query}", host


def _host(raw: str) -> str | None:
    host = raw.casefold().rstrip(".")
    if host.rpartition(".")[2] in _NOT_TLD:
        return None
    return host.removeprefix("www.")


def values(text: str) -> Iterator[tuple[str, str]]:
    """``(kind, canonical value)`` of what ``text`` introduces; kinds ``url``, ``host``,
    ``email``, ``phone``, ``code``, ``token``. The same value in another text gives the same
    canonical form (a URL's host also counts as a host; an address's domain does not)."""
    text = text[:MAX_SCAN]
    for m in _CODE.finditer(text):
        snippet = m.group(1) if m.group(1) is not None else m.group(2)
        yield from _code(snippet)
    urls = list(itertools.islice(_URL.finditer(text), _MAX_MATCHES))
    for m in urls:
        url, host = _url(m.group())
        yield "url", url
        if host:
            clean = _host(host)
            if clean:
                yield "host", clean
    masked = _blank(text, urls)
    emails = list(itertools.islice(_EMAIL.finditer(masked), _MAX_MATCHES))
    for m in emails:
        yield "email", m.group().casefold()
    masked = _blank(masked, emails)
    for m in _HOST.finditer(masked):
        clean = _host(m.group())
        if clean and "." in clean:
            yield "host", clean
    for m in _PHONE.finditer(masked):
        raw = m.group()
        digits = re.sub(r"\D", "", raw)
        if len(digits) >= 9 or (raw.startswith("+") and len(digits) >= 7):
            yield "phone", ("+" if raw.startswith("+") else "") + digits
    for token in significant_tokens(masked):
        yield "token", token.strip(_TRAIL)


def _blank(text: str, matches: list[Any]) -> str:
    """``text`` with the matched spans blanked (one pass, same length)."""
    if not matches:
        return text
    out, at = [], 0
    for m in matches:
        start, end = m.span()
        out.append(text[at:start])
        out.append(" " * (end - start))
        at = end
    out.append(text[at:])
    return "".join(out)


def _code(snippet: str) -> Iterator[tuple[str, str]]:
    """A code snippet as a whole and line by line, whitespace collapsed; only pieces that
    read as a command or expression (``None``, ``__init__`` are names, not snippets)."""
    whole = _SPACES.sub(" ", snippet).strip()
    if _snippet(whole):
        yield "code", whole
    for line in snippet.splitlines():
        line = _SPACES.sub(" ", line).strip().removeprefix("$ ")
        if line != whole and _snippet(line):
            yield "code", line


def _snippet(code: str) -> bool:
    return len(code) >= 8 and _CODE_MARK.search(code) is not None


def arg_values(strings: Iterable[str]) -> Iterator[tuple[str, str]]:
    """:func:`values` of tool-call argument strings, each string also as a whole (a command
    or recipient given as the entire argument)."""
    for s in strings:
        whole = _SPACES.sub(" ", s).strip()
        if 4 <= len(whole) <= 4096:
            yield "code", whole
            if _EMAIL.fullmatch(whole):
                yield "email", whole.casefold()
        yield from values(s)


# -- requested language or encoding ------------------------------------------------------------

_LANGUAGES = {
    "german": "de",
    "deutsch": "de",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "italian": "it",
    "italiano": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "russian": "ru",
    "chinese": "zh",
    "mandarin": "zh",
    "japanese": "ja",
}
_ENCODINGS = {
    "base64": "base64",
    "b64": "base64",
    "base32": "base32",
    "hex": "hex",
    "hexadecimal": "hex",
    "rot13": "rot13",
}
_REQUEST = re.compile(
    r"\b(?:reply|replies|respond|response|answer|write|speak|talk|translate|output|provide|"
    r"give|return|format|encode|continue|communicate)\b[^.!?\n]{0,60}?"
    r"\b(?:in|into|using|as|with)\s+(?:the\s+)?(?:form\s+of\s+)?"
    r"(?P<what>[a-zçñ]+(?:[ -]?(?:64|32|13))?)",
    re.I,
)


# the names alone, on RE2 (a DFA: ~3 µs for 200 characters against ~60 µs for ``re`` with
# IGNORECASE): most texts hold none, and then the full pattern never runs
_TARGET: Any = re2.compile(
    r"(?i)german|deutsch|french|fran[cç]ais|spanish|espa[nñ]ol|italian|portuguese|dutch|"
    r"russian|chinese|mandarin|japanese|base ?64|b64|base ?32|hex|rot[ -]?13"
)


def requests(text: str) -> tuple[str | None, str | None]:
    """``(language code, encoding)`` the text asks the reply to use, each ``None`` if none.
    Requests to answer in English are not read (they are the default, not a switch)."""
    language = encoding = None
    text = text[:MAX_SCAN]
    if _TARGET.search(text) is None:
        return None, None
    for m in _REQUEST.finditer(text):
        what = m.group("what").casefold().replace(" ", "").replace("-", "")
        if language is None and what in _LANGUAGES:
            language = _LANGUAGES[what]
        elif encoding is None and what in _ENCODINGS:
            encoding = _ENCODINGS[what]
    return language, encoding


# -- language guess ----------------------------------------------------------------------------

_STOPWORDS = {
    "en": "the and is are of to that it for you with this was be on not have your as "
    "will can from they we at or but",
    "de": "der die das und ist nicht ich sie es ein eine zu mit den von auf für sind wir "
    "auch dem des ihr wie bitte wird haben werden noch",
    "fr": "le la les et est des un une que qui pas pour dans vous nous je il sur avec ce "
    "du au sont mais cette votre",
    "es": "el la los las y es que en un una por con para no se del al su está como pero "
    "muy usted este esta",
    "it": "il lo gli le e è che un una per non con sono del della questo ma anche come "
    "nel alla questa",
    "pt": "o os as e é que um uma para com não do da em no na por mais você isso seu",
    "nl": "de het een en is van dat niet ik je op te met voor zijn er maar ook wat ze",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_LANGS = tuple(_STOPWORDS)
# stopword -> indexes into _LANGS of the languages it belongs to
_STOPWORD_LANGS = {
    word: tuple(i for i, lang in enumerate(_LANGS) if word in _WORDS[lang])
    for word in set().union(*_WORDS.values())
}
_PUNCT = "\"'.,;:!?()[]{}<>«»“”„‘’-–—…*_/\\|"
_LANG_SCAN = 2_000
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]"), 0.1),
    ("zh", re.compile(r"[\u4e00-\u9fff]"), 0.3),
    ("ru", re.compile(r"[\u0400-\u04ff]"), 0.4),
)


def guess_language(text: str, limit: int = _LANG_SCAN) -> str | None:
    """ISO code of the language of the first ``limit`` characters when the guess is clear,
    else ``None``.

    Kana, Han and Cyrillic scripts decide by their share of the characters; the Latin-script
    languages by stopword counts (at least 3 hits, 1.5 times the runner-up, an eighth of the
    words). Words are split on white space and stripped of punctuation: cheap, and enough.
    """
    sample = text[:limit]
    if not sample.isascii():
        chars = len(sample) - sample.count(" ")
        for lang, script, share in _SCRIPTS:
            if len(script.findall(sample)) > share * chars:
                return lang
    words = [w.strip(_PUNCT) for w in sample.casefold().split()]
    hits = [0] * len(_LANGS)
    for word in words:
        for i in _STOPWORD_LANGS.get(word, ()):
            hits[i] += 1
    ranked = sorted(zip(hits, _LANGS, strict=True), reverse=True)
    (best, lang), (second, _) = ranked[0], ranked[1]
    if best >= 3 and best >= 1.5 * second and best >= len(words) / 8:
        return lang
    return None


# -- encoded blobs -----------------------------------------------------------------------------

_B64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{20,}={0,2}(?![A-Za-z0-9+/=_-])")
_B32 = re.compile(r"(?<![A-Za-z0-9=])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9=])")
_HEXBLOB = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]?){12,}(?![0-9A-Fa-f])")
_MAX_BLOBS = 32


def _texty(raw: bytes) -> bool:
    """Decoded bytes that read as text (most of them letters), not binary data or JSON."""
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if len(s) < 8 or any(not c.isprintable() and c not in "\n\t" for c in s):
        return False
    return sum(c.isalpha() or c == " " for c in s) >= 0.75 * len(s)


def _en_hits(text: str) -> int:
    english = _WORDS["en"]
    return sum(w.strip(_PUNCT) in english for w in text[:_LANG_SCAN].casefold().split())


def blobs(text: str) -> frozenset[str]:
    """Encodings (``base64``, ``base32``, ``hex``, ``rot13``) of text carried encoded in
    ``text``: runs that decode to readable text, or prose that reads as English after ROT13.
    Hashes, keys, images and JWTs decode to bytes or JSON and do not count."""
    text = text[:MAX_SCAN]
    found: set[str] = set()
    for pattern, name in ((_B32, "base32"), (_HEXBLOB, "hex"), (_B64, "base64")):
        for n, m in enumerate(pattern.finditer(text)):
            if n >= _MAX_BLOBS or name in found:
                break
            if _decodes(m.group(), name):
                found.add(name)
    plain = _en_hits(text)
    rotated = _en_hits(codecs.encode(text[:_LANG_SCAN], "rot13"))
    if rotated >= 4 and rotated > 3 * plain:
        found.add("rot13")
    return frozenset(found)


def _decodes(blob: str, name: str) -> bool:
    try:
        if name == "hex":
            return _texty(bytes.fromhex(re.sub(r"[ :]", "", blob)))
        padded = blob.rstrip("=")
        if name == "base32":
            return _texty(base64.b32decode(padded + "=" * (-len(padded) % 8)))
        return _texty(base64.b64decode(padded + "=" * (-len(padded) % 4)))
    except (ValueError, binascii.Error):
        return False
