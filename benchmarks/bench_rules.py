"""Rules stage latency: 1-rule and 100-rule policies, allow and deny; the whole guard.

``python -m benchmarks.run rules``. Every case is timed twice: wall clock (the harness)
and this thread's CPU time (``[cpu]``, less disturbed on a busy machine; the cost of
reading the clock is subtracted). Views:

- ``rules.engine``: :meth:`RuleTable.match` alone (the compiled rule lookup, uncached);
- ``rules.stage``: the whole rules stage on a repeated call (the per-shape cache hits:
  what a busy agent repeating its calls sees);
- ``rules.stage uncached``: every call a new shape (classification, conditions and
  boundary checks computed, then cached);
- ``rules.stage+inputs``: the inputs stage followed by the rules stage (cached);
- ``guard.check_tool_call``: the default pack with all its stages, and with only
  ``inputs``, ``rules`` and ``decide`` (the part this room owns); the same short calls
  repeated (each in a new session), and shell calls never seen before, allowed
  (``ls -la dir_N``) and denied (``rm -rf / dir_N``), in a new session each and in
  sessions of 8 calls (new arguments every time: no cache of any stage answers); for the
  never-seen calls in a new session each, the CPU time of every stage (``... stage rules
  (cpu)``, ``... stage sum (cpu)``): where a never-seen call's time goes.

- ``rules.stage side-by-side``: the shape of ``python -m benchmarks.side_by_side`` (which
  puts the rules stage beside agent-os-kernel's ``PolicyEngine``): 100 regex rules on a
  shell tool, a call allowed and one denied, never seen before (a new command every call)
  and repeated, each call a new :class:`Evaluation`.
"""

from __future__ import annotations

import itertools
from typing import Any

from aimds.guard import Guard
from aimds.policy import load_policy
from aimds.rules.inputs import InputsStage
from aimds.rules.stage import RulesStage, compile_classifier
from aimds.types import Evaluation, Event, EventKind, Subject, Verdict
from benchmarks.harness import Result, measure_both, measure_by_phase, measure_stages
from benchmarks.side_by_side import COMMANDS, ours_policy

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


def _ev(args: dict[str, Any], ts: float = 1.0) -> Evaluation:
    event = Event(kind=EventKind.TOOL_CALL, tool="shell", args=args, subject=WHO, ts=ts)
    return Evaluation(event=event, ts=ts, args=args)


def _stage_cases(n: int) -> list[Result]:
    results: list[Result] = []
    cases = {"allow": "ls -la", "deny": "run forbidden0 now"}
    for n_rules in (1, 100):
        pol = load_policy(_policy(n_rules))
        stage = RulesStage(pol, compile_classifier(pol))
        inputs = InputsStage(pol.document.limits)
        for label, command in cases.items():
            if n_rules == 1 and label == "deny":
                command = "ls; forbidden0"
            ev = _ev({"command": command})
            stage(ev)
            verdict = max((f.action for f in ev.findings if f.action), default=Verdict.ALLOW)
            extra = {"rules": stage.rule_count, "verdict": verdict.value}
            action = ev.action
            assert action is not None
            args = dict(ev.args)
            fresh = (_ev({"command": f"{command} {i}"}) for i in itertools.count())

            def engine(
                args: dict[str, Any] = args, action: Any = action, stage: RulesStage = stage
            ) -> None:
                stage._table.match("shell", action, WHO, args)

            def cached(ev: Evaluation = ev, stage: RulesStage = stage) -> None:
                ev.findings.clear()
                stage(ev)

            def uncached(fresh: Any = fresh, stage: RulesStage = stage) -> None:
                stage(next(fresh))

            def with_inputs(
                ev: Evaluation = ev, stage: RulesStage = stage, inputs: InputsStage = inputs
            ) -> None:
                ev.findings.clear()
                inputs(ev)
                stage(ev)

            name = f"{n_rules} rules {label}"
            results.extend(measure_both(f"rules.engine {name}", engine, n=n, extra=extra))
            results.extend(measure_both(f"rules.stage {name}", cached, n=n, extra=extra))
            results.extend(measure_both(f"rules.stage uncached {name}", uncached, n=n, extra=extra))
            results.extend(
                measure_both(f"rules.stage+inputs {name}", with_inputs, n=n, extra=extra)
            )
    return results


def _guard_cases(n: int) -> list[Result]:
    results: list[Result] = []
    full = Guard("default")
    own = Guard("default")
    own.stages = tuple(s for s in own.stages if s.name in ("inputs", "rules", "decide"))
    sessions = itertools.count()
    for label, guard in (("", full), (" inputs+rules+decide", own)):
        for verdict_label, tool, args in (
            ("allow", "shell", {"command": "ls -la"}),
            ("allow", "read_file", {"path": "README.md"}),
            ("deny", "shell", {"command": "rm -rf /"}),
        ):
            decision = guard.check_tool_call(tool, args, subject=WHO)
            assert (decision.verdict is Verdict.BLOCK) is (verdict_label == "deny"), decision

            def call(guard: Guard = guard, tool: str = tool, args: dict[str, Any] = args) -> None:
                # a new session per call keeps the budget windows out of the way
                who = Subject(tenant="bench", agent="a", session=f"s{next(sessions)}")
                guard.check_tool_call(tool, args, subject=who)

            if not label:
                results.append(
                    measure_by_phase(
                        f"guard.check_tool_call default {tool} {verdict_label}",
                        call,
                        pairs=20 if n < 5_000 else 60,
                    )
                )
            results.extend(
                measure_both(
                    f"guard.check_tool_call default{label} {tool} {verdict_label}",
                    call,
                    n=max(n // 4, 500),
                    warmup=200,
                    extra={
                        "verdict": decision.verdict.value,
                        "stages": [s.name for s in guard.stages],
                    },
                )
            )
    return results


_NEVER_SEEN = {
    # a command never seen before on every call: no cache of any stage answers
    "allow": ("ls -la dir_{i}", Verdict.ALLOW),
    "deny": ("rm -rf / dir_{i}", Verdict.BLOCK),
}


def _never_seen_case(n: int) -> list[Result]:
    """The default pipeline on shell calls never seen before, allowed and denied, each in a
    new session (a fresh agent per call) and in sessions of 8 calls (an agent at work; more
    new listings in one session are a recon burst the behaviour stage blocks)."""
    results: list[Result] = []
    guard = Guard("default")
    counter = itertools.count()
    for label, (template, expected) in _NEVER_SEEN.items():
        for per_call in (True, False):
            probe = template.format(i="probe")
            verdict = guard.check_tool_call("shell", {"command": probe}, subject=WHO).verdict
            assert verdict is expected, (probe, verdict)

            def call(template: str = template, per_call: bool = per_call) -> None:
                i = next(counter)
                session = f"u{i}" if per_call else f"w{i // 8}"
                who = Subject(tenant="bench", agent="a", session=session)
                guard.check_tool_call("shell", {"command": template.format(i=i)}, subject=who)

            sessions = "new session each" if per_call else "sessions of 8"
            results.extend(
                measure_both(
                    f"guard.check_tool_call default shell {label}, never-seen call, {sessions}",
                    call,
                    n=max(n // 4, 500),
                    warmup=200,
                    extra={"command": template, "verdict": expected.value},
                )
            )
            if per_call:  # where the time of a never-seen call goes, stage by stage

                def install(stages: tuple[Any, ...], guard: Guard = guard) -> None:
                    guard.stages = stages

                results.extend(
                    measure_stages(
                        f"guard.check_tool_call default shell {label}, never-seen call,",
                        guard.stages,
                        install,
                        call,
                        n=max(n // 4, 500),
                        extra={"command": template, "verdict": expected.value},
                    )
                )
    return results


def _side_by_side_cases(n: int) -> list[Result]:
    """The rules stage in the side-by-side shape (see ``benchmarks/side_by_side.py``)."""
    policy = load_policy(ours_policy())
    stage = RulesStage(policy, compile_classifier(policy))
    counter = itertools.count()

    def blocked(command: str) -> bool:
        args = {"command": command}
        event = Event(kind=EventKind.TOOL_CALL, tool="shell", args=args, subject=WHO, ts=1.0)
        ev = Evaluation(event=event, ts=1.0, args=args)
        stage(ev)
        return any(f.action is Verdict.BLOCK for f in ev.findings)

    results: list[Result] = []
    for label, template in COMMANDS.items():
        assert blocked(template.format(i="probe")) is (label == "deny"), label
        for case in ("never-seen", "repeated"):
            fixed = template.format(i=0)

            def call(template: str = template, fixed: str = fixed, case: str = case) -> None:
                blocked(template.format(i=next(counter)) if case == "never-seen" else fixed)

            results.extend(
                measure_both(
                    f"rules.stage side-by-side {stage.rule_count} rules {label} {case}",
                    call,
                    n=max(n // 4, 1_000),
                    warmup=300,
                    extra={"command": template, "verdict": "block" if label == "deny" else "allow"},
                )
            )
    return results


def run(quick: bool) -> list[Result]:
    n = 2_000 if quick else 20_000
    return _stage_cases(n) + _side_by_side_cases(n) + _guard_cases(n) + _never_seen_case(n)
