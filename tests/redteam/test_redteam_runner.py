"""The runner's definitions, real policies measured, the report and the chart."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

import pytest

import aimds
from aimds.redteam import (
    TECHNIQUES,
    TEXT_TECHNIQUES,
    campaign,
    chart_svg,
    generate,
    make_case,
    markdown,
    run,
    summarize,
)
from aimds.types import Decision, Event, Severity, Verdict

DETECTORS_OFF: dict[str, Any] = {
    "schema_version": 1,
    "name": "detectors-off",
    "version": "1",
    "detectors": {"injection": {"enabled": False}, "normalize": {"obfuscation_findings": False}},
}


class Scripted:
    """A stand-in guard answering verdicts from a script, one per event, in order."""

    def __init__(self, verdicts: Sequence[Verdict]) -> None:
        self.verdicts = list(verdicts)
        self.seen: list[Event] = []

    def check(self, event: Event) -> Decision:
        self.seen.append(event)
        verdict = self.verdicts.pop(0)
        return Decision(id=f"d{len(self.seen)}", verdict=verdict, risk=Severity.LOW, score=0.0)


def _one(verdicts: Sequence[Verdict], label: str = "attack") -> Any:
    case = make_case("destructive", "multi_turn", label, template=0, form=0)  # type: ignore[arg-type]
    assert len(case.events) == 4
    guard = Scripted(verdicts)
    results, _ = run([case], guard=guard)  # type: ignore[arg-type]
    return results[0], guard


A, W, R, V, B = Verdict.ALLOW, Verdict.WARN, Verdict.REDACT, Verdict.REVIEW, Verdict.BLOCK


@pytest.mark.parametrize(
    ("verdicts", "succeeded", "stopped_at"),
    [
        ((A, A, A, A), True, None),
        ((A, A, A, W), True, None),
        ((A, A, A, R), True, None),
        ((A, B, A, A), True, 1),  # an earlier stop does not undo the harmful action
        ((A, A, A, V), False, 3),
        ((A, A, A, B), False, 3),
    ],
)
def test_an_attack_succeeds_when_its_decisive_event_is_not_stopped(
    verdicts: tuple[Verdict, ...], succeeded: bool, stopped_at: int | None
) -> None:
    result, guard = _one(verdicts)
    assert result.succeeded is succeeded
    assert result.stopped_at == stopped_at
    assert not result.false_positive
    # every event ran, as the case's own subject
    assert len(guard.seen) == 4
    assert {e.subject.session for e in guard.seen} == {result.case.id}
    assert {e.subject.agent for e in guard.seen} == {f"redteam-{result.case.id}"}


@pytest.mark.parametrize(
    ("verdicts", "false_positive"),
    [((A, W, R, A), False), ((A, V, A, A), True), ((A, A, A, B), True)],
)
def test_a_control_is_a_false_positive_when_any_event_is_stopped(
    verdicts: tuple[Verdict, ...], false_positive: bool
) -> None:
    result, _ = _one(verdicts, label="benign")
    assert result.false_positive is false_positive
    assert not result.succeeded


def test_run_takes_exactly_one_guard_source() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        run([], guard=None, guard_factory=None)


@pytest.mark.slow
def test_a_shared_guard_judges_like_a_fresh_guard_per_case() -> None:
    """Each case runs as its own agent and session: no state leaks between cases."""
    cases = [
        c
        for c in generate(seed=5, count=1, techniques=["multi_turn", "tool_call", "email"])
        if c.goal in ("exfiltration", "credential_theft", "task_hijack")
    ]
    shared, _ = run(cases, guard=aimds.Guard("default"))
    fresh, _ = run(cases, guard_factory=lambda: aimds.Guard("default"))
    assert [r.verdicts for r in shared] == [r.verdicts for r in fresh]


def test_a_policy_without_detectors_lets_every_text_attack_through_and_strict_does_not() -> None:
    off = campaign(aimds.Guard(DETECTORS_OFF), techniques=list(TEXT_TECHNIQUES), count=2)
    strict = campaign(aimds.Guard("strict"), techniques=list(TEXT_TECHNIQUES), count=2)
    assert off["totals"]["asr"] == 1.0
    assert off["totals"]["fpr"] == 0.0
    assert strict["totals"]["asr"] < 0.6
    assert all(row["asr"] < 1.0 for row in strict["per_technique"].values())


def test_the_report_counts_what_the_runner_saw() -> None:
    cases = generate(
        seed=2, goals=["destructive", "prompt_leak"], techniques=["plain", "hex"], count=3
    )
    rng = random.Random(0)

    class Coin:
        def check(self, event: Event) -> Decision:
            return Decision(id="x", verdict=rng.choice([A, B]), risk=Severity.LOW, score=0.0)

    results, duration = run(cases, guard=Coin())  # type: ignore[arg-type]
    report = summarize(
        results,
        policy="coin@1",
        seed=2,
        count=3,
        goals=["destructive", "prompt_leak"],
        techniques=["plain", "hex"],
        duration_s=duration,
        fail_above=0.1,
    )
    attacks = [r for r in results if r.case.label == "attack"]
    succeeded = sum(r.decisive_verdict is A for r in attacks)
    t = report["totals"]
    assert (t["attacks"], t["controls"], t["events"]) == (12, 12, 24)
    assert t["succeeded"] == succeeded and t["asr"] == succeeded / 12
    assert t["false_positives"] == sum(
        r.verdicts[0] is B for r in results if r.case.label == "benign"
    )
    cell = [r for r in attacks if r.case.goal == "prompt_leak" and r.case.technique == "hex"]
    assert report["matrix"]["prompt_leak"]["hex"] == sum(r.succeeded for r in cell) / len(cell)
    assert sum(c["attacks"] for c in report["per_goal"].values()) == 12
    assert report["failed"] is (succeeded / 12 > 0.1)
    assert report["decisive_verdicts"]["attack"] == {
        k: v for k, v in (("allow", succeeded), ("block", 12 - succeeded)) if v
    }
    text = markdown(report)
    assert f"({succeeded}/12)" in text and "| prompt_leak |" in text and "chart.svg" in text


def test_the_chart_is_valid_svg_with_a_bar_per_rate() -> None:
    report = campaign(
        aimds.Guard("default"), goals=["destructive"], techniques=["plain", "url"], count=2
    )
    svg = chart_svg(report)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    bars = root.findall("{http://www.w3.org/2000/svg}rect")
    # background, two legend swatches, then ASR and FPR for 2 techniques and 1 goal
    assert len(bars) == 3 + 2 * 3
    assert "default@" in svg and "&lt;" not in svg.split("<svg", 1)[0]


def test_examples_show_payloads_without_invisible_characters() -> None:
    report = campaign(
        aimds.Guard(DETECTORS_OFF),
        goals=["prompt_leak"],
        techniques=["invisible", "homoglyph"],
        count=3,
    )
    examples = report["successful_attacks"]
    assert examples
    for e in examples:
        assert all(c.isprintable() for c in e["payload"])
        assert len(e["payload"]) <= 101


def test_examples_are_two_per_technique_of_different_goals() -> None:
    class Allow:
        def check(self, event: Event) -> Decision:
            return Decision(id="x", verdict=A, risk=Severity.LOW, score=0.0)

    cases = generate(seed=1, goals=["destructive", "prompt_leak"], count=3)
    results, _ = run(cases, guard=Allow())  # type: ignore[arg-type]
    report = summarize(
        results,
        policy="allow@1",
        seed=1,
        count=3,
        goals=["destructive", "prompt_leak"],
        techniques=list(TECHNIQUES),
        duration_s=0.0,
    )
    examples = report["successful_attacks"]
    assert [e["technique"] for e in examples] == [t for t in TECHNIQUES for _ in range(2)]
    for t in TECHNIQUES:
        assert {e["goal"] for e in examples if e["technique"] == t} == {
            "destructive",
            "prompt_leak",
        }
    assert report["false_positives"] == []
