"""The versioned audit record schema and its mandatory masking.

A record never holds raw input: it keeps a keyed digest (HMAC-SHA256 with the configured
key) of the event's text and arguments, so a later copy of the same input can be matched
without the log revealing it. Finding evidence, messages, the session id, the tool name,
argument names and the optional replayable event payload (``audit.store_events``) pass
through :class:`Masker` first: the detectors' spans (in the text, and in each argument by
its ``arg_path``), the secrets detector's rule table and the built-in patterns. If masking
fails, the caller gets :class:`MaskingError` and must drop the record (and count it), never
write it unmasked.

Schema version 1 (``"v": 1``), a ``decision`` record::

    {"v", "type": "decision", "id", "ts", "subject": {tenant, agent, role, session, user},
     "kind", "tool", "input": {"digest", "key_id", "text_len", "arg_keys"},
     "verdict", "risk", "score", "findings": [{rule, category, severity, confidence,
     action?, hard?, stage?, message, evidence?}], "action": {type, risk, destructive,
     outbound}?, "policy", "stages": [{stage, outcome, detail}], "latency_us",
     "source"?, "event": {"text", "args"}?}

``source`` names the integration that saw the event (``mcp:files`` for the MCP gateway in
front of server ``files``), from the reserved event metadata key ``aimds.source``.

Other types (``approval.requested``, ``approval.resolved``, ``quarantine``...) share
``v, type, id, ts, subject`` and carry their fields under ``data`` (plus ``verdict`` and
``rules`` when given).

Every body leads with ``"_index": [tenant, ts_us, type, id, agent, verdict, rules]``:
the store's index columns (``ts_us`` is the time in integer microseconds; see
:func:`index_columns` for how they follow from the body), so ``audit verify`` proves
that the columns queries filter on were not edited without parsing each body.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aimds.audit.chain import canonical_json
from aimds.policy.fields import compile_regex
from aimds.types import (
    Evaluation,
    Finding,
    Subject,
)

__all__ = [
    "RECORD_VERSION",
    "InputDigester",
    "Masker",
    "MaskingError",
    "PendingRecord",
    "RecordBuilder",
    "decision_job",
    "decision_record",
    "event_record",
    "index_columns",
    "index_prefix",
    "joined_rules",
    "loads_body",
]

RECORD_VERSION = 1
_MAX_DEPTH = 8
_MAX_ITEMS = 200
_MAX_TEXT = 64 * 1024

# Built-in masks, applied after the spans the detectors found. Conservative on purpose:
# a record is better over-masked than leaking. They run as one RE2 alternation, and only
# when the cheap trigger below (stdlib ``re``, bounded, no nested repeats) says one of them
# could match: every built-in pattern needs one of these substrings or ten digits.
_BUILTIN_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "private_key",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
    ),
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    ("jwt", r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}"),
    ("aws_key", r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
    ("github_token", r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),
    ("api_key", r"\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9_-]{16,}\b"),
    ("slack_token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    ("bearer", r"(?i:bearer)\s+[A-Za-z0-9._~+/=-]{12,}"),
    ("assignment", r"(?i:password|passwd|pwd|secret|token|api[_-]?key)\s*[:=]\s*\S+"),
    ("card", r"\b\d(?:[ -]?\d){12,18}\b"),
    # bounded by non-word characters: a digit run inside a hex id or digest is no phone
    ("phone", r"\+?\(?\b\d(?:[ ().-]{0,2}\d){9,14}\b"),
)
_TRIGGER = re.compile(
    r"@|-----BEGIN|eyJ|AKIA|ASIA|gh[pousr]_|[spr]k[-_]|xox|[:=]|(?i:bearer)|(?:\d\D{0,3}){9}\d"
)
_COMBINED = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _BUILTIN_PATTERNS)
_CACHE_MAX_LEN = 256


class MaskingError(Exception):
    """Masking failed; the record must be dropped, never written unmasked."""


class Masker:
    """Masks text and argument values: detector spans, built-in and configured patterns,
    and every value under a sensitive key. Immutable and thread-safe once built."""

    __slots__ = ("_builtin", "_custom", "_scan", "_sensitive", "_short")

    def __init__(
        self,
        *,
        patterns: Sequence[str] = (),
        sensitive_keys: Sequence[str] = (),
        scanner: Scanner | None = None,
    ) -> None:
        self._builtin = compile_regex(_COMBINED)
        self._custom = tuple(compile_regex(p) for p in patterns)
        self._sensitive = tuple(k.lower() for k in sensitive_keys)
        # The secret detector's own rule table (vendor formats and assignments), so a
        # credential the guard recognises is masked here too, wherever it turns up.
        self._scan = scanner if scanner is not None else secret_scanner()
        # Short strings (messages, evidence, stage details) repeat a lot; the cache is
        # per masker, bounded, and only ever holds already-masked output for them.
        self._short = functools.lru_cache(maxsize=4096)(self._patterns_applied)

    def _patterns_applied(self, text: str) -> str:
        hits = self._scan(text)
        if hits:
            text = _replaced(text, hits)
        if _TRIGGER.search(text):
            text = self._builtin.sub(_label, text)
        for i, rx in enumerate(self._custom):
            text = rx.sub(f"[MASKED:custom{i}]", text)
        return text

    def text(self, text: str, findings: Sequence[Finding] = ()) -> str:
        """``text`` with every detector span and pattern match replaced by a label."""
        if not isinstance(text, str):
            raise MaskingError("masking expects text")
        if not findings and len(text) <= _CACHE_MAX_LEN:
            return self._short(text)
        if len(text) > _MAX_TEXT:
            text = text[:_MAX_TEXT]
        # Spans of findings in an argument (``details["arg_path"]``) point into that
        # argument's value, not into the text: :meth:`args` applies those.
        spans = [
            (f.span[0], f.span[1], f.category)
            for f in findings
            if f.span is not None and f.span[0] < f.span[1] and "arg_path" not in f.details
        ]
        if spans:
            text = _replaced(text, spans)
        if len(text) <= _CACHE_MAX_LEN:
            return self._short(text)
        return self._patterns_applied(text)

    def value(self, value: Any, *, _depth: int = 0) -> Any:
        """A JSON-ready, masked copy of an argument value (bounded depth and size)."""
        return self._value(value, _depth, "", None)

    def args(self, args: Any, findings: Sequence[Finding] = ()) -> Any:
        """:meth:`value` of a tool call's arguments, with the spans the detectors found in
        each argument (``details["arg_path"]``, ``headers.authorization``, ``items.0``)
        masked first; an argument a finding names without a span is masked whole."""
        by_path: dict[str, list[Finding]] = {}
        for f in findings:
            path = f.details.get("arg_path") if f.details else None
            if isinstance(path, str):
                by_path.setdefault(path, []).append(f)
        return self._value(args, 0, "", by_path or None)

    def _value(
        self, value: Any, depth: int, path: str, by_path: dict[str, list[Finding]] | None
    ) -> Any:
        if depth > _MAX_DEPTH:
            return "[TRUNCATED]"
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, str):
            found = by_path.get(path) if by_path is not None else None
            if found:
                spans = [(f.span[0], f.span[1], f.category) for f in found if f.span is not None]
                if len(spans) < len(found):
                    return f"[MASKED:{found[0].category}]"
                return self.text(_replaced(value, spans))
            return self.text(value)
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for i, (k, v) in enumerate(value.items()):
                if i >= _MAX_ITEMS:
                    out["..."] = "[TRUNCATED]"
                    break
                key = self.text(str(k))
                sub = f"{path}.{k}" if path else str(k)
                out[key] = (
                    "[MASKED]" if self.sensitive(key) else self._value(v, depth + 1, sub, by_path)
                )
            return out
        if isinstance(value, list | tuple | set | frozenset):
            return [
                self._value(v, depth + 1, f"{path}.{i}" if path else str(i), by_path)
                for i, v in enumerate(list(value)[:_MAX_ITEMS])
            ]
        return f"<{type(value).__name__}>"

    def sensitive(self, key: str) -> bool:
        low = key.lower()
        return any(s in low for s in self._sensitive)


def _label(match: Any) -> str:
    return f"[MASKED:{match.lastgroup or 'secret'}]"


Scanner = Callable[[str], Sequence[tuple[int, int, str]]]
"""Finds what to mask in a string: ``(start, end, label)`` spans."""


def _replaced(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """``text`` with each span replaced by ``[MASKED:label]`` (overlaps merged)."""
    out: list[str] = []
    pos = 0
    for start, end, label in sorted(spans):
        start = max(start, pos)
        if start >= len(text) or end <= start:
            continue
        out.append(text[pos:start])
        out.append(f"[MASKED:{label}]")
        pos = min(end, len(text))
    out.append(text[pos:])
    return "".join(out)


def _no_scan(text: str) -> Sequence[tuple[int, int, str]]:
    return ()


@functools.cache
def secret_scanner() -> Scanner:
    """The secrets detector's built-in rule table as a :data:`Scanner` (built once).

    Imported lazily: the audit log works without the detectors (a store-only reader),
    it then masks with its built-in patterns alone.
    """
    try:
        from aimds.detectors.secrets import SecretsDetector
        from aimds.detectors.sensitive_secret_rules import BUILTIN_RULES, compile_rules
        from aimds.policy.sections.sensitive import SensitiveSection
    except ImportError:  # pragma: no cover - a partial install
        return _no_scan
    detector = SecretsDetector(SensitiveSection(), compile_rules(BUILTIN_RULES))

    def scan(text: str) -> Sequence[tuple[int, int, str]]:
        return [(h.start, h.end, h.kind) for h in detector.scan(text)]

    return scan


class InputDigester:
    """A keyed digest (HMAC-SHA256) of an event's input, so equal inputs can be matched
    later.

    The digest is standard HMAC-SHA256 (RFC 2104), computed from the two padded-key
    SHA-256 states precomputed once: copying two plain hash states is about twice as fast
    as copying an OpenSSL HMAC context, and this runs once per record on the writer thread.
    """

    __slots__ = ("_inner", "_outer", "key_id")

    def __init__(self, key: bytes, *, key_id: str | None = None) -> None:
        block = hashlib.sha256().block_size
        padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
        self.key_id = key_id or hashlib.sha256(b"aimds-digest-key\n" + key).hexdigest()[:16]

    def digest(self, *, kind: str, tool: str | None, text: str, args: Any) -> str:
        payload = f"{kind}\x00{tool or ''}\x00{text}"
        if args:
            payload += "\x00" + json.dumps(args, sort_keys=True, ensure_ascii=False, default=repr)
        inner = self._inner.copy()
        inner.update(payload.encode("utf-8", "replace"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


@dataclass(slots=True, kw_only=True)
class PendingRecord:
    """A masked record ready for the chain: canonical ``body`` plus index columns.

    Every index column is a function of the body (:func:`index_columns`), so verification
    can prove that the columns the query filters use were not edited after the fact.
    An internal message from the builder to the store, built once per record on the
    writer thread and never changed: not frozen, because frozen construction costs
    about twice as much and this is the hottest allocation of the write path.
    """

    chain: str
    ts: float
    type: str
    decision_id: str
    agent: str
    verdict: str
    rules: str
    body: str


def _orjson_dumps() -> Callable[[Any], str] | None:
    try:
        import orjson
    except ImportError:
        return None
    opts = orjson.OPT_SORT_KEYS
    raw = orjson.dumps

    def dumps(value: Any) -> str:
        out: str = raw(value, option=opts).decode("utf-8")
        return out

    return dumps


def _orjson_loads() -> Callable[[str | bytes], Any]:
    try:
        import orjson
    except ImportError:
        return json.loads
    loads: Callable[[str | bytes], Any] = orjson.loads
    return loads


# The body is stored and hashed exactly as serialised, so the serialiser only has to be
# deterministic for one process; orjson (when installed) is several times faster. Both
# write str-valued enums (Verdict, Severity...) as their value, so records carry the
# members themselves instead of paying for ``.value`` lookups.
_dumps: Callable[[Any], str] = _orjson_dumps() or canonical_json
loads_body: Callable[[str | bytes], Any] = _orjson_loads()


def joined_rules(rules: Sequence[str]) -> str:
    """The ``rules`` index column: ids space-separated and space-framed (`` a b ``), so a
    query for one id is a substring test that never matches a longer id."""
    joined = " ".join(dict.fromkeys(rules))
    return f" {joined} " if joined else ""


def index_columns(body: Mapping[str, Any]) -> tuple[str, float, str, str, str, str, str]:
    """``(chain, ts, type, decision_id, agent, verdict, rules)`` as the body implies them.

    The store keeps these as columns for filtering; verification recomputes them from the
    hashed body, so an edited column is caught like an edited body.
    """
    subject = body.get("subject") or {}
    if body.get("type") == "decision":
        rules = [str(f.get("rule", "")) for f in body.get("findings") or ()]
    else:
        rules = [str(r) for r in body.get("rules") or ()]
    return (
        str(subject.get("tenant", "")),
        float(body.get("ts", 0.0)),
        str(body.get("type", "")),
        str(body.get("id", "")),
        str(subject.get("agent", "")),
        str(body.get("verdict", "")),
        joined_rules(rules),
    )


def index_prefix(columns: Sequence[Any]) -> bytes:
    """How a body written by this module starts, given its index columns.

    Bodies lead with an ``_index`` member (``_`` sorts before every other key) repeating
    the columns, the time in integer microseconds so a database renders it exactly as
    Python does. Verification proves the columns with this prefix (compared inside the
    database, see ``scan``) instead of parsing every body; a body without it (older
    records, a serialiser escaping differently) is parsed and checked with
    :func:`index_columns` instead.
    """
    chain, ts, *rest = columns
    return b'{"_index":' + _dumps([chain, round(ts * 1e6), *rest]).encode() + b","


def _subject(subject: Subject, masker: Masker) -> dict[str, Any]:
    return {
        "tenant": subject.tenant,
        "agent": subject.agent,
        "role": subject.role,
        "session": masker.text(subject.session),
        "user": masker.text(subject.user) if subject.user is not None else None,
    }


class RecordBuilder:
    """Builds masked decision records; runs on the audit writer thread.

    What is the same for every record (digest key and id, masker, serialiser) is bound
    once, into the closure :attr:`from_job`; per record it builds one dict and serialises
    it in one call, in one Python frame (the writer's GIL time per record is what a busy
    guard thread competes with).
    """

    __slots__ = ("_masker", "from_job")

    def __init__(
        self, *, masker: Masker, digester: InputDigester, store_event: bool = False
    ) -> None:
        self._masker = masker
        self.from_job: Callable[[Sequence[Any]], PendingRecord] = _job_builder(
            masker, digester, store_event
        )
        """The record of a job :func:`decision_job` made (the audit writer calls it on its
        thread). Raises :class:`MaskingError`."""

    def decision(
        self, ev: Evaluation, decision_id: str, policy: str, latency_us: float
    ) -> PendingRecord:
        """The masked record of one finished evaluation. Raises :class:`MaskingError`."""
        return self.from_job(decision_job(ev, decision_id, policy, latency_us))


def decision_job(
    ev: Evaluation, decision_id: str, policy: str, latency_us: float
) -> tuple[Any, ...]:
    """What the writer thread needs to build the record of ``ev``: ``(kind, subject, text,
    tool, args, meta, ts, findings, statuses, action, verdict, risk, score, decision_id,
    policy, latency_us)``; empty collections as ``()`` or ``None``.

    It holds the event's parts rather than the event, no empty dict or list, and a zero
    score as the shared constant: a job lives in the queue until the writer takes it, and
    every object it keeps alive there is memory the deciding thread cannot reuse while it
    is still hot in its cache (a good part of what auditing costs a decision). The record
    stage queues this same tuple inline (``aimds.audit.stage``); a test holds the two equal.
    """
    event = ev.event
    return (
        event.kind, event.subject, event.text, event.tool, ev.args or None,
        event.meta or None, ev.ts, ev.findings or (), ev.statuses or (), ev.action,
        ev.verdict, ev.risk, ev.score or 0.0, decision_id, policy, latency_us,
    )


def _job_builder(
    masker: Masker, digester: InputDigester, store_event: bool
) -> Callable[[Sequence[Any]], PendingRecord]:
    mask = masker.text
    key_id = digester.key_id
    inner0 = digester._inner
    outer0 = digester._outer
    dumps = _dumps
    version = RECORD_VERSION
    max_items = _MAX_ITEMS
    record = PendingRecord

    def from_job(job: Sequence[Any]) -> PendingRecord:
        try:
            (kind, subject, text, tool, args, meta, ts, found, statuses, action, verdict_, risk,
             score, decision_id, policy, latency_us) = job
            tenant = subject.tenant
            agent = subject.agent
            user = subject.user
            # Whole microseconds. ``round(x * 1e6) / 1e6`` rather than ``round(x, 6)``,
            # which formats the float through decimal and costs ten times as much; the
            # two differ only on a half-microsecond tie, and the index columns and the
            # ``_index`` prefix are computed from this same value either way.
            ts = round(ts * 1e6) / 1e6
            verdict: str = verdict_._value_  # the plain attribute; ``.value`` is a property
            # The input digest: HMAC-SHA256 as :meth:`InputDigester.digest`, inlined.
            payload = f"{kind._value_}\x00{tool or ''}\x00{text}"
            if args:
                payload += "\x00" + json.dumps(
                    args, sort_keys=True, ensure_ascii=False, default=repr
                )
            inner = inner0.copy()
            inner.update(payload.encode("utf-8", "replace"))
            outer = outer0.copy()
            outer.update(inner.digest())
            if found:
                findings, joined = _findings(found, mask)
            else:
                findings, joined = [], ""
            body: dict[str, Any] = {
                "_index": [tenant, round(ts * 1e6), "decision", decision_id, agent, verdict,
                           joined],
                "v": version,
                "type": "decision",
                "id": decision_id,
                "ts": ts,
                "subject": {
                    "tenant": tenant,
                    "agent": agent,
                    "role": subject.role,
                    "session": mask(subject.session),
                    "user": None if user is None else mask(user),
                },
                "kind": kind,
                "tool": None if tool is None else mask(tool),
                "input": {
                    "digest": outer.hexdigest(),
                    "key_id": key_id,
                    "text_len": len(text),
                    "arg_keys": sorted([mask(str(k)) for k in args])[:max_items] if args else [],
                },
                "verdict": verdict_,
                "risk": risk,
                "score": score,
                "findings": findings,
                "policy": policy,
                "stages": [
                    {"stage": s.stage, "outcome": s.outcome, "detail": mask(s.detail)}
                    for s in statuses
                ] if statuses else [],
                "latency_us": _rounded(latency_us, 10.0),
            }
            if meta and "aimds.source" in meta:  # the integration that saw the event
                body["source"] = mask(str(meta["aimds.source"])[:200])
            if action is not None:
                body["action"] = {
                    "type": action.type,
                    "risk": action.risk,
                    "destructive": action.destructive,
                    "outbound": action.outbound,
                }
            if store_event:
                body["event"] = {
                    "text": masker.text(text, found),
                    "args": masker.args(args or {}, found),
                    "meta": masker.value(meta or {}),
                }
            return record(
                chain=tenant, ts=ts, type="decision", decision_id=decision_id, agent=agent,
                verdict=verdict, rules=joined, body=dumps(body),
            )
        except MaskingError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure while masking means "do not write"
            raise MaskingError(f"building the record failed: {type(exc).__name__}") from None

    return from_job


def _rounded(x: float, scale: float) -> float:
    """``x`` to ``1 / scale`` (the value ``round(x, digits)`` gives but on a tie, at a tenth
    of its cost); NaN and infinities pass through unchanged, as with ``round``."""
    try:
        return round(x * scale) / scale
    except (ValueError, OverflowError):
        return x


def _findings(
    found: Sequence[Finding], mask: Callable[[str], str]
) -> tuple[list[dict[str, Any]], str]:
    """The masked findings of a record and its ``rules`` index column."""
    findings: list[dict[str, Any]] = []
    rules: list[str] = []
    for f in found:
        item: dict[str, Any] = {
            "rule": f.rule,
            "category": f.category,
            "severity": f.severity,
            "confidence": _rounded(f.confidence, 1e4),
            "message": mask(f.message),
        }
        if f.action is not None:
            item["action"] = f.action
        if f.hard:
            item["hard"] = True
        if f.stage:
            item["stage"] = f.stage
        if f.evidence is not None:
            item["evidence"] = mask(f.evidence)
        findings.append(item)
        rules.append(f.rule)
    return findings, joined_rules(rules)


def decision_record(
    ev: Evaluation,
    *,
    decision_id: str,
    policy: str,
    latency_us: float,
    masker: Masker,
    digester: InputDigester,
    store_event: bool = False,
) -> PendingRecord:
    """The masked record of one finished evaluation. Raises :class:`MaskingError`."""
    builder = RecordBuilder(masker=masker, digester=digester, store_event=store_event)
    return builder.decision(ev, decision_id, policy, latency_us)


def event_record(
    type_: str,
    *,
    record_id: str,
    subject: Subject,
    data: Mapping[str, Any],
    masker: Masker,
    ts: float | None = None,
    verdict: str = "",
    rules: Sequence[str] = (),
) -> PendingRecord:
    """A non-decision record (approval transitions, quarantine...); ``data`` is masked.

    ``verdict`` and ``rules`` go into the body too (when given), so the index columns
    stay provable from the hashed body."""
    try:
        when = round(time.time() if ts is None else ts, 6)
        joined = joined_rules(rules)
        body: dict[str, Any] = {
            "_index": [subject.tenant, round(when * 1e6), type_, record_id, subject.agent,
                       verdict, joined],
            "v": RECORD_VERSION,
            "type": type_,
            "id": record_id,
            "ts": when,
            "subject": _subject(subject, masker),
            "data": masker.value(dict(data)),
        }
        if verdict:
            body["verdict"] = verdict
        if rules:
            body["rules"] = list(rules)
        return PendingRecord(
            chain=subject.tenant,
            ts=when,
            type=type_,
            decision_id=record_id,
            agent=subject.agent,
            verdict=verdict,
            rules=joined,
            body=_dumps(body),
        )
    except MaskingError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise MaskingError(f"building the record failed: {type(exc).__name__}") from None
