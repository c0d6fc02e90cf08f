"""The FastAPI application factory: ``create_app(settings, guard=None)``.

Thin on purpose: routes parse, authorise, hand the event to the guard in a worker thread
and render. Bad input never becomes a 500: oversized bodies are 413, schema violations 422
naming the field path; an unexpected error (a bug) is a 500 that names no input. In
cluster mode a background task follows Redis (live events, approval wake-ups), and every
process polls the policy store for new versions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from aimds.guard import Guard
from aimds.server import (
    openapi,
    routes_admin,
    routes_approvals,
    routes_check,
    routes_feedback,
    routes_identities,
    routes_kill,
    routes_litellm,
    routes_ui,
    views,
)
from aimds.server.access_log import logged
from aimds.server.cluster import warn_unshared
from aimds.server.deps import FastJSON
from aimds.server.fastpath import INTERNAL_ERROR, FastPath
from aimds.server.settings import ServerSettings
from aimds.server.state import ServiceState, build_state
from aimds.server.transport import TimedHttpToolsProtocol

__all__ = ["ServiceApp", "app_from_env", "create_app", "settle_heap"]

log = logging.getLogger("aimds.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_STATIC = Path(__file__).parent / "static"
_TEMPLATES = Path(__file__).parent / "templates"


class BodyLimit:
    """Refuses bodies over ``limit`` bytes with 413, by header or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _send_json(send, 413, {"error": "body too large",
                                                 "detail": f"limit is {self.limit} bytes"})
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, {"error": "body too large",
                                             "detail": f"limit is {self.limit} bytes"})


class _TooLarge(Exception):
    pass


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = orjson.dumps(body)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


class ServiceApp(FastAPI):
    """The FastAPI application with :class:`~aimds.server.fastpath.FastPath` in front of it:
    ordinary judging calls skip the framework, everything else takes the usual way."""

    fast_path: FastPath | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await logged(self._serve, scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        fast = self.fast_path
        if fast is not None:
            handed_on = await fast.handle(scope, receive, send)
            if handed_on is None:
                return
            receive = handed_on
        await super().__call__(scope, receive, send)


def create_app(settings: ServerSettings | None = None, guard: Guard | None = None) -> FastAPI:
    """The service. ``guard`` adopts a library guard (its services and approval queue)."""
    settings = settings or ServerSettings()
    state = build_state(settings, guard)
    routes_feedback.attach(state)
    routes_identities.install(state)
    warn_unshared(state)
    kill_switch = routes_kill.attach(state)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        state.waiters.bind(loop)
        stop = threading.Event()
        kill_switch.start(routes_kill.POLL_S)
        tasks = [asyncio.create_task(_follow_policy(state))]
        if state.redis is not None:
            from aimds.server.cluster import start_redis_bridge

            tasks.append(asyncio.create_task(start_redis_bridge(state, loop, stop)))
        try:
            yield
        finally:
            stop.set()
            kill_switch.close()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            state.close()

    app = ServiceApp(
        title="AIMDS guard service",
        version="0.1.0",
        description=(
            "Judge prompts, completions, tool calls and tool results against a policy; "
            "route `review` verdicts to human approvers. Authenticate with "
            "`Authorization: Bearer <API key or JWT>`."
        ),
        lifespan=lifespan,
        default_response_class=FastJSON,
        docs_url=None,  # served from local assets by openapi.install
        redoc_url=None,
    )
    app.state.aimds = state
    app.state.templates = Jinja2Templates(directory=str(_TEMPLATES))
    views.configure(app.state.templates.env)
    openapi.install(app)
    app.include_router(routes_check.router)
    app.include_router(routes_approvals.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_kill.router)
    app.include_router(routes_ui.router)
    app.include_router(routes_litellm.router)
    app.include_router(routes_feedback.router)
    app.include_router(routes_identities.router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.fast_path = FastPath(state)
    return app


async def _validation_error(request: Request, exc: Exception) -> FastJSON:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": ".".join(str(p) for p in err.get("loc", ())), "problem": err.get("msg", "")}
        for err in exc.errors()[:20]
    ]
    first = problems[0]["field"] if problems else "body"
    return FastJSON({"error": f"invalid request at {first}", "detail": problems}, status_code=422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    if request.url.path.startswith("/ui/") and exc.status_code >= 400:
        message = detail.get("error") if isinstance(detail, dict) else detail
        return routes_ui.error_page(request, exc.status_code, str(message), exc.headers)
    body = detail if isinstance(detail, dict) else {"error": str(detail)}
    return FastJSON(body, status_code=exc.status_code, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Never echo the input: name the exception type only.
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return Response(INTERNAL_ERROR, status_code=500, media_type="application/json")


async def _follow_policy(state: ServiceState) -> None:
    """Swap in policy versions other processes stored (cluster mode, or a CLI edit), for
    the global policy and every tenant's own."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(state.settings.policy_poll_s)
        try:
            changed = await loop.run_in_executor(state.pool, state.tenant_policies.refresh)
            for scope in changed:
                log.info("policy %s of %s rebuilt", state.tenant_policies.active, scope)
        except Exception as exc:  # noqa: BLE001 - keep serving the current policy
            log.warning("policy refresh failed: %s", type(exc).__name__)


def app_from_env() -> FastAPI:
    """The app for multi-worker ``aimds serve`` (uvicorn factory): settings from the parent."""
    import os

    raw = os.environ.get("AIMDS_SERVE_SETTINGS")
    settings = ServerSettings.model_validate_json(raw) if raw else ServerSettings()
    TimedHttpToolsProtocol.configure(settings.header_timeout_s, settings.body_timeout_s)
    app = create_app(settings)
    settle_heap()
    return app


def settle_heap() -> None:
    """For a serving process, once its app is built: move everything alive now (modules,
    compiled policies, signature tables) out of the garbage collector's sight, so the
    collections that request garbage triggers do not walk it again and again."""
    import gc

    gc.collect()
    gc.freeze()
