"""End to end in headless Chromium: an approver logs in, approves a pending request, and
the agent call that was waiting on it returns ``allow``."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from typing import Any

import httpx
import pytest

pytestmark = [pytest.mark.chromium, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def _browser_or_skip() -> Any:
    missing = None
    if not os.path.exists(CHROMIUM):
        missing = "Chromium is not installed at /usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the playwright package is not installed"
    if missing:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"required in CI but unavailable: {missing}", pytrace=False)
        pytest.skip(f"!!! SKIPPED, {missing} !!!")
    return sync_playwright


def test_approver_approves_in_the_dashboard_and_the_agent_gets_allow(live_server: Any) -> None:
    sync_playwright = _browser_or_skip()
    result: dict[str, Any] = {}

    def agent_call() -> None:
        r = httpx.post(
            live_server.url + "/v1/evaluate",
            json={"tool": "wire_transfer", "args": {"amount": 250}, "wait": 45},
            headers={"Authorization": f"Bearer {live_server.keys['agent']}"},
            timeout=60,
        )
        result["decision"] = r.json()

    agent = threading.Thread(target=agent_call)
    profile = tempfile.mkdtemp(prefix="aimds-chromium-")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS
            )
            page = browser.new_page()
            page.goto(live_server.url + "/ui/approvals")
            assert "/ui/login" in page.url  # not logged in yet
            page.fill("#api_key", live_server.keys["agent"])
            page.click("#login-submit")
            assert page.locator("#login-error").is_visible()  # agent keys cannot log in
            page.fill("#api_key", live_server.keys["approver"])
            page.click("#login-submit")
            page.wait_for_url("**/ui/approvals")
            agent.start()
            request = page.locator("article.request").first
            request.wait_for(timeout=30_000)  # arrives by the live update, no reload
            assert "wire_transfer" in request.inner_text()
            cookie = next(c for c in browser.cookies() if c["name"] == "aimds_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            request.locator("input.reason").fill("known payee, amount within budget")
            request.locator("button.approve").click()
            page.wait_for_url("**/ui/approvals")
            agent.join(30)
            assert page.locator("article.request").count() == 0
            assert "approved" in page.locator("table").first.inner_text()
            browser.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert result["decision"]["verdict"] == "allow"
    assert "approval.approved" in result["decision"]["rules"]


def test_forms_without_csrf_token_are_refused(live_server: Any) -> None:
    with httpx.Client(base_url=live_server.url) as c:
        r = c.post("/ui/login", data={"api_key": live_server.keys["approver"]})
        assert r.status_code == 303 and "aimds_session" in r.headers["set-cookie"]
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = c.get("/ui/approvals")
        assert page.status_code == 200 and "Approval queue" in page.text
        aid = "apr_" + "0" * 32
        forged = c.post(f"/ui/approvals/{aid}/approve", data={"reason": "x", "csrf": "nope"})
        assert forged.status_code == 403
        feed = c.get("/ui/feed")
        assert "<svg" in feed.text
