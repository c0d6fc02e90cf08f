"""Benign calls the default pack stopped for a misreading (issue 12): a bare read verb given
a relative ``uri`` is a file read, a CDN purge no local delete, a docker prune of unused
containers and images no data loss; what is dangerous in the same shapes stays stopped."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aimds
from aimds.types import Decision, Verdict

_GUARD = aimds.Guard()
_AGENTS = itertools.count()


def _check(tool: str, args: dict[str, Any]) -> Decision:
    n = next(_AGENTS)
    who = aimds.Subject(tenant="t", agent=f"fs2-{n}", role="expert", session=f"fs2-{n}")
    return _GUARD.check_tool_call(tool, args, subject=who)


def _type(decision: Decision) -> str:
    assert decision.action is not None
    return decision.action.type


# ------------------------------------------------------------ a relative uri


@pytest.mark.parametrize("tool", ["read", "open", "cat", "get", "read_resource", "view"])
@pytest.mark.parametrize("uri", ["docs/intro.md", "./notes.txt", "src/app/main.py", "docs/"])
def test_a_bare_read_verb_given_a_relative_uri_reads_a_file(tool: str, uri: str) -> None:
    decision = _check(tool, {"uri": uri})
    assert decision.verdict is Verdict.ALLOW
    assert _type(decision) == "fs:read"


def test_a_listing_verb_given_a_relative_uri_lists_a_folder() -> None:
    decision = _check("list", {"uri": "src/components/"})
    assert decision.verdict is Verdict.ALLOW
    assert _type(decision) == "fs:list"


@pytest.mark.parametrize(
    "uri",
    [
        "metadata/computeMetadata/v1/instance",
        "instance-data/latest/meta-data",
        "169.254.169.254/latest/meta-data",
        "localhost:8080/admin",
        "localhost/admin",
        "10.0.0.5/admin",
        "//169.254.169.254/latest",
        "//10.0.0.5/admin",
    ],
)
@pytest.mark.parametrize("tool", ["read", "open"])
def test_a_host_first_segment_stays_a_destination(tool: str, uri: str) -> None:
    decision = _check(tool, {"uri": uri})
    assert decision.verdict is not Verdict.ALLOW
    assert _type(decision).startswith("net:")


@pytest.mark.parametrize("uri", ["host.example/x", "README.md"])
def test_a_dotted_first_segment_is_still_read_as_a_host(uri: str) -> None:
    # a public name (``.md`` is a country's domain too): a request, allowed as before
    assert _type(_check("read", {"uri": uri})) == "net:http_get"


@pytest.mark.parametrize("uri", ["/etc/shadow", "~/.ssh/id_rsa", "../../../../etc/shadow"])
def test_a_sensitive_path_under_uri_is_judged_as_that_path(uri: str) -> None:
    assert _check("read", {"uri": uri}).verdict is Verdict.BLOCK


@pytest.mark.parametrize("tool", ["fetch", "http_get", "web_fetch"])
def test_a_request_tool_keeps_reading_uri_as_an_address(tool: str) -> None:
    decision = _check(tool, {"uri": "docs/intro.md"})
    assert _type(decision) == "net:http_get"
    assert decision.verdict is Verdict.BLOCK  # "docs" as a one-label private host


def test_a_url_key_keeps_reading_as_an_address() -> None:
    assert _type(_check("read", {"url": "docs/intro.md"})) == "net:http_get"


@settings(max_examples=40, deadline=None)
@given(
    head=st.sampled_from(["metadata", "instance-data", "localhost", "169.254.169.254"]),
    tail=st.from_regex(r"[a-z0-9_-]{1,12}(/[a-z0-9_.-]{1,12}){0,3}", fullmatch=True),
    tool=st.sampled_from(["read", "open", "get", "cat"]),
)
def test_no_relative_reading_ever_lets_a_metadata_or_loopback_uri_through(
    head: str, tail: str, tool: str
) -> None:
    assert _check(tool, {"uri": f"{head}/{tail}"}).verdict is not Verdict.ALLOW


# ------------------------------------------------------------------ CDN purge


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("purge_cdn", {"zone": "acme.example"}),
        ("cdn_purge", {"zone": "acme.example", "paths": ["/img/logo.png"]}),
        ("fastly_purge", {"service": "web", "url": "https://acme.example/a.css"}),
    ],
)
def test_a_cdn_purge_is_no_local_file_delete(tool: str, args: dict[str, Any]) -> None:
    decision = _check(tool, args)
    assert decision.verdict is not Verdict.BLOCK
    assert not _type(decision).startswith("fs:")


def test_a_cdn_tool_naming_a_system_file_is_still_stopped() -> None:
    assert _check("purge_cdn", {"path": "/etc/passwd"}).verdict is Verdict.BLOCK


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("purge", {"zone": "acme.example"}),  # a bare delete verb: still a file delete
        ("purge_cache", {"path": "/etc/passwd"}),
        ("delete", {"path": "/etc/passwd"}),
    ],
)
def test_other_purges_stay_file_deletes(tool: str, args: dict[str, Any]) -> None:
    decision = _check(tool, args)
    assert _type(decision) == "fs:delete"
    assert decision.verdict is Verdict.BLOCK


# --------------------------------------------------------------- docker prune


@pytest.mark.parametrize(
    "command",
    [
        "docker system prune -f",
        "docker system prune -af",
        "docker image prune -a -f",
        "docker container prune --force",
        "docker network prune -f",
        "docker compose down",
    ],
)
@pytest.mark.parametrize(("tool", "key"), [("bash", "command"), ("terminal", "cmdline")])
def test_a_prune_of_what_is_rebuilt_is_everyday_cleanup(tool: str, key: str, command: str) -> None:
    assert _check(tool, {key: command}).verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    "command",
    [
        "docker system prune -af --volumes",
        "docker system prune --volumes -f",
        "docker volume prune -f",
        "docker volume rm pgdata",
        "docker volume remove pgdata",
        "docker compose down -v",
        "docker compose down --volumes",
        "docker rm -f web",
        "docker container rm -f web",
        "docker container remove --force web",
        "docker image rm -f app",
        "docker system prune -f && rm -rf ~",
    ],
)
@pytest.mark.parametrize(("tool", "key"), [("bash", "command"), ("terminal", "cmdline")])
def test_removing_volumes_or_forcing_removal_stays_blocked(
    tool: str, key: str, command: str
) -> None:
    assert _check(tool, {key: command}).verdict is Verdict.BLOCK


@pytest.mark.parametrize(
    ("classic", "managed"),
    [
        ("docker push 10.0.0.9:5000/app", "docker image push 10.0.0.9:5000/app"),
        ("docker rmi -f app", "docker image remove -f app"),
        ("docker run --privileged -v /:/host alpine", "docker container run --privileged alpine"),
        ("docker ps", "docker container ls"),
    ],
)
def test_the_management_form_of_a_docker_command_is_judged_as_its_classic_form(
    classic: str, managed: str
) -> None:
    """``docker container rm`` / ``docker image push`` were read as no command at all."""
    assert (
        _check("bash", {"command": managed}).verdict is _check("bash", {"command": classic}).verdict
    )


# ------------------------------------------------- a bare file name to delete


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("remove", {"path": "build.log"}),
        ("purge", {"target": "build.log"}),
        ("delete", {"file": "coverage.xml"}),
        ("remove", {"path": "build/x.log"}),
    ],
)
def test_deleting_a_workspace_file_by_its_bare_name_is_workspace_work(
    tool: str, args: dict[str, Any]
) -> None:
    # judged by name as inside the workspace; once read again by content as a bare file
    # name it was a destructive delete outside every scope, unlike ``build/x.log``
    decision = _check(tool, args)
    assert decision.verdict is Verdict.ALLOW
    assert _type(decision) == "fs:write"


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("remove", {"path": ".env"}),
        ("delete", {"path": "id_rsa"}),
        ("delete", {"path": ".git"}),
        ("remove", {"path": "/etc/hosts"}),
    ],
)
def test_deleting_a_sensitive_bare_name_stays_blocked(tool: str, args: dict[str, Any]) -> None:
    assert _check(tool, args).verdict is Verdict.BLOCK
