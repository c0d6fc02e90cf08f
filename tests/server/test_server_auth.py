"""JWT bearer tokens (HS256, RS256, issuer and audience), settings loading, webhooks."""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from aimds.errors import ConfigError
from aimds.server.settings import ServerSettings, load_settings

SECRET = "x" * 40


def _token(key: Any, alg: str, **claims: Any) -> str:
    body = {"sub": "svc-1", "tenant": "acme", "role": "agent", "iss": "https://idp.test",
            "aud": "aimds", "exp": int(time.time()) + 60, **claims}
    return jwt.encode(body, key, algorithm=alg)


def _check(svc: Any, token: str) -> Any:
    return svc.client.post("/v1/detect", json={"text": "hello"},
                           headers={"Authorization": f"Bearer {token}"})


def test_hs256_tokens_with_issuer_and_audience(tmp_path: Path, service_factory: Any) -> None:
    svc = service_factory(ServerSettings(
        data_dir=tmp_path, jwt_algorithm="HS256", jwt_secret=SECRET,
        jwt_issuer="https://idp.test", jwt_audience="aimds",
    ))
    ok = _check(svc, _token(SECRET, "HS256"))
    assert ok.status_code == 200 and ok.json()["subject"]["agent"] == "svc-1"
    assert _check(svc, _token(SECRET, "HS256", aud="other")).status_code == 401
    assert _check(svc, _token(SECRET, "HS256", iss="https://evil.test")).status_code == 401
    assert _check(svc, _token(SECRET, "HS256", exp=int(time.time()) - 5)).status_code == 401
    assert _check(svc, _token("y" * 40, "HS256")).status_code == 401
    assert _check(svc, _token(SECRET, "HS256", role="root")).status_code == 401
    unsigned = jwt.encode({"sub": "a", "tenant": "acme", "exp": int(time.time()) + 60}, None,
                          algorithm="none")
    assert _check(svc, unsigned).status_code == 401
    # an agent token acts only as its own agent
    r = svc.client.post("/v1/evaluate", json={"tool": "read_file", "subject": {"agent": "x"}},
                        headers={"Authorization": f"Bearer {_token(SECRET, 'HS256')}"})
    assert r.status_code == 403
    # and with the role its token names, whatever the body asks for
    pinned = _token(SECRET, "HS256", agent_role="observer")
    for _ in range(2):  # verified, then from the credential cache
        r = svc.client.post(
            "/v1/evaluate", json={"tool": "read_file", "subject": {"role": "architect"}},
            headers={"Authorization": f"Bearer {pinned}"},
        )
        assert r.json()["subject"]["role"] == "observer"


def test_rs256_tokens(tmp_path: Path, service_factory: Any) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "pub.pem").write_bytes(pem)
    svc = service_factory(ServerSettings(
        data_dir=tmp_path, jwt_algorithm="RS256", jwt_public_key_file=tmp_path / "pub.pem",
        jwt_audience="aimds",
    ))
    assert _check(svc, _token(private, "RS256")).status_code == 200
    # only RS256 is accepted: an HS256 token (algorithm confusion) and garbage are refused
    assert _check(svc, _token(SECRET, "HS256")).status_code == 401
    assert _check(svc, "a.b.c").status_code == 401
    approver = _token(private, "RS256", role="approver", sub="ann")
    r = svc.client.get("/v1/approvals", headers={"Authorization": f"Bearer {approver}"})
    assert r.status_code == 200


def test_settings_precedence_and_errors(tmp_path: Path) -> None:
    file = tmp_path / "aimds.yaml"
    file.write_text("port: 9000\nrate_limit_per_minute: 5\n")
    s = load_settings(file=file, env={"AIMDS_PORT": "9100", "AIMDS_COOKIE_SECURE": "true"},
                      overrides={"port": 9200, "host": None})
    assert (s.port, s.rate_limit_per_minute, s.cookie_secure, s.host) == (
        9200, 5, True, "127.0.0.1")
    with pytest.raises(ConfigError, match="port"):
        load_settings(env={"AIMDS_PORT": "99999"})
    with pytest.raises(ConfigError, match="prot"):
        load_settings(overrides={"prot": 1})
    with pytest.raises(ConfigError, match="jwt_secret"):
        from aimds.server.auth import JwtVerifier

        JwtVerifier(algorithm="HS256", secret="short")


def test_webhook_gets_a_slack_message_without_event_content(
    tmp_path: Path, service_factory: Any, review_guard: Any
) -> None:
    got: list[dict[str, Any]] = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        policy = {"name": "hooked", "extends": "default", "approvals": {"webhook": url}}
        svc = service_factory(ServerSettings(data_dir=tmp_path), review_guard(policy))
        r = svc.client.post("/v1/evaluate",
                            json={"tool": "wire_transfer", "args": {"memo": "canary-99 words"}},
                            headers=svc.h("agent"))
        assert r.json()["verdict"] == "review"
        deadline = time.monotonic() + 5
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
        assert got and "wire_transfer" in got[0]["text"]
        assert got[0]["approval"]["id"] == r.json()["approval"]
        assert "canary-99" not in json.dumps(got)
    finally:
        server.shutdown()
        server.server_close()
