"""``aimds approvals``: list, show, approve and deny against the service database."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from aimds.cli.main import app
from aimds.respond.approvals import ApprovalQueue, ApprovalRequest
from aimds.server.settings import ServerSettings

runner = CliRunner()


def _pending(data: Path, rid: str, tenant: str = "acme") -> None:
    settings = ServerSettings(data_dir=data)
    data.mkdir(parents=True, exist_ok=True)
    queue = ApprovalQueue(settings.resolved_database_url(), secret=settings.secret("digest"))
    queue.create(
        ApprovalRequest(
            id=rid, tenant=tenant, agent="bot-1", requester="key:abc", kind="tool_call",
            tool="wire_transfer", action="payment:transfer", digest="0" * 64,
            rules=("rules.payment",), risk="high", decision_id="d1", policy="p@1",
            created=1e10, expires=2e10,
        )
    )
    queue.close()


RID = "apr_" + "a" * 32


def test_list_show_approve(tmp_path: Path) -> None:
    _pending(tmp_path, RID)
    listed = runner.invoke(app, ["approvals", "list", "--status", "pending", "--data-dir",
                                 str(tmp_path), "--json"])
    assert listed.exit_code == 0 and json.loads(listed.output)[0]["id"] == RID
    shown = runner.invoke(app, ["approvals", "show", RID, "--data-dir", str(tmp_path), "--json"])
    assert json.loads(shown.output)["status"] == "pending"
    done = runner.invoke(app, ["approvals", "approve", RID, "--reason", "ok", "--as", "ann",
                               "--data-dir", str(tmp_path), "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.output)
    assert out["status"] == "approved" and out["approver"] == "cli:ann"
    again = runner.invoke(app, ["approvals", "deny", RID, "--reason", "no",
                                "--data-dir", str(tmp_path)])
    assert again.exit_code == 2 and "already approved" in again.output


def test_deny_respects_tenant_and_unknown_ids(tmp_path: Path) -> None:
    _pending(tmp_path, RID)
    other = runner.invoke(app, ["approvals", "deny", RID, "--reason", "x", "--tenant", "globex",
                                "--data-dir", str(tmp_path)])
    assert other.exit_code == 2
    missing = runner.invoke(app, ["approvals", "show", "apr_" + "b" * 32,
                                  "--data-dir", str(tmp_path)])
    assert missing.exit_code == 2
    r = runner.invoke(app, ["approvals", "deny", RID, "--reason", "no", "--data-dir",
                            str(tmp_path), "--json"])
    assert json.loads(r.output)["verdict"] == "block"


def test_cluster_decisions_wake_waiters_through_redis(
    tmp_path: Path, redis_url: str, redis_client: Any, monkeypatch: Any
) -> None:
    prefix = f"clitest{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("AIMDS_REDIS_PREFIX", prefix)  # the service's environment applies
    _pending(tmp_path, RID)
    pubsub = redis_client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(f"{prefix}:approvals")
    try:
        r = runner.invoke(app, ["approvals", "approve", RID, "--reason", "ok", "--data-dir",
                                str(tmp_path), "--redis-url", redis_url])
        assert r.exit_code == 0, r.output
        message = None
        deadline = time.monotonic() + 5
        while message is None and time.monotonic() < deadline:
            message = pubsub.get_message(timeout=0.5)
        assert message is not None and message["data"] == RID.encode()
    finally:
        pubsub.close()
    # without Redis configured nothing is published and the decision still stands
    _pending(tmp_path / "b", RID)
    r = runner.invoke(app, ["approvals", "deny", RID, "--reason", "no", "--data-dir",
                            str(tmp_path / "b"), "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["status"] == "denied"
