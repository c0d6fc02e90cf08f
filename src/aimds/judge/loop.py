"""One asyncio event loop in a daemon thread: the sync face of an async client.

The guard's pipeline is synchronous and runs on the caller's thread (a worker of the
service's pool, an agent's thread, a replay). Starting an event loop per call would cost
a loop, a connection pool and a TLS handshake each time and leak them when the call times
out; running the client on the caller's loop is impossible when the caller has none, and
blocks it when it has one. So each client owns exactly one loop, in one thread, started on
first use and stopped by :meth:`LoopThread.close` (or when the owner is garbage collected):
sync callers wait on a ``concurrent.futures.Future``, async callers await it on their own
loop, and the client's connections live on the client's loop only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["LoopThread"]

T = TypeVar("T")

_STOP_WAIT_S = 2.0


class LoopThread:
    """A lazily started event loop in a daemon thread named ``name``."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the loop; ``RuntimeError`` once closed or from the loop's
        own thread (waiting there on the loop's own work would deadlock it)."""
        try:
            loop = self._ensure()
            if threading.current_thread() is self._thread:
                raise RuntimeError("LoopThread.submit called from its own loop thread")
            return asyncio.run_coroutine_threadsafe(coro, loop)
        except BaseException:
            coro.close()  # never scheduled: close it, so it is not reported as never awaited
            raise

    def run(self, coro: Coroutine[Any, Any, T], *, timeout: float) -> T:
        """Run ``coro`` on the loop and wait for it at most ``timeout`` seconds; on timeout
        the coroutine is cancelled and ``TimeoutError`` raised."""
        future = self.submit(coro)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"no result within {timeout:g}s") from None

    async def arun(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and await it from the caller's loop (cancelling the
        await cancels the coroutine)."""
        return await asyncio.wrap_future(self.submit(coro))

    def close(self, cleanup: Callable[[], Awaitable[None]] | None = None) -> None:
        """Cancel the calls in flight, run ``cleanup()`` on the loop (closing connections),
        stop the loop, join the thread. Idempotent; later calls to :meth:`submit` raise
        ``RuntimeError``."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if cleanup is not None and thread is not threading.current_thread():

            async def _cleanup() -> None:
                # in-flight calls end as cancelled (their callers see a closed client), not
                # as whatever error the cleanup would cause them by closing connections
                running = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)
                await cleanup()

            # closing must finish even if the cleanup fails or hangs
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(_cleanup(), loop).result(_STOP_WAIT_S)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not threading.current_thread():
            thread.join(_STOP_WAIT_S)

    def _ensure(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is not None and not self._closed:
            return loop
        with self._lock:
            if self._closed:
                raise RuntimeError("the judge client is closed")
            if self._loop is None:
                ready = threading.Event()
                new = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=_serve, args=(new, ready), name=self._name, daemon=True
                )
                thread.start()
                ready.wait()
                self._loop, self._thread = new, thread
            return self._loop


def _serve(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
