"""An approver deciding through the API or the CLI sees what the agent wants to do, masked
(issue 13: approvers must see what they approve; the dashboard is not the only way)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aimds.cli.main import app as cli
from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

SECRET = "blue-harbor-42"  # not a detectable secret: masked because of its key


# The default pack reviews only sends that can carry something out; these tests need every
# send confirmed, which is the knob the pack documents (rule review.send)
EVERY_SEND = (
    "name: every-send\nextends: default\nrules:\n"
    "  - {id: review.send, action: review, description: 'sends a message, mail or push to "
    "others; a human confirms', types: [email:send, message:send, vcs:push, net:upload, "
    "net:http_post]}\n"
)


def _every_send(where: Path) -> str:
    where.mkdir(parents=True, exist_ok=True)
    (where / "every-send.yaml").write_text(EVERY_SEND)
    return str(where / "every-send.yaml")

def _raise_review(tmp_path: Path) -> tuple[TestClient, dict[str, str], str]:
    app = create_app(ServerSettings(data_dir=tmp_path, max_wait_s=5,
                                     policy=_every_send(tmp_path / "policy")))
    keys = {}
    for label, role, agent in (("agent", "agent", "mailer"), ("approver", "approver", None)):
        _, keys[label] = app.state.aimds.keys.create(role=role, tenant="acme", agent=agent)
    client = TestClient(app)
    client.__enter__()
    body = {
        "tool": "send_email",
        "args": {
            "to": ["cfo@example.com"],
            "subject": "Q3 numbers",
            "body": "see attached",
            "secret": SECRET,
        },
    }
    r = client.post("/v1/evaluate", json=body, headers={"Authorization": f"Bearer {keys['agent']}"})
    assert r.json()["verdict"] == "review", r.text
    listed = client.get(
        "/v1/approvals?status=pending", headers={"Authorization": f"Bearer {keys['approver']}"}
    ).json()
    return client, keys, listed[0]["id"]


def test_the_api_shows_people_who_decide_the_masked_action(tmp_path: Path) -> None:
    client, keys, rid = _raise_review(tmp_path)
    try:
        one = client.get(
            f"/v1/approvals/{rid}", headers={"Authorization": f"Bearer {keys['approver']}"}
        ).json()
        args = dict((path, value) for path, value in one["details"]["args"])
        assert "cfo@example.com" in json.dumps(args) and args.get("subject") == "Q3 numbers"
        assert SECRET not in json.dumps(one) and one["details"]["masked"] >= 1
        assert any(f["rule"] == "review.send" and f["message"] for f in one["details"]["findings"])
        listed = client.get(
            "/v1/approvals", headers={"Authorization": f"Bearer {keys['approver']}"}
        ).json()
        assert listed[0]["details"]["tool"] == "send_email"
        # the agent itself gets the request, not a second copy of its arguments
        own = client.get(
            f"/v1/approvals/{rid}", headers={"Authorization": f"Bearer {keys['agent']}"}
        ).json()
        assert "details" not in own
    finally:
        client.__exit__(None, None, None)


def test_the_cli_shows_the_masked_action(tmp_path: Path) -> None:
    client, _, rid = _raise_review(tmp_path)
    client.__exit__(None, None, None)
    shown = CliRunner().invoke(cli, ["approvals", "show", rid, "--data-dir", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert "cfo@example.com" in shown.output and "review.send" in shown.output
    assert SECRET not in shown.output
    as_json = CliRunner().invoke(
        cli, ["approvals", "show", rid, "--data-dir", str(tmp_path), "--json"]
    )
    assert json.loads(as_json.output)["details"]["tool"] == "send_email"


def test_a_tenant_policy_s_own_sensitive_keys_mask_its_approvals(tmp_path: Path) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path, max_wait_s=5))
    keys = {}
    for label, role, agent in (("agent", "agent", "mailer"), ("admin", "admin", None),
                               ("approver", "approver", None)):  # fmt: skip
        _, keys[label] = app.state.aimds.keys.create(role=role, tenant="acme", agent=agent)
    with TestClient(app) as client:
        policy = ("name: default\nextends: default\naudit:\n  sensitive_keys: [pin]\n"
                  "rules:\n  - {id: review.send, action: review, types: [email:send]}\n")
        r = client.put(
            "/v1/policies/default",
            content=policy,
            headers={"Authorization": f"Bearer {keys['admin']}"},
        )
        assert r.status_code == 200, r.text
        body = {
            "tool": "send_email",
            "args": {"to": ["cfo@example.com"], "body": "door code", "pin": "4711"},
        }
        r = client.post(
            "/v1/evaluate", json=body, headers={"Authorization": f"Bearer {keys['agent']}"}
        )
        assert r.json()["verdict"] == "review", r.text
        listed = client.get(
            "/v1/approvals?status=pending", headers={"Authorization": f"Bearer {keys['approver']}"}
        ).json()
        args = dict(listed[0]["details"]["args"])
        assert args["pin"] != "4711" and "MASKED" in args["pin"]
