"""An OpenAI-compatible chat completions client for the judge (httpx, async, sync face).

One implementation, :meth:`OpenAIJudge._ask`, runs on the client's own event loop
(:class:`~aimds.judge.loop.LoopThread`); :meth:`~OpenAIJudge.ask` (sync) and
:meth:`~OpenAIJudge.aask` (async) are thin faces over it and mean exactly the same.

- Hard deadline: the whole call (waiting for a slot, connecting, sending, reading the
  answer, however slowly it drips) ends within ``timeout_s``; past it the request is
  cancelled and :class:`~aimds.judge.base.JudgeFailed` (``timeout``) raised.
- Bounded concurrency: at most ``max_concurrency`` requests in flight per client; a call
  that cannot get a slot before its deadline fails with ``overloaded``.
- Breaker: after ``breaker_failures`` endpoint failures in a row (timeout, transport,
  HTTP error) calls fail at once with ``unavailable`` for ``breaker_cooldown_s``, so a dead
  endpoint costs nothing per event instead of ``timeout_s``.
- The API key is read from the environment variable named by ``api_key_env`` at each call
  (a rotated key is picked up) and only ever goes into the ``Authorization`` header.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from aimds.errors import MissingExtraError
from aimds.judge.base import JudgeAnswer, JudgeFailed, JudgeRequest
from aimds.judge.loop import LoopThread
from aimds.judge.parse import parse_completion
from aimds.judge.prompt import build_messages

if TYPE_CHECKING:
    import httpx

    from aimds.policy.sections.judge import JudgeSection

__all__ = ["OpenAIJudge"]

_ENDPOINT_FAILURES = frozenset({"timeout", "transport", "http"})
_SYNC_MARGIN_S = 0.25  # the sync face waits this much past the deadline the loop enforces


class OpenAIJudge:
    """Asks an OpenAI-compatible ``/v1/chat/completions`` endpoint at temperature 0."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key_env: str | None = None,
        max_concurrency: int = 4,
        max_tokens: int = 200,
        max_chars: int = 8000,
        json_mode: bool = True,
        breaker_failures: int = 5,
        breaker_cooldown_s: float = 30.0,
        environ: Mapping[str, str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        try:
            import httpx  # noqa: F401 - checked here so a missing extra fails at build time
        except ImportError:
            raise MissingExtraError("judge", "httpx") from None
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self._max_concurrency = max_concurrency
        self._max_tokens = max_tokens
        self._max_chars = max_chars
        self._json_mode = json_mode
        self._environ = environ if environ is not None else os.environ
        self._monotonic = monotonic
        self._breaker_failures = breaker_failures
        self._breaker_cooldown = breaker_cooldown_s
        self._failures = 0
        self._open_until = 0.0
        self._state_lock = threading.Lock()
        self._loop = LoopThread("aimds-judge")
        self._res = _Resources()  # created on the loop, used only there
        # a client dropped without close() still stops its thread and closes its connections
        self._finalizer = weakref.finalize(self, _shutdown, self._loop, self._res)

    @classmethod
    def from_section(cls, section: JudgeSection) -> OpenAIJudge:
        if section.base_url is None or section.model is None:
            raise ValueError("judge.base_url and judge.model are required")
        return cls(
            base_url=section.base_url,
            model=section.model,
            api_key_env=section.api_key_env,
            max_concurrency=section.max_concurrency,
            max_tokens=section.max_tokens,
            max_chars=section.max_chars,
            json_mode=section.json_mode,
            breaker_failures=section.breaker_failures,
            breaker_cooldown_s=section.breaker_cooldown_s,
        )

    # -- the two faces -------------------------------------------------------------------

    def ask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        """The judge's answer; :class:`JudgeFailed` within about ``timeout_s`` otherwise."""
        self._check_breaker()
        try:
            answer = self._loop.run(
                self._ask(request, timeout_s), timeout=timeout_s + _SYNC_MARGIN_S
            )
        except TimeoutError:
            failure = JudgeFailed("timeout", f"no answer within {timeout_s:g}s")
            self._record(failure)
            raise failure from None
        except JudgeFailed as exc:
            self._record(exc)
            raise
        except RuntimeError as exc:  # closed, or called from the loop's own thread
            raise JudgeFailed("unavailable", str(exc)) from None
        except concurrent.futures.CancelledError:  # closed while this call was in flight
            raise JudgeFailed("unavailable", "the judge client was closed") from None
        self._record(None)
        return answer

    async def aask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        """The asyncio twin of :meth:`ask` (awaitable from any event loop)."""
        self._check_breaker()
        try:
            answer = await asyncio.wait_for(
                self._loop.arun(self._ask(request, timeout_s)), timeout_s + _SYNC_MARGIN_S
            )
        except TimeoutError:
            failure = JudgeFailed("timeout", f"no answer within {timeout_s:g}s")
            self._record(failure)
            raise failure from None
        except JudgeFailed as exc:
            self._record(exc)
            raise
        except RuntimeError as exc:
            raise JudgeFailed("unavailable", str(exc)) from None
        self._record(None)
        return answer

    def close(self) -> None:
        """Close the connections and stop the client's loop thread (idempotent)."""
        self._finalizer()

    # -- the one implementation, on the client's loop ------------------------------------

    async def _ask(self, request: JudgeRequest, timeout_s: float) -> JudgeAnswer:
        headers = {"User-Agent": "aimds-judge"}
        if self.api_key_env is not None:
            key = self._environ.get(self.api_key_env)
            if not key:
                raise JudgeFailed(
                    "config",
                    f"environment variable {self.api_key_env} (judge.api_key_env) is not set",
                )
            headers["Authorization"] = f"Bearer {key}"
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": build_messages(request, max_chars=self._max_chars),
            "temperature": 0,
            "max_tokens": self._max_tokens,
            "stream": False,
        }
        if self._json_mode:
            payload["response_format"] = {"type": "json_object"}
        client, slots = self._resources(timeout_s)
        import httpx

        got_slot = False
        try:
            async with asyncio.timeout(timeout_s):
                async with slots:
                    got_slot = True
                    response = await client.post("/chat/completions", json=payload, headers=headers)
        except TimeoutError:
            if not got_slot:
                raise JudgeFailed(
                    "overloaded",
                    f"all {self._max_concurrency} judge slots stayed busy for "
                    f"{timeout_s:g}s (judge.max_concurrency)",
                ) from None
            raise JudgeFailed("timeout", f"no answer within {timeout_s:g}s") from None
        except httpx.TimeoutException:
            raise JudgeFailed("timeout", f"no answer within {timeout_s:g}s") from None
        except httpx.HTTPError as exc:
            raise JudgeFailed("transport", type(exc).__name__) from None
        if not 200 <= response.status_code < 300:
            raise JudgeFailed("http", f"status {response.status_code}")
        return parse_completion(response.content)

    def _resources(self, timeout_s: float) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        import httpx

        res = self._res
        if res.client is None or res.slots is None:
            res.client = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=httpx.Timeout(timeout_s),
                limits=httpx.Limits(
                    max_connections=self._max_concurrency,
                    max_keepalive_connections=self._max_concurrency,
                ),
                follow_redirects=False,
            )
            res.slots = asyncio.Semaphore(self._max_concurrency)
        return res.client, res.slots

    # -- breaker -------------------------------------------------------------------------

    def _check_breaker(self) -> None:
        if self._open_until and self._monotonic() < self._open_until:
            raise JudgeFailed(
                "unavailable",
                f"the judge endpoint failed {self._breaker_failures} times in "
                f"a row; not asked for {self._breaker_cooldown:g}s (judge.breaker_cooldown_s)",
            )

    def _record(self, failure: JudgeFailed | None) -> None:
        with self._state_lock:
            if failure is None or failure.reason not in _ENDPOINT_FAILURES:
                if failure is None:
                    self._failures = 0
                    self._open_until = 0.0
                return
            self._failures += 1
            if self._failures >= self._breaker_failures:
                self._open_until = self._monotonic() + self._breaker_cooldown
                self._failures = 0

    @property
    def breaker_open(self) -> bool:
        return bool(self._open_until) and self._monotonic() < self._open_until


class _Resources:
    """What lives on the client's loop; kept apart from the client so that its finalizer
    can close them without holding the client alive."""

    __slots__ = ("client", "slots")

    def __init__(self) -> None:
        self.client: httpx.AsyncClient | None = None
        self.slots: asyncio.Semaphore | None = None


def _shutdown(loop: LoopThread, res: _Resources) -> None:
    async def aclose() -> None:
        if res.client is not None:
            await res.client.aclose()
            res.client = None

    loop.close(aclose)
