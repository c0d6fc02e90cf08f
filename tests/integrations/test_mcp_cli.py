"""``aimds mcp proxy|pin|scan`` as a user runs them: the gateway is the ``aimds`` command
in a subprocess, on stdio and on Streamable HTTP, in front of real MCP servers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from typer.testing import CliRunner

from aimds import Guard
from aimds.cli.main import app
from aimds.cli.mcp_cmd import default_server_name

pytestmark = pytest.mark.usefixtures("mcp_sdk")

AIMDS = [sys.executable, "-c", "import sys; from aimds.cli.main import main; "
         "sys.argv[0] = 'aimds'; main()"]
runner = CliRunner()


def _text(result: Any) -> str:
    return "\n".join(getattr(b, "text", "") for b in result.content)


def _policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump({
        "schema_version": 1, "name": "mcp-cli", "extends": "default",
        "taxonomy": {"tools": {"get_account": "db:query"}},
        "mcp": {"on_poisoning": "warn"},
        # every send confirmed (the knob the default pack documents): the tests need a review
        "rules": [{"id": "review.send", "action": "review",
                   "types": ["email:send", "message:send", "net:http_post"]}],
        "roles": {"definitions": {"expert": {"scopes": [{
            "id": "scope.mcp.cli", "tools": ["add", "echo", "get_account", "run_command"]}]}}},
    }))
    return path


def test_stdio_proxy_withholds_a_rug_pull_and_pin_accepts_it(
    tmp_path: Path, server_command: Callable[[str], list[str]], child_env: dict[str, str]
) -> None:
    from mcp import Client, StdioServerParameters

    pins = tmp_path / "pins.json"
    proxy = StdioServerParameters(
        command=AIMDS[0],
        args=[*AIMDS[1:], "mcp", "proxy", "--policy", str(_policy_file(tmp_path)),
              "--pins", str(pins), "--server", "calc", "--", *server_command("rugpull_server")],
        env=child_env,
    )

    async def main() -> Any:
        async with Client(proxy) as client:
            first = await client.list_tools()
            second = await client.list_tools()
            return (first, second, await client.call_tool("add", {"a": 1, "b": 2}),
                    await client.call_tool("echo", {"text": "hello"}))

    first, second, refused, echoed = anyio.run(main)
    assert [t.name for t in first.tools] == ["add", "echo"]
    assert [t.name for t in second.tools] == ["echo"]
    assert refused.is_error and "mcp.tool_changed" in _text(refused)
    assert not echoed.is_error and _text(echoed) == "hello"

    result = runner.invoke(app, ["mcp", "pin", "--pins", str(pins), "--server", "calc",
                                 "--accept", "add", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accepted"] == ["add"]
    stored = json.loads(pins.read_text())["servers"]["calc"]
    assert "sidenote" in stored["tools"]["add"]["inputSchema"]["properties"]
    assert stored["pending"] == {}


def test_http_proxy_in_front_of_an_http_server(
    tmp_path: Path, server_command: Callable[[str], list[str]],
    spawn_http: Callable[[Callable[[int], list[str]]], int],
) -> None:
    from mcp import Client

    upstream = spawn_http(lambda port: [*server_command("tools_server"), "http", str(port)])
    gateway = spawn_http(lambda port: [
        *AIMDS, "mcp", "proxy", "--policy", str(_policy_file(tmp_path)),
        "--listen", f"127.0.0.1:{port}", "--upstream", f"http://127.0.0.1:{upstream}/mcp",
    ])

    async def main() -> Any:
        async with Client(f"http://127.0.0.1:{gateway}/mcp") as client:
            listed = await client.list_tools()
            return (listed, await client.call_tool("add", {"a": 2, "b": 2}),
                    await client.call_tool("get_account", {"user": "bob"}),
                    await client.call_tool("run_command", {"command": "rm -rf /"}))

    listed, added, account, dangerous = anyio.run(main)
    assert "add" in [t.name for t in listed.tools]
    assert not added.is_error and added.structured_content == {"result": 4}
    assert "ghp_IsR5" not in _text(account) and "ghp_IsR5" not in str(
        account.structured_content)
    assert dangerous.is_error and "hard.rm_root" in _text(dangerous)


def test_http_proxy_withholds_a_rug_pull_over_http(
    tmp_path: Path, server_command: Callable[[str], list[str]],
    spawn_http: Callable[[Callable[[int], list[str]]], int],
) -> None:
    from mcp import Client

    upstream = spawn_http(lambda port: [*server_command("rugpull_server"), "http", str(port)])
    gateway = spawn_http(lambda port: [
        *AIMDS, "mcp", "proxy", "--listen", f"127.0.0.1:{port}",
        "--upstream", f"http://127.0.0.1:{upstream}/mcp", "--pins", str(tmp_path / "p.json"),
    ])

    async def main() -> Any:
        async with Client(f"http://127.0.0.1:{gateway}/mcp") as client:
            return await client.list_tools(), await client.list_tools()

    first, second = anyio.run(main)
    assert [t.name for t in first.tools] == ["add", "echo"]
    assert [t.name for t in second.tools] == ["echo"]
    pending = json.loads((tmp_path / "p.json").read_text())["servers"]["127.0.0.1_mcp"]
    assert "add" in pending["pending"]


def test_scan_reports_and_writes_the_scope_that_admits_clean_tools(
    tmp_path: Path, server_command: Callable[[str], list[str]]
) -> None:
    out = tmp_path / "scope.yaml"
    result = runner.invoke(app, ["mcp", "scan", "--json", "--write-policy", str(out), "--",
                                 *server_command("poisoned_server")])
    assert result.exit_code == 1  # a poisoned tool
    report = json.loads(result.stdout)
    tools = {t["name"]: t for t in report["tools"]}
    assert report["server"] == "poisoned_server"
    assert tools["add"]["poisoned"] and not tools["multiply"]["poisoned"]
    assert {f["details"]["kind"] for f in tools["add"]["findings"]} >= {
        "instructions", "concealment", "secret_request"}
    assert tools["multiply"]["verdict"] == "review"  # unknown tool under the default pack

    guard = Guard(str(out))
    assert guard.check_tool_call("multiply", {"a": 2, "b": 3}).verdict.value == "allow"
    assert guard.check_tool_call("add", {"a": 2, "b": 3}).verdict.value == "review"
    assert "Left out as poisoned: add" in yaml.safe_load(out.read_text())["description"]


def test_scan_table_output(server_command: Callable[[str], list[str]]) -> None:
    result = runner.invoke(app, ["mcp", "scan", "--", *server_command("rugpull_server")])
    assert result.exit_code == 0
    assert "MCP server rugpull_server" in result.stdout and "defaults.unknown_tool" in (
        result.stdout)


def test_pin_records_and_then_reports_nothing_new(
    tmp_path: Path, server_command: Callable[[str], list[str]]
) -> None:
    pins = tmp_path / "pins.json"
    args = ["mcp", "pin", "--pins", str(pins), "--json", "--",
            *server_command("rugpull_server")]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["pinned"] == ["add", "echo"]
    again = runner.invoke(app, args)
    assert json.loads(again.stdout) == {"server": "rugpull_server", "pinned": [],
                                        "accepted": [], "changes": []}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mcp", "proxy"], "give the upstream server"),
        (["mcp", "proxy", "--upstream", "http://x/mcp", "--", "cmd"], "not both"),
        (["mcp", "proxy", "--listen", "nohost", "--", "cmd"], "--listen: expected HOST:PORT"),
        (["mcp", "pin", "--accept", "add"], "--pins FILE or --data-dir DIR"),
        (["mcp", "pin", "--pins", "p.json", "--accept", "add"], "needs --server NAME"),
        (["mcp", "scan", "--", "/nonexistent/mcp-server"],
         "cannot start or reach the upstream server (FileNotFoundError)"),
        (["mcp", "scan", "--upstream", "http://127.0.0.1:1/mcp"],
         "cannot start or reach the upstream server"),
    ],
)
def test_usage_errors_are_clear(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("command", "url", "name"),
    [
        (["python", "servers/files.py"], None, "files"),
        (["npx", "-y", "@modelcontextprotocol/server-github@1.2"], None, "server-github"),
        (["uvx", "mcp-server-git", "--repository", "."], None, "mcp-server-git"),
        (None, "https://mcp.example.com/v1/mcp", "mcp.example.com_v1_mcp"),
    ],
)
def test_default_server_names(command: list[str] | None, url: str | None, name: str) -> None:
    assert default_server_name(command, url) == name


def test_proxy_with_a_data_dir_waits_for_the_approver_and_audits(
    tmp_path: Path, server_command: Callable[[str], list[str]], child_env: dict[str, str]
) -> None:
    import threading
    import time

    from mcp import Client, StdioServerParameters

    from aimds.audit import AuditLog
    from aimds.respond.approvals import ApprovalQueue, ApprovalStatus
    from aimds.server.settings import ServerSettings

    data = tmp_path / "data"
    proxy = StdioServerParameters(
        command=AIMDS[0],
        args=[*AIMDS[1:], "mcp", "proxy", "--policy", str(_policy_file(tmp_path)),
              "--data-dir", str(data), "--agent", "reporter", "--",
              *server_command("tools_server")],
        env=child_env,
    )
    approved: list[str] = []

    def approver() -> None:  # what `aimds approvals approve ID --data-dir DIR` does
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not approved:
            if (data / "aimds.db").exists():
                settings = ServerSettings(data_dir=data)
                queue = ApprovalQueue(settings.resolved_database_url(),
                                      secret=settings.secret("digest"))
                pending = queue.query(status=ApprovalStatus.PENDING)
                if pending:
                    queue.resolve(pending[0].id, approve=True, approver="cli:alice",
                                  reason="expected report")
                    approved.append(pending[0].id)
                queue.close()
            time.sleep(0.2)

    async def main() -> Any:
        async with Client(proxy) as client:
            return await client.call_tool("send_report", {"recipient": "ops@example.com",
                                                          "body": "nightly build green"})

    thread = threading.Thread(target=approver)
    thread.start()
    result = anyio.run(main)
    thread.join()
    assert approved
    assert not result.is_error and _text(result) == "sent to ops@example.com"
    audit = AuditLog.open(str(data / "audit.db"))
    decisions = [r.data() for r in audit.query() if r.data()["type"] == "decision"]
    audit.close()
    assert decisions and {d["source"] for d in decisions} == {"mcp:tools_server"}
    assert {d["subject"]["agent"] for d in decisions} == {"reporter"}


def test_pin_shows_a_changed_tool_and_accepts_the_live_definition(
    tmp_path: Path, server_command: Callable[[str], list[str]]
) -> None:
    from aimds.integrations.mcp.pins import PinStore, ToolDefinition

    pins = tmp_path / "pins.json"
    PinStore(pins).pin("calc", [ToolDefinition(
        name="add", description="Add two integers.",
        input_schema={"type": "object", "properties": {"a": {"type": "integer"},
                                                       "b": {"type": "integer"}},
                      "required": ["a", "b"]})])
    server = ["--pins", str(pins), "--server", "calc", "--",
              *server_command("rugpull_server")]
    shown = runner.invoke(app, ["mcp", "pin", *server])
    assert shown.exit_code == 1
    assert "mcp.tool_changed: add" in shown.stdout
    assert 'description: "Add two integers." -> "Add two numbers."' in shown.stdout
    assert "pinned   echo (calc)" in shown.stdout
    assert "--accept TOOL" in shown.stdout

    accepted = runner.invoke(app, ["mcp", "pin", "--accept", "add", *server])
    assert accepted.exit_code == 0, accepted.output
    assert PinStore(pins).pinned("calc")["add"].description == "Add two numbers."
