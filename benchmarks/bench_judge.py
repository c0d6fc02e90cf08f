"""The LLM judge stage: its overhead, and how often ``mode: doubt`` asks it.

Timings (``python -m benchmarks.run judge``):

- ``judge stage, not asked``: an event the fast gates are sure about (the common case);
- ``judge stage, cache hit``: an event in doubt whose answer is cached (target p50 <= 50 µs;
  the request digest hashes a 1 KiB text);
- ``judge stage, fake server``: a cache miss answered by the OpenAI-compatible fake of the
  tests over a real loopback socket (HTTP, JSON, the loop-thread hop: the client's own cost,
  not a model's);
- ``guard.check_prompt with judge (cache hit)`` against ``guard.check_prompt`` without.

Reach (``python -m benchmarks.bench_judge --reach [DEV.jsonl]``, also run by ``run``): the
share of benign texts of the shared dev set that would reach the judge with the default pack
and ``mode: doubt`` (target < 5 %), with the share of attacks the fast gates let through that
it sees. ``benign_tool_output`` texts are checked as tool results, the rest as prompts.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from aimds.guard import Guard
from aimds.judge import JUDGE_KEY, StubJudge
from aimds.judge.stage import JudgeStage
from aimds.types import Evaluation, Event, EventKind, Finding, Services, Severity, Verdict
from benchmarks.harness import Result, measure

DEV = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "dev.jsonl"
_DEV_FALLBACK = Path("/work/shared/datasets/dev.jsonl")
_TOOL_KINDS = frozenset({"benign_tool_output", "indirect_injection"})


def _policy(base_url: str, **judge: Any) -> dict[str, Any]:
    section = {"enabled": True, "base_url": base_url, "model": "bench"}
    section.update(judge)
    return {"name": "bench-judge", "extends": "default", "judge": section}


def _stage(guard: Guard) -> JudgeStage:
    return next(s for s in guard.stages if isinstance(s, JudgeStage))


def _doubtful() -> Evaluation:
    text = ("The quarterly report is attached. " * 32)[:1024]
    finding = Finding(
        rule="bench.doubt",
        category="injection",
        severity=Severity.MEDIUM,
        confidence=0.9,
        message="bench",
    )
    return Evaluation(
        event=Event(kind=EventKind.TOOL_RESULT, text=text, tool="read_file"),
        ts=0.0,
        findings=[finding],
    )


def _timings(quick: bool) -> list[Result]:
    n = 2_000 if quick else 20_000
    results = []
    guard = Guard(
        _policy("http://127.0.0.1:9/v1"), services=Services(extras={JUDGE_KEY: StubJudge("benign")})
    )
    stage = _stage(guard)
    quiet = Evaluation(event=Event(kind=EventKind.PROMPT, text="What is 2 + 2?"), ts=0.0)
    results.append(measure("judge stage, not asked", lambda: stage(quiet), n=n))

    ev = _doubtful()
    base = list(ev.findings)
    stage(ev)  # fills the cache

    def cached() -> None:
        del ev.findings[len(base) :]
        ev.statuses.clear()
        stage(ev)

    results.append(measure("judge stage, cache hit", cached, n=n))
    results.append(measure("judge stage, cache hit", cached, n=n, cpu=True))

    with_judge = Guard(
        _policy("http://127.0.0.1:9/v1", mode="always"),
        services=Services(extras={JUDGE_KEY: StubJudge("benign")}),
    )
    without = Guard("default")
    prompt = "Summarise the attached report in three bullet points."
    with_judge.check_prompt(prompt)
    results.append(
        measure("guard.check_prompt without judge", lambda: without.check_prompt(prompt), n=n // 4)
    )
    results.append(
        measure(
            "guard.check_prompt with judge (cache hit)",
            lambda: with_judge.check_prompt(prompt),
            n=n // 4,
        )
    )
    for g in (guard, with_judge, without):
        g.close()
    results.append(_fake_server(quick))
    return results


def _fake_server(quick: bool) -> Result:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "judge"))
    from fake_openai import FakeOpenAI

    fake = FakeOpenAI().start()
    guard = Guard(_policy(fake.base_url, cache_size=0))
    stage = _stage(guard)
    ev = _doubtful()
    base = list(ev.findings)
    answers: Counter[str] = Counter()

    def miss() -> None:
        del ev.findings[len(base) :]
        ev.statuses.clear()
        stage(ev)
        answers[ev.statuses[-1].detail.split(":")[1].split()[0]] += 1

    try:
        result = measure(
            "judge stage, fake server (loopback HTTP)", miss, n=100 if quick else 500, warmup=20
        )
    finally:
        guard.close()
        fake.stop()
    assert set(answers) == {"benign"}, answers
    return result


def reach(path: Path) -> dict[str, Any]:
    """How many dev texts would reach the judge under the default pack in doubt mode."""
    stub = StubJudge("benign")
    guard = Guard(
        _policy("http://127.0.0.1:9/v1", mode="doubt"), services=Services(extras={JUDGE_KEY: stub})
    )
    fast = Guard("default")
    asked: Counter[str] = Counter()
    total: Counter[str] = Counter()
    attacks_through = attacks_through_asked = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            category = row["category"]
            before = stub.asked
            if category in _TOOL_KINDS:
                fast_verdict = fast.check_tool_result("read_file", row["text"]).verdict
                guard.check_tool_result("read_file", row["text"])
            else:
                fast_verdict = fast.check_prompt(row["text"]).verdict
                guard.check_prompt(row["text"])
            was_asked = stub.asked > before
            total[category] += 1
            asked[category] += was_asked
            if row["label"] == 1 and fast_verdict is not Verdict.BLOCK:
                attacks_through += 1
                attacks_through_asked += was_asked
    guard.close()
    fast.close()
    benign = [c for c in total if c.startswith("benign")]
    benign_total = sum(total[c] for c in benign)
    benign_asked = sum(asked[c] for c in benign)
    return {
        "dataset": str(path),
        "benign_texts": benign_total,
        "benign_reaching_judge": benign_asked,
        "benign_reach": round(benign_asked / benign_total, 4) if benign_total else None,
        "attacks_not_blocked_by_fast_gates": attacks_through,
        "of_which_reach_judge": attacks_through_asked,
        "by_category": {c: {"texts": total[c], "asked": asked[c]} for c in sorted(total)},
    }


def _dev_path() -> Path | None:
    for candidate in (DEV, _DEV_FALLBACK):
        if candidate.is_file():
            return candidate
    return None


def run(quick: bool) -> list[Result]:
    results = _timings(quick)
    path = _dev_path()
    if path is not None:
        figures = reach(path)
        results.append(
            Result(
                name="doubt mode: benign dev texts reaching the judge",
                n=figures["benign_texts"],
                p50_us=0.0,
                p99_us=0.0,
                mean_us=0.0,
                ops_per_s=0.0,
                extra=figures,
            )
        )
        print(json.dumps(figures, indent=2))
    return results


if __name__ == "__main__":
    if "--reach" in sys.argv:
        args = [a for a in sys.argv[1:] if a != "--reach"]
        target = Path(args[0]) if args else _dev_path()
        if target is None:
            raise SystemExit("no dev.jsonl found; pass its path")
        print(json.dumps(reach(target), indent=2))
    else:
        for r in run("--quick" in sys.argv):
            print(r.name, r.n, f"p50 {r.p50_us:.1f} µs", f"p99 {r.p99_us:.1f} µs")
