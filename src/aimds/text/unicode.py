"""Unicode passes: NFKC with invisible characters removed, homoglyphs, whitespace, case.

Each pass takes a string and returns the new string plus a :class:`SpanMap` back to its
input (``None`` when offsets did not move). Work is done only where it is needed: a regex
finds the runs that are not plain printable ASCII and everything between them is copied
as it is, so ordinary English text costs one regex scan per pass. Text that is ASCII but
for characters that are only deleted (zero-width, bidi, control) and whitespace collapsing
are handled by a few whole-text regex sweeps and one bulk-built map
(:func:`~aimds.text.offsets.runs_map`), so a megabyte full of them costs no Python step per
character.

NFKC is applied per code point (compatibility mappings: full-width, mathematical
alphanumerics, ligatures, compatibility spaces) so every output character keeps a precise
origin; combining sequences are left as written rather than composed.
"""

from __future__ import annotations

import re
import unicodedata

from aimds.text.confusables import CONFUSABLES, WORD_WITH_CONFUSABLE, fold_word
from aimds.text.invisible import (
    BIDI_MARKS,
    BIDI_OVERRIDES,
    BIDI_SPANS,
    ZERO_WIDTH,
    is_tag,
    is_variation_selector,
    tag_payload,
    variation_payload,
)
from aimds.text.marks import MarkLog
from aimds.text.offsets import EditLog, SpanMap, runs_map

__all__ = [
    "Hidden",
    "bidi_visual",
    "casefold_pass",
    "collapse_whitespace",
    "confusable_pass",
    "has_whitespace_run",
    "is_plain_ascii",
    "strip_pass",
]

Hidden = tuple[str, str, int, int]
"""(encoding, payload, start, end) of a hidden payload, span in the pass's input."""

_SPECIAL = re.compile(r"[^\t\n\r -~]+")
_INVISIBLE_CLASS = "".join(sorted(ZERO_WIDTH | BIDI_MARKS | BIDI_OVERRIDES | BIDI_SPANS))
_HIDDEN_CHAR = re.compile(
    rf"[{_INVISIBLE_CLASS}\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufe00-\ufe0f"
    r"\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_ZW_CLASS = "".join(sorted(ZERO_WIDTH))
_BIDI_CLASS = "".join(sorted(BIDI_MARKS | BIDI_SPANS))
_OVERRIDE_CLASS = "".join(sorted(BIDI_OVERRIDES))
_DELETE_RUN = re.compile(rf"[{_INVISIBLE_CLASS}{_CONTROLS}]+")
_NOT_SIMPLE = re.compile(rf"[^\x00-\x7f{_INVISIBLE_CLASS}\x80-\x9f]")
# a zero-width character at either end of the text or next to an ASCII one (a word split)
_SUSPICIOUS_ZW = re.compile(
    rf"[{_ZW_CLASS}](?:(?<=[\x00-\x7f][{_ZW_CLASS}])|(?<![\s\S]{{2}})|(?=[\x00-\x7f]|\Z))"
)
_ANY_BIDI = re.compile(rf"[{_BIDI_CLASS}{_OVERRIDE_CLASS}]")
_OVERRIDE = re.compile(rf"[{_OVERRIDE_CLASS}]")
_CONTROL = re.compile(rf"[{_CONTROLS}]")
_RTL_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_WHITESPACE = re.compile(r"\s(?:\s+|(?<! ))")
r"""A run of two or more whitespace characters, or one that is not a space (what
``\s{2,}|[^\S ]`` finds, written to open with ``\s`` so that the regex engine skips to the
next whitespace character in C instead of trying both branches at every position)."""
_SPACE_RUN = re.compile(r"   *")
"""Two spaces or more: all there is to collapse in ASCII text whose only whitespace is the
space. Its literal prefix lets the engine jump from one double space to the next."""
_CONFUSABLE = re.compile("[" + "".join(sorted(CONFUSABLES)) + "]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_OTHER_LETTER = re.compile(r"(?![A-Za-z])[^\W\d_]")
_TURKIC_LETTER = re.compile("[şŞğĞİəƏ]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# every byte but the ASCII whitespace controls (\t \n \v \f \r and \x1c-\x1f, as ``\s`` has it)
_NOT_WS_CONTROL = bytes(b for b in range(256) if b not in b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")


_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def is_plain_ascii(text: str) -> bool:
    """ASCII without control characters other than tab, newline and carriage return: nothing
    to strip or fold, so only whitespace can differ between the original and its views."""
    return text.isascii() and not text.encode("ascii").translate(None, _PLAIN_ASCII)


def has_whitespace_run(text: str) -> bool:
    """For plain ASCII text: is there whitespace other than single spaces?"""
    return "  " in text or "\n" in text or "\t" in text or "\r" in text


class _Writer:
    """Output pieces, the output length so far, and the edit log of one pass."""

    __slots__ = ("log", "parts", "pos")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.log = EditLog()

    def copy(self, piece: str) -> None:
        self.parts.append(piece)
        self.pos += len(piece)

    def replace(self, piece: str, in_start: int, in_len: int) -> None:
        self.log.edit(self.pos, len(piece), in_start, in_len)
        if piece:
            self.parts.append(piece)
            self.pos += len(piece)

    def finish(self) -> tuple[str, SpanMap | None]:
        return "".join(self.parts), self.log.freeze()


def strip_pass(text: str, marks: MarkLog, hidden: list[Hidden]) -> tuple[str, SpanMap | None]:
    """NFKC per code point; zero-width, bidi, tag, variation-selector and control characters
    removed. Hidden payloads go to ``hidden``; what deserves a report goes to ``marks``."""
    if _NOT_SIMPLE.search(text) is None:
        return _delete_only(text, marks)
    w = _Writer()
    last = 0
    rtl: list[bool] = []  # computed at most once, only if a bidi mark needs it
    for m in _SPECIAL.finditer(text):
        start, end = m.span()
        if start > last:
            w.copy(text[last:start])
        run = m.group()
        if run in ZERO_WIDTH:  # one zero-width character: the bulk of invisible-heavy text
            w.replace("", start, 1)
            if _suspicious_invisible(text, start):
                marks.add("invisible", start, end)
        elif unicodedata.is_normalized("NFKC", run) and _HIDDEN_CHAR.search(run) is None:
            w.copy(run)
        else:
            _strip_run(text, start, end, w, marks, hidden, rtl)
        last = end
    if last == 0:
        return text, None
    if last < len(text):
        w.copy(text[last:])
    return w.finish()


def _delete_only(text: str, marks: MarkLog) -> tuple[str, SpanMap | None]:
    """:func:`strip_pass` for text that is ASCII apart from characters it only deletes
    (zero-width, bidi, control): a few regex sweeps instead of a step per character, so a
    megabyte of zero-width characters stays fast. Same output, map and marks."""
    spans = [m.span() for m in _DELETE_RUN.finditer(text)]
    if not spans:
        return text, None
    found: list[tuple[int, str, int]] = []  # (first position, note, count)
    skip_bom = 1 if text[0] == "\ufeff" else 0  # a leading byte-order mark is ordinary
    bidi = _OVERRIDE if _RTL_LETTER.search(text) is not None else _ANY_BIDI
    for note, pattern, skip in (
        ("invisible", _SUSPICIOUS_ZW, skip_bom),
        ("bidi", bidi, 0),
        ("control", _CONTROL, 0),
    ):
        first = pattern.search(text, skip)
        if first is not None:
            found.append((first.start(), note, len(pattern.findall(text, skip))))
    for at, note, count in sorted(found):
        marks.add(note, at, at + 1, count)
    return _DELETE_RUN.sub("", text), runs_map(spans, 0)


_RLO_RUN = re.compile("\u202e([^\u202c\u2069\n]*)")


def bidi_visual(text: str) -> Hidden | None:
    """The text a reader *sees* where right-to-left overrides reorder it: each RLO run
    (to its PDF, PDI or the end of the line) reversed, as one hidden payload spanning the
    first run to the last. A reversed instruction behind an RLO displays as the plain
    instruction while the stored characters read backwards. (LRO and embeddings do not
    reorder Latin letters.)"""
    runs = list(_RLO_RUN.finditer(text))
    if not runs:
        return None
    start, end = runs[0].start(), runs[-1].end()
    visual = _RLO_RUN.sub(lambda m: m.group(1)[::-1], text[start:end])
    visual = _DELETE_RUN.sub("", visual)
    if not any(ch.isalpha() for ch in visual):
        return None
    return ("bidi", visual, start, end)


def _has_rtl(text: str, cache: list[bool]) -> bool:
    if not cache:
        cache.append(_RTL_LETTER.search(text) is not None)
    return cache[0]


def _strip_run(
    text: str,
    start: int,
    end: int,
    w: _Writer,
    marks: MarkLog,
    hidden: list[Hidden],
    rtl: list[bool],
) -> None:
    i = start
    while i < end:
        c = text[i]
        cp = ord(c)
        if is_tag(cp) or is_variation_selector(cp):
            tags = is_tag(cp)
            j = i + 1
            while j < end and (
                is_tag(ord(text[j])) if tags else is_variation_selector(ord(text[j]))
            ):
                j += 1
            run = text[i:j]
            w.replace("", i, j - i)
            if tags:
                payload = tag_payload(run, text[i - 1] if i else "")
                if payload is not None:
                    marks.add("tags", i, j, j - i)
                    if payload:
                        hidden.append(("tags", payload, i, j))
            else:
                payload = variation_payload(run)
                if payload is not None:
                    marks.add("variation_selectors", i, j, j - i)
                    hidden.append(("variation_selectors", payload, i, j))
            i = j
            continue
        if c in ZERO_WIDTH:
            w.replace("", i, 1)
            if _suspicious_invisible(text, i):
                marks.add("invisible", i, i + 1)
        elif c in BIDI_OVERRIDES:
            w.replace("", i, 1)
            marks.add("bidi", i, i + 1)
        elif c in BIDI_MARKS or c in BIDI_SPANS:
            w.replace("", i, 1)
            if not _has_rtl(text, rtl):
                marks.add("bidi", i, i + 1)
        elif cp < 0x20 or 0x7F <= cp <= 0x9F:
            if c in "\t\n\r":
                w.copy(c)
            else:
                w.replace("", i, 1)
                marks.add("control", i, i + 1)
        else:
            mapped = unicodedata.normalize("NFKC", c)
            if mapped != c:
                _note_compat(cp, mapped, i, marks)
                w.replace(mapped, i, 1)
            else:
                w.copy(c)
        i += 1


def _suspicious_invisible(text: str, i: int) -> bool:
    """A zero-width character next to ASCII is a word split; between two non-ASCII
    characters (emoji ZWJ sequences, Persian ZWNJ) it is ordinary. A leading BOM is too."""
    if i == 0 and text[0] == "\ufeff":
        return False
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isascii() or after.isascii()


def _note_compat(cp: int, mapped: str, i: int, marks: MarkLog) -> None:
    if not mapped.isascii() or not mapped.isalnum():
        return
    if 0xFF01 <= cp <= 0xFF5E:
        marks.add("fullwidth", i, i + 1)
    elif 0x1D400 <= cp <= 0x1D7FF:
        marks.add("math_alnum", i, i + 1)
    elif 0x2460 <= cp <= 0x24FF or 0x1F100 <= cp <= 0x1F1FF:
        marks.add("enclosed", i, i + 1)


def confusable_pass(text: str, marks: MarkLog) -> str:
    """Look-alike letters folded to ASCII where the word context says they imitate Latin.

    Same length in and out, so no offset map is needed.
    """
    if text.isascii() or _CONFUSABLE.search(text) is None:
        return text
    latin = len(_ASCII_LETTER.findall(text)) > len(_OTHER_LETTER.findall(text))
    parts: list[str] = []
    last = 0
    for m in WORD_WITH_CONFUSABLE.finditer(text):
        folded = fold_word(m.group(), latin_context=latin)
        if folded is None:
            continue
        start, end = m.span()
        parts.append(text[last:start])
        parts.append(folded)
        if not _turkic_dotless(m.group(), text):
            marks.add("homoglyph", start, end)
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _turkic_dotless(word: str, text: str) -> bool:
    """A word whose only look-alike is the dotless ``ı``, in text holding letters only
    Turkic alphabets use (``ş ğ İ ə``): Turkish or Azerbaijani spelling, not a disguise.

    Such a word is still folded (every detector reads ``balik`` for ``balık``), only not
    reported: an attacker who adds a ``ş`` loses the obfuscation warning, not the reading.
    """
    return _TURKIC_LETTER.search(text) is not None and all(
        ch.isascii() or ch == "ı" for ch in word
    )


def collapse_whitespace(text: str) -> tuple[str, SpanMap | None]:
    """Every whitespace run that is not a single space becomes one space."""
    pattern = _WHITESPACE
    if text.isascii():
        if not text.encode("ascii").translate(None, _NOT_WS_CONTROL):
            if "  " not in text:
                return text, None
            pattern = _SPACE_RUN
    elif "  " not in text and text.isprintable():  # any other whitespace is unprintable
        return text, None
    spans = [m.span() for m in pattern.finditer(text)]
    if not spans:
        return text, None
    return _replace_spans(text, spans, " "), runs_map(spans, 1)


def _replace_spans(text: str, spans: list[tuple[int, int]], by: str) -> str:
    """``text`` with each span (sorted, disjoint) replaced by ``by``: one join of the
    slices between them, rather than a second regex sweep."""
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return by.join(parts)


def casefold_pass(text: str) -> tuple[str, SpanMap | None]:
    """Case folded, accents and other combining marks dropped (``Ìgnöre`` -> ``ignore``)."""
    if text.isascii():
        return text.lower(), None
    w = _Writer()
    last = 0
    for m in _NON_ASCII.finditer(text):
        start, end = m.span()
        if start > last:
            w.copy(text[last:start].lower())
        run = m.group()
        folded = run.casefold()
        if folded == run and unicodedata.is_normalized("NFD", run):
            w.copy(run)
        else:
            for k, c in enumerate(run):
                w.replace(_fold_char(c), start + k, 1)
        last = end
    if last < len(text):
        w.copy(text[last:].lower())
    return w.finish()


def _fold_char(c: str) -> str:
    folded = c.casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    if decomposed == folded:
        return folded if not unicodedata.combining(c) else ""
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped if len(stripped) != len(decomposed) else folded
