"""Effect checks (``injection.effect``): did a suspicious instruction in data take effect?

When a tool result (or agent message) carries an injection finding at ``min_verdict`` or
above, the sentences holding the instruction (:func:`~aimds.behavior.planted.planted_pieces`)
are read for the values they introduce and the reply language or encoding they ask for.
Values that also appear elsewhere in the same result belong to the carrier and are left out;
the others are kept as salted fingerprints (the data-flow :class:`Fingerprinter`), never in
clear. The session's later completions and tool calls are then checked for:

* ``tool_call``: an argument carries an introduced value (a recipient, URL, command);
* ``completion``: the reply repeats an introduced URL, host, address, phone number, code
  snippet or distinctive token;
* ``language``: the reply is in the language the instruction asked for, which the user
  neither wrote in nor asked for;
* ``encoding``: the reply carries encoded text (base64, base32, hex, ROT13) the user did not
  ask for.

State, per session (or agent, by ``behavior.scope``), in the behaviour store so memory and
Redis backends share it: hash ``fxm`` (instruction count ``n``, requested ``lang``/``enc``,
the user's own ``ulang``/``ureq``/``uenc``) and two generations ``fxv0``/``fxv1`` of
fingerprint -> ``"{event index}|{kind}"``. Instruction ``n`` writes generation
``(n - 1) // max_results % 2``, clearing it first when it starts over, so at most
``2 * max_results`` instructions' values are kept; everything expires after ``window``.

Checking a completion or call costs one hash read in the event's batch; only in a session
that holds an instruction does it read the text and cost a second round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from aimds.behavior.batch import Batch, Ctx
from aimds.behavior.dataflow import Fingerprinter, outbound_tokens
from aimds.behavior.findings import finding
from aimds.behavior.planted import (
    arg_values,
    blobs,
    guess_language,
    planted_pieces,
    requests,
    values,
)
from aimds.behavior.store import Delete, HashGet, HashPutIf, Incr, Op, Result
from aimds.policy.sections.behavior import Effects as EffectsSettings
from aimds.types import EventKind, Finding, Severity, Verdict

__all__ = ["RULE", "Effects", "FollowUp"]

RULE = "injection.effect"
_META_FIELDS = ("n", "lang", "enc", "ulang", "ureq", "uenc")
_N, _LANG, _ENC, _ULANG, _UREQ, _UENC = range(len(_META_FIELDS))
_DATA_KINDS = frozenset({EventKind.TOOL_RESULT, EventKind.MESSAGE, EventKind.MEMORY_READ})
_CHECKED_KINDS = frozenset({EventKind.COMPLETION, EventKind.TOOL_CALL})
_MAX_CANDIDATES = 1024
_PROMPT_LANG_SCAN = 240  # a prompt's language shows in its first sentence
_ENCODINGS = ("base64", "url", "hex")
# the order in which a finding names the kinds of values repeated: most telling first
_VALUE_KINDS = ("email", "url", "phone", "code", "host", "token")


@dataclass(slots=True, init=False)
class FollowUp:
    """A second, smaller round trip: ``ops`` to run, then ``judge`` on their results."""

    ops: list[Op]
    judge: Callable[[list[Result]], Finding | None]

    def __init__(self, ops: list[Op], judge: Callable[[list[Result]], Finding | None]) -> None:
        self.ops = ops
        self.judge = judge


@dataclass(slots=True, init=False)
class _Pending:
    """What :meth:`Effects.plan` queued in the event's batch, for :meth:`Effects.follow`."""

    at: int
    mapping: dict[str, str] | None = None  # a recorded instruction's values, else a check

    def __init__(self, at: int, mapping: dict[str, str] | None = None) -> None:
        self.at = at
        self.mapping = mapping


class Effects:
    """Plans the effect checks' store ops for one event and judges their results."""

    def __init__(self, cfg: EffectsSettings, fingerprint: Fingerprinter) -> None:
        self._cfg = cfg
        self._fp = fingerprint
        self._ttl = cfg.window

    def wants(self, kind: EventKind) -> bool:
        """True where events of ``kind`` take part: data that may carry an instruction, the
        user's prompts (what they asked for), and the completions and calls checked."""
        return kind in _DATA_KINDS or kind in _CHECKED_KINDS or kind is EventKind.PROMPT

    def plan(self, c: Ctx, b: Batch) -> _Pending | None:
        kind = c.ev.event.kind
        meta = c.keys.scoped("fxm")
        if kind in _CHECKED_KINDS:
            return _Pending(b.add(HashGet(meta, _META_FIELDS)))
        if kind is EventKind.PROMPT:
            self._user(c, b, meta)
            return None
        if kind not in _DATA_KINDS:
            return None
        spans, evidence = self._suspicious(c)
        if not spans and not evidence:
            return None
        text = c.ev.event.text
        planted, rest = planted_pieces(text, spans, evidence)
        language, encoding = requests(planted)
        asked = {k: v for k, v in (("lang", language), ("enc", encoding)) if v is not None}
        if asked:
            b.add(HashPutIf(meta, asked, self._ttl))
        carrier = {value for _, value in values(rest)}
        mapping: dict[str, str] = {}
        for value_kind, value in values(planted):
            if len(mapping) >= self._cfg.max_values:
                break
            if value not in carrier:
                mapping.setdefault(self._fp(value), value_kind)
        return _Pending(b.add(Incr(meta, 1, "n", self._ttl)), mapping)

    def follow(self, pending: _Pending, c: Ctx, results: list[Result]) -> FollowUp | None:
        """The second step: store a recorded instruction's values, or check the event
        against those of the session's instructions."""
        if pending.mapping is not None:
            return self._store(pending.mapping, c, int(results[pending.at]))  # type: ignore[call-overload]
        meta = results[pending.at]
        if not isinstance(meta, tuple) or meta[_N] is None:
            return None  # no suspicious instruction in this session
        found = dict(self._candidates(c))
        fields = tuple(found)
        ops: list[Op] = []
        if fields:
            ops = [HashGet(c.keys.scoped(f"fxv{g}"), fields) for g in (0, 1)]

        def judge(r: list[Result]) -> Finding | None:
            hits = [str(v) for got in r for v in got if v is not None]  # type: ignore[attr-defined]
            return self._judge(c, meta, hits)

        return FollowUp(ops, judge)

    # -- internals -------------------------------------------------------------------------

    def _suspicious(self, c: Ctx) -> tuple[list[tuple[int, int]], list[str]]:
        """Spans and evidence of the event's injection findings at ``min_verdict`` or above
        (a finding with neither still counts: an empty evidence string stands for it)."""
        spans: list[tuple[int, int]] = []
        evidence: list[str] = []
        floor = self._cfg.min_verdict
        for f in c.ev.findings:
            if f.category != "injection" or f.rule == RULE:
                continue
            verdict = f.action if f.action is not None else _by_severity(f.severity)
            if verdict < floor:
                continue
            if f.span is not None:
                spans.append(f.span)
            evidence.append(f.evidence or "")
        return spans, evidence

    def _user(self, c: Ctx, b: Batch, meta: str) -> None:
        """Remember what the user asked for and wrote in: those are not effects."""
        text = c.ev.event.text
        language, encoding = requests(text)
        written = guess_language(text, _PROMPT_LANG_SCAN)
        mine = {
            k: v
            for k, v in (("ureq", language), ("uenc", encoding), ("ulang", written))
            if v is not None and v != "en"
        }
        if mine:
            b.add(HashPutIf(meta, mine, self._ttl))

    def _store(self, mapping: dict[str, str], c: Ctx, n: int) -> FollowUp | None:
        if not mapping:
            return None
        size = self._cfg.max_results
        key = c.keys.scoped(f"fxv{(n - 1) // size % 2}")
        ops: list[Op] = []
        if n > 1 and (n - 1) % size == 0:
            ops.append(Delete(key))  # this generation starts over
        ops.append(HashPutIf(key, mapping, self._ttl, index_key=c.keys.scoped("n")))
        return FollowUp(ops, lambda _: None)

    def _candidates(self, c: Ctx) -> Iterator[tuple[str, str]]:
        """``(fingerprint, kind)`` of the values the event carries, at most a bound."""
        event = c.ev.event
        if event.kind is EventKind.TOOL_CALL:
            found = arg_values(outbound_tokens(c.ev.args, _ENCODINGS))
        else:
            found = values(event.text)
        seen: set[str] = set()
        for kind, value in found:
            if len(seen) >= _MAX_CANDIDATES:
                return
            if value not in seen:
                seen.add(value)
                yield self._fp(value), kind

    def _judge(self, c: Ctx, meta: tuple[object, ...], hits: list[str]) -> Finding | None:
        cfg, event = self._cfg, c.ev.event
        effects: list[tuple[str, Verdict, Severity, float]] = []
        parsed = [_parse(h) for h in hits]
        kinds = sorted({kind for _, kind in parsed}, key=_rank)
        sources = sorted({i for i, _ in parsed if i is not None})
        if event.kind is EventKind.TOOL_CALL:
            if hits:
                effects.append(("tool_call", cfg.tool_call, Severity.HIGH, 0.9))
        else:
            if hits:
                effects.append(("completion", cfg.completion, Severity.MEDIUM, 0.9))
            effects.extend(self._style(event.text, meta))
        if not effects:
            return None
        names = [e[0] for e in effects]
        message = (
            _SAYS[names[0]]
            + (f" ({', '.join(kinds)})" if kinds else "")
            + (f"; the instruction came in event {sources[0]}" if sources else "")
        )
        return finding(
            RULE,
            message,
            severity=max(e[2] for e in effects),
            action=max(e[1] for e in effects),
            category="injection",
            confidence=max(e[3] for e in effects),
            details={
                "effects": names,
                "values": kinds,
                "source_index": sources[0] if sources else None,
                "event_index": c.index,
            },
        )

    def _style(
        self, text: str, meta: tuple[object, ...]
    ) -> Iterator[tuple[str, Verdict, Severity, float]]:
        """The reply's language and encodings, against what the instruction and the user
        asked for. An encoding the instruction named is surer than any encoded text."""
        cfg = self._cfg
        wanted = meta[_LANG]
        if (
            wanted is not None
            and wanted not in (meta[_ULANG], meta[_UREQ])
            and guess_language(text) == wanted
        ):
            yield "language", cfg.language, Severity.LOW, 0.7
        if meta[_UENC] is not None:
            return  # the user asked for an encoding: encoded text is expected
        found = blobs(text)
        if found:
            yield "encoding", cfg.encoding, Severity.MEDIUM, 0.9 if meta[_ENC] in found else 0.6


def _parse(hit: str) -> tuple[int | None, str]:
    """``(event index, kind)`` of a stored ``"{index}|{kind}"``."""
    index, _, kind = hit.partition("|")
    try:
        return int(index), kind
    except ValueError:
        return None, kind or index


_SAYS = {
    "tool_call": "tool call carries a value only a suspicious instruction in the session's "
    "data introduced",
    "completion": "reply repeats a value only a suspicious instruction in the session's "
    "data introduced",
    "language": "reply switched to the language a suspicious instruction in the session's "
    "data asked for",
    "encoding": "reply carries encoded text nobody but a suspicious instruction in the "
    "session's data asked for",
}


def _rank(kind: str) -> int:
    return _VALUE_KINDS.index(kind) if kind in _VALUE_KINDS else len(_VALUE_KINDS)


def _by_severity(severity: Severity) -> Verdict:
    """Where a detector finding leaves the verdict to the policy: medium and up count."""
    return Verdict.WARN if severity >= Severity.MEDIUM else Verdict.ALLOW
