"""Secrets the fast gates found never reach the judge's endpoint (which may be a third party)."""

from __future__ import annotations

from fake_openai import FakeOpenAI, judge_policy
from hypothesis import given
from hypothesis import strategies as st

from aimds.guard import Guard
from aimds.judge import JUDGE_KEY, JudgeAnswer, JudgeRequest, build_stage
from aimds.judge.redact import mask_args, mask_text
from aimds.policy import load_policy
from aimds.types import ActionInfo, Evaluation, Event, EventKind, Finding, Services, Severity

TOKEN = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"
SECRETS = frozenset({"secret"})


def _f(
    start: int,
    end: int,
    category: str = "secret",
    arg_path: str | None = None,
    severity: Severity = Severity.HIGH,
) -> Finding:
    details = {"arg_path": arg_path} if arg_path is not None else {}
    return Finding(
        rule=f"{category}.x",
        category=category,
        severity=severity,
        message="m",
        span=(start, end),
        details=details,
    )


def test_text_spans_are_masked_and_others_kept() -> None:
    text = "key=abcdef mail=bob@example.com"
    out = mask_text(text, [_f(4, 10), _f(16, 31, "pii")], SECRETS)
    assert out == "key=<SECRET> mail=bob@example.com"


def test_overlapping_spans_leave_no_fragment() -> None:
    text = "0123456789"
    assert mask_text(text, [_f(2, 6), _f(4, 8), _f(8, 9)], SECRETS) == "01<SECRET>9"


def test_argument_spans_are_masked_in_their_own_argument() -> None:
    args = {"headers": {"authorization": f"Bearer {TOKEN}"}, "body": f"Bearer {TOKEN}"}
    out = mask_args(args, [_f(7, 7 + len(TOKEN), arg_path="headers.authorization")], SECRETS)
    assert out["headers"]["authorization"] == "Bearer <SECRET>"
    assert args["headers"]["authorization"].endswith(TOKEN)  # the event's args are untouched


@given(
    text=st.text(max_size=60),
    spans=st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=5),
)
def test_no_masked_character_survives(text: str, spans: list[tuple[int, int]]) -> None:
    marked = "\x00" * len(text)
    findings = [_f(a, b) for a, b in spans]
    out = mask_text(marked, findings, SECRETS)
    covered = sum(1 for i in range(len(text)) if any(a <= i < b for a, b in spans))
    assert out.count("\x00") == len(text) - covered


def test_the_endpoint_never_sees_a_found_secret(fake: FakeOpenAI) -> None:
    guard = Guard(judge_policy(fake.base_url, mode="always"))
    try:
        decision = guard.check_tool_result("fetch_url", f"config dump: token {TOKEN} end")
        assert "secret" in {f.category for f in decision.findings}
        assert len(fake.requests) == 1
        assert fake.requests[0].case["data"] == "config dump: token <SECRET> end"
        assert TOKEN not in str(fake.requests[0].body)
    finally:
        guard.close()


class Keeping:
    def __init__(self) -> None:
        self.requests: list[JudgeRequest] = []

    def ask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        self.requests.append(request)
        return JudgeAnswer(verdict="benign", confidence=1.0)

    async def aask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        return self.ask(request, timeout_s=timeout_s)

    def close(self) -> None:
        return None


def test_a_tool_calls_found_secret_is_masked_in_the_rendered_call() -> None:
    judge = Keeping()
    policy = load_policy(judge_policy("http://127.0.0.1:9/v1", mode="always"))
    stage = build_stage(policy, Services(extras={JUDGE_KEY: judge}))
    assert stage is not None
    args = {"url": "https://api.example.com", "headers": {"authorization": f"Bearer {TOKEN}"}}
    # medium: the fast gates would only warn, so the judge is asked about this call
    finding = _f(7, 7 + len(TOKEN), arg_path="headers.authorization", severity=Severity.MEDIUM)
    ev = Evaluation(
        event=Event(kind=EventKind.TOOL_CALL, tool="http_get", args=args),
        ts=0.0,
        args=args,
        findings=[finding],
        action=ActionInfo(type="net:http_get", risk=Severity.LOW),
    )
    stage(ev)
    assert len(judge.requests) == 1
    assert TOKEN not in judge.requests[0].text
    assert "Bearer <SECRET>" in judge.requests[0].text
