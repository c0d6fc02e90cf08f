"""Decoded views judged like plain text: every detector reads every view of an event.

The normalize stage finds text hidden in the event (base64, base32, hex, ROT13, reversed
writing, URL encoding, HTML entities, right-to-left overrides, tag characters) and undoes
disguises (zero-width splits, homoglyphs). Some detectors read those views themselves;
the sensitive-data and canary detectors read ``event.text``; and a detector that reads a
decoded segment only for signatures judges it less fully than plain text. So each view
becomes an event of its own, with the same kind, subject and thresholds, and every
detector runs on it again:

- ``normalized``: the text without invisible characters and look-alike letters (only
  where it had some), its lines as written;
- ``decoded:<encodings>`` (``decoded:base64+url``): the original with every hidden or
  encoded region decoded in place (:mod:`aimds.text.inplace`), so hidden text is read
  with the words around it;
- ``decoded:<encoding>``: each nested or overlapping segment that did not fit in place.

What a detector finds there is reported with a span of the original text (inside the
region that carried it) and ``details["view"]`` naming the view. A finding no stronger
than one the detector already reported under the same rule adds nothing and is left out.
At most :data:`MAX_VIEWS` views are judged per event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aimds.text import TextViews, build_views
from aimds.text.inplace import decode_in_place
from aimds.types import Evaluation, Event, EventKind, Finding

if TYPE_CHECKING:
    from aimds.detectors.base import Detector
    from aimds.policy.sections.normalize import NormalizeSettings
    from aimds.text.offsets import SpanMap

__all__ = ["MAX_VIEWS", "ExtraView", "extra_views", "judge_views", "plain_settings"]

MAX_VIEWS = 16
"""Extra views judged per event; the decoders' own budget bounds what they are built from."""

_SCRATCH = "extra_views"
_ONLY_SPACING = frozenset({"spaced", "leet"})
"""Marks of the folded view only (the injection detector reads it); any other mark means
the normalized text differs from the original by more than whitespace."""


@dataclasses.dataclass(frozen=True, slots=True)
class ExtraView:
    """One view of the event, as an event of its own, and how its spans map back."""

    label: str
    event: Event
    views: TextViews
    back: SpanMap | None = None
    """Maps spans of the in-place decoded view to the original."""
    span: tuple[int, int] | None = None
    """The original region of a ``decoded:<encoding>`` segment judged on its own."""


def extra_views(ev: Evaluation, plain: NormalizeSettings) -> tuple[ExtraView, ...]:
    """The extra views of ``ev`` (computed once per evaluation, kept in its scratch);
    ``plain`` builds their own views (see :func:`plain_settings`)."""
    cached = ev.scratch.get(_SCRATCH)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    views = ev.views
    found: tuple[ExtraView, ...] = ()
    if isinstance(views, TextViews):
        found = tuple(_build(ev.event, views, plain))
    ev.scratch[_SCRATCH] = found
    return found


def _build(event: Event, views: TextViews, plain: NormalizeSettings) -> list[ExtraView]:
    out: list[ExtraView] = []
    seen = {views.original}
    # the folded view only adds spaced and leet marks: normalisation's own marks decide,
    # and a call whose detectors' findings came from the cache never folds its text
    if not _ONLY_SPACING.issuperset(views.normal_marks):
        # disguised (zero-width splits, look-alikes...): more than whitespace differs,
        # which no detector needs a second look for
        # its whitespace as written: the line a sentence was planted on is still a line
        clean = views.clean
        seen.add(clean)
        out.append(_view("normalized", event, clean, plain))
    decoded = decode_in_place(views.original, views.decoded)
    if decoded is None:
        return out
    if decoded.text not in seen:
        seen.add(decoded.text)
        label = "decoded:" + "+".join(decoded.encodings)
        out.append(_view(label, event, decoded.text, plain, back=decoded.back))
    for seg in decoded.leftover:
        if len(out) >= MAX_VIEWS:
            break
        if seg.text not in seen:
            seen.add(seg.text)
            out.append(_view(f"decoded:{seg.encoding}", event, seg.text, plain, span=seg.span))
    return out


def plain_settings(settings: NormalizeSettings) -> NormalizeSettings:
    """The settings for a view's own views: normalised, but not decoded again (nested
    decoding already happened when the views were built)."""
    return settings.model_copy(update={"decoders": ()})


def _view(
    label: str,
    event: Event,
    text: str,
    settings: NormalizeSettings,
    *,
    back: SpanMap | None = None,
    span: tuple[int, int] | None = None,
) -> ExtraView:
    args: dict[str, Any] = {}
    sub = dataclasses.replace(event, text=text, args=args)
    views = build_views(text, settings)
    return ExtraView(label=label, event=sub, views=views, back=back, span=span)


def judge_views(
    detector: Detector, ev: Evaluation, own: Sequence[Finding], extras: Sequence[ExtraView]
) -> list[Finding]:
    """What ``detector`` finds in ``extras`` that it did not already report in ``own``."""
    best: dict[str, Finding] = {f.rule: f for f in own}
    out: list[Finding] = []
    for extra in extras:
        for f in detector.detect(extra.event, extra.views):
            prior = best.get(f.rule)
            if prior is not None and not _stronger(f, prior):
                continue
            moved = _moved(f, extra, ev)
            best[f.rule] = moved
            out.append(moved)
    return out


def _stronger(new: Finding, old: Finding) -> bool:
    if new.action is not None and (old.action is None or new.action > old.action):
        return True
    return new.severity > old.severity or (
        new.severity == old.severity and new.confidence > old.confidence + 1e-9
    )


def _moved(f: Finding, extra: ExtraView, ev: Evaluation) -> Finding:
    """``f`` with its span in the original text and the view it came from."""
    span = extra.span
    if f.span is not None and span is None:
        if extra.label == "normalized":
            views: TextViews = ev.views
            span = views.to_original("clean", *f.span)
        elif extra.back is not None:
            span = extra.back.back(*f.span)
        else:
            span = f.span
    if ev.event.kind is EventKind.TOOL_CALL:
        span = None  # the views join the arguments: no span of the event's text
    details = dict(f.details) if f.details else {}
    details["view"] = extra.label
    return dataclasses.replace(f, span=span, details=details)
