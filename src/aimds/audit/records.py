"""The versioned audit record schema and its mandatory masking.

A record never holds raw input: it keeps a keyed digest (HMAC-SHA256 with the configured
key) of the event's text and arguments, so a later copy of the same input can be matched
without the log revealing it. Finding evidence, messages and the optional replayable event
payload (``audit.store_events``) pass through :class:`Masker` first; if masking fails, the
caller gets :class:`MaskingError` and must drop the record (and count it), never write it
unmasked.

Schema version 1 (``"v": 1``), a ``decision`` record::

    {"v", "type": "decision", "id", "ts", "subject": {tenant, agent, role, session, user},
     "kind", "tool", "input": {"digest", "key_id", "text_len", "arg_keys"},
     "verdict", "risk", "score", "findings": [{rule, category, severity, confidence,
     action?, hard?, stage?, message, evidence?}], "action": {type, risk, destructive,
     outbound}?, "policy", "stages": [{stage, outcome, detail}], "latency_us",
     "event": {"text", "args"}?}

Other types (``approval.requested``, ``approval.resolved``, ``quarantine``...) share
``v, type, id, ts, subject`` and carry their fields under ``data``.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aimds.audit.chain import canonical_json
from aimds.policy.fields import compile_regex
from aimds.types import Evaluation, Finding, Subject

__all__ = [
    "RECORD_VERSION",
    "InputDigester",
    "Masker",
    "MaskingError",
    "PendingRecord",
    "decision_record",
    "event_record",
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
    ("phone", r"\+?\(?\d(?:[ ().-]{0,2}\d){9,14}"),
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

    __slots__ = ("_builtin", "_custom", "_sensitive", "_short")

    def __init__(
        self, *, patterns: Sequence[str] = (), sensitive_keys: Sequence[str] = ()
    ) -> None:
        self._builtin = compile_regex(_COMBINED)
        self._custom = tuple(compile_regex(p) for p in patterns)
        self._sensitive = tuple(k.lower() for k in sensitive_keys)
        # Short strings (messages, evidence, stage details) repeat a lot; the cache is
        # per masker, bounded, and only ever holds already-masked output for them.
        self._short = functools.lru_cache(maxsize=4096)(self._patterns_applied)

    def _patterns_applied(self, text: str) -> str:
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
        spans = sorted(
            (f.span, f.category) for f in findings if f.span is not None and f.span[0] < f.span[1]
        )
        if spans:
            out: list[str] = []
            pos = 0
            for (start, end), category in spans:
                start = max(start, pos)
                if start >= len(text) or end <= start:
                    continue
                out.append(text[pos:start])
                out.append(f"[MASKED:{category}]")
                pos = min(end, len(text))
            out.append(text[pos:])
            text = "".join(out)
        if len(text) <= _CACHE_MAX_LEN:
            return self._short(text)
        return self._patterns_applied(text)

    def value(self, value: Any, *, _depth: int = 0) -> Any:
        """A JSON-ready, masked copy of an argument value (bounded depth and size)."""
        if _depth > _MAX_DEPTH:
            return "[TRUNCATED]"
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for i, (k, v) in enumerate(value.items()):
                if i >= _MAX_ITEMS:
                    out["..."] = "[TRUNCATED]"
                    break
                key = self.text(str(k))
                out[key] = "[MASKED]" if self.sensitive(key) else self.value(v, _depth=_depth + 1)
            return out
        if isinstance(value, list | tuple | set | frozenset):
            return [self.value(v, _depth=_depth + 1) for v in list(value)[:_MAX_ITEMS]]
        return f"<{type(value).__name__}>"

    def sensitive(self, key: str) -> bool:
        low = key.lower()
        return any(s in low for s in self._sensitive)


def _label(match: Any) -> str:
    return f"[MASKED:{match.lastgroup or 'secret'}]"


class InputDigester:
    """A keyed digest of an event's input, so equal inputs can be matched later."""

    __slots__ = ("_key", "key_id")

    def __init__(self, key: bytes, *, key_id: str | None = None) -> None:
        self._key = key
        self.key_id = key_id or hashlib.sha256(b"aimds-digest-key\n" + key).hexdigest()[:16]

    def digest(self, *, kind: str, tool: str | None, text: str, args: Any) -> str:
        parts = [kind, tool or "", text]
        if args:
            parts.append(json.dumps(args, sort_keys=True, ensure_ascii=False, default=repr))
        payload = "\x00".join(parts).encode("utf-8", "replace")
        return hmac.digest(self._key, payload, "sha256").hex()


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingRecord:
    """A masked record ready for the chain: canonical ``body`` plus index columns."""

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

    def dumps(value: Any) -> str:
        out: str = orjson.dumps(value, option=opts).decode("utf-8")
        return out

    return dumps


# The body is stored and hashed exactly as serialised, so the serialiser only has to be
# deterministic for one process; orjson (when installed) is several times faster.
_dumps: Callable[[Any], str] = _orjson_dumps() or canonical_json


def _subject(subject: Subject, masker: Masker) -> dict[str, Any]:
    return {
        "tenant": subject.tenant,
        "agent": subject.agent,
        "role": subject.role,
        "session": subject.session,
        "user": masker.text(subject.user) if subject.user is not None else None,
    }


def _finding(f: Finding, masker: Masker) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": f.rule,
        "category": f.category,
        "severity": f.severity.value,
        "confidence": round(f.confidence, 4),
        "message": masker.text(f.message),
    }
    if f.action is not None:
        out["action"] = f.action.value
    if f.hard:
        out["hard"] = True
    if f.stage:
        out["stage"] = f.stage
    if f.evidence is not None:
        out["evidence"] = masker.text(f.evidence)
    return out


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
    try:
        event = ev.event
        subject = event.subject
        kind = event.kind.value
        body: dict[str, Any] = {
            "v": RECORD_VERSION,
            "type": "decision",
            "id": decision_id,
            "ts": round(ev.ts, 6),
            "subject": _subject(subject, masker),
            "kind": kind,
            "tool": event.tool,
            "input": {
                "digest": digester.digest(
                    kind=kind, tool=event.tool, text=event.text, args=ev.args
                ),
                "key_id": digester.key_id,
                "text_len": len(event.text),
                "arg_keys": sorted(str(k) for k in ev.args)[:_MAX_ITEMS],
            },
            "verdict": ev.verdict.value,
            "risk": ev.risk.value,
            "score": ev.score,
            "findings": [_finding(f, masker) for f in ev.findings],
            "policy": policy,
            "stages": [
                {"stage": s.stage, "outcome": s.outcome.value, "detail": masker.text(s.detail)}
                for s in ev.statuses
            ],
            "latency_us": round(latency_us, 1),
        }
        if ev.action is not None:
            body["action"] = {
                "type": ev.action.type,
                "risk": ev.action.risk.value,
                "destructive": ev.action.destructive,
                "outbound": ev.action.outbound,
            }
        if store_event:
            body["event"] = {
                "text": masker.text(event.text, ev.findings),
                "args": masker.value(ev.args),
                "meta": masker.value(event.meta),
            }
        rules = " ".join(dict.fromkeys(f.rule for f in ev.findings))
        return PendingRecord(
            chain=subject.tenant,
            ts=ev.ts,
            type="decision",
            decision_id=decision_id,
            agent=subject.agent,
            verdict=ev.verdict.value,
            rules=f" {rules} " if rules else "",
            body=_dumps(body),
        )
    except MaskingError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure while masking means "do not write"
        raise MaskingError(f"building the record failed: {type(exc).__name__}") from None


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
    """A non-decision record (approval transitions, quarantine...); ``data`` is masked."""
    try:
        when = time.time() if ts is None else ts
        body = {
            "v": RECORD_VERSION,
            "type": type_,
            "id": record_id,
            "ts": round(when, 6),
            "subject": _subject(subject, masker),
            "data": masker.value(dict(data)),
        }
        joined = " ".join(rules)
        return PendingRecord(
            chain=subject.tenant,
            ts=when,
            type=type_,
            decision_id=record_id,
            agent=subject.agent,
            verdict=verdict,
            rules=f" {joined} " if joined else "",
            body=canonical_json(body),
        )
    except MaskingError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise MaskingError(f"building the record failed: {type(exc).__name__}") from None
