"""The OpenAI-compatible proxy: ``POST /v1/chat/completions`` checked on the way in and out.

``create_proxy_app(guard, upstream)`` returns an ASGI app (Starlette) that forwards requests
to ``upstream`` (an OpenAI-compatible ``/v1`` base URL) with httpx, passing the caller's
``Authorization`` header through. Who acts: the ``subject`` given, with ``agent`` and
``session`` taken from the ``X-AIMDS-Agent`` / ``X-AIMDS-Session`` headers when present and
``user`` from the body's ``user`` field; the tenant is always the proxy's own.

A stopped request answers HTTP 400 ``{"error": {"type": "aimds_blocked", ...}}`` and never
reaches the upstream. Streamed answers pass through :class:`HoldBack`: content is released
only after it was checked, tool calls are held whole until the choice finishes; a stop ends
the stream with ``[blocked by AIMDS: RULE_IDS]`` and ``finish_reason: "content_filter"`` as
its last chunk before ``[DONE]``. Text fields besides ``content`` (``refusal``, a provider's
``reasoning_content``) are checked whole when the choice finishes; delta fields that are
neither text nor tool calls are not forwarded, since they cannot be checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from aimds.errors import InputError, MissingExtraError
from aimds.integrations.proxy._json import dumps, loads
from aimds.integrations.proxy.holdback import HoldBack
from aimds.integrations.proxy.messages import (
    blocked_text,
    check_request,
    check_response,
    check_tool_call,
    error_body,
)
from aimds.types import DEFAULT_SUBJECT, Decision, Event, EventKind, Subject

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from aimds.guard import Guard

__all__ = ["create_proxy_app"]

_T = TypeVar("_T")

_PASS_HEADERS = ("authorization", "openai-organization", "openai-project")
_INLINE_BYTES = 16_384
"""Bodies up to this size are checked on the event loop (a thread hop costs more than the
checks); larger ones in a worker thread, so one long text never stalls other requests."""


async def _run(size: int, fn: Callable[..., _T], *args: Any, inline: bool = True) -> _T:
    if inline and size <= _INLINE_BYTES:
        return fn(*args)
    return await asyncio.to_thread(fn, *args)


def _may_wait(guard: Guard) -> bool:
    """Whether a check may wait on the network (the LLM judge, up to its timeout): then it
    never runs on the event loop, whatever the body's size."""
    return any(getattr(stage, "name", "") == "judge" for stage in guard.stages)


def create_proxy_app(
    guard: Guard,
    upstream: str,
    *,
    subject: Subject = DEFAULT_SUBJECT,
    client: httpx.AsyncClient | None = None,
    timeout_s: float = 600.0,
) -> Starlette:
    try:
        import httpx
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse, Response, StreamingResponse
        from starlette.routing import Route
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise MissingExtraError("proxy", exc.name or "httpx") from None

    base = upstream.rstrip("/")
    own_client = client is None
    http = client if client is not None else httpx.AsyncClient(timeout=timeout_s)
    streaming = guard.policy.document.streaming

    inline = not _may_wait(guard)

    def check(event: Event) -> Decision:
        return guard.check(replace(event, meta={"source": "proxy"}))

    async def completions(request: Request) -> Response:
        try:
            raw = await request.body()
            body = loads(raw)
            if not isinstance(body, dict):
                raise InputError("body: expected a JSON object")
            who = _subject(subject, request.headers, body)
            stopped = await _run(len(raw), check_request, body, check, who, inline=inline)
        except (ValueError, InputError) as exc:
            detail = str(exc) if isinstance(exc, InputError) else "body: invalid JSON"
            return JSONResponse(
                {"error": {"type": "invalid_request_error", "message": detail}}, status_code=400
            )
        if stopped is not None:
            return JSONResponse(error_body(stopped), status_code=400)
        try:
            return await forward(body, request, who)
        except httpx.HTTPError as exc:
            message = f"upstream {base} failed: {type(exc).__name__}"
            return JSONResponse(
                {"error": {"type": "upstream_error", "message": message}}, status_code=502
            )

    async def forward(body: dict[str, Any], request: Request, who: Subject) -> Response:
        headers = {k: v for k in _PASS_HEADERS if (v := request.headers.get(k)) is not None}
        url = f"{base}/chat/completions"
        if body.get("stream"):
            headers["content-type"] = "application/json"
            upstream_request = http.build_request("POST", url, content=dumps(body), headers=headers)
            answer = await http.send(upstream_request, stream=True)
            if answer.status_code != 200:
                content = await answer.aread()
                await answer.aclose()
                return _passthrough(Response, answer, content)
            stream = _Stream(
                check, who, streaming.holdback_chars, streaming.max_buffer_chars, inline=inline
            )
            return StreamingResponse(
                stream.run(answer, streaming.holdback_ms / 1000.0),
                media_type="text/event-stream",
            )
        headers["content-type"] = "application/json"
        answer = await http.post(url, content=dumps(body), headers=headers)
        if answer.status_code != 200:
            return _passthrough(Response, answer, answer.content)
        data = loads(answer.content)
        await _run(len(answer.content), check_response, data, check, who, inline=inline)
        return Response(dumps(data), media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if own_client:
            await http.aclose()

    return Starlette(
        routes=[Route("/v1/chat/completions", completions, methods=["POST"])],
        lifespan=lifespan,
    )


def _subject(base: Subject, headers: Mapping[str, str], body: Mapping[str, Any]) -> Subject:
    agent = headers.get("x-aimds-agent") or base.agent
    session = headers.get("x-aimds-session") or base.session
    user = body.get("user") if isinstance(body.get("user"), str) else base.user
    if (agent, session, user) == (base.agent, base.session, base.user):
        return base
    return replace(base, agent=agent, session=session, user=user)


def _passthrough(response_cls: Any, answer: httpx.Response, content: bytes) -> Response:
    media = answer.headers.get("content-type", "application/json")
    result: Response = response_cls(content, status_code=answer.status_code, media_type=media)
    return result


@dataclass(slots=True)
class _Choice:
    window: HoldBack
    calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # refusal and other text fields
    legacy: dict[str, Any] | None = None  # a legacy ``function_call``
    finish: str | None = None
    done: bool = False


class _Stream:
    """One streamed answer: upstream SSE chunks in, checked SSE chunks out."""

    def __init__(
        self,
        check: Any,
        subject: Subject,
        holdback_chars: int,
        max_buffer_chars: int,
        *,
        inline: bool = True,
    ) -> None:
        self._check = check
        self._inline = inline
        self._subject = subject
        self._hold = holdback_chars
        self._max = max_buffer_chars
        self._choices: dict[int, _Choice] = {}
        self._template: dict[str, Any] = {"object": "chat.completion.chunk"}

    def _choice(self, index: int) -> _Choice:
        found = self._choices.get(index)
        if found is None:

            def completion(text: str) -> Decision:
                event = Event(kind=EventKind.COMPLETION, subject=self._subject, text=text)
                result: Decision = self._check(event)
                return result

            found = _Choice(
                HoldBack(completion, holdback_chars=self._hold, max_buffer_chars=self._max)
            )
            self._choices[index] = found
        return found

    def _chunk(self, index: int, delta: dict[str, Any], finish: str | None = None) -> bytes:
        body = dict(self._template)
        body["choices"] = [{"index": index, "delta": delta, "finish_reason": finish}]
        return b"data: " + dumps(body) + b"\n\n"

    async def _step(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """One step of the stream's checks: on the loop, or in a thread when a check may
        wait on the network."""
        return fn(*args, **kwargs) if self._inline else await asyncio.to_thread(fn, *args, **kwargs)

    async def run(self, answer: httpx.Response, holdback_s: float) -> AsyncIterator[bytes]:
        lines: asyncio.Queue[str | None] = asyncio.Queue()

        async def read() -> None:
            try:
                async for line in answer.aiter_lines():
                    await lines.put(line)
            finally:
                await lines.put(None)

        reader = asyncio.create_task(read())
        deadline: float | None = None
        try:
            while True:
                timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    line = await asyncio.wait_for(lines.get(), timeout)
                except TimeoutError:  # the window's time is up: check what is pending
                    deadline = None
                    out, stop = await self._step(self._flush_all, final=False)
                    for piece in out:
                        yield piece
                    if stop:
                        return
                    continue
                if line is None or line.strip() == "data: [DONE]":
                    out, _ = await self._step(self._finish_all)
                    for piece in out:
                        yield piece
                    yield b"data: [DONE]\n\n"
                    return
                if not line.startswith("data:"):
                    continue
                out, stop = await self._step(self._on_chunk, loads(line[5:]))
                for piece in out:
                    yield piece
                if stop:
                    return
                pending = any(c.window.unchecked_chars for c in self._choices.values())
                if pending and deadline is None:
                    deadline = time.monotonic() + holdback_s
                elif not pending:
                    deadline = None
        finally:
            reader.cancel()
            await answer.aclose()

    def _on_chunk(self, chunk: dict[str, Any]) -> tuple[list[bytes], bool]:
        for key in ("id", "created", "model", "system_fingerprint"):
            if key in chunk:
                self._template[key] = chunk[key]
        out: list[bytes] = []
        choices = chunk.get("choices") or []
        if not choices:
            out.append(b"data: " + dumps(chunk) + b"\n\n")  # usage and the like
            return out, False
        for raw in choices:
            index = int(raw.get("index", 0))
            state = self._choice(index)
            delta = raw.get("delta") or {}
            if delta.get("role"):
                out.append(self._chunk(index, {"role": delta["role"]}))
            for key, value in delta.items():
                if key == "content" and isinstance(value, str):
                    state.window.push(value)
                elif key == "tool_calls":
                    for call in value or ():
                        _merge_call(state.calls, call)
                elif key == "function_call" and isinstance(value, dict):
                    state.legacy = state.legacy or {"name": "", "arguments": ""}
                    for part in ("name", "arguments"):
                        state.legacy[part] += value.get(part) or ""
                elif key != "role" and isinstance(value, str):
                    state.texts[key] = state.texts.get(key, "") + value
                # other fields (objects the proxy cannot check) are not forwarded
            if raw.get("finish_reason"):
                state.finish = raw["finish_reason"]
            if state.window.unchecked_chars >= self._hold:
                pieces, stop = self._flush(index, state, final=False)
                out.extend(pieces)
                if stop:
                    return out, True
            if state.finish is not None and not state.done:
                pieces, stop = self._finish(index, state)
                out.extend(pieces)
                if stop:
                    return out, True
        return out, False

    def _flush(self, index: int, state: _Choice, *, final: bool) -> tuple[list[bytes], bool]:
        released = state.window.flush(final=final)
        if released.blocked is not None:
            return self._stop(index, released.blocked), True
        return ([self._chunk(index, {"content": released.text})] if released.text else []), False

    def _flush_all(self, *, final: bool) -> tuple[list[bytes], bool]:
        out: list[bytes] = []
        for index, state in self._choices.items():
            pieces, stop = self._flush(index, state, final=final)
            out.extend(pieces)
            if stop:
                return out, True
        return out, False

    def _finish(self, index: int, state: _Choice) -> tuple[list[bytes], bool]:
        out, stop = self._flush(index, state, final=True)
        if stop:
            return out, True
        extra: dict[str, Any] = {}
        for key, text in state.texts.items():
            event = Event(kind=EventKind.COMPLETION, subject=self._subject, text=text)
            decision = self._check(event)
            if not decision.allowed:
                return out + self._stop(index, decision), True
            extra[key] = decision.text if decision.text is not None else text
        calls = [state.calls[k] for k in sorted(state.calls)]
        if state.legacy is not None:
            calls.append({"function": state.legacy})
        for call in calls:
            decision = check_tool_call(call, self._check, self._subject)
            if not decision.allowed:
                return out + self._stop(index, decision), True
        if extra:
            out.append(self._chunk(index, extra))
        if state.calls:
            out.append(
                self._chunk(index, {"tool_calls": [state.calls[k] for k in sorted(state.calls)]})
            )
        if state.legacy is not None:
            out.append(self._chunk(index, {"function_call": state.legacy}))
        out.append(self._chunk(index, {}, state.finish or "stop"))
        state.done = True
        state.calls = {}
        return out, False

    def _finish_all(self) -> tuple[list[bytes], bool]:
        out: list[bytes] = []
        for index, state in list(self._choices.items()):
            if state.done:
                continue
            pieces, stop = self._finish(index, state)
            out.extend(pieces)
            if stop:
                return out, True
        return out, False

    def _stop(self, index: int, decision: Decision) -> list[bytes]:
        return [
            self._chunk(index, {"content": blocked_text(decision)}, "content_filter"),
            b"data: [DONE]\n\n",
        ]


def _merge_call(calls: dict[int, dict[str, Any]], delta: dict[str, Any]) -> None:
    """Accumulate one streamed tool-call delta (arguments arrive in pieces)."""
    index = int(delta.get("index", 0))
    call = calls.setdefault(
        index,
        {"index": index, "id": None, "type": "function", "function": {"name": "", "arguments": ""}},
    )
    if delta.get("id"):
        call["id"] = delta["id"]
    function = delta.get("function") or {}
    if function.get("name"):
        call["function"]["name"] += function["name"]
    if function.get("arguments"):
        call["function"]["arguments"] += function["arguments"]
