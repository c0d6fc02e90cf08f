"""The judging endpoints without the framework in the way.

``POST /v1/evaluate``, ``/v1/detect`` and ``/v1/check`` carry nearly all of a service's
traffic, and for them routing, dependency injection, request objects and middleware cost
more than judging a tool call. :class:`FastPath` runs before the application and
answers those calls itself when they are ordinary: a bearer credential (API key or JWT), a
``Content-Length`` body within the limit, JSON that validates against the route's model.
The body is validated by the same pydantic models, the event built and judged by the same
functions (:mod:`aimds.server.routes_check`), and the response is the same JSON, built by
orjson straight from the decision.

Anything else goes on to the framework, with the body already read replayed: a request
without a bearer credential (dashboard sessions), an invalid credential (401), a body that
does not validate (422 naming the field path), chunked or oversized bodies (413). So every
error keeps one implementation, and the FastAPI routes still define the OpenAPI contract.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from fastapi import HTTPException
from pydantic import BaseModel, ValidationError

from aimds.serialize import decision_to_dict
from aimds.server.auth import Principal
from aimds.server.deps import admit, authenticate, error_body
from aimds.server.models import CheckIn, DetectIn, EvaluateIn
from aimds.server.routes_check import check_event, detect_event, evaluate_event, judge
from aimds.server.state import ServiceState
from aimds.types import Event

__all__ = ["INTERNAL_ERROR", "FastPath"]

log = logging.getLogger("aimds.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Builder = Callable[[Principal, Any], tuple[Event, float]]

INTERNAL_ERROR = b'{"error":"internal error; the request was not judged"}'

_ROUTES: dict[str, tuple[type[BaseModel], Builder]] = {
    "/v1/evaluate": (EvaluateIn, evaluate_event),
    "/v1/detect": (DetectIn, detect_event),
    "/v1/check": (CheckIn, check_event),
}
_JSON = [(b"content-type", b"application/json")]


class FastPath:
    """Answers ordinary judging calls; :meth:`handle` hands everything else back."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state
        self._limit = state.settings.max_body_bytes
        # Judge on the loop only when the guard does no I/O (embedded mode) and the body
        # is small; in cluster mode the guard talks to Redis, so it runs in the pool.
        inline = state.settings.inline_max_bytes
        self._inline = inline if state.redis is None and inline > 0 else -1

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """``None`` when the request was answered here, else the ``receive`` the
        application must read the request from (it replays any body already read)."""
        if scope["type"] != "http" or scope["method"] != "POST":
            return receive
        route = _ROUTES.get(scope["path"])
        if route is None:
            return receive
        return await self._answer(route, scope, receive, send)

    async def _answer(
        self, route: tuple[type[BaseModel], Builder], scope: Scope, receive: Receive, send: Send
    ) -> Receive | None:
        length = -1
        authorization: str | None = None
        api_key: str | None = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = int(value) if value.isdigit() else -1
            elif name == b"authorization":
                authorization = value.decode("latin-1")
            elif name == b"x-api-key":
                api_key = value.decode("latin-1")
            elif name == b"content-type":
                if not value.startswith(b"application/json"):
                    return receive
            elif name == b"transfer-encoding":
                return receive
        token = self.state.auth.token(authorization, api_key)
        if token is None or length < 0 or length > self._limit:
            return receive
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return None  # the client went away
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        replay = _replay(body, receive)
        model, build = route
        state = self.state
        try:
            who = await authenticate(state, token)
            if who is None:
                return replay
            try:
                parsed = model.model_validate_json(body)
            except ValidationError:
                return replay
            admit(state, who, length)
            event, wait = build(who, parsed)
            decision = await judge(state, event, wait, inline=length <= self._inline, size=length)
            payload = orjson.dumps(decision_to_dict(decision))
            status = 200
            headers = _JSON
        except HTTPException as exc:
            payload, status = error_body(exc), exc.status_code
            headers = _JSON + [
                (k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in (exc.headers or {}).items()
            ]
        except Exception as exc:  # noqa: BLE001 - a bug: answer 500, naming no input
            log.error("unhandled %s on POST %s", type(exc).__name__, scope["path"])
            payload, status, headers = INTERNAL_ERROR, 500, _JSON
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(payload)).encode())],
        })
        await send({"type": "http.response.body", "body": payload})
        return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields the body already read, then whatever the client sends."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
