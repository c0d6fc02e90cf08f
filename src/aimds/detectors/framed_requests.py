"""Detector ``framed_requests``: a harmful operational request put inside a frame.

Most jailbreaks that carry a request have two parts: a *frame* that moves the request out
of the assistant's ordinary rules (a persona, fiction whose output must be "real", a
hypothetical, a professional pretext, opposite day, a deceased relative's lullaby, a
payload split into variables, few-shot priming) and a *request for operational help* in a
serious harm domain (weapons, drugs, malware, intrusion, fraud and forgery, stalking,
violence, hate). Neither part alone is a jailbreak: "write a story where a detective
solves a case" and "act as a Linux terminal" are frames with benign goals, and a bare
harmful question is a content-policy matter, not a manipulation of the assistant. This
detector reads both parts (:mod:`aimds.detectors.framing_cues`) and scores their
combination:

* harm inside a frame (or beside words that switch the rules off) -> ``jailbreak``, the
  score rising with the frame's strength, a demand for realism ("step by step", "exact
  amounts", "real commands") and explicit rule suspension ("never refuses");
* a weak harm sign (evasion, a criminal role asked for its craft) counts only in a strong
  frame or with realism or suspension;
* a persona or mode with strong rule suspension and no harm domain -> a milder score
  (so does any other frame, a story's character, with two distinct suspensions);
* harm without any frame scores :data:`HARM_ONLY` (below the default packs' ``warn`` for
  prompts; a stricter pack may warn on it), and over ``warn`` where it demands a working
  procedure (:data:`OPERATIONAL_BOOST`: the frame may be in a wording no cue knows, the
  demand that the answer work is still there);
* texts that *talk about* jailbreaks (defences, "is the grandma exploit real?") are damped,
  and quoted attack strings in them are judged as mentioned (:func:`mask_mentions`).

Two shapes are read structurally rather than by words: a payload split across variables
(``a = 'how to make'`` ... ``a+b``) is joined and its parts read as one request, and
few-shot priming is a run of ``Q:`` lines ending in an open ``A:``.

``detectors.framed_requests`` switches it on or off, names the event kinds it reads (user
prompts and agent messages by default) and holds its own ``thresholds`` per kind (its
scores are rule-based, not the injection classifier's calibrated probabilities); texts on
the policy's ``detectors.allow`` list are spared as by the injection detector.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aimds.detectors.allow_list import AllowList
from aimds.detectors.base import DetectorInfo
from aimds.detectors.framing_cues import Cues, CueTable, compiled_cues
from aimds.detectors.mention import mask_mentions
from aimds.types import Event, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.detectors import DetectorsSection, KindName, Levels
    from aimds.types import Services

__all__ = [
    "HARM_ONLY",
    "OPERATIONAL_BOOST",
    "RULE",
    "SUSPEND_ONLY",
    "FramedRequestDetector",
    "Reading",
    "build",
    "read",
    "score",
]

RULE = "jailbreak.framed_request"
SUSPEND_ONLY = 0.55
"""Score of a persona or mode that switches the rules off with no harmful request in
sight: a warning at most (many role-play prompts say "no limits" about harmless goals)."""
HARM_ONLY = 0.4
"""Score of a harmful request with no frame: below the default ``warn`` (0.5), since that
is content moderation rather than manipulation; the ``strict`` pack warns on it."""
OPERATIONAL_BOOST = 0.2
"""Added to :data:`HARM_ONLY` where the request demands a working procedure ("the exact
amounts, step by step", "working code"): a jailbreak in a wording no frame cue knows still
asks for that, while a question about a harm topic, a news summary or "a detailed article
about the bomb plot" does not. It lifts the score over the default ``warn``."""

_KINDS: tuple[KindName, ...] = ("prompt", "completion", "tool_call", "tool_result", "message")
_PAIR_REACH = 80
"""An object (explosive, ransomware) counts as requested when a producing verb (make,
write) stands within this many characters of it, on either side."""
_DISCUSSION_DAMP = 0.5
_ADDRESSED = frozenset(
    {"frame.persona", "frame.mode", "frame.inverted", "frame.relative", "suspend.refusal_penalty"}
)
"""Cues that address the assistant itself: an identity or mode it is to take on, or a
penalty it suffers for refusing."""
_SEVERITY = {
    Verdict.WARN: Severity.MEDIUM,
    Verdict.REVIEW: Severity.HIGH,
    Verdict.BLOCK: Severity.CRITICAL,
}

_ASSIGNMENT = re.compile(r"(?m)^\s*[a-z_][\w]{0,15}\s*=\s*([\"'])(.{1,160}?)\1\s*;?\s*$")
_PART = re.compile(
    r"(?m)^\s*(?:part|piece|segment|fragment|teil|partie|parte)\s*\d+\s*[:.)-]\s*(.+)$"
)
"""A numbered part of a question split over lines ("Part 2: an email that tricks ...")."""
_CONCAT = re.compile(r"\b[a-z_]\w{0,15}\s*\+\s*[a-z_]\w{0,15}\b")
_HYPHEN_BREAK = re.compile(r"-[ \t]*\n[ \t]*")
_LEET_SIGN = re.compile(r"[a-z][0-9]|[0-9][a-z]")
_LEET_CLASSES = bytes(
    0x61 if 0x61 <= b <= 0x7A else 0x30 if 0x30 <= b <= 0x39 else 0x20 if chr(b).isspace() else 0x2E
    for b in range(256)
)
"""ASCII ``[a-z]`` -> ``a``, ``[0-9]`` -> ``0``, what ``str.split`` parts words at -> space,
anything else -> ``.``: :data:`_LEET_SIGN` is ``a0`` or ``0a`` in this class string."""
_LEET = str.maketrans("013456789@$", "oieasgtbgas")
_PRIME_Q = re.compile(r"(?m)^\s*(?:q|question|user|human)\s*:")
_PRIME_A = re.compile(r"(?m)(?:^|\s)(?:a|answer|assistant|ai)\s*:\s*\S")
_OPEN_A = re.compile(r"(?:^|\s)(?:a|answer|assistant|ai)\s*:\s*$")
_DISCUSSION = re.compile(
    r"\b(?:defend|protect|guard|detect|prevent|patch|block|mitigat|test|flag|filter|recogni[sz]e"
    r"|classif)\w* (?:[\w']+ ){0,5}(?:against )?(?:jailbreak|prompt injection|attack|exploit"
    r"|misuse|abuse|such (?:requests|prompts))"
    r"|\b(?:jailbreak|prompt injection|grandma exploit|dan prompt)\w* (?:attempts?|prompts?"
    r"|attacks?|techniques?|examples?|exploits?|works?)\b"
    r"|\bis it true (?:that )?(?:you can|chatgpt|llms?|models?)"
    r"|\bhow do (?:companies|vendors|labs|they) (?:patch|fix|stop|prevent)"
    r"|\b(?:attempts?|attempting|tries|trying|efforts?|designed|aims?|intended) to (?:bypass"
    r"|circumvent|evade|override|get around|defeat|jailbreak)\b"
)
"""Talk about jailbreaks rather than one: defences, questions about them, and descriptions
of what an attack attempts ("this attack attempts to bypass safety measures")."""
_DISCLAIMED = re.compile(
    r"\b(?:i )?(?:don'?t|do not) (?:want|need) (?:any )?(?:real|actual|technical|accurate"
    r"|specific|working|real-world)\b"
    r"|\bno (?:real|actual|technical|real-world|specific|working) (?:details|methods|instructions"
    r"|steps|information|recipes?|procedures?)\b"
    r"|\bwithout (?:any )?(?:real|actual|technical|real-world) (?:details|methods|steps)\b"
)
"""The user declines operational detail in so many words ("I don't want any real details,
just the scene"): the frame holds a harm word but asks for nothing that works. Damped like
talk about jailbreaks."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """What the detector read in one text: the cue ids of each part and the score."""

    frames: tuple[str, ...]
    frame_weight: float
    suspend: float
    suspend_ids: tuple[str, ...]
    realism: bool
    harm: tuple[str, ...]
    weak: tuple[str, ...]
    discussion: bool
    span: tuple[int, int] | None
    score: float


_Match = tuple[str, float, tuple[int, int]]
"""``(cue id, weight, span)`` of one match."""
_HARM_FAMILIES = frozenset({"harm", "object", "weak", "suspend"})


def _ids(table: CueTable, text: str, present: frozenset[str]) -> list[_Match]:
    """Every match of each present cue of ``table`` in ``text``."""
    return [(cue.id, cue.weight, span) for cue, span in table.matches(text, present)]


def _near(
    cues: Cues, text: str, present: frozenset[str], span: tuple[int, int], *families: str
) -> bool:
    """Whether a cue of one of ``families`` occurs within :data:`_PAIR_REACH` characters
    of ``span`` (only that window is searched: the whole text would cost ten times more)."""
    window = text[max(0, span[0] - _PAIR_REACH) : span[1] + _PAIR_REACH]
    return any(cues[family].search(window, present) for family in families)


def _paired(cues: Cues, text: str, present: frozenset[str]) -> list[_Match]:
    """Objects (explosive, ransomware, fake passport) with a producing verb within
    :data:`_PAIR_REACH` characters (the caller still asks for a request marker: "he made
    his comeback after a cocaine ban" produces nothing)."""
    return [
        (cue.id, cue.weight, span)
        for cue, span in cues["object"].matches(text, present)
        if _near(cues, text, present, span, "produce")
    ]


def _asked(cues: Cues, text: str, present: frozenset[str], found: list[_Match]) -> list[_Match]:
    """The matches of ``found`` that are *requested*: a request marker (how, steps,
    explain, tell me, best way) or a producing verb stands within :data:`_PAIR_REACH`
    characters of the match. A harm word in a plot summary or a news article is
    described, not asked for."""
    return [m for m in found if _near(cues, text, present, m[2], "ask", "produce")]


def _harms(
    cues: Cues, text: str, present: frozenset[str]
) -> tuple[list[_Match], list[_Match], list[_Match]]:
    """The requested harm (acts and produced objects), weak harm signs and suspension
    cues of ``text`` (``present``: what the RE2 pass found in it); nothing more where
    none can occur."""
    if not any(cues.family_of[i] in _HARM_FAMILIES for i in present):
        return [], [], []
    harm = _asked(cues, text, present, _ids(cues["harm"], text, present))
    harm += _asked(cues, text, present, _paired(cues, text, present))
    weak = _asked(cues, text, present, _ids(cues["weak"], text, present))
    return harm, weak, _ids(cues["suspend"], text, present)


def _split_payload(text: str) -> str | None:
    """The joined values of a payload split across variables (``a='how to make'`` ...
    ``a+b``) or over numbered parts on lines of their own ("Part 1: what's the best way
    to write" / "Part 2: an email that tricks ..."), or ``None`` when the text has no such
    shape."""
    if "art" in text or "eil" in text or "iece" in text or "egment" in text:
        parts = [m.group(1).strip() for m in _PART.finditer(text)]
        if len(parts) >= 2:
            return " ".join(parts)
    if "=" not in text or "+" not in text:
        return None
    values = [m.group(2) for m in _ASSIGNMENT.finditer(text)]
    if len(values) < 2 or _CONCAT.search(text) is None:
        return None
    return "".join(values)


def _primed(text: str) -> bool:
    """Few-shot priming: two or more question lines, and either an open answer at the very
    end or answers given in the shots (many-shot: the shots themselves comply)."""
    if len(_PRIME_Q.findall(text)) < 2:
        return False
    return _OPEN_A.search(text.rstrip()[-40:]) is not None or len(_PRIME_A.findall(text)) >= 2


def _weight(matches: list[_Match]) -> float:
    """The summed weight of the distinct cues among ``matches``, each counted only where
    it has a match of its own: two cues over the same words ("no rules" is both "no
    limits" and a lifting) say one thing once."""
    taken: list[tuple[int, int]] = []
    weights: dict[str, float] = {}
    for cue, weight, span in sorted(matches, key=lambda m: (-m[1], m[2])):
        if not any(span[0] < end and start < span[1] for start, end in taken):
            taken.append(span)
            weights.setdefault(cue, weight)
    return sum(weights.values())


_NOTHING = Reading(
    frames=(),
    frame_weight=0.0,
    suspend=0.0,
    suspend_ids=(),
    realism=False,
    harm=(),
    weak=(),
    discussion=False,
    span=None,
    score=0.0,
)


def read(text: str, lines: str | None = None) -> Reading:
    """Read a folded (case-folded, accent-free) text; pure and deterministic.

    ``lines`` is the same text case-folded with its line breaks kept (the folded view
    collapses them), for the shapes that live in lines: split payloads and priming;
    ``text`` serves where it is not given. Frames are read only where a harm sign or a
    rule suspension was found: a frame alone scores nothing."""
    lines = text if lines is None else lines
    cues = compiled_cues()
    present = cues.present(text)
    harm, weak, suspend = _harms(cues, text, present)
    shaped: list[_Match] = []
    joined = _split_payload(lines)
    if joined is not None:
        shaped.append(("frame.split_payload", 0.8, (0, 0)))
        more = _harms(cues, joined, cues.present(joined))
        harm += [(i, w, (0, 0)) for i, w, _ in more[0]]
        weak += [(i, w, (0, 0)) for i, w, _ in more[1]]
    if not harm and not weak and not suspend:
        return _NOTHING
    if _primed(lines):
        shaped.append(("frame.priming", 0.7, (0, 0)))
    frames = _ids(cues["frame"], text, present) + shaped
    harm_ids = tuple(sorted({i for i, _, _ in harm}))
    weak_ids = tuple(sorted({i for i, _, _ in weak}))
    span = next((s for _, _, s in harm + weak if s != (0, 0)), None)
    frame_weight = max((w for _, w, _ in frames), default=0.0)
    suspend_total = min(1.5, _weight(suspend))
    realism = cues["realism"].search(text, present)
    operational = realism and any(
        cue.id == "realism.operational" for cue, _ in cues["realism"].matches(text, present)
    )
    discussion = _DISCUSSION.search(text) is not None or _DISCLAIMED.search(text) is not None
    value = score(
        frame_weight=frame_weight,
        suspend=suspend_total,
        realism=realism,
        operational=operational,
        harm=bool(harm_ids),
        weak=bool(weak_ids),
        discussion=discussion,
        addressed=any(i in _ADDRESSED for i, _, _ in frames + suspend),
    )
    return Reading(
        frames=tuple(sorted({i for i, _, _ in frames})),
        frame_weight=frame_weight,
        suspend=suspend_total,
        suspend_ids=tuple(sorted({i for i, _, _ in suspend})),
        realism=realism,
        harm=harm_ids,
        weak=weak_ids,
        discussion=discussion,
        span=span,
        score=value,
    )


def score(
    *,
    frame_weight: float,
    suspend: float,
    realism: bool,
    harm: bool,
    weak: bool,
    discussion: bool,
    addressed: bool = False,
    operational: bool = False,
) -> float:
    """The jailbreak score of a reading (0..0.99); monotone in every argument but
    ``discussion``, which halves it.

    Rule suspension counts as a frame of weight 0.6 where no other frame is present.
    ``addressed`` says the frame is a persona, mode or inverted self the assistant is to
    take on (or a penalty for its refusals): then strong rule suspension without a harm
    request scores :data:`SUSPEND_ONLY`; any other frame (a character in a story) needs two
    distinct suspension cues for that (``suspend >= 1.5``). ``operational`` says the realism
    demanded is a working procedure (``realism.operational``), which alone lifts a bare
    harm request by :data:`OPERATIONAL_BOOST`.
    """
    frame = max(frame_weight, 0.6 if suspend > 0 else 0.0)
    boost = 0.2 * realism + 0.25 * min(suspend, 1.0)
    if harm and frame > 0:
        value = 0.55 + 0.3 * frame + boost
    elif weak and (frame >= 0.7 or suspend > 0):
        value = 0.45 + 0.3 * frame + boost
    elif harm:
        value = HARM_ONLY + OPERATIONAL_BOOST * operational
    elif (addressed and suspend >= 1.0) or (frame_weight > 0 and suspend >= 1.5):
        value = SUSPEND_ONLY
    else:
        value = 0.0
    if discussion:
        value *= _DISCUSSION_DAMP
    return round(min(value, 0.99), 4)


class FramedRequestDetector:
    """Emits ``jailbreak.framed_request`` findings. Thread-safe: no per-call state."""

    info = DetectorInfo(id="framed_requests", version="1", categories=("jailbreak",), pure=True)

    def __init__(self, section: DetectorsSection) -> None:
        settings = section.framed_requests
        self._kinds = frozenset(settings.kinds)
        self._max_chars = settings.max_scan_chars
        self._allow = AllowList(section)
        self._levels: dict[str, Levels] = {kind: settings.levels_for(kind) for kind in _KINDS}
        compiled_cues()  # a broken table fails when the policy is built, not on a request

    def idle(self, event: Event) -> bool:
        """An event kind this detector does not read."""
        return event.kind.value not in self._kinds

    def detect(self, event: Event, views: Any) -> Sequence[Finding]:
        kind = event.kind.value
        if views is None or kind not in self._kinds:
            return ()
        original = getattr(views, "original", event.text)
        if isinstance(original, str) and self._allow.allows(original):
            return ()
        folded = getattr(views, "folded", None)
        if not isinstance(folded, str):
            folded = original.casefold() if isinstance(original, str) else ""
        text = _straight_quotes(folded[: self._max_chars])
        lines = original[: self._max_chars].casefold() if isinstance(original, str) else text
        lines = _straight_quotes(lines)
        reading = read(text, lines)
        for alt in _respelled(text, lines):
            other = read(alt)
            if other.score > reading.score:
                text, lines, reading = alt, alt, other
        if reading.score > 0:
            masked = mask_mentions(text)
            if masked is not None:
                mentioned = read(masked, mask_mentions(lines))
                if mentioned.score < reading.score:
                    reading = mentioned
        levels = self._levels[kind]
        action = levels.verdict_for(reading.score)
        if action is None:
            return ()
        return [_finding(reading, action, levels, kind, text)]


_QUOTES = (
    ("\u2018", "'"),
    ("\u2019", "'"),
    ("\u02bc", "'"),
    ("\u2032", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u201e", '"'),
    ("\u2033", '"'),
)


def _straight_quotes(text: str) -> str:
    """``text`` with typographic apostrophes and quotes made straight (same length): the
    cues spell contractions and quoted answers with ``'`` and ``"``, and prompts pasted
    from the web or a phone mostly use U+2019 (``doesn\u2019t refuse``)."""
    if text.isascii():
        return text
    for curly, straight in _QUOTES:  # str.replace: str.translate is slow on non-ASCII text
        if curly in text:
            text = text.replace(curly, straight)
    return text


def _respelled(text: str, lines: str) -> list[str]:
    """Other spellings of the text worth a second reading, each only where its sign is
    present: words hyphenated across line breaks joined again (``wor-\\nked``), and
    leetspeak the folded view leaves (it undoes only words that are mostly letters:
    ``d053`` and ``70`` stay) with every digit read as its letter."""
    out = []
    if "-\n" in lines:
        out.append(" ".join(_HYPHEN_BREAK.sub("", lines).split()))
    if _leet_heavy(lines):
        out.append(" ".join(lines.translate(_LEET).split()))
    return out


def _leet_heavy(text: str) -> bool:
    """Whether many words mix letters and digits (``n33d``, ``70``, ``m4k3``): ordinary
    text has a few such words (``mp3``, ``2nd``), which a digit-to-letter reading would
    only garble."""
    if not text.isascii():
        words = text.split()
        mixed = sum(1 for w in words if _LEET_SIGN.search(w) is not None)
        return mixed >= 3 and mixed * 5 >= len(words)
    # ASCII: byte-table passes, not a regex per word (175 of them in 1 KB of prose)
    classes = text.encode("ascii").translate(_LEET_CLASSES)
    if b"a0" not in classes and b"0a" not in classes:
        return False
    # each word holding a sign keeps a "#" and nothing else: the words left are the mixed ones
    marks = classes.replace(b"a0", b"#").replace(b"0a", b"#").translate(None, b"a0.")
    mixed = len(marks.split())
    return mixed >= 3 and mixed * 5 >= len(classes.split())


def _finding(reading: Reading, action: Verdict, levels: Levels, kind: str, text: str) -> Finding:
    parts = []
    if reading.frames:
        parts.append("frame " + ", ".join(i.split(".", 1)[1] for i in reading.frames))
    if reading.suspend_ids:
        parts.append("rules switched off")
    if reading.realism:
        parts.append("real-world detail demanded")
    if reading.harm or reading.weak:
        parts.append("harm " + ", ".join(i.split(".", 1)[1] for i in reading.harm + reading.weak))
    return Finding(
        rule=RULE,
        category="jailbreak",
        severity=_SEVERITY[action],
        message=f"jailbreak score {reading.score:.2f} for a {kind}: " + "; ".join(parts),
        confidence=reading.score,
        span=None,
        evidence=_mask(text, reading.span),
        action=action,
        stage="detectors",
        details={
            "layer": "framed_requests",
            "frames": list(reading.frames),
            "suspend": list(reading.suspend_ids),
            "realism": reading.realism,
            "harm": list(reading.harm),
            "weak": list(reading.weak),
            "discussion": reading.discussion,
            "scores": {"score": reading.score},
            "thresholds": {"warn": levels.warn, "review": levels.review, "block": levels.block},
            "kind": kind,
        },
    )


def _mask(text: str, span: tuple[int, int] | None) -> str | None:
    """The matched harm words, masked: first two letters of each word kept."""
    if span is None:
        return None
    words = text[span[0] : span[1]][:60].split()[:8]
    return " ".join(w[:2] + "*" * min(len(w) - 2, 6) if len(w) > 2 else w for w in words)


def build(policy: Policy, services: Services) -> FramedRequestDetector | None:
    """The detector for this policy, or ``None`` where ``detectors.framed_requests`` is off."""
    section = policy.document.detectors
    if not section.framed_requests.enabled:
        return None
    return FramedRequestDetector(section)
