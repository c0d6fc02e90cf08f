"""Dashboard sessions: a signed, expiring cookie naming the API key that logged in.

The cookie is HttpOnly and SameSite=Strict; forms also carry a CSRF token derived from the
session, checked on every state-changing request. The key is re-verified on each request,
so revoking it ends its sessions (within the key cache's few seconds).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import TYPE_CHECKING

import orjson
from fastapi import Request
from fastapi.responses import Response

from aimds.server.auth import Principal

if TYPE_CHECKING:
    from aimds.server.state import ServiceState

__all__ = ["COOKIE", "csrf_token", "read_session", "write_session"]

COOKIE = "aimds_session"
CSRF_FIELD = "csrf"


def _sign(secret: bytes, payload: bytes) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


def write_session(state: ServiceState, response: Response, key_id: str, digest: str) -> None:
    """Start a session for a verified key: the cookie names the key id and its hash, never
    the key, so no server-side session table is needed across a cluster."""
    body = orjson.dumps(
        {"i": key_id, "h": digest, "exp": time.time() + state.settings.session_ttl_s,
         "n": secrets.token_hex(8)}
    )
    value = base64.urlsafe_b64encode(body).decode() + "." + _sign(state.session_secret, body)
    response.set_cookie(
        COOKIE, value, max_age=state.settings.session_ttl_s, httponly=True, samesite="strict",
        secure=state.settings.cookie_secure, path="/",
    )


def _payload(state: ServiceState, request: Request) -> dict[str, object] | None:
    raw = request.cookies.get(COOKIE)
    if not raw or "." not in raw or len(raw) > 2000:
        return None
    encoded, _, signature = raw.rpartition(".")
    try:
        body = base64.urlsafe_b64decode(encoded.encode())
    except ValueError:
        return None
    if not hmac.compare_digest(_sign(state.session_secret, body), signature):
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or float(data.get("exp", 0)) < time.time():
        return None
    return data


def csrf_token(state: ServiceState, request: Request) -> str:
    data = _payload(state, request)
    nonce = str(data.get("n", "")) if data else ""
    return _sign(state.session_secret, b"csrf:" + nonce.encode())


def read_session(
    state: ServiceState, request: Request, *, require_csrf: bool, form_token: str | None = None
) -> Principal | None:
    """The human principal of a valid session, else ``None``.

    With ``require_csrf``, the token must come in the ``X-CSRF-Token`` header or the form.
    Agent keys never get a session.
    """
    data = _payload(state, request)
    if data is None:
        return None
    if require_csrf:
        given = form_token or request.headers.get("x-csrf-token") or ""
        if not hmac.compare_digest(given, csrf_token(state, request)):
            return None
    who = state.keys.verify_digest(str(data.get("i", "")), str(data.get("h", "")))
    if who is None or not who.human:
        return None
    return who
