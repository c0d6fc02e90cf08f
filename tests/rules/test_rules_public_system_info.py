"""Public system information (aimds.rules.paths.PUBLIC_SYSTEM_INFO): reading what system this
is (``/etc/os-release``, ``/proc/cpuinfo``) is no sensitive access; writing, deleting or
reading anything beside it (accounts, hosts, process environments, credentials) still is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimds.rules.paths import PUBLIC_SYSTEM_INFO
from aimds.types import Decision

FirstCall = Callable[[str, dict[str, Any]], Decision]
_STOP = ("review", "block")

BENIGN = [
    ("read_text", {"target": "/etc/os-release"}),
    ("read_file", {"path": "/etc/lsb-release"}),
    ("cat", {"file": "/proc/cpuinfo"}),
    ("view", {"fp": "/etc/debian_version"}),
    ("shell", {"command": "cat /etc/os-release"}),
    ("run_terminal_cmd", {"cmd": ". /etc/os-release && echo $VERSION_ID"}),
    ("bash", {"script": "grep -c processor /proc/cpuinfo && head -3 /proc/meminfo"}),
    ("python", {"code": "print(open('/etc/os-release').read())"}),
    ("exec_command", {"command": "cat /etc/*-release | head -5"}),  # only release files
    ("sh", {"cmd": "cat /etc/*_version"}),
]

DANGEROUS = [
    ("write_file", {"path": "/etc/os-release", "content": "ID=evil"}),
    ("edit_file", {"target": "/etc/hostname", "text": "x"}),
    ("shell", {"command": "echo x > /etc/hostname"}),
    ("shell", {"command": "sed -i s/a/b/ /etc/os-release"}),
    ("terminal", {"input": "rm /etc/issue"}),
    ("shell", {"command": "cp /tmp/x /etc/os-release"}),
    ("python", {"code": "open('/etc/os-release','w').write('x')"}),
    ("read_file", {"path": "/etc/passwd"}),
    ("read_file", {"path": "/etc/hosts"}),
    ("read_text", {"target": "/proc/self/environ"}),
    ("read_file", {"path": "/etc/os-release/../shadow"}),
    ("shell", {"command": "cat /etc/os-release /etc/shadow"}),
    ("shell", {"command": "cat /etc/os-release ~/.aws/credentials"}),
    ("shell", {"command": "cat /etc/*"}),  # a glob that reaches beyond release files
    ("shell", {"command": "cat /etc/*/x-release"}),
    ("shell", {"command": "echo ID=x > /etc/foo-release"}),
]


@pytest.mark.parametrize(("tool", "args"), BENIGN)
def test_reading_public_system_information_is_allowed(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    decision = first_call(tool, args)
    assert decision.verdict.value not in _STOP, decision.rules


@pytest.mark.parametrize(("tool", "args"), DANGEROUS)
def test_changing_them_or_reading_beside_them_is_stopped(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value in _STOP


# first_call is stateless between calls (a fresh agent each), so sharing it is safe
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(sorted(PUBLIC_SYSTEM_INFO)),
    write=st.sampled_from(
        [
            ("write_file", "path", None),
            ("shell", "command", "echo x > {}"),
            ("shell", "command", "tee -a {}"),
            ("shell", "command", "truncate -s0 {}"),
            ("shell", "command", "rm -f {}"),
            ("run_cmd", "cmd", "mv /tmp/x {}"),
        ]
    ),
)
def test_a_public_system_file_is_never_written_freely(
    first_call: FirstCall, path: str, write: tuple[str, str, str | None]
) -> None:
    """Property: the relaxation is for reads only; any write or delete is still stopped."""
    tool, arg, template = write
    args = {arg: path, "content": "x"} if template is None else {arg: template.format(path)}
    assert first_call(tool, args).verdict.value in _STOP
