"""Paths with shell wildcards are judged by the protected places they could expand to
(:mod:`aimds.rules.understanding.globs`): ``cat /etc/sh*dow`` is a read of the shadow file for
the hard rule, whatever the tool, the argument or the wildcard; ordinary globs stay quiet."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import aimds
from aimds.rules.understanding.globs import has_glob, locate_place
from aimds.types import Decision, Verdict

GUARD = aimds.Guard()
_AGENTS = itertools.count()


def check(tool: str, args: dict[str, Any]) -> Decision:
    who = aimds.Subject(tenant="t", agent=f"glob-{next(_AGENTS)}", role="expert", session="s")
    return GUARD.check_tool_call(tool, args, subject=who)


def hard(decision: Decision) -> set[str]:
    return {f.rule for f in decision.findings if f.rule.startswith("hard.")}


SHADOW_GLOBS = ["/etc/sh*dow", "/etc/sha?ow", "/etc/[s]hadow", "/etc/g*", "/e?c/shadow", "/etc/*"]


@pytest.mark.parametrize("glob", SHADOW_GLOBS)
@pytest.mark.parametrize(
    ("tool", "make"),
    [
        ("shell", lambda g: {"command": f"cat {g}"}),
        ("terminal", lambda g: {"cmdline": f"head -n 3 {g}"}),
        ("run_cmd", lambda g: {"cmd": f"cp {g} /tmp/x"}),
        ("read_file", lambda g: {"path": g}),
        ("tool_x", lambda g: {"p": g}),
    ],
)
def test_a_glob_that_can_name_the_shadow_file_hits_the_hard_rule(
    glob: str, tool: str, make: Any
) -> None:
    decision = check(tool, make(glob))
    assert decision.verdict is Verdict.BLOCK, (tool, glob, decision.explain())
    assert "hard.shadow_command" in hard(decision), (tool, glob, decision.explain())


@pytest.mark.parametrize(
    ("glob", "kind"),
    [
        ("/home/*/.aws/cred*", "aws"),
        ("/root/.ss?/id_*", "ssh"),
        ("~/.kube/conf*", "kube"),
        ("/proc/*/environ", "env"),
        ("./.e*", "env"),
        ("/etc/sudo*", "sudoers"),
        ("/var/run/secrets/*/token", "k8s_token"),
    ],
)
def test_a_glob_that_can_name_a_credential_store_is_one(glob: str, kind: str) -> None:
    place = locate_place(glob.replace("~", "/root").replace("./", "/work/"))
    assert place is not None and place.credential_store and place.kind == kind, (glob, place)
    decision = check("shell", {"command": f"cat {glob}"})
    assert decision.verdict is Verdict.BLOCK, (glob, decision.explain())


@pytest.mark.parametrize(
    "command",
    [
        "cat *.txt",
        "grep -n TODO *",
        "ls /tmp/*",
        "cat src/*.py",
        "wc -l /var/log/*.log",
        "rm -f build/*.o",
        'prettier --write "src/**/*.ts"',
        "du -sh node_modules/*",
        "cat /etc/shadowsocks.json",
    ],
)
def test_ordinary_globs_stay_quiet(command: str) -> None:
    decision = check("shell", {"command": command})
    assert not hard(decision), (command, decision.explain())
    assert decision.verdict is Verdict.ALLOW or "/etc/" in command, (command, decision.explain())


def test_shell_expansion_rules_are_followed() -> None:
    # a leading wildcard skips dotfiles, and ``**`` skips hidden directories
    assert locate_place("/work/*env") is None
    assert locate_place("/work/src/**/*.ts") is None
    assert locate_place("/work/.e*") is not None
    assert has_glob("/etc/sh*dow") and not has_glob("/etc/shadow")
