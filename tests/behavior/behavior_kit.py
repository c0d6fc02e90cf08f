"""Helpers for the behaviour tests: hand-built actions and findings, and a runner that feeds a
stage evaluations as the earlier stages would leave them (``ev.action`` set, findings in)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aimds.behavior.stage import BehaviorStage, build_stage
from aimds.policy import load_policy
from aimds.types import (
    ActionInfo,
    Evaluation,
    Event,
    EventKind,
    Finding,
    Services,
    Severity,
    Subject,
)

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
SUBJECT = Subject(tenant="acme", agent="agent-1", session="s1")


def act(
    type_: str,
    *tags: str,
    resources: tuple[str, ...] = (),
    outbound: bool = False,
    risk: Severity = Severity.LOW,
) -> ActionInfo:
    return ActionInfo(
        type=type_, risk=risk, resources=resources, outbound=outbound, tags=frozenset(tags)
    )


def secret_finding(text: str, value: str, *, arg_path: str | None = None) -> Finding:
    """A detector-style secret finding over ``value`` inside ``text``."""
    start = text.index(value)
    details = {"arg_path": arg_path} if arg_path else {}
    return Finding(
        rule="secret.generic",
        category="secret",
        severity=Severity.HIGH,
        message="secret",
        span=(start, start + len(value)),
        details=details,
    )


class Runner:
    """Feeds events to one stage with a clock that advances ``dt`` seconds per event."""

    def __init__(self, stage: BehaviorStage, subject: Subject = SUBJECT) -> None:
        self.stage = stage
        self.subject = subject
        self.now = T0

    def event(
        self,
        kind: EventKind,
        *,
        tool: str | None = None,
        args: Mapping[str, Any] | None = None,
        text: str = "",
        action: ActionInfo | None = None,
        findings: Iterable[Finding] = (),
        dt: float = 1.0,
        subject: Subject | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> list[Finding]:
        """Run one event; return the findings the behaviour stage added."""
        self.now += dt
        event = Event(
            kind=kind,
            subject=subject or self.subject,
            text=text,
            tool=tool,
            args=dict(args or {}),
            meta=dict(meta or {}),
            ts=self.now,
        )
        ev = Evaluation(event=event, ts=self.now, args=event.args)
        ev.findings.extend(findings)
        ev.action = action
        before = len(ev.findings)
        self.stage(ev)
        return ev.findings[before:]

    def call(
        self, tool: str, args: Mapping[str, Any], action: ActionInfo | None, **kw: Any
    ) -> list[Finding]:
        return self.event(EventKind.TOOL_CALL, tool=tool, args=args, action=action, **kw)

    def result(self, tool: str, text: str, **kw: Any) -> list[Finding]:
        return self.event(EventKind.TOOL_RESULT, tool=tool, text=text, **kw)


def rules_of(findings: Iterable[Finding]) -> list[str]:
    return [f.rule for f in findings]


def make_policy(behavior: Mapping[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    return {"name": "t", "behavior": dict(behavior or {}), **top}


def build(behavior: Mapping[str, Any] | None = None, *, store: Any = None) -> BehaviorStage:
    """A stage for a policy with this ``behavior`` section, on the store the policy names (or
    the one given)."""
    policy = load_policy(make_policy(behavior))
    stage = build_stage(policy, Services(store=store))
    assert stage is not None
    return stage
