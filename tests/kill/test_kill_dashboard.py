"""The kill button on the agent page: approvers and admins pull it, only admins revive,
and the forms carry the session's CSRF token like every other dashboard form."""

from __future__ import annotations

import re
from typing import Any


def _login(service: Any, who: str) -> str:
    """Log in as ``who``; returns the CSRF token of the agent page of bot-1."""
    r = service.client.post(
        "/ui/login", data={"api_key": service.keys[who]}, follow_redirects=False
    )
    assert r.status_code == 303
    service.verdict("agent")  # the page shows agents this process has judged
    page = service.client.get("/ui/agents/bot-1")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def test_approver_kills_from_the_agent_page_admin_revives(service: Any) -> None:
    csrf = _login(service, "approver")
    page = service.client.get("/ui/agents/bot-1").text
    assert 'id="kill"' in page and "not killed" in page
    r = service.client.post(
        "/ui/agents/bot-1/kill", data={"csrf": csrf, "reason": "odd mail"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert service.verdict("agent")[0] == "block"
    page = service.client.get("/ui/agents/bot-1").text
    assert "killed" in page and "odd mail" in page and 'id="revive"' not in page
    assert "killed" in service.client.get("/ui/agents").text
    refused = service.client.post("/ui/agents/bot-1/revive", data={"csrf": csrf})
    assert refused.status_code == 403
    service.client.post("/ui/logout", data={"csrf": csrf})
    csrf = _login(service, "admin")
    assert 'id="revive"' in service.client.get("/ui/agents/bot-1").text
    r = service.client.post("/ui/agents/bot-1/revive", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert service.verdict("agent")[0] != "block"


def test_kill_form_without_csrf_token_is_refused(service: Any) -> None:
    _login(service, "admin")
    for token in ("", "forged"):
        r = service.client.post("/ui/agents/bot-1/kill", data={"csrf": token, "reason": "x"})
        assert r.status_code in (403, 422)
    assert service.verdict("agent")[0] != "block"


def test_auditors_see_no_button_and_cannot_post(service: Any) -> None:
    csrf = _login(service, "auditor")
    assert 'id="kill"' not in service.client.get("/ui/agents/bot-1").text
    r = service.client.post("/ui/agents/bot-1/kill", data={"csrf": csrf, "reason": "x"})
    assert r.status_code == 403
    assert service.verdict("agent")[0] != "block"
