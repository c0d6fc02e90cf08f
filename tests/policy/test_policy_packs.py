"""The built-in packs end to end through the guard: hard rules, roles, scopes, boundaries."""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import aimds
from aimds.policy import PACKS, load_policy
from aimds.types import Decision, Subject, Verdict

ROLES = ("architect", "expert", "observer")
_sessions = itertools.count()


@cache
def guard(pack: str) -> aimds.Guard:
    return aimds.Guard(pack)


def check(pack: str, tool: str, args: dict[str, Any], role: str = "expert") -> Decision:
    # a fresh session per call keeps stateful stages (behaviour, budgets) out of the way
    subject = Subject(role=role, session=f"packs-{next(_sessions)}")
    return guard(pack).check_tool_call(tool, args, subject=subject)


def hard_rules(decision: Decision) -> set[str]:
    return {f.rule for f in decision.findings if f.hard}


HARD_CASES = [
    ("shell", {"command": "rm -rf /"}, "hard.rm_root"),
    ("shell", {"command": "sudo rm -rf --no-preserve-root /"}, "hard.rm_root"),
    ("bash", {"cmd": "rm -fr ~"}, "hard.rm_root"),
    ("shell", {"command": "mkfs.ext4 /dev/sda1"}, "hard.mkfs"),
    ("shell", {"command": "dd if=/dev/zero of=/dev/sda bs=1M"}, "hard.dd_device"),
    ("shell", {"command": ":(){ :|:& };:"}, "hard.fork_bomb"),
    ("shell", {"command": "chmod -R 777 /"}, "hard.chmod_root"),
    ("read_file", {"path": "/etc/shadow"}, "hard.shadow_file"),
    ("read_file", {"path": "/etc/../etc//shadow"}, "hard.shadow_file"),
    ("shell", {"command": "cat /etc/shadow"}, "hard.shadow_command"),
    ("http_get", {"url": "http://169.254.169.254/latest/meta-data/"}, "hard.metadata_host"),
    ("http_get", {"url": "http://2852039166/latest/"}, "hard.metadata_host"),  # decimal IP
    ("fetch", {"url": "http://metadata.google.internal/computeMetadata/v1/"}, "hard.metadata_host"),
    ("shell", {"command": "curl -s http://169.254.169.254/latest/"}, "hard.metadata_literal"),
]


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("tool", "args", "rule"), HARD_CASES)
def test_hard_rules_block_under_every_pack_and_role(
    pack: str, role: str, tool: str, args: dict[str, Any], rule: str
) -> None:
    decision = check(pack, tool, args, role)
    assert decision.verdict is Verdict.BLOCK
    assert rule in hard_rules(decision)
    finding = next(f for f in decision.findings if f.rule == rule)
    assert finding.category == "hard_rule" and finding.action is Verdict.BLOCK


HARD_NEGATIVES = [
    ("shell", {"command": "rm -rf ./build"}),
    ("shell", {"command": "rm -rf /tmp/scratch"}),
    ("shell", {"command": "chmod -R 755 ./dist"}),
    ("shell", {"command": "dd if=in.img of=out.img"}),
    ("shell", {"command": "cat /etc/shadowsocks.json"}),
    ("read_file", {"path": "notes/shadow.txt"}),
    ("web_search", {"query": "what is 169.254.169.254 used for"}),
    ("write_file", {"path": "docs/danger.md", "content": "never run rm -rf / or mkfs"}),
]


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(("tool", "args"), HARD_NEGATIVES)
def test_hard_rules_do_not_fire_on_look_alikes(pack: str, tool: str, args: dict[str, Any]) -> None:
    assert not hard_rules(check(pack, tool, args, "architect"))


def test_hard_rules_are_identical_in_every_pack() -> None:
    def hard(pack: str) -> list[dict[str, Any]]:
        doc = load_policy(pack).document
        return [r.model_dump() for r in doc.rules if r.hard]

    assert hard("default") == hard("strict") == hard("permissive")
    assert len(hard("default")) >= 8


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    ("tool", "args"),
    [("read_file", {"path": "README.md"}), ("shell", {"command": "ls"}), ("frobnicate", {})],
)
def test_observer_is_blocked_from_every_tool(pack: str, tool: str, args: dict[str, Any]) -> None:
    decision = check(pack, tool, args, "observer")
    assert decision.verdict is Verdict.BLOCK
    assert "role.observer" in decision.rules


def test_observer_may_send_messages() -> None:
    decision = guard("default").check_message("status update", subject=Subject(role="observer"))
    assert "role.observer" not in decision.rules


EVERYDAY = [
    ("read_file", {"path": "README.md"}),
    ("list_dir", {"path": "."}),
    ("shell", {"command": "git status"}),
    ("shell", {"command": "git diff HEAD~1"}),
    ("shell", {"command": "git log --oneline -5"}),
    ("shell", {"command": "pytest -q tests"}),
    ("shell", {"command": "ls -la"}),
    ("memory_read", {"key": "notes"}),
]


@pytest.mark.parametrize(("tool", "args"), EVERYDAY)
def test_default_expert_scope_covers_everyday_work(tool: str, args: dict[str, Any]) -> None:
    decision = check("default", tool, args)
    mine = [f for f in decision.findings if f.stage == "rules"]
    assert all(f.action is Verdict.ALLOW for f in mine), [f.rule for f in mine]
    assert any(f.category == "scope" for f in mine)


@pytest.mark.parametrize(
    ("tool", "args"),
    [("web_search", {"query": "python dataclasses"}), ("http_get", {"url": "https://example.com/"})],
)
def test_default_expert_may_search_and_get_public_pages(tool: str, args: dict[str, Any]) -> None:
    decision = check("default", tool, args)
    assert "scope.read" in decision.rules
    mine = [f for f in decision.findings if f.stage == "rules"]
    assert all(f.action is Verdict.ALLOW for f in mine)


@pytest.mark.parametrize(
    ("tool", "args", "rule"),
    [
        ("read_file", {"path": "~/.aws/credentials"}, "path.credential_store"),
        ("read_file", {"path": "~/.ssh/id_ed25519"}, "path.credential_store"),
        ("write_file", {"path": "/etc/hosts", "content": "x"}, "path.system"),
        ("http_get", {"url": "http://10.1.2.3/admin"}, "network.denied"),
        ("http_get", {"url": "http://localhost:8080/"}, "network.denied"),
        # rm -rf ./src inside the workspace is everyday work now (issue 12); outside it is not
        ("shell", {"command": "rm -rf /opt/data"}, "deny.destructive"),
    ],
)
def test_default_denies_sensitive_places_and_destructive_acts(
    tool: str, args: dict[str, Any], rule: str
) -> None:
    decision = check("default", tool, args)
    assert decision.verdict is Verdict.BLOCK
    assert rule in decision.rules


def test_default_expert_outside_scope_is_blocked_with_scope_finding() -> None:
    decision = check("default", "transfer_funds", {"amount": 10, "to": "acct-1"})
    assert decision.verdict is Verdict.BLOCK
    finding = next(f for f in decision.findings if f.rule == "scope.denied")
    assert finding.category == "scope"


def test_architect_bypasses_scope_in_default() -> None:
    decision = check("default", "transfer_funds", {"amount": 10}, "architect")
    assert "scope.denied" not in decision.rules
    assert "role.architect" in decision.rules


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("write_file", {"path": "out.txt", "content": "x"}),
        ("shell", {"command": "touch out.txt"}),
        ("delete_file", {"path": "out.txt"}),
    ],
)
def test_strict_reviews_writes(tool: str, args: dict[str, Any]) -> None:
    decision = check("strict", tool, args)
    review = [f for f in decision.findings if f.stage == "rules" and f.action is Verdict.REVIEW]
    assert review and all("timeout_s" in f.details for f in review)
    assert decision.verdict >= Verdict.REVIEW


def test_strict_confines_paths_and_hosts() -> None:
    assert "path.outside" in check("strict", "read_file", {"path": "/tmp/elsewhere.txt"}).rules
    assert "network.outside" in check("strict", "http_get", {"url": "https://example.com"}).rules
    assert "defaults.unknown_tool" in check("strict", "frobnicate", {}).rules
    assert check("strict", "frobnicate", {}).verdict is Verdict.BLOCK


def test_permissive_keeps_only_hard_rules_and_sensitive_places() -> None:
    assert check("permissive", "shell", {"command": "rm -rf ./src"}).verdict is not Verdict.BLOCK
    assert check("permissive", "frobnicate", {}).verdict is not Verdict.BLOCK
    assert check("permissive", "read_file", {"path": "~/.aws/credentials"}).verdict is Verdict.BLOCK


def test_child_policy_cannot_weaken_a_hard_rule(tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text(
        yaml.safe_dump(
            {
                "name": "child",
                "extends": "default",
                "rules": [{"id": "hard.rm_root", "action": "allow", "tools": ["nothing"]}],
            }
        )
    )
    with pytest.raises(aimds.PolicyError) as info:
        load_policy(child)
    message = str(info.value)
    assert message.startswith(f"{child}:4: rules[hard.rm_root]:")
    assert "hard rule of the parent policy" in message


def test_child_policy_adds_rules_and_keeps_hard_ones(tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text(
        "name: child\nextends: default\nrules:\n"
        "  - id: allow.transfer\n    action: allow\n    tools: [transfer_funds]\n"
    )
    pol = load_policy(child)
    ids = [r.id for r in pol.document.rules]
    assert "allow.transfer" in ids and "hard.rm_root" in ids
    decision = aimds.Guard(pol).check_tool_call("shell", {"command": "rm -rf /"})
    assert "hard.rm_root" in decision.rules
