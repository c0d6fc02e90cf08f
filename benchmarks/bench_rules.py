"""Rules stage latency: 1-rule and 100-rule policies, allow and deny; the whole guard.

``python -m benchmarks.run rules``. Four views:

- ``rules.engine``: :meth:`RuleTable.match` alone (the compiled rule lookup);
- ``rules.stage``: the whole rules stage (taxonomy, boundaries, rules, roles, autonomy);
- ``rules.stage+inputs``: the inputs stage followed by the rules stage;
- ``guard.check_tool_call``: the full pipeline with whatever stages exist, default pack.
"""

from __future__ import annotations

from typing import Any

from aimds.guard import Guard
from aimds.policy import Policy, load_policy
from aimds.rules.inputs import InputsStage
from aimds.rules.stage import RulesStage, compile_classifier
from aimds.types import ActionInfo, Evaluation, Event, EventKind, Subject, Verdict
from benchmarks.harness import Result, measure

WHO = Subject(tenant="bench", agent="a", session="s", role="expert")


def _policy(n_rules: int) -> dict[str, Any]:
    rules: list[dict[str, Any]] = [
        {
            "id": "allow.ls",
            "action": "allow",
            "tools": ["shell"],
            "when": {"command": {"prefix": "ls"}},
        }
    ]
    for i in range(n_rules - 1):
        op: dict[str, Any]
        if i % 3 == 0:
            op = {"matches": rf"\bforbidden{i}\b"}
        elif i % 3 == 1:
            op = {"contains": f"--danger-{i}"}
        else:
            op = {"equals": f"exact command {i}"}
        path = ("command", "cmd", "args.options.mode")[i % 3 if i % 7 else 0]
        rules.append(
            {"id": f"deny.r{i}", "action": "block", "tools": ["shell", "bash"], "when": {path: op}}
        )
    return {
        "name": f"bench{n_rules}",
        "rules": rules,
        "autonomy": {"level": "autonomous"},
        "paths": {"cwd": "/srv/app", "home": "/home/a"},
    }


def _ev(args: dict[str, Any]) -> Evaluation:
    event = Event(kind=EventKind.TOOL_CALL, tool="shell", args=args, subject=WHO, ts=1.0)
    return Evaluation(event=event, ts=1.0, args=args)


def _measure_stage(
    n_rules: int,
    label: str,
    n: int,
    extra: dict[str, Any],
    policy: Policy,
    stage: RulesStage,
    inputs: InputsStage,
    ev: Evaluation,
    action: ActionInfo,
) -> list[Result]:
    table = stage._table
    args = dict(ev.args)

    def engine() -> None:
        table.match("shell", action, WHO, args)

    def whole() -> None:
        ev.findings.clear()
        stage(ev)

    def with_inputs() -> None:
        ev.findings.clear()
        inputs(ev)
        stage(ev)

    def without_taxonomy() -> None:
        ev.findings.clear()
        fixed(ev)

    fixed = RulesStage(policy, lambda tool, args: action)
    name = f"{n_rules} rules {label}"
    return [
        measure(f"rules.engine {name}", engine, n=n, extra=extra),
        measure(f"rules.stage-no-taxonomy {name}", without_taxonomy, n=n, extra=extra),
        measure(f"rules.stage {name}", whole, n=n, extra=extra),
        measure(f"rules.stage+inputs {name}", with_inputs, n=n, extra=extra),
    ]


def run(quick: bool) -> list[Result]:
    n = 2_000 if quick else 20_000
    results: list[Result] = []
    cases = {"allow": {"command": "ls -la"}, "deny": {"command": "run forbidden0 now"}}
    for n_rules in (1, 100):
        pol = load_policy(_policy(n_rules))
        stage = RulesStage(pol, compile_classifier(pol))
        inputs = InputsStage(pol.document.limits)
        for label, args in cases.items():
            if n_rules == 1 and label == "deny":
                args = {"command": "ls; forbidden0"}
            ev = _ev(args)
            stage(ev)
            verdict = max((f.action for f in ev.findings if f.action), default=Verdict.ALLOW)
            extra = {"rules": stage.rule_count, "verdict": verdict.value}
            action = ev.action
            assert action is not None

            results.extend(_measure_stage(n_rules, label, n, extra, pol, stage, inputs, ev, action))
    guard = Guard("default")
    for label, tool, args in (
        ("allow", "read_file", {"path": "README.md"}),
        ("deny", "shell", {"command": "rm -rf /"}),
    ):
        decision = guard.check_tool_call(tool, args, subject=WHO)
        results.append(
            measure(
                f"guard.check_tool_call default {label}",
                lambda tool=tool, args=args: guard.check_tool_call(tool, args, subject=WHO),
                n=max(n // 10, 500),
                warmup=100,
                extra={"verdict": decision.verdict.value, "stages": [s.name for s in guard.stages]},
            )
        )
    return results
