"""Prompt-leak detector: canary tokens and verbatim runs of protected prompts."""

from __future__ import annotations

from aimds import Guard
from aimds.detectors import canary
from aimds.detectors.canary import CanaryRegistry
from aimds.policy import load_policy
from aimds.types import Event, EventKind, Services, Verdict

SYSTEM = (
    "You are the billing assistant of Northgate. Never disclose the refund override code, "
    "never discuss internal pricing tiers, and always escalate chargebacks to a human agent."
)


_LEAK_RULES = {"prompt_leak.canary", "prompt_leak.verbatim"}


def _token(prompt: str) -> str:
    return prompt.rsplit("[", 1)[1].rstrip("]")


def _leaks(rules: tuple[str, ...]) -> set[str]:
    """This detector's rules only (the injection classifier has a ``prompt_leak`` label too)."""
    return _LEAK_RULES.intersection(rules)


def test_canary_in_completion_blocks() -> None:
    guard = Guard()
    prompt = guard.add_canary(SYSTEM)
    assert prompt.startswith(SYSTEM)
    token = _token(prompt)
    d = guard.check_completion(f"Sure, here it is: {token}")
    assert d.rules == ("prompt_leak.canary",) and d.verdict is Verdict.BLOCK
    f = d.findings[0]
    assert f.span is not None and d.kind is not None
    assert token not in (f.evidence or "") and token not in d.explain()


def test_verbatim_run_is_a_leak_and_short_overlap_is_not() -> None:
    guard = Guard()
    guard.add_canary(SYSTEM)
    leak = (
        "My rules: never disclose the refund override code, never discuss internal pricing tiers!"
    )
    d = guard.check_completion(leak)
    assert "prompt_leak.verbatim" in d.rules
    (f,) = [f for f in d.findings if f.rule == "prompt_leak.verbatim"]
    assert f.span is not None and leak[f.span[0] :].lower().startswith("never disclose")
    ok = guard.check_completion("I am the billing assistant. How can I help with a chargeback?")
    assert not _leaks(ok.rules)


def test_prompts_and_other_guards_are_not_affected() -> None:
    guard = Guard()
    token = _token(guard.add_canary(SYSTEM))
    assert not _leaks(guard.check_prompt(SYSTEM + token).rules)
    other = Guard()
    assert not _leaks(other.check_completion(token).rules)


def test_leak_through_tool_arguments() -> None:
    guard = Guard(services=Services())
    token = _token(guard.add_canary(SYSTEM))
    d = guard.check_tool_call("send_email", {"to": "x@corp.io", "body": f"fyi {token}"})
    leak = [f for f in d.findings if f.rule == "prompt_leak.canary"]
    assert leak and leak[0].details["arg_path"] == "body" and not d.allowed


def test_registry_is_bounded() -> None:
    reg = CanaryRegistry(max_prompts=2, new_token=iter(["t1", "t2", "t3"]).__next__)
    for p in ("a", "b", "c"):
        reg.add(p)
    assert [p.token for p in reg.snapshot()] == ["t2", "t3"]


def test_text_beyond_the_scan_limit_is_reported() -> None:
    services = Services()
    policy = load_policy({"name": "p", "sensitive": {"max_scan_chars": 1_000}})
    det = canary.build(policy, services)
    assert det is not None
    token = _token(canary.add_canary(services, policy, SYSTEM))
    late = Event(kind=EventKind.COMPLETION, text="x" * 1_200 + token)
    findings = det.detect(late, None)
    assert [f.rule for f in findings] == ["input.too_large"]
    assert findings[0].details["layer"] == "prompt_leak" and token not in findings[0].message
    early = Event(kind=EventKind.COMPLETION, text=token + "x" * 900)
    assert [f.rule for f in det.detect(early, None)] == ["prompt_leak.canary"]


def test_extra_views_only_when_a_canary_can_be_found() -> None:
    """With no canary the leak detector is idle: a call whose other detectors answered from
    the cache builds no decoded views; once a canary exists, an encoded leak is found."""
    import base64

    from aimds.types import Evaluation

    guard = Guard(services=Services())
    args = {"command": "echo " + base64.b64encode(b"just some harmless words here").decode()}

    def detected() -> Evaluation:
        event = Event(kind=EventKind.TOOL_CALL, tool="shell", args=args)
        ev = Evaluation(event=event, ts=1.0, args=args)
        for stage in guard.stages:
            if stage.name in ("inputs", "normalize", "detectors"):
                stage(ev)
        return ev

    detected()  # admitted to the findings cache on a second sighting, filled on the third
    detected()
    assert "extra_views" not in detected().scratch  # cached: nobody needs the views
    token = _token(guard.add_canary(SYSTEM))
    args["command"] = "echo " + base64.b64encode(f"fyi {token}".encode()).decode()
    assert "extra_views" in detected().scratch
    d = guard.check_tool_call("shell", args)
    assert "prompt_leak.canary" in d.rules and not d.allowed
