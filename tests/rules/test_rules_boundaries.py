"""Path and network boundaries as the rules stage applies them to one call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aimds.policy.sections.actions import NetworkSection, PathsSection
from aimds.rules.boundaries import Boundaries
from aimds.types import ActionInfo, Finding, Severity, Verdict

PLAIN = ActionInfo(type="fs:read", risk=Severity.LOW)


def judge(
    args: dict[str, Any],
    *,
    paths: dict[str, Any] | None = None,
    network: dict[str, Any] | None = None,
    resources: tuple[str, ...] = (),
) -> tuple[list[str], Any]:
    b = Boundaries(
        PathsSection.model_validate({"cwd": "/work/proj", "home": "/home/u", **(paths or {})}),
        NetworkSection.model_validate(network or {}),
    )
    findings: list[Finding] = []
    action = ActionInfo(type="x:y", risk=Severity.LOW, resources=resources)
    touched = b.check(args, action, findings)
    return [f.rule for f in findings], touched


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        ({"path": "~/.aws/credentials"}, "path.credential_store"),
        ({"file": "/home/u/.ssh/id_rsa"}, "path.credential_store"),
        ({"destination": "%2Fetc%2Fpasswd"}, "path.system"),
        ({"paths": ["ok.txt", "/etc/sudoers"]}, "path.credential_store"),
        ({"dir": "../../../etc"}, "path.system"),
    ],
)
def test_sensitive_places_in_any_path_argument(args: dict[str, Any], rule: str) -> None:
    rules, _ = judge(args)
    assert rule in rules


@pytest.mark.parametrize(
    "args", [{"path": "src/main.py"}, {"path": "/dev/null"}, {"text": "/etc/shadow"}]
)
def test_ordinary_paths_and_non_path_arguments_pass(args: dict[str, Any]) -> None:
    assert judge(args)[0] == []


def test_paths_from_resources_are_judged() -> None:
    rules, touched = judge({}, resources=("/etc/shadow", "~/*", "a@b.com", "table:users"))
    assert rules == ["path.credential_store"]
    assert touched.paths == ("/etc/shadow",)


def test_allow_confines_and_deny_forbids() -> None:
    cfg = {"allow": ["{cwd}/**"], "deny": ["**/secret_dir"]}
    assert judge({"path": "src/a.py"}, paths=cfg)[0] == []
    assert judge({"path": "/tmp/x"}, paths=cfg)[0] == ["path.outside"]
    assert judge({"path": "src/secret_dir/x"}, paths=cfg)[0] == ["path.denied"]


def test_symlink_out_of_the_allowed_tree_is_caught(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "link").symlink_to("/etc")
    cfg = {"allow": ["{cwd}/**"], "cwd": str(tmp_path / "proj")}
    rules, touched = judge({"path": "link/hostname"}, paths=cfg)
    assert "path.outside" in rules and touched.paths == ("/etc/hostname",)


def test_invalid_path_is_a_finding_not_an_error() -> None:
    assert judge({"path": "a\x00b"})[0] == ["path.invalid"]


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        ({"url": "http://127.0.0.1:8080/"}, "network.denied"),
        ({"url": "http://0x7f.1/"}, "network.denied"),
        ({"host": "192.168.1.10"}, "network.denied"),
        ({"endpoint": "http://[::ffff:169.254.169.254]/"}, "network.metadata"),
        ({"anything": "http://10.0.0.8/x"}, "network.denied"),  # a whole-URL value
        ({"url": "http://user@:80"}, "network.invalid"),
    ],
)
def test_private_and_metadata_destinations_are_denied(args: dict[str, Any], rule: str) -> None:
    assert rule in judge(args)[0]


def test_hosts_from_resources_and_public_hosts() -> None:
    rules, touched = judge({"url": "https://example.com/a"}, resources=("10.0.0.1",))
    assert rules == ["network.denied"]
    assert set(touched.hosts) == {"example.com", "10.0.0.1"}


def test_confine_allow_hosts_and_ports() -> None:
    net = {"confine": True, "allow_hosts": ["*.example.com"], "ports": [443]}
    assert judge({"url": "https://api.example.com/x"}, network=net)[0] == []
    assert judge({"url": "https://evil.com/x"}, network=net)[0] == ["network.denied"]
    assert judge({"url": "http://api.example.com/x"}, network=net)[0] == ["network.denied"]
    assert judge({"url": "https://x.com"}, network={"confine": True})[0] == ["network.outside"]


def test_allow_private_never_allows_metadata() -> None:
    assert judge({"url": "http://10.0.0.1/"}, network={"allow_private": True})[0] == []
    rules = judge({"url": "http://169.254.169.254/"}, network={"allow_private": True})[0]
    assert rules == ["network.metadata"]


def test_actions_are_configurable() -> None:
    b = Boundaries(
        PathsSection.model_validate({"action": "review", "cwd": "/w", "home": "/h"}),
        NetworkSection.model_validate({"action": "warn"}),
    )
    findings: list[Finding] = []
    b.check({"path": "/etc/passwd", "url": "http://10.0.0.1"}, PLAIN, findings)
    assert [f.action for f in findings] == [Verdict.REVIEW, Verdict.WARN]
    assert findings[0].details["timeout_s"] == 300 and "timeout_s" not in findings[1].details
    assert all("/etc/passwd" not in f.message and "10.0.0.1" not in f.message for f in findings)
