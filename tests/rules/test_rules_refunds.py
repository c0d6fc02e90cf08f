"""Refunds in the default pack (issue 12): a refund returns a charge's money to whoever paid
it, everyday support work a human confirms (``review.refund``, admitted by
``scope.refund``) rather than a call no policy change can let through; a refund told where to
send the money, and any transfer, stays in no scope (blocked)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aimds
from aimds.types import Verdict

_GUARD = aimds.Guard()
_AGENTS = itertools.count()
_REFUNDS = ["issue_refund", "stripe_refund", "create_refund", "refund_order", "shopify_refund"]
_REFERENCES = [{"order_id": "5512039"}, {"charge": "ch_3PqK2s"}, {"payment_intent": "pi_9Zx"}]
_PAYEES = ["destination", "to", "iban", "to_account", "beneficiary"]


def _check(tool: str, args: dict[str, Any], guard: aimds.Guard = _GUARD) -> aimds.Decision:
    n = next(_AGENTS)
    who = aimds.Subject(tenant="t", agent=f"refund-{n}", session=f"refund-{n}")
    return guard.check_tool_call(tool, args, subject=who)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(_REFUNDS), st.sampled_from(_REFERENCES), st.booleans())
def test_a_refund_to_the_payer_is_confirmed_not_blocked(
    tool: str, reference: dict[str, Any], amount: bool
) -> None:
    args = {**reference, **({"amount": 19.99, "reason": "damaged item"} if amount else {})}
    decision = _check(tool, args)
    assert decision.verdict is Verdict.REVIEW, decision.explain()
    assert "review.refund" in decision.rules
    assert "scope.denied" not in decision.rules


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(_REFUNDS), st.sampled_from(_REFERENCES), st.sampled_from(_PAYEES))
def test_a_refund_told_where_the_money_goes_is_a_transfer(
    tool: str, reference: dict[str, Any], payee: str
) -> None:
    decision = _check(tool, {**reference, "amount": 500, payee: "DE89370400440532013000"})
    assert decision.verdict is Verdict.BLOCK, decision.explain()


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("transfer_funds", {"amount": 5000, "to": "DE89370400440532013000"}),
        ("stripe_create_payout", {"amount": 5000, "destination": "ba_1Evil"}),
        ("send_money", {"amount": 20, "recipient": "a@b.example"}),
    ],
)
def test_transfers_stay_blocked(tool: str, args: dict[str, Any]) -> None:
    assert _check(tool, args).verdict is Verdict.BLOCK


@pytest.mark.parametrize(
    ("command", "verdict"),
    [
        ("stripe refunds create --charge=ch_123", Verdict.REVIEW),
        ("stripe post /v1/refunds -d charge=ch_123", Verdict.REVIEW),
        ("stripe transfers create --amount 100000 --currency usd --destination acct_1E",
         Verdict.BLOCK),
        ("stripe payouts create --amount 100000 --currency usd", Verdict.BLOCK),
        ("stripe post /v1/transfers -d amount=1000 -d destination=acct_x", Verdict.BLOCK),
        ("stripe payment_intents confirm pi_123", Verdict.BLOCK),
        # looking, listening and test events are everyday developer work
        ("stripe charges list --limit 5", Verdict.ALLOW),
        ("stripe get /v1/balance", Verdict.ALLOW),
        ("stripe listen --forward-to localhost:4242/webhook", Verdict.ALLOW),
        ("stripe trigger payment_intent.succeeded", Verdict.ALLOW),
        ("stripe products create --name=Pro", Verdict.ALLOW),
    ],
)  # fmt: skip
def test_the_payment_cli_is_judged_as_the_payment_tools(command: str, verdict: Verdict) -> None:
    """The same refund or transfer through ``stripe`` in a shell as through a tool (it was
    allowed as an ordinary command)."""
    for tool, key in (("shell", "command"), ("run_terminal_cmd", "cmd")):
        decision = _check(tool, {key: command})
        assert decision.verdict is verdict, decision.explain()


def test_refund_lookups_pass_and_autonomy_does_not_skip_the_confirmation() -> None:
    assert _check("stripe_get_refund", {"id": "re_1"}).verdict is Verdict.ALLOW
    autonomous = aimds.Guard.from_policy(
        {"extends": "default", "name": "auto", "autonomy": {"level": "autonomous"}}
    )
    decision = _check("issue_refund", {"order_id": "1", "amount": 5}, autonomous)
    assert decision.verdict is Verdict.REVIEW, decision.explain()
