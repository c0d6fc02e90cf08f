"""Split data (tool results, retrieved documents, messages) into scoreable pieces.

A planted instruction is one sentence in a long document; scored as a whole, the document
dilutes it. :func:`segment` cuts a text into *pieces* (sentences of each line, table
cells, JSON string values, code comments, HTML comments and hidden elements), each with
its code-point span in the original text, so ``text[p.start:p.end]`` is always the piece's
raw text (an invariant the tests check). Pieces may overlap: a JSON value is also part of
its line. ``where`` says what kind of place the piece came from; a piece hidden from the
human reader is a context signal of its own.

Patterns here are fixed and linear (no nested quantifiers), so no input can make them slow;
the number of pieces is capped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["MAX_PIECES", "Piece", "segment"]

MAX_PIECES = 256
_MIN_CHARS = 8
_MAX_PIECE = 600

_HTML_COMMENT = re.compile(r"<!--(.{1,2000}?)-->", re.S)
_HIDDEN = re.compile(
    r"<(\w{1,10})\b[^>]{0,300}?(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0"
    r"|opacity\s*:\s*0(?![.\d])|\bhidden\b|color\s*:\s*#?fff\b|color\s*:\s*white)[^>]{0,300}>"
    r"(.{1,2000}?)</\1\s*>",
    re.S | re.I,
)
_TAG = re.compile(r"</?[a-zA-Z][\w-]{0,20}(?:\s[^<>\n]{0,300})?/?>|<![^<>\n]{0,300}>")
_JSON_STRING = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')
_LINE_COMMENT = re.compile(r"(?m)^[ \t]*(?:#(?!#)|//|--(?!-)|;;)[ \t]?(.{3,})$")
_BLOCK_COMMENT = re.compile(r"/\*(.{3,2000}?)\*/", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=\S)|\s{3,}|\\n|\t")
_WS_CONTROL = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f]")
"""ASCII whitespace other than the space."""
_COMMENT_HINTS = ("#", "//", "--", ";;")
"""A line comment (:data:`_LINE_COMMENT`) needs one of these: most texts skip its scan."""
_CELL = re.compile(r'\s*\|\s*|","|",|,"')


@dataclass(frozen=True, slots=True, init=False)
class Piece:
    """One piece of a text: ``text[start:end]`` is ``raw``; ``where`` names the place
    (``sentence``, ``cell``, ``value``, ``comment``, ``hidden``)."""

    start: int
    end: int
    raw: str
    where: str
    line: int

    def __init__(self, start: int, end: int, raw: str, where: str, line: int) -> None:
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "raw", raw)
        object.__setattr__(self, "where", where)
        object.__setattr__(self, "line", line)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r\n\"'`*>-•|,#/;":
        start += 1
    while end > start and text[end - 1] in " \t\r\n\"'`|,":
        end -= 1
    return start, end


def segment(text: str) -> list[Piece]:
    """The pieces of ``text`` in order of position (at most :data:`MAX_PIECES`)."""
    out: list[Piece] = []
    seen: set[tuple[int, int]] = set()

    def add(start: int, end: int, where: str, line: int) -> None:
        start, end = _trim(text, start, end)
        if end - start < _MIN_CHARS or (start, end) in seen:
            return
        if end - start > _MAX_PIECE:
            end = start + _MAX_PIECE
        seen.add((start, end))
        out.append(Piece(start, end, text[start:end], where, line))

    for m in _HTML_COMMENT.finditer(text):
        add(m.start(1), m.end(1), "comment", -1)
    for m in _HIDDEN.finditer(text):
        add(m.start(2), m.end(2), "hidden", -1)
    for m in _BLOCK_COMMENT.finditer(text):
        add(m.start(1), m.end(1), "comment", -1)
    if any(h in text for h in _COMMENT_HINTS):
        for m in _LINE_COMMENT.finditer(text):
            add(m.start(1), m.end(1), "comment", -1)
    if text.count('"') >= 4:
        for m in _JSON_STRING.finditer(text):
            if m.end(1) - m.start(1) >= 12 and " " in m.group(1):
                _split(text, m.start(1), m.end(1), "value", -1, add)
    line_no = 0
    pos = 0
    n = len(text)
    while pos <= n and len(out) < MAX_PIECES:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        if end > pos:
            line = text[pos:end]
            bars = line.count("|") - line.count("<|") - line.count("|>")
            if bars >= 2 or line.count('","') >= 1:
                for a, b in _spans(line, _CELL):
                    add(pos + a, pos + b, "cell", line_no)
            else:
                _split(text, pos, end, "sentence", line_no, add)
        line_no += 1
        if nl < 0:
            break
        pos = nl + 1
    out.sort(key=lambda p: (p.start, p.end))
    return out[:MAX_PIECES]


def _spans(line: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    spans = []
    at = 0
    for m in sep.finditer(line):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, len(line)))
    return spans


def _split(
    text: str,
    start: int,
    end: int,
    where: str,
    line: int,
    add: Callable[[int, int, str, int], None],
) -> None:
    """Sentences of ``text[start:end]``, with HTML tags cut out as boundaries."""
    chunk = text[start:end]
    bounds = [(m.start(), m.end()) for m in _TAG.finditer(chunk)] if "<" in chunk else []
    bounds += _sentence_ends(chunk)
    bounds.sort()
    at = 0
    for a, b in bounds:
        if a > at:
            add(start + at, start + a, where, line)
        at = max(at, b)
    if at < len(chunk):
        add(start + at, end, where, line)


def _sentence_ends(chunk: str) -> list[tuple[int, int]]:
    """The spans of :data:`_SENTENCE_END` in ``chunk``, as ``finditer`` gives them.

    The regex alone tries its four branches at every character, most of a line's cost. In
    ASCII text a match can only begin after ``.!?``, at a backslash, at a double space, or
    at (or just before) whitespace other than a space: those places are found with
    ``str.find`` and the regex is tried there only, in order, skipping places inside the
    last match, which is what ``finditer`` does with the places where nothing can begin."""
    if not chunk.isascii():
        return [m.span() for m in _SENTENCE_END.finditer(chunk)]
    starts: list[int] = []
    for mark, shift in ((".", 1), ("!", 1), ("?", 1), ("\\", 0), ("  ", 0)):
        at = chunk.find(mark)
        while at >= 0:
            starts.append(at + shift)
            at = chunk.find(mark, at + 1)
    if not chunk.isprintable():  # ASCII controls, the whitespace among them too
        for control in _WS_CONTROL.finditer(chunk):
            starts.extend((control.start() - 1, control.start()))
    if not starts:
        return []
    starts.sort()
    spans: list[tuple[int, int]] = []
    done = 0
    for at in starts:
        if at < done:
            continue
        end = _SENTENCE_END.match(chunk, at)
        if end is not None:
            spans.append(end.span())
            done = end.end()
    return spans
