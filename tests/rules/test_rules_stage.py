"""The rules stage in isolation: every rule kind and operator, roles, default deny, autonomy.

A fake taxonomy keeps these tests independent of the real classifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.decide import DecideStage
from aimds.errors import PolicyError
from aimds.policy import load_policy
from aimds.rules.inputs import InputsStage
from aimds.rules.stage import RulesStage, build_stage, compile_classifier
from aimds.types import (
    ActionInfo,
    Evaluation,
    Event,
    EventKind,
    Finding,
    Services,
    Severity,
    Subject,
    Verdict,
)

_TYPES = {
    "shell": ("shell:exec", Severity.MEDIUM),
    "read_file": ("fs:read", Severity.LOW),
    "write_file": ("fs:write", Severity.MEDIUM),
    "http_get": ("net:http_get", Severity.LOW),
    "transfer": ("payment:transfer", Severity.CRITICAL),
    "secrets": ("secrets:read", Severity.HIGH),
}


def fake_classify(tool: str, args: Mapping[str, Any]) -> ActionInfo:
    type_, risk = _TYPES.get(tool, ("unknown:unknown", Severity.MEDIUM))
    tags = frozenset({"credential_access"}) if tool == "secrets" else frozenset()
    resources = tuple(args.get("resources", ())) if isinstance(args.get("resources"), list) else ()
    return ActionInfo(type=type_, risk=risk, tags=tags, resources=resources)


BASE: dict[str, Any] = {
    "name": "t",
    "paths": {"cwd": "/work/proj", "home": "/home/u"},
    "autonomy": {"level": "autonomous"},
    "roles": {
        "definitions": {
            "expert": {"scopes": [{"id": "scope.read", "types": ["fs:read", "net:http_get"]}]},
            "auditor": {"kind": "observer"},
            "ops": {"kind": "expert", "scopes": [{"id": "scope.ops", "tools": ["shell"]}]},
        }
    },
}


def policy(**sections: Any) -> dict[str, Any]:
    return {**BASE, **sections}


class Judge:
    def __init__(self, doc: dict[str, Any]) -> None:
        pol = load_policy(doc)
        self.inputs = InputsStage(pol.document.limits)
        self.stage = RulesStage(pol, fake_classify)
        self.decide = DecideStage(pol)

    def __call__(
        self, tool: str, args: Mapping[str, Any] | None = None, *, role: str = "expert",
        agent: str = "a", tenant: str = "t", session: str = "s", ts: float = 1000.0,
    ) -> Evaluation:
        event = Event(
            kind=EventKind.TOOL_CALL,
            tool=tool,
            args=args or {},
            subject=Subject(role=role, agent=agent, tenant=tenant, session=session),
            ts=ts,
        )
        ev = Evaluation(event=event, ts=ts, args=event.args)
        self.inputs(ev)
        self.stage(ev)
        self.decide(ev)
        return ev


def rules_of(ev: Evaluation) -> list[str]:
    return [f.rule for f in ev.findings]


def finding(ev: Evaluation, rule: str) -> Finding:
    return next(f for f in ev.findings if f.rule == rule)


# -- operators -------------------------------------------------------------------------

OPERATOR_CASES = [
    ({"equals": "ls"}, "ls", True),
    ({"equals": "ls"}, "ls -la", False),
    ({"equals": 1}, True, False),  # True is not 1
    ({"equals": 1}, 1.0, True),
    ({"in": ["a", "b"]}, "b", True),
    ({"in": ["a", "b"]}, "c", False),
    ({"matches": r"^git\s+(status|diff)"}, "git diff HEAD", True),
    ({"matches": r"^git\s+(status|diff)"}, "git push", False),
    ({"contains": "--force"}, "git push --force", True),
    ({"contains": "--force"}, "git push", False),
    ({"contains": ".*"}, "a.*b", True),  # literal, not a regex
    ({"contains": ".*"}, "ab", False),
    ({"prefix": "git "}, "git log", True),
    ({"prefix": "git "}, "echo git ", False),
    ({"lt": 10}, 5, True),
    ({"lt": 10}, 10, False),
    ({"gt": 10}, 11.5, True),
    ({"gt": 10}, "11", False),  # strings never compare as numbers
    ({"exists": True}, "anything", True),
    ({"matches": "x"}, 5, False),  # regex on a non-string never matches
]


@pytest.mark.parametrize(("condition", "value", "hit"), OPERATOR_CASES)
def test_each_operator(condition: dict[str, Any], value: Any, hit: bool) -> None:
    judge = Judge(policy(rules=[{"id": "r.op", "action": "warn", "when": {"args.x": condition}}]))
    ev = judge("read_file", {"x": value})
    assert ("r.op" in rules_of(ev)) is hit


def test_exists_false_matches_missing_argument() -> None:
    judge = Judge(
        policy(rules=[{"id": "r.nohost", "action": "block", "when": {"host": {"exists": False}}}])
    )
    assert "r.nohost" in rules_of(judge("read_file", {"path": "a"}))
    assert "r.nohost" not in rules_of(judge("read_file", {"host": "x"}))


def test_nested_paths_wildcards_and_alternatives() -> None:
    judge = Judge(
        policy(
            rules=[
                {
                    "id": "r.host",
                    "action": "block",
                    "when": {"args.headers.host": {"equals": "evil"}},
                },
                {"id": "r.any", "action": "warn", "when": {"args.*": {"contains": "TOKEN"}}},
                {"id": "r.alt", "action": "warn", "when": {"args.cmd|command": {"prefix": "rm"}}},
                {"id": "r.idx", "action": "warn", "when": {"args.items.1": {"equals": "b"}}},
            ]
        )
    )
    assert "r.host" in rules_of(judge("http_get", {"headers": {"host": "evil"}}))
    assert "r.host" not in rules_of(judge("http_get", {"headers": {"hostx": "evil"}}))
    assert "r.any" in rules_of(judge("http_get", {"q": "my TOKEN"}))
    assert "r.alt" in rules_of(judge("shell", {"cmd": "rm x"}))
    assert "r.alt" in rules_of(judge("shell", {"command": "rm x"}))
    assert "r.idx" in rules_of(judge("shell", {"items": ["a", "b"]}))
    assert "r.idx" not in rules_of(judge("shell", {"items": ["b", "a"]}))


def test_list_values_match_any_element() -> None:
    rule = {"id": "r.l", "action": "warn", "when": {"urls": {"contains": "x"}}}
    judge = Judge(policy(rules=[rule]))
    assert "r.l" in rules_of(judge("http_get", {"urls": ["a", "bx"]}))
    assert "r.l" not in rules_of(judge("http_get", {"urls": ["a", "b"]}))


def test_all_operators_of_a_rule_must_hold() -> None:
    judge = Judge(
        policy(
            rules=[
                {
                    "id": "r.both",
                    "action": "block",
                    "when": {"command": {"prefix": "git", "contains": "push"}, "n": {"gt": 1}},
                }
            ]
        )
    )
    assert "r.both" in rules_of(judge("shell", {"command": "git push", "n": 2}))
    assert "r.both" not in rules_of(judge("shell", {"command": "git push", "n": 0}))
    assert "r.both" not in rules_of(judge("shell", {"command": "git pull", "n": 2}))


# -- selectors ---------------------------------------------------------------------------


def test_tool_type_tag_and_subject_selectors() -> None:
    judge = Judge(
        policy(
            rules=[
                {"id": "r.tool", "action": "warn", "tools": ["read_*"]},
                {"id": "r.type", "action": "warn", "types": ["net:*"]},
                {"id": "r.tag", "action": "warn", "tags": ["credential_access"]},
                {"id": "r.tenant", "action": "warn", "tenants": ["acme"], "tools": ["read_file"]},
                {"id": "r.agent", "action": "warn", "agents": ["bot-*"], "tools": ["read_file"]},
                {"id": "r.role", "action": "warn", "roles": ["ops"], "tools": ["shell"]},
            ]
        )
    )
    assert rules_of(judge("read_file"))[:1] == ["r.tool"]
    assert "r.type" in rules_of(judge("http_get"))
    assert "r.type" not in rules_of(judge("read_file"))
    assert "r.tag" in rules_of(judge("secrets"))
    assert "r.tenant" in rules_of(judge("read_file", tenant="acme"))
    assert "r.tenant" not in rules_of(judge("read_file", tenant="other"))
    assert "r.agent" in rules_of(judge("read_file", agent="bot-7"))
    assert "r.agent" not in rules_of(judge("read_file", agent="human"))
    assert "r.role" in rules_of(judge("shell", role="ops"))
    assert "r.role" not in rules_of(judge("shell", role="expert"))


def test_rule_finding_carries_id_category_action_and_review_timeout() -> None:
    judge = Judge(
        policy(
            defaults={"review_timeout_s": 42},
            rules=[
                {"id": "r.review", "action": "review", "tools": ["shell"]},
                {"id": "r.review2", "action": "review", "tools": ["shell"], "timeout_s": 7},
            ],
        )
    )
    ev = judge("shell", {"command": "ls"}, role="ops")
    first, second = finding(ev, "r.review"), finding(ev, "r.review2")
    assert first.category == "policy" and first.action is Verdict.REVIEW
    assert first.details["timeout_s"] == 42
    assert second.details["timeout_s"] == 7
    assert ev.verdict is Verdict.REVIEW


def test_deny_beats_allow() -> None:
    judge = Judge(
        policy(
            rules=[
                {"id": "allow.shell", "action": "allow", "tools": ["shell"]},
                {"id": "deny.curl", "action": "deny", "when": {"command": {"contains": "curl"}}},
            ]
        )
    )
    assert judge("shell", {"command": "ls"}).verdict is Verdict.ALLOW
    ev = judge("shell", {"command": "curl x"})
    assert ev.verdict is Verdict.BLOCK
    assert finding(ev, "allow.shell").action is Verdict.ALLOW  # explain() shows both


# -- roles and default deny -------------------------------------------------------------


def test_expert_in_scope_is_allowed_with_scope_finding() -> None:
    ev = Judge(policy())("read_file", {"path": "src/a.py"})
    assert ev.verdict is Verdict.ALLOW
    assert finding(ev, "scope.read").category == "scope"
    assert ev.action is not None and ev.action.type == "fs:read"


def test_expert_outside_scope_is_blocked_with_scope_finding() -> None:
    ev = Judge(policy())("write_file", {"path": "src/a.py"})
    assert ev.verdict is Verdict.BLOCK
    denied = finding(ev, "scope.denied")
    assert denied.category == "scope" and denied.action is Verdict.BLOCK


def test_allow_rule_permits_outside_scope() -> None:
    judge = Judge(policy(rules=[{"id": "allow.write", "action": "allow", "tools": ["write_file"]}]))
    assert judge("write_file", {"path": "a"}).verdict is Verdict.ALLOW


def test_unknown_tool_gets_default_and_never_stays_undecided() -> None:
    ev = Judge(policy(defaults={"unknown_tool": "review"}))("frobnicate", {})
    assert "defaults.unknown_tool" in rules_of(ev)
    assert ev.verdict is Verdict.REVIEW
    assert finding(ev, "defaults.unknown_tool").details["timeout_s"] == 300
    assert Judge(policy())("frobnicate", {}).verdict is Verdict.BLOCK


@pytest.mark.parametrize("role", ["observer", "auditor"])
@pytest.mark.parametrize("tool", sorted(_TYPES) + ["unknown_tool"])
def test_observer_kinds_are_blocked_from_every_tool(role: str, tool: str) -> None:
    judge = Judge(policy(rules=[{"id": "allow.all", "action": "allow"}]))
    ev = judge(tool, {"path": "a"}, role=role)
    assert ev.verdict is Verdict.BLOCK
    assert finding(ev, "role.observer").category == "role"


def test_observer_may_send_messages() -> None:
    pol = load_policy(policy())
    stage = RulesStage(pol, fake_classify)
    ev = Evaluation(
        event=Event(kind=EventKind.MESSAGE, text="hi", subject=Subject(role="observer")), ts=0.0
    )
    stage(ev)
    assert ev.findings == [] and ev.action is None


def test_unknown_role_is_denied() -> None:
    ev = Judge(policy())("read_file", {"path": "a"}, role="wizard")
    assert ev.verdict is Verdict.BLOCK
    assert "role.unknown" in rules_of(ev)


def test_architect_bypasses_scope_but_not_deny_or_hard_rules() -> None:
    judge = Judge(
        policy(
            rules=[
                {"id": "hard.x", "hard": True, "when": {"command": {"contains": "boom"}}},
                {"id": "deny.y", "action": "block", "when": {"command": {"contains": "nope"}}},
            ]
        )
    )
    assert judge("write_file", {"path": "a"}, role="architect").verdict is Verdict.ALLOW
    assert judge("frobnicate", {}, role="architect").verdict is Verdict.ALLOW
    ev = judge("shell", {"command": "boom"}, role="architect")
    assert ev.verdict is Verdict.BLOCK
    hard = finding(ev, "hard.x")
    assert hard.hard and hard.category == "hard_rule" and hard.severity is Severity.CRITICAL
    assert judge("shell", {"command": "nope"}, role="architect").verdict is Verdict.BLOCK


def test_custom_role_scopes_by_tool() -> None:
    judge = Judge(policy())
    assert judge("shell", {"command": "ls"}, role="ops").verdict is Verdict.ALLOW
    assert judge("read_file", {"path": "a"}, role="ops").verdict is Verdict.BLOCK


# -- taxonomy overrides -----------------------------------------------------------------


def test_taxonomy_section_maps_tools_and_overrides_risk() -> None:
    pol = load_policy(
        policy(
            taxonomy={"tools": {"my_reader*": "fs:read"}, "risks": {"fs:*": "high"}},
            autonomy={"level": "supervised"},
        )
    )
    stage = RulesStage(pol, compile_classifier(pol))
    event = Event(kind=EventKind.TOOL_CALL, tool="my_reader_v2", args={"path": "a.txt"})
    ev = Evaluation(event=event, ts=0.0, args=event.args)
    stage(ev)
    assert ev.action is not None
    assert ev.action.type == "fs:read" and ev.action.risk is Severity.HIGH
    assert "autonomy.supervised" in rules_of(ev)  # risk raised to high needs review


def test_taxonomy_unknown_type_is_a_located_policy_error() -> None:
    pol = load_policy(policy(taxonomy={"tools": {"x": "fs:reed"}}))
    expected = r"taxonomy\.tools\.x: unknown action type; did you mean 'fs:read'"
    with pytest.raises(PolicyError, match=expected):
        build_stage(pol, Services())


# -- autonomy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "tool", "review"),
    [
        ("locked", "read_file", True),  # low >= low
        ("supervised", "read_file", False),
        ("supervised", "secrets", True),  # high (secrets:read) >= high
        ("autonomous", "secrets", False),
        ("autonomous", "transfer", True),  # critical
    ],
)
def test_autonomy_thresholds(level: str, tool: str, review: bool) -> None:
    judge = Judge(
        policy(
            autonomy={"level": level},
            rules=[{"id": "allow.all", "action": "allow"}],
        )
    )
    ev = judge(tool, {})
    assert (f"autonomy.{level}" in rules_of(ev)) is review
    if review:
        assert ev.verdict is Verdict.REVIEW
        assert finding(ev, f"autonomy.{level}").details["timeout_s"] == 300


def test_autonomy_overrides_per_role_and_agent() -> None:
    judge = Judge(
        policy(
            autonomy={
                "level": "supervised",
                "roles": {"architect": "locked"},
                "agents": {"trusted-*": "autonomous"},
            },
        )
    )
    assert "autonomy.locked" in rules_of(judge("read_file", {"path": "a"}, role="architect"))
    trusted = judge("secrets", {}, role="architect", agent="trusted-1")
    assert not any(r.startswith("autonomy.") for r in rules_of(trusted))


# -- hypothesis: the stage always decides, deny always wins ------------------------------

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)

_PROPERTY_JUDGE = Judge(
    policy(
        rules=[
            {"id": "deny.x", "action": "block", "when": {"args.*": {"contains": "x"}}},
            {"id": "allow.all", "action": "allow"},
        ]
    )
)


@settings(max_examples=120, deadline=None)
@given(
    tool=st.sampled_from([*sorted(_TYPES), "zzz", ""]),
    args=st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    role=st.sampled_from(["expert", "architect", "observer", "ops", "nobody"]),
)
def test_tool_calls_always_get_an_action_and_deny_wins(
    tool: str, args: dict[str, Any], role: str
) -> None:
    ev = _PROPERTY_JUDGE(tool, args, role=role)
    assert ev.action is not None
    top_strings = [v for v in args.values() if isinstance(v, str)]
    if any("x" in s for s in top_strings):
        assert ev.verdict is Verdict.BLOCK
    if role in ("observer", "nobody"):
        assert ev.verdict is Verdict.BLOCK
