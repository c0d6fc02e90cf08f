"""Text views: the forms of one text that detectors scan, computed once per event.

``original``   the text as received (the first ``max_chars`` characters of it)
``normalized`` NFKC, invisible characters removed, homoglyphs folded, whitespace runs
               collapsed to one space; case preserved
``clean``      ``normalized`` with its whitespace as written
``folded``     ``normalized`` case-folded, accents dropped, spaced-out letters and
               leetspeak collapsed: for signature matching
``decoded``    texts hidden in encodings (base64, base32, hex, ROT13, reversed writing,
               URL, HTML entities) and in invisible characters (tag characters,
               variation selectors, right-to-left overrides: the text as displayed)
``hidden``     the subset of ``decoded`` carried by invisible characters

ASCII text without control characters takes a fast path: nothing to strip or fold, so
only whitespace runs are collapsed (and with single spaces only, ``normalized`` *is* the
original, nothing copied); its folded view is the lower-cased normalized text with
leetspeak undone, sharing the normalized maps. Every view but ``original`` is computed on
first use and cached (building the views of a text the detectors never read, such as a
repeated tool call whose findings the detectors stage remembers, costs next to nothing);
the cache is written once with a deterministic value, so concurrent readers at worst
compute it twice, and instances stay immutable from the outside.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from aimds.policy.sections.normalize import NormalizeSettings
from aimds.text.decoders import Budget, decode_all
from aimds.text.leet import collapse_spaced, has_spaced_run, unleet
from aimds.text.marks import Mark, MarkLog
from aimds.text.offsets import SpanMap
from aimds.text.unicode import (
    Hidden,
    bidi_visual,
    casefold_pass,
    collapse_whitespace,
    confusable_pass,
    is_plain_ascii,
    strip_pass,
)

__all__ = ["DecodedSegment", "TextViews", "build_views"]

_DEFAULT_SETTINGS = NormalizeSettings()


@dataclass(frozen=True, slots=True, kw_only=True)
class DecodedSegment:
    """Text found hidden inside the original: ``span`` is where, in original code points.

    ``notable`` is False where the encoding is ordinary (``%20`` in a URL): the text is
    still worth scanning, but its presence alone is no sign of hiding. ``depth`` counts
    nested encodings (base64 inside base64 is depth 2).
    """

    encoding: str
    text: str
    span: tuple[int, int]
    notable: bool = True
    depth: int = 1


_NOTE_OF_MARK = {
    "invisible": "invisible",
    "tags": "tags",
    "variation_selectors": "tags",
    "bidi": "bidi",
    "control": "control",
    "homoglyph": "homoglyph",
    "fullwidth": "fullwidth",
    "math_alnum": "math_alnum",
    "enclosed": "enclosed",
    "spaced": "spaced",
    "leet": "leet",
}


class _Folded:
    __slots__ = ("maps", "marks", "text")

    def __init__(self, text: str, maps: tuple[SpanMap, ...], marks: dict[str, Mark]) -> None:
        self.text = text
        self.maps = maps
        self.marks = marks


class _Normal:
    """The normalized view of a text and what building it found (computed on first use)."""

    __slots__ = ("base", "hidden", "maps", "marks", "text")

    def __init__(
        self,
        text: str,
        base: str,
        maps: tuple[SpanMap | None, ...],
        hidden: tuple[DecodedSegment, ...],
        marks: dict[str, Mark],
    ) -> None:
        self.text = text
        self.base = base
        self.maps = maps
        self.hidden = hidden
        self.marks = marks


class TextViews:
    """All views of one text. Build with :func:`build_views`; never mutate.

    The public views are read-only properties; the private fields are the lazily filled
    caches (written here only, once, with a deterministic value)."""

    __slots__ = (
        "_decoded",
        "_folded",
        "_normal",
        "_original",
        "_settings",
        "_truncated",
    )

    def __init__(self, *, original: str, settings: NormalizeSettings, truncated: bool) -> None:
        self._original = original
        self._truncated = truncated
        self._settings = settings
        self._normal: _Normal | None = None
        self._folded: _Folded | None = None
        self._decoded: tuple[DecodedSegment, ...] | None = None

    def __repr__(self) -> str:
        return f"<TextViews {len(self.original)} chars, notes={sorted(self.notes)}>"

    @property
    def original(self) -> str:
        """The text as received (its first ``max_chars`` characters)."""
        return self._original

    @property
    def truncated(self) -> bool:
        """True where the text was longer than ``max_chars`` and is viewed through its
        first window."""
        return self._truncated

    # -- lazily computed views -------------------------------------------------------

    def _norm(self) -> _Normal:
        cached: _Normal | None = self._normal
        if cached is not None:
            return cached
        normal = _normalize(self._original, self._settings)
        self._normal = normal
        return normal

    @property
    def normalized(self) -> str:
        return self._norm().text

    @property
    def clean(self) -> str:
        """``normalized`` before its whitespace is collapsed: lines and paragraphs stay as
        written, for detectors that read a text's structure (a sentence planted on a line
        of its own)."""
        return self._norm().base

    def _fold(self) -> _Folded:
        cached: _Folded | None = self._folded
        if cached is not None:
            return cached
        normal = self._norm()
        folded = self._fold_ascii(normal) if normal.base.isascii() else None
        if folded is None:
            folded = self._fold_general(normal)
        self._folded = folded
        return folded

    def _fold_general(self, normal: _Normal) -> _Folded:
        maps: list[SpanMap | None] = [normal.maps[0] if normal.maps else None]
        text, m = casefold_pass(normal.base)
        maps.append(m)
        mapped: dict[str, Mark] = {}
        if self._settings.collapse_leet:
            spaced = MarkLog()
            text, m = collapse_spaced(text, spaced)
            mapped |= _mapped(spaced, tuple(maps))
            maps.append(m)
            leet = MarkLog()
            text = unleet(text, leet)
            mapped |= _mapped(leet, tuple(maps))
        text, m = collapse_whitespace(text)
        maps.append(m)
        return _Folded(text, tuple(x for x in maps if x is not None), mapped)

    def _fold_ascii(self, normal: _Normal) -> _Folded | None:
        """The folded view of an ASCII text with no spaced-out letters: case and leetspeak
        keep every character in place, so folding the normalized text gives the same view
        as folding the base text and then collapsing its whitespace, and the normalized
        text's maps serve as they are. ``None`` where spaced letters need the long way."""
        lowered = normal.text.lower()
        if not self._settings.collapse_leet:
            text = lowered
            mapped: dict[str, Mark] = {}
        elif has_spaced_run(normal.base):
            return None
        else:
            leet = MarkLog()
            text = unleet(lowered, leet)
            mapped = _mapped(leet, normal.maps) if leet else {}
        maps = tuple(m for m in normal.maps if m is not None) if normal.maps else ()
        return _Folded(text, maps, mapped)

    @property
    def folded(self) -> str:
        return self._fold().text

    @property
    def decoded(self) -> tuple[DecodedSegment, ...]:
        cached: tuple[DecodedSegment, ...] | None = self._decoded
        if cached is not None:
            return cached
        s = self._settings
        normal = self._norm()
        budget = Budget(segments=s.max_segments, chars=s.max_decoded_chars)
        found: list[DecodedSegment] = []
        for seg in decode_all(
            normal.text,
            s.decoders,
            budget=budget,
            max_depth=s.max_decode_depth,
            min_chars=s.min_encoded_chars,
        ):
            found.append(
                DecodedSegment(
                    encoding=seg.encoding,
                    text=seg.text,
                    span=self.to_original("normalized", seg.start, seg.end),
                    notable=seg.notable,
                    depth=seg.depth,
                )
            )
        for hid in normal.hidden:
            found.append(hid)
            for seg in decode_all(
                hid.text,
                s.decoders,
                budget=budget,
                max_depth=max(s.max_decode_depth - 1, 0),
                min_chars=s.min_encoded_chars,
            ):
                found.append(
                    DecodedSegment(
                        encoding=seg.encoding,
                        text=seg.text,
                        span=hid.span,
                        notable=seg.notable,
                        depth=seg.depth + 1,
                    )
                )
        result = tuple(found)
        self._decoded = result
        return result

    @property
    def hidden(self) -> tuple[DecodedSegment, ...]:
        return self._norm().hidden

    @property
    def marks(self) -> Mapping[str, Mark]:
        """Per technique: how often it occurred and the original span of the first one."""
        own = self._norm().marks
        fold_marks = self._fold().marks
        if not fold_marks:
            return MappingProxyType(own)
        return MappingProxyType(own | fold_marks)

    @property
    def normal_marks(self) -> Mapping[str, Mark]:
        """:attr:`marks` without the folded view's (``spaced``, ``leet``): what
        normalisation alone found, read without computing the folded view."""
        return MappingProxyType(self._norm().marks)

    @property
    def notes(self) -> frozenset[str]:
        """Which transformations changed something: ``invisible``, ``tags``, ``bidi``,
        ``control``, ``homoglyph``, ``fullwidth``, ``math_alnum``, ``enclosed``, ``spaced``,
        ``leet`` and, for decoded text, the notable encodings (``base64``, ``hex``...)."""
        notes = {_NOTE_OF_MARK[k] for k in self.marks}
        notes.update(seg.encoding for seg in self.decoded if seg.notable)
        return frozenset(notes)

    # -- offsets -----------------------------------------------------------------------

    def to_original(self, view: str, start: int, end: int) -> tuple[int, int]:
        """The span of ``original`` that produced ``[start, end)`` of ``view``
        (``"normalized"``, ``"clean"``, ``"folded"`` or ``"original"``)."""
        maps: tuple[SpanMap | None, ...]
        if view == "normalized":
            normal = self._norm()
            maps = normal.maps
            size = len(normal.text)
        elif view == "folded":
            folded = self._fold()
            maps = folded.maps
            size = len(folded.text)
        elif view == "clean":
            normal = self._norm()
            maps = normal.maps[:1]
            size = len(normal.base)
        elif view == "original":
            maps = ()
            size = len(self.original)
        else:
            raise ValueError(
                f"unknown view {view!r}; use 'normalized', 'clean', 'folded' or 'original'"
            )
        start = min(max(start, 0), size)
        end = min(max(end, start), size)
        return _back(maps, start, end)

    def all_texts(self) -> Iterator[tuple[str, str]]:
        """``(view name, text)`` for every distinct view, then each decoded segment
        (``decoded:base64``, ``decoded:tags``...): what detectors scan."""
        yield "original", self.original
        normalized = self.normalized
        if normalized != self.original:
            yield "normalized", normalized
        folded = self.folded
        if folded != normalized:
            yield "folded", folded
        for seg in self.decoded:
            yield f"decoded:{seg.encoding}", seg.text


def _mapped(log: MarkLog, maps: tuple[SpanMap | None, ...]) -> dict[str, Mark]:
    return {
        note: Mark(count=mark.count, span=_back(maps, *mark.span))
        for note, mark in log.result().items()
    }


def _back(maps: tuple[SpanMap | None, ...], start: int, end: int) -> tuple[int, int]:
    for m in reversed(maps):
        if m is not None:
            start, end = m.back(start, end)
    return start, end


def build_views(text: str, settings: NormalizeSettings | None = None) -> TextViews:
    """The views of ``text``. Never raises for any ``str`` (lone surrogates and NULs
    included); texts over ``settings.max_chars`` are viewed through their first window.
    Costs next to nothing until a view is read: each is computed on first use."""
    s = settings if settings is not None else _DEFAULT_SETTINGS
    truncated = len(text) > s.max_chars
    if truncated:
        text = text[: s.max_chars]
    return TextViews(original=text, settings=s, truncated=truncated)


def _normalize(text: str, s: NormalizeSettings) -> _Normal:
    if text.isascii() and "  " not in text and text.isprintable():
        # the commonest prompt: one line of plain ASCII; every view but case is the text
        return _Normal(text, text, (), (), {})
    if is_plain_ascii(text):
        # nothing to strip or fold: at most whitespace differs, and usually not even that
        normalized, ws_map = collapse_whitespace(text)
        return _Normal(normalized, text, () if ws_map is None else (None, ws_map), (), {})
    marks = MarkLog()
    raw_hidden: list[Hidden] = []
    stripped, strip_map = strip_pass(text, marks, raw_hidden)
    if "\u202e" in text:
        visual = bidi_visual(text)
        if visual is not None:
            raw_hidden.append(visual)
    base = confusable_pass(stripped, marks) if s.fold_confusables else stripped
    normalized, ws_map = collapse_whitespace(base)
    # confusable marks are in stripped coordinates; strip marks already in original ones
    all_marks = marks.result()
    if strip_map is not None and "homoglyph" in all_marks:
        mark = all_marks["homoglyph"]
        all_marks["homoglyph"] = Mark(count=mark.count, span=strip_map.back(*mark.span))
    hidden = tuple(
        DecodedSegment(encoding=enc, text=payload, span=(start, end))
        for enc, payload, start, end in raw_hidden
    )
    return _Normal(normalized, base, (strip_map, ws_map), hidden, all_marks)
