"""The approver's view of an action never shows a secret, even where the policy's detectors
did not run or did not flag it: the view masks with the full secret rule table itself."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.detectors.sensitive_secret_rules import BUILTIN_RULES
from aimds.server.action_view import ActionMasker, ActionView, describe
from aimds.types import ActionInfo, Decision, Event, EventKind, Finding, Severity, Subject, Verdict

EXAMPLES = [e for rule in BUILTIN_RULES for e in rule.examples]
MASKER = ActionMasker()


def _decision(findings: tuple[Finding, ...] = ()) -> Decision:
    return Decision(
        id="d1", verdict=Verdict.REVIEW, risk=Severity.MEDIUM, score=0.5, findings=findings,
        action=ActionInfo(type="email:send", risk=Severity.MEDIUM,
                          resources=("bob@example.com",), outbound=True),
    )


def _event(args: dict[str, Any], text: str = "") -> Event:
    return Event(kind=EventKind.TOOL_CALL, subject=Subject(tenant="acme", agent="a"),
                 tool="send_email", args=args, text=text)


def _shown(view: ActionView) -> str:
    return repr(view.to_dict())


def test_every_builtin_secret_example_is_masked_in_arguments_and_text() -> None:
    assert len(EXAMPLES) >= 20
    args = {"to": ["bob@example.com"], "notes": {f"n{i}": f"see {e} here"
                                                for i, e in enumerate(EXAMPLES)}}
    view = describe(_event(args, text=" / ".join(EXAMPLES)), _decision(), MASKER)
    shown = _shown(view)
    leaked = [e for e in EXAMPLES if e in shown]
    assert leaked == []
    assert view.masked >= 2 * len(EXAMPLES) - 2  # some examples hold two values
    assert ("to.0", "bob@example.com") in view.args  # recipients stay readable
    assert view.resources == ("bob@example.com",)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    secret=st.sampled_from(EXAMPLES),
    # A secret as a token of its own (the rules' own boundaries: glued to letters, a string
    # is another token that no rule claims).
    before=st.text(alphabet="abcxyz,;:\n ", max_size=20).map(lambda s: s + " "),
    after=st.text(alphabet=" abcxyz,;.\n", max_size=20).map(lambda s: " " + s),
    key=st.sampled_from(["body", "cmd", "payload.data", "items.0"]),
)
def test_a_secret_anywhere_never_reaches_the_view(
    secret: str, before: str, after: str, key: str
) -> None:
    node: Any = before + secret + after
    for part in reversed(key.split(".")):
        node = [node] if part.isdigit() else {part: node}
    view = describe(_event(node), _decision(), MASKER)
    assert secret not in _shown(view)


def test_decision_spans_and_sensitive_keys_are_masked_too() -> None:
    # A value no rule knows, flagged by a (custom) detector finding's span.
    finding = Finding(rule="secret.internal_code", category="secret", severity=Severity.HIGH,
                      message="internal code found in argument 'body'", span=(5, 17),
                      details={"arg_path": "body", "type": "internal_code"})
    args = {"body": "code ZZ-SECRET-42 ok", "Authorization": "Basic dXNlcjpwYXNz"}
    view = describe(_event(args), _decision((finding,)), MASKER)
    assert dict(view.args) == {"body": "code [MASKED:internal_code] ok",
                               "Authorization": "[MASKED:sensitive key]"}
    assert view.findings[0].message == "internal code found in argument 'body'"


def test_long_values_are_masked_before_they_are_cut() -> None:
    secret = next(r.examples[0] for r in BUILTIN_RULES if r.id == "github_token")
    body = "x" * 3994 + " " + secret  # the cut at 4000 would split the secret
    view = describe(_event({"body": body}), _decision(), MASKER)
    value = dict(view.args)["body"]
    assert view.truncated and value.endswith(" …")
    assert secret[4:12] not in value and "[MASK" in value


def test_the_view_round_trips_through_its_stored_form() -> None:
    view = describe(_event({"to": "bob@example.com", "n": 3, "ok": True, "x": None}),
                    _decision(), MASKER)
    assert ActionView.from_dict(view.to_dict()) == view
    assert dict(view.args) == {"to": "bob@example.com", "n": "3", "ok": "true", "x": "null"}
    assert view.headline().startswith("send_email: to = bob@example.com")


def test_the_dashboard_masks_what_the_policy_did_not_flag(service: Any) -> None:
    """The service fixture's guard runs no detectors: nothing flags the secrets, the call
    goes to review, and the approval page must still mask every one of them."""
    args = {"payee": "ACME GmbH", "amount": 250, "memo": " | ".join(EXAMPLES)}
    r = service.client.post("/v1/evaluate", json={"tool": "wire_transfer", "args": args},
                            headers=service.h("agent"))
    decision = r.json()
    assert decision["verdict"] == "review" and not [
        f for f in decision["findings"] if f["category"] == "secret"
    ]
    login = service.client.post("/ui/login", data={"api_key": service.keys["approver"]},
                                follow_redirects=False)
    assert login.status_code == 303
    for url in ("/ui/approvals", f"/ui/approvals/{decision['approval']}"):
        page = service.client.get(url)
        assert page.status_code == 200
        assert [e for e in EXAMPLES if e in page.text] == []
        assert "ACME GmbH" in page.text
    detail = service.client.get(f"/ui/approvals/{decision['approval']}").text
    assert detail.count("[MASKED:") >= len(EXAMPLES) - 2
    assert re.search(r"<code>amount</code></th><td><pre class=\"value\">250</pre>", detail)


def test_the_policy_s_own_secret_rules_and_sensitive_keys_are_masked() -> None:
    from aimds.policy import load_policy

    policy = load_policy({
        "version": "1", "name": "custom", "extends": "default",
        "sensitive": {"secrets": {"custom": [{
            "id": "acme_badge", "regex": r"\bACMEB-[0-9]{8}\b", "keywords": ["acmeb-"],
            "examples": ["ACMEB-12345678"]}]}},
        "audit": {"sensitive_keys": ["pin"]},
    })
    masker = ActionMasker.for_policy(policy)
    assert masker.label == policy.label
    args = {"note": "badge ACMEB-12345678 please", "pin": "4711", "tokens": ["opaque-1"]}
    view = describe(_event(args), _decision(), masker)
    assert dict(view.args) == {"note": "badge [MASKED:acme_badge] please",
                               "pin": "[MASKED:sensitive key]",
                               "tokens.0": "[MASKED:sensitive key]"}
    assert "ACMEB-12345678" in describe(_event(args), _decision(), MASKER).args[0][1]
