"""The service's access log: one line per HTTP request on the ``aimds.access`` logger.

``client method path status duration_ms``: the path without its query string (a key or a
token there must not reach a log), control characters escaped (a request cannot forge log
lines), long paths cut. No header, body or credential is ever read. ``aimds serve``
attaches a handler (``--access-log``, on by default); a library user attaches their own.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import Message, Receive, Scope, Send

__all__ = ["ACCESS_LOGGER", "access_line", "log_config"]

ACCESS_LOGGER = "aimds.access"
_MAX_PATH = 200
_log = logging.getLogger(ACCESS_LOGGER)


def _clean(text: str, limit: int) -> str:
    out = "".join(c if c.isprintable() and c != " " else f"\\x{ord(c):02x}" for c in text[:limit])
    return out + ("..." if len(text) > limit else "")


def access_line(scope: Scope, status: int, seconds: float) -> str:
    client = scope.get("client")
    host = _clean(str(client[0]), 64) if client else "-"
    method = _clean(str(scope.get("method", "-")), 16)
    path = _clean(str(scope.get("path", "")), _MAX_PATH)
    return f"{host} {method} {path} {status} {seconds * 1000:.1f}ms"


async def logged(app: Any, scope: Scope, receive: Receive, send: Send) -> None:
    """Run ``app`` for one request and log it (HTTP only; errors log as 500)."""
    if scope["type"] != "http" or not _log.isEnabledFor(logging.INFO):
        await app(scope, receive, send)
        return
    status = 500
    start = time.perf_counter()

    async def send_and_note(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        await send(message)

    try:
        await app(scope, receive, send_and_note)
    finally:
        _log.info(access_line(scope, status, time.perf_counter() - start))


def log_config(base: dict[str, Any], *, enabled: bool) -> dict[str, Any]:
    """``base`` (uvicorn's logging dict config) with the access logger on stdout, or off."""
    config = {**base, "handlers": dict(base.get("handlers", {})),
              "loggers": dict(base.get("loggers", {}))}
    config["handlers"]["aimds_access"] = {
        "class": "logging.StreamHandler", "stream": "ext://sys.stdout",
    }
    config["loggers"][ACCESS_LOGGER] = {
        "handlers": ["aimds_access"] if enabled else [],
        "level": "INFO" if enabled else "WARNING",
        "propagate": False,
    }
    return config
