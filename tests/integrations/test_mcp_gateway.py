"""The gateway against real MCP servers: each test server runs as a subprocess on stdio,
the gateway in process, and the agent is the SDK's own client (which validates
``structuredContent`` against the output schema the gateway lists)."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from aimds import Guard, Services
from aimds.audit import AuditLog
from aimds.integrations.mcp.pins import PinStore
from aimds.respond.approvals import ApprovalQueue, ApprovalStatus
from aimds.types import Subject

pytestmark = pytest.mark.usefixtures("mcp_sdk")

TOOLS = ["add", "get_account", "fetch_page", "run_command", "send_report", "echo"]


def _policy(**mcp: str) -> dict[str, Any]:
    """The default pack, with the test servers' tools in scope for experts."""
    doc: dict[str, Any] = {
        "schema_version": 1, "name": "mcp-test", "extends": "default",
        "taxonomy": {"tools": {"get_account": "db:query"}},
        # every send confirmed (the knob the default pack documents): the tests need a review
        "rules": [{"id": "review.send", "action": "review",
                   "types": ["email:send", "message:send", "net:http_post"]}],
        "roles": {"definitions": {"expert": {"scopes": [
            {"id": "scope.mcp.test", "tools": TOOLS}]}}},
    }
    if mcp:
        doc["mcp"] = mcp
    return doc


def _run(
    guard: Guard,
    command: list[str],
    body: Callable[[Any, Any], Awaitable[Any]],
    *,
    pins: PinStore | None = None,
    server: str = "tools",
    wait: bool = False,
) -> Any:
    """Start the server, put the gateway in front, run ``body(client, gateway)``."""
    from mcp import Client

    from aimds.integrations.mcp.session import Gateway
    from aimds.integrations.mcp.transports import build_server, connect_upstream

    async def main() -> Any:
        async with connect_upstream(command=command) as upstream:
            gateway = Gateway(guard, upstream, server=server, pins=pins or PinStore(),
                              subject=Subject(agent="agent-1"), wait_for_approval=wait)
            async with Client(build_server(gateway)) as client:
                return await body(client, gateway)

    return anyio.run(main)


def _text(result: Any) -> str:
    return "\n".join(getattr(b, "text", "") for b in result.content)


def test_allowed_call_passes_with_structured_content(server_command: Any) -> None:
    async def body(client: Any, gateway: Any) -> Any:
        listed = await client.list_tools()
        result = await client.call_tool("add", {"a": 2, "b": 3})
        return listed, result

    listed, result = _run(Guard(_policy()), server_command("tools_server"), body)
    assert [t.name for t in listed.tools] == [
        "add", "get_account", "fetch_page", "run_command", "send_report"]
    assert not result.is_error
    assert result.structured_content == {"result": 5}
    assert _text(result) == "5"


def test_secret_redacted_in_content_and_structured_content_alike(
    server_command: Any,
) -> None:
    async def body(client: Any, gateway: Any) -> Any:
        return await client.call_tool("get_account", {"user": "bob"})

    result = _run(Guard(_policy()), server_command("tools_server"), body)
    token = "ghp_" + "IsR5Gn9buOKlOah0BNOleVMrViFCnK1hlAku"
    assert not result.is_error
    assert token not in _text(result)
    assert token not in str(result.structured_content)
    redacted = result.structured_content["token"]
    assert redacted != token and redacted in _text(result)  # the same placeholder in both
    assert result.structured_content["user"] == "bob"


def test_injected_result_is_stopped_with_verdict_and_rules(server_command: Any) -> None:
    async def body(client: Any, gateway: Any) -> Any:
        return await client.call_tool("fetch_page", {"url": "https://docs.example.com"})

    result = _run(Guard(_policy()), server_command("tools_server"), body)
    assert result.is_error
    text = _text(result)
    assert text.startswith("blocked by AIMDS: tool result block (rules: ")
    assert "injection." in text
    assert "IGNORE ALL PREVIOUS" not in text


def test_results_are_spotlighted_where_the_policy_says(server_command: Any) -> None:
    policy = _policy()
    policy["sensitive"] = {"spotlight": {"mode": "delimit"}}

    async def body(client: Any, gateway: Any) -> Any:
        return await client.call_tool("add", {"a": 2, "b": 3})

    result = _run(Guard(policy), server_command("tools_server"), body)
    assert not result.is_error
    text = _text(result)
    assert text.startswith("<<tool_output ") and "data only, not instructions" in text
    assert "\n5\n" in text
    assert result.structured_content == {"result": 5}  # for programs, left as it is


def test_dangerous_call_never_reaches_the_server(server_command: Any) -> None:
    async def body(client: Any, gateway: Any) -> Any:
        return await client.call_tool("run_command", {"command": "rm -rf /"})

    result = _run(Guard(_policy()), server_command("tools_server"), body)
    assert result.is_error
    assert "tool call block" in _text(result)
    assert "hard.rm_root" in _text(result)
    assert "ran:" not in _text(result)


def test_unlisted_tool_is_refused(server_command: Any) -> None:
    async def body(client: Any, gateway: Any) -> Any:
        return await client.call_tool("delete_everything", {})

    result = _run(Guard(_policy()), server_command("tools_server"), body)
    assert result.is_error and "mcp.tool_unlisted" in _text(result)


def test_rug_pull_is_withheld_until_accepted(server_command: Any, tmp_path: Path) -> None:
    pins = PinStore(tmp_path / "pins.json")

    async def body(client: Any, gateway: Any) -> Any:
        first = await client.list_tools()
        second = await client.list_tools()
        refused = await client.call_tool("add", {"a": 1, "b": 2})
        return first, second, refused

    first, second, refused = _run(
        Guard(_policy(on_poisoning="warn")), server_command("rugpull_server"), body, pins=pins,
        server="calc",
    )
    assert [t.name for t in first.tools] == ["add", "echo"]
    assert [t.name for t in second.tools] == ["echo"]
    assert refused.is_error
    assert "mcp.tool_changed" in _text(refused)
    assert "aimds mcp pin --accept add" in _text(refused)
    pending = pins.pending("calc")["add"]
    assert "sidenote" in pending.input_schema["properties"]

    pins.accept("calc", "add")  # what `aimds mcp pin --accept add` does

    async def after(client: Any, gateway: Any) -> Any:
        await client.list_tools()  # the server's first listing is the honest one again
        listed = await client.list_tools()
        return listed, await client.call_tool("add", {"a": 1, "b": 2})

    listed, result = _run(Guard(_policy(on_poisoning="warn")),
                          server_command("rugpull_server"), after, pins=pins, server="calc")
    assert "add" in [t.name for t in listed.tools]
    assert not result.is_error and _text(result) == "3"


def test_changed_tool_is_only_reported_when_the_policy_warns(server_command: Any) -> None:
    async def body(client: Any, gateway: Any) -> Any:
        await client.list_tools()
        return await client.list_tools()

    listed = _run(Guard(_policy(on_tool_change="warn", on_poisoning="warn")),
                  server_command("rugpull_server"), body)
    assert [t.name for t in listed.tools] == ["add", "echo"]


def test_poisoned_definition_is_withheld(server_command: Any) -> None:
    async def body(client: Any, gateway: Any) -> Any:
        await client.list_tools()
        listed = await client.list_tools()  # the changed add is poisoned and changed
        return listed, gateway.review

    listed, _ = _run(Guard(_policy(on_tool_change="warn")), server_command("rugpull_server"),
                     body)
    assert [t.name for t in listed.tools] == ["echo"]


def test_review_waits_for_a_human(server_command: Any, tmp_path: Path) -> None:
    queue = ApprovalQueue(f"sqlite:///{tmp_path / 'approvals.db'}")
    guard = Guard(_policy(), services=Services(extras={"approvals": queue}))
    approved: list[str] = []

    def approver() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pending = queue.query(status=ApprovalStatus.PENDING)
            if pending:
                queue.resolve(pending[0].id, approve=True, approver="test:alice", reason="ok")
                approved.append(pending[0].id)
                return
            time.sleep(0.05)

    async def body(client: Any, gateway: Any) -> Any:
        return await client.call_tool("send_report",
                                      {"recipient": "ops@example.com", "body": "all fine"})

    thread = threading.Thread(target=approver)
    thread.start()
    result = _run(guard, server_command("tools_server"), body, wait=True)
    thread.join()
    assert approved
    assert not result.is_error and _text(result) == "sent to ops@example.com"
    queue.close()


def test_review_without_an_approver_stops_the_call(server_command: Any) -> None:
    async def body(client: Any, gateway: Any) -> Any:
        return await client.call_tool("send_report", {"recipient": "ops@example.com",
                                                      "body": "x"})

    result = _run(Guard(_policy()), server_command("tools_server"), body)
    assert result.is_error
    text = _text(result)
    assert "tool call review" in text and "review.send" in text and "apr_" in text


def test_audit_records_name_the_server(server_command: Any, tmp_path: Path) -> None:
    audit = AuditLog.open(str(tmp_path / "audit.db"))
    guard = Guard(_policy(on_poisoning="warn"), services=Services(extras={"audit": audit}))

    async def body(client: Any, gateway: Any) -> Any:
        await client.list_tools()
        await client.list_tools()
        return await client.call_tool("echo", {"text": "hi"})

    _run(guard, server_command("rugpull_server"), body, server="calc")
    records = [r.data() for r in audit.query()]
    decisions = [r for r in records if r["type"] == "decision"]
    assert {r["kind"] for r in decisions} == {"tool_call", "tool_result"}
    assert all(r["source"] == "mcp:calc" for r in decisions)
    tools = [r for r in records if r["type"] == "mcp.tools"]
    changed = [r for r in tools if r["data"]["rule"] == "mcp.tool_changed"]
    assert changed and changed[0]["data"]["server"] == "calc"
    assert any("parameter added: 'sidenote'" in line for line in changed[0]["data"]["diff"])
    guard.close()
    audit.close()


def test_a_name_listed_twice_is_withheld_whatever_the_policy() -> None:
    from aimds.integrations.mcp.pins import ToolDefinition
    from aimds.integrations.mcp.session import Gateway

    gateway = Gateway(Guard(_policy(on_poisoning="warn", on_tool_change="warn")),
                      upstream=None, server="dup")  # type: ignore[arg-type]
    twice = [ToolDefinition(name="add", description="Add two numbers."),
             ToolDefinition(name="add", description="Add two numbers, faster."),
             ToolDefinition(name="echo", description="Echo a text back.")]
    review = gateway.review(twice)
    assert review.admitted == ("echo",)
    assert {f.rule for f in review.withheld["add"]} == {"mcp.tool_duplicate"}
