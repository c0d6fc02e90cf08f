"""Policy test cases (like ``opa test``): an event, the expected verdict and rule ids.

A case file is YAML (or JSON)::

    policy: default            # optional; a pack name or a path relative to this file
    cases:
      - name: rm -rf / is a hard block
        event: {kind: tool_call, tool: shell, args: {command: "rm -rf /"}, role: architect}
        expect: {verdict: block, rules: [hard.rm_root], not_rules: [role.observer]}

``event`` uses the trace format (``kind``, ``tool``, ``args``, ``text``, ``tenant``,
``agent``, ``role``, ``session``, ``user``, ``ts``, ``meta``); missing fields take the
defaults of :class:`~aimds.types.Subject`. ``expect.rules`` must all appear among the
decision's rules, ``expect.not_rules`` must not; ``expect.verdict`` must equal the verdict.
The same shape, one JSON object a line with ``description`` instead of ``name``, is used by
the golden tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aimds.errors import InputError
from aimds.policy import PACKS
from aimds.types import Decision, Event, EventKind, Subject, Verdict

__all__ = [
    "Case",
    "CaseFile",
    "CaseResult",
    "case_from_dict",
    "event_from_dict",
    "load_cases",
    "run_case",
]

_SUBJECT_FIELDS = ("tenant", "agent", "role", "session", "user")
_EVENT_FIELDS = frozenset(
    {"kind", "tool", "args", "text", "ts", "meta", "subject", *_SUBJECT_FIELDS}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    name: str
    event: Event
    verdict: Verdict | None = None
    rules: tuple[str, ...] = ()
    not_rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseFile:
    path: str
    policy: str | None
    cases: tuple[Case, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResult:
    case: Case
    decision: Decision
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return not self.problems


def event_from_dict(data: Mapping[str, Any], where: str = "event") -> Event:
    """An :class:`Event` from trace-format data; :class:`InputError` names the bad field."""
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: expected a mapping, got {type(data).__name__}")
    unknown = sorted(set(data) - _EVENT_FIELDS)
    if unknown:
        raise InputError(
            f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(sorted(_EVENT_FIELDS))})"
        )
    try:
        kind = EventKind(data.get("kind", "tool_call" if "tool" in data else "prompt"))
    except ValueError:
        kinds = ", ".join(k.value for k in EventKind)
        raise InputError(f"{where}.kind: must be one of {kinds}") from None
    subject_data = dict(data.get("subject") or {})
    for name in _SUBJECT_FIELDS:
        if name in data:
            subject_data[name] = data[name]
    for name, value in subject_data.items():
        if name not in _SUBJECT_FIELDS or not (value is None or isinstance(value, str)):
            raise InputError(f"{where}.{name}: expected a string subject field")
    args = data.get("args") or {}
    if not isinstance(args, Mapping):
        raise InputError(f"{where}.args: expected a mapping, got {type(args).__name__}")
    text = data.get("text", "")
    if not isinstance(text, str):
        raise InputError(f"{where}.text: expected a string, got {type(text).__name__}")
    tool = data.get("tool")
    if tool is not None and not isinstance(tool, str):
        raise InputError(f"{where}.tool: expected a string, got {type(tool).__name__}")
    ts = data.get("ts")
    if ts is not None and (isinstance(ts, bool) or not isinstance(ts, int | float)):
        raise InputError(f"{where}.ts: expected seconds since the epoch")
    return Event(
        kind=kind,
        subject=Subject(**subject_data),
        text=text,
        tool=tool,
        args=args,
        meta=data.get("meta") or {},
        ts=float(ts) if ts is not None else None,
    )


def _names(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: expected a list of rule ids")
    return tuple(value)


def case_from_dict(data: Any, where: str) -> Case:
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: expected a mapping with 'event' and 'expect'")
    expect = data.get("expect") or {}
    if not isinstance(expect, Mapping):
        raise InputError(f"{where}.expect: expected a mapping")
    verdict: Verdict | None = None
    if expect.get("verdict") is not None:
        try:
            verdict = Verdict(expect["verdict"])
        except ValueError:
            raise InputError(
                f"{where}.expect.verdict: must be one of {', '.join(v.value for v in Verdict)}"
            ) from None
    name = data.get("name") or data.get("description") or where
    return Case(
        name=str(name),
        event=event_from_dict(data.get("event", {}), f"{where}.event"),
        verdict=verdict,
        rules=_names(expect.get("rules"), f"{where}.expect.rules"),
        not_rules=_names(expect.get("not_rules"), f"{where}.expect.not_rules"),
    )


def load_cases(path: str | Path) -> CaseFile:
    """Read a YAML/JSON case file or a JSONL file (one case a line)."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{source}: cannot read the case file ({type(exc).__name__})") from None
    if source.suffix == ".jsonl":
        items: list[Any] = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError:
                    raise InputError(f"{source}:{number}: not a JSON object") from None
        return CaseFile(
            path=str(source),
            policy=None,
            cases=tuple(case_from_dict(c, f"{source}:{i}") for i, c in enumerate(items, 1)),
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"{source}{line}: malformed YAML") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("cases"), list):
        raise InputError(f"{source}: expected a mapping with a 'cases' list")
    policy = data.get("policy")
    if policy is not None and not isinstance(policy, str):
        raise InputError(f"{source}: policy: expected a pack name or a file path")
    if policy is not None and policy not in PACKS:
        candidate = source.parent / policy
        policy = str(candidate) if candidate.exists() else policy
    return CaseFile(
        path=str(source),
        policy=policy,
        cases=tuple(
            case_from_dict(c, f"cases[{i}]") for i, c in enumerate(data["cases"])
        ),
    )


def run_case(check: Callable[[Event], Decision], case: Case) -> CaseResult:
    """Judge the case's event and compare with what it expects."""
    decision = check(case.event)
    problems: list[str] = []
    if case.verdict is not None and decision.verdict is not case.verdict:
        problems.append(f"verdict: expected {case.verdict.value}, got {decision.verdict.value}")
    actual = set(decision.rules)
    missing = [r for r in case.rules if r not in actual]
    if missing:
        problems.append(f"rules: expected {', '.join(missing)} among {_list(decision.rules)}")
    present = [r for r in case.not_rules if r in actual]
    if present:
        problems.append(f"not_rules: {', '.join(present)} fired but should not")
    return CaseResult(case=case, decision=decision, problems=tuple(problems))


def _list(rules: Sequence[str]) -> str:
    return "[" + ", ".join(rules) + "]" if rules else "[] (no rule fired)"
