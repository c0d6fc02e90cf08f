"""What an approver sees of an event: the action in full, with every secret masked.

The approval queue keeps only a keyed digest of the event (see
:mod:`aimds.respond.approvals`), which is no basis for a human decision. The service
therefore keeps, next to each request, an :class:`ActionView`: the tool, the action type and
its resources (recipients, hosts, paths), every argument flattened to ``path = value`` and
an excerpt of the text, after masking:

1. the spans of the decision's own ``secret`` findings (and of PII other than contact
   details, which an approver needs to see: an e-mail recipient, a phone number);
2. every hit of the secrets detector's full built-in rule table (and the active policy's
   custom rules), whatever the policy switched off, public samples included;
3. every value under a sensitive key (``password``, ``token``, ``authorization``...).

Masking happens once, when the view is built; the raw values are never stored or rendered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aimds.detectors.secrets import SecretsDetector
from aimds.detectors.secrets import build as build_secrets
from aimds.detectors.sensitive_secret_rules import BUILTIN_RULES, compile_rules
from aimds.policy.sections.sensitive import SensitiveSection
from aimds.types import Decision, Event, Finding, Services

if TYPE_CHECKING:
    from aimds.policy import Policy

__all__ = ["ActionMasker", "ActionView", "FindingView", "describe"]

_MAX_VALUE = 4000
_MAX_TEXT = 8000
_MAX_ARGS = 200
_MAX_DEPTH = 8
_VISIBLE_PII = frozenset({"email", "phone", "phone_number", "url", "ip_address", "person"})
_SENSITIVE_KEYS = (
    "password", "passwd", "secret", "token", "api_key", "apikey", "authorization", "cookie",
    "private_key", "credential",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingView:
    """A finding as an approver reads it: rule, severity and message (evidence is masked
    by the detector that made it)."""

    rule: str
    category: str
    severity: str
    message: str
    evidence: str | None = None

    @classmethod
    def of(cls, f: Finding, masker: ActionMasker) -> FindingView:
        return cls(
            rule=f.rule, category=f.category, severity=f.severity.value,
            message=masker.text(f.message),
            evidence=masker.text(f.evidence) if f.evidence is not None else None,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionView:
    """The masked, JSON-ready account of one event."""

    kind: str
    tool: str | None = None
    action: str | None = None
    outbound: bool = False
    destructive: bool = False
    resources: tuple[str, ...] = ()
    args: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    truncated: bool = False
    findings: tuple[FindingView, ...] = ()
    masked: int = 0
    """How many values or spans were masked (shown, so an approver knows something was)."""

    def headline(self) -> str:
        """One line for the queue: the first argument that says what happens, else the text."""
        for path, value in self.args:
            return f"{self.tool or self.kind}: {path} = {_clip(value, 160)}"
        if self.text:
            return f"{self.kind}: {_clip(self.text, 160)}"
        return self.tool or self.kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "tool": self.tool, "action": self.action,
            "outbound": self.outbound, "destructive": self.destructive,
            "resources": list(self.resources), "args": [list(a) for a in self.args],
            "text": self.text, "truncated": self.truncated, "masked": self.masked,
            "findings": [
                {"rule": f.rule, "category": f.category, "severity": f.severity,
                 "message": f.message, "evidence": f.evidence}
                for f in self.findings
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActionView:
        return cls(
            kind=str(data.get("kind", "")), tool=data.get("tool"), action=data.get("action"),
            outbound=bool(data.get("outbound")), destructive=bool(data.get("destructive")),
            resources=tuple(str(r) for r in data.get("resources", ())),
            args=tuple((str(p), str(v)) for p, v in data.get("args", ())),
            text=data.get("text"), truncated=bool(data.get("truncated")),
            masked=int(data.get("masked", 0)),
            findings=tuple(FindingView(**f) for f in data.get("findings", ())),
        )


class ActionMasker:
    """Masks secrets in strings for display. Immutable and thread-safe once built; build
    once (the rule table compiles here)."""

    __slots__ = ("_detectors", "_keys", "label")

    def __init__(
        self, *, extra: Sequence[SecretsDetector] = (), sensitive_keys: Iterable[str] = (),
        label: str = "",
    ) -> None:
        # Every built-in rule, all enabled: what a policy switches off for detection is
        # still masked for display. ``extra``: the policy's own detector (its custom rules).
        builtin = SecretsDetector(SensitiveSection(), compile_rules(BUILTIN_RULES))
        self._detectors = (builtin, *extra)
        self._keys = tuple(dict.fromkeys((*_SENSITIVE_KEYS, *(k.lower() for k in sensitive_keys))))
        self.label = label
        """The policy this masker was built for (``name@version+hash``)."""

    @classmethod
    def for_policy(cls, policy: Policy) -> ActionMasker:
        """The built-in rules plus ``policy``'s own secret rules and sensitive keys."""
        own = build_secrets(policy, Services())
        return cls(extra=(own,) if own is not None else (),
                   sensitive_keys=policy.document.audit.sensitive_keys, label=policy.label)

    def masked(self, value: str, spans: Sequence[tuple[int, int, str]] = ()) -> tuple[str, int]:
        """``value`` with ``spans`` (start, end, label) and every detector hit masked, and
        how many marks were applied."""
        marks = [(s, e, label) for s, e, label in spans if 0 <= s < e <= len(value)]
        for detector in self._detectors:
            marks += [(h.start, h.end, h.kind) for h in detector.scan(value)]
        if not marks:
            return value, 0
        out: list[str] = []
        pos = n = 0
        for start, end, label in sorted(marks):
            if end <= pos:
                continue
            out.append(value[pos:max(start, pos)])
            out.append(f"[MASKED:{label}]")
            n += 1
            pos = end
        out.append(value[pos:])
        return "".join(out), n

    def text(self, value: str) -> str:
        return self.masked(value)[0]

    def sensitive(self, path: str) -> bool:
        """Whether the innermost key of ``path`` (list indexes skipped: ``tokens.0``) names
        a credential; such a value is never shown."""
        key = next((p for p in reversed(path.split(".")) if not p.isdigit()), "").lower()
        return any(k in key for k in self._keys)


def describe(event: Event, decision: Decision, masker: ActionMasker) -> ActionView:
    """The masked view of ``event`` as ``decision`` judged it."""
    count = 0
    spans = _spans(decision.findings)
    args: list[tuple[str, str]] = []
    truncated = False
    for path, value in _flatten(event.args, "", 0):
        if len(args) >= _MAX_ARGS:
            truncated = True
            break
        if masker.sensitive(path) and value not in ("", "null"):
            count += 1
            args.append((path, "[MASKED:sensitive key]"))
            continue
        shown, n = masker.masked(value, spans.get(path, ()))
        count += n
        if len(shown) > _MAX_VALUE:
            shown, truncated = shown[:_MAX_VALUE] + " …", True
        args.append((path, shown))
    text = None
    if event.text:
        # Mask first, then cut: a cut must never split a secret into an unmasked stub.
        text, n = masker.masked(event.text, spans.get(None, ()))
        count += n
        if len(text) > _MAX_TEXT:
            text, truncated = text[:_MAX_TEXT] + " …", True
    action = decision.action
    resources = tuple(masker.text(r) for r in action.resources) if action else ()
    findings = tuple(FindingView.of(f, masker) for f in decision.findings)
    return ActionView(
        kind=event.kind.value, tool=masker.text(event.tool) if event.tool else None,
        action=action.type if action else None,
        outbound=bool(action and action.outbound), destructive=bool(action and action.destructive),
        resources=resources, args=tuple(args), text=text, truncated=truncated,
        findings=findings, masked=count,
    )


def _spans(findings: Iterable[Finding]) -> dict[str | None, list[tuple[int, int, str]]]:
    out: dict[str | None, list[tuple[int, int, str]]] = {}
    for f in findings:
        if f.span is None:
            continue
        kind = str(f.details.get("type") or f.rule.partition(".")[2] or f.category)
        if f.category == "secret" or (f.category == "pii" and kind not in _VISIBLE_PII):
            path = f.details.get("arg_path")
            out.setdefault(str(path) if path is not None else None, []).append(
                (f.span[0], f.span[1], kind)
            )
    return out


def _flatten(node: Any, path: str, depth: int) -> Iterable[tuple[str, str]]:
    """``(path, value)`` pairs: mapping keys and list indexes joined by ``.`` (the detectors'
    argument paths), scalars as JSON, strings as they are."""
    if depth > _MAX_DEPTH:
        yield path or "(root)", "[nested too deep]"
        return
    if isinstance(node, Mapping):
        if not node and path:
            yield path, "{}"
        for key, value in node.items():
            yield from _flatten(value, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(node, list | tuple):
        if not node and path:
            yield path, "[]"
        for i, value in enumerate(node):
            yield from _flatten(value, f"{path}.{i}" if path else str(i), depth + 1)
    elif isinstance(node, str):
        yield path, node
    else:
        yield path, json.dumps(node, default=lambda o: f"<{type(o).__name__}>")


def _clip(text: str, n: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"
