"""signature_of: the digest is exactly the documented formula (type, then each string key
in order with its value lower-cased, digit runs and whitespace runs collapsed, message
recipients left out), so stored signatures stay comparable across versions."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.behavior.indicators import signature_of
from aimds.types import ActionInfo, Severity


def _reference(action: ActionInfo, args: dict[Any, Any]) -> str:
    skip = (
        frozenset(action.resources)
        if action.category in {"email", "message", "chat", "sms"}
        else frozenset()
    )
    h = hashlib.blake2b(action.type.encode(), digest_size=8)
    for key in sorted(k for k in args if isinstance(k, str)):
        value = args[key]
        if isinstance(value, str) and value in skip:
            continue
        text = value if isinstance(value, str) else repr(value)
        text = re.sub(r"\s+", " ", re.sub(r"\d+", "#", text[:512].lower()))
        h.update(key.encode() + b"\x1f" + text.encode("utf-8", "replace") + b"\x1e")
    return h.hexdigest()


_TYPES = ["email:send", "message:send", "chat:post", "sms:send", "shell:exec", "net:fetch"]
_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["bob@x.example", "ls  -la 42", "+15550100"]),
    st.integers(),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_TYPES),
    st.lists(st.sampled_from(["bob@x.example", "+15550100", "ops"]), max_size=3),
    st.dictionaries(st.text(max_size=6), _VALUES, max_size=5),  # str keys: the type contract
)
def test_the_digest_is_the_documented_formula(
    action_type: str, resources: list[str], args: dict[Any, Any]
) -> None:
    action = ActionInfo(type=action_type, risk=Severity.LOW, resources=tuple(resources))
    assert signature_of(action, args) == _reference(action, args)


def test_recipients_of_a_message_do_not_change_it_but_of_a_command_do() -> None:
    send = ActionInfo(type="email:send", risk=Severity.LOW, resources=("a@x.example",))
    other = ActionInfo(type="email:send", risk=Severity.LOW, resources=("b@x.example",))
    assert signature_of(send, {"to": "a@x.example", "body": "hi 1"}) == signature_of(
        other, {"to": "b@x.example", "body": "hi 22"}
    )
    shell = ActionInfo(type="shell:exec", risk=Severity.LOW, resources=("a@x.example",))
    assert signature_of(shell, {"to": "a@x.example"}) != signature_of(shell, {"to": "b@x.example"})
