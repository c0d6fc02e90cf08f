"""Setting a variable that decides what code runs (LD_PRELOAD, PATH, NODE_OPTIONS, a proxy)
is planting code: the default pack has a human confirm it, however the tool carries it. It
was read as an ordinary workspace write and allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aimds.rules.understanding.environment import (
    HIJACKING,
    hijacking_variables,
    sets_from_references,
)
from aimds.types import Decision

FirstCall = Callable[[str, dict[str, Any]], Decision]


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("set_env", {"name": "LD_PRELOAD", "value": "/tmp/x.so"}),
        ("set_environment_variable", {"key": "PATH", "value": "/tmp/evil:/usr/bin"}),
        ("setenv", {"var": "NODE_OPTIONS", "value": "--require /tmp/hook.js"}),
        ("docker_run", {"image": "acme/api:1.4.2", "env": {"LD_PRELOAD": "/x.so"}}),
        ("deploy_service", {"image": "x", "env": ["HTTPS_PROXY=http://203.0.113.5:8080"]}),
        ("update_env_vars", {"name": "git_ssh_command", "value": "ssh -o ProxyCommand=evil"}),
    ],
)
def test_a_hijacking_variable_is_confirmed(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value in ("review", "block")


def test_ordinary_variables_and_files_that_mention_them_are_not_read_as_hijacks(
    first_call: FirstCall,
) -> None:
    assert not any(hijacking_variables({"name": "LOG_LEVEL", "value": "debug"}, setter=True))
    assert not any(hijacking_variables({"env": {"DATABASE_URL": "vault://kv/db"}}, setter=False))
    # a tool that does not set variables names "PATH" for other reasons
    assert not any(hijacking_variables({"name": "PATH", "value": "x"}, setter=False))
    note = {"path": "notes.md", "content": "export PATH=/x"}
    assert first_call("write_file", note).verdict.value == "allow"


@given(st.sampled_from(sorted(HIJACKING)), st.sampled_from(["upper", "lower", "same"]),
       st.sampled_from(["map", "list", "named"]))
def test_every_hijacking_variable_is_found_in_every_carrier(
    name: str, case: str, shape: str
) -> None:
    written = {"upper": name.upper(), "lower": name.lower(), "same": name}[case]
    args: dict[str, object] = {
        "map": {"env": {written: "v"}},
        "list": {"environment": [f"{written}=v"]},
        "named": {"name": written, "value": "v"},
    }[shape]
    assert list(hijacking_variables(args, setter=True)) == [written]


# A variable bound to a secret reference (the tool resolves the handle) is an ordinary write;
# a hijacking variable, a literal value, a URL, a path or any other argument is not.
@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("set_env", {"name": "OPENAI_API_KEY", "value": "env:OPENAI_API_KEY"}),
        ("setenv", {"key": "DATABASE_URL", "ref": "vault://kv/staging/db#url"}),
        ("set_environment_variable", {"var": "GH_TOKEN", "value": "${{ secrets.GH_TOKEN }}"}),
        ("put_env_vars", {"env": {"STRIPE_KEY": "secretsmanager://stg/api/stripe",
                                  "DB_PASS": "op://DevOps/db/password"}}),  # fmt: skip
    ],
)
def test_binding_a_variable_to_a_secret_reference_is_allowed(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    decision = first_call(tool, args)
    assert decision.verdict.value not in ("review", "block"), decision.rules


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("set_env", {"name": "LD_PRELOAD", "value": "vault://kv/x"}),
        ("set_env", {"name": "HTTPS_PROXY", "value": "env:PROXY"}),
        ("setenv", {"key": "DOCKER_HOST", "value": "tcp://203.0.113.5:2375"}),
        ("set_env", {"name": "PIP_INDEX_URL", "value": "http://203.0.113.5/simple"}),
        ("set_env", {"name": "GOFLAGS", "value": "-toolexec=/tmp/x"}),
        ("set_env", {"name": "X", "value": "vault://kv/x", "persist": "~/.bashrc"}),
        ("set_env", {"name": "X", "value": "vault://203.0.113.5:8200/x"}),
        ("set_env", {"name": "BAD NAME", "value": "env:X"}),
        ("put_env_vars", {"env": {"A": "env:A", "B": "plain-value"}}),
    ],
)
def test_anything_beyond_references_stays_reviewed(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value in ("review", "block")


@given(
    name=st.sampled_from(sorted(HIJACKING)),
    ref=st.sampled_from(["env:X", "vault://kv/app#k", "op://v/i/f", "${{ secrets.X }}"]),
    lower=st.booleans(),
)
def test_a_hijacking_variable_is_never_set_freely_from_a_reference(
    name: str, ref: str, lower: bool
) -> None:
    """Property: the reference reading never admits a variable that decides what runs."""
    assert not sets_from_references({"name": name.lower() if lower else name, "value": ref})
    assert not sets_from_references({"env": {name: ref, "OK_VAR": ref}})
