"""The kill switch's cost on the hot path (target: about 1 µs per event).

* ``kill.stage.none``: the kill stage alone, nothing killed (the usual case: one attribute
  load and a truth test).
* ``kill.stage.others``: 1,000 other agents and 10 other tenants killed (up to three dict
  lookups per event).
* ``kill.stage.killed``: the event of a killed agent (lookups and the finding appended).
* ``rings.stage``: the rings stage (issue #16's other per-event check) on a tool call that
  stays in the agent's ring, and ``rings.stage.escalation`` on one that escalates.
* ``kill.guard.with`` / ``kill.guard.without``: a prompt through the whole default guard
  with and without the stage; the difference is the added cost in context (noisy: the
  pipeline takes tens of µs, the stage a fraction of one).
* ``kill.guard.killed``: the same prompt from a killed agent: the pipeline halts after the
  kill stage (only inputs, decide, respond, approvals and the record run; see aimds.halt).

Stage timings are per event, measured over batches of ``BATCH`` calls so that the clock's
own cost (about as large as the check) does not drown the result.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aimds.guard import Guard
from aimds.kill import KillSwitch
from aimds.kill.stage import KillStage
from aimds.policy import load_policy
from aimds.rules.rings import build_stage as build_rings
from aimds.types import ActionInfo, Evaluation, Event, EventKind, Services, Severity, Subject
from benchmarks.harness import Result, measure

BATCH = 100
WHO = Subject(tenant="acme", agent="researcher-1", session="s1")


def _per_event(
    name: str, stage: Any, subject: Subject, n: int, action: ActionInfo | None = None
) -> Result:
    kind = EventKind.PROMPT if action is None else EventKind.TOOL_CALL
    ev = Evaluation(event=Event(kind=kind, subject=subject, text="hi"), ts=0.0, action=action)
    findings = ev.findings
    rounds = range(BATCH)

    def batch() -> None:
        for _ in rounds:
            stage(ev)
        findings.clear()

    result = measure(name, batch, n=n, warmup=max(n // 10, 10), cpu=True)
    return replace(
        result,
        p50_us=result.p50_us / BATCH,
        p99_us=result.p99_us / BATCH,
        mean_us=result.mean_us / BATCH,
        ops_per_s=result.ops_per_s * BATCH,
        extra={"batch": BATCH},
    )


def run(quick: bool = False) -> list[Result]:
    n = 2_000 if quick else 20_000
    results = [_per_event("kill.stage.none", KillStage(KillSwitch()), WHO, n)]
    crowded = KillSwitch()
    for i in range(1_000):
        crowded.kill(tenant="acme", agent=f"other-{i}", reason="bench")
    for i in range(10):
        crowded.kill(tenant=f"tenant-{i}", reason="bench")
    results.append(_per_event("kill.stage.others", KillStage(crowded), WHO, n))
    crowded.kill(tenant="acme", agent=WHO.agent, reason="bench")
    results.append(_per_event("kill.stage.killed", KillStage(crowded), WHO, n))

    rings = build_rings(load_policy({"name": "b", "rings": {"roles": {"expert": 2}}}), Services())
    write = ActionInfo(type="fs:write", risk=Severity.MEDIUM)
    fetch = ActionInfo(type="net:http_get", risk=Severity.LOW, outbound=True)
    results.append(_per_event("rings.stage", rings, WHO, n, write))
    results.append(_per_event("rings.stage.escalation", rings, WHO, n, fetch))

    guard = Guard("default")
    without = Guard("default")
    without.stages = tuple(s for s in without.stages if getattr(s, "name", "") != "kill")
    event = Event(kind=EventKind.PROMPT, subject=WHO, text="What is the capital of France?")
    m = n // 4

    def check(g: Any) -> Any:
        return lambda: g.check(event)

    results.append(measure("kill.guard.with", check(guard), n=m, warmup=500, cpu=True))
    results.append(measure("kill.guard.without", check(without), n=m, warmup=500, cpu=True))
    killed = Guard("default")
    killed.kill(tenant=WHO.tenant, agent=WHO.agent, reason="bench")
    results.append(measure("kill.guard.killed", check(killed), n=m, warmup=500, cpu=True))
    return results
