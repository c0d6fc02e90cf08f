"""Fair scheduling of CPU-heavy judging: bounded, per tenant, then per credential.

A large body (a 1 MB scan) keeps a worker thread busy for a long time. Were such requests
handed to the worker pool as they come, one agent sending eight of them would hold every
thread, and every other request of every tenant would wait behind them.
:class:`FairPool` runs them on the pool at most ``slots`` at a time (fewer than the pool's
threads, so smaller requests always find one), and when a slot frees it goes to the waiting
tenant with the fewest heavy jobs running (ties: the one that started a job longest ago, or
never), and within it to the credential chosen the same way. A tenant may have at most
``per_tenant`` heavy jobs waiting; one more is refused with :class:`Busy` (429).

Everything here runs on the event loop's thread, so it needs no locks.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

__all__ = ["Busy", "FairPool"]

T = TypeVar("T")


class Busy(Exception):
    """The tenant already has as many heavy requests waiting as it may."""


class FairPool:
    """See the module docstring."""

    def __init__(self, pool: Executor, *, slots: int, per_tenant: int) -> None:
        self._pool = pool
        self._slots = max(1, slots)
        self._per_tenant = per_tenant
        self._running = 0
        self._by_tenant: collections.Counter[str] = collections.Counter()
        self._by_credential: collections.Counter[tuple[str, str]] = collections.Counter()
        # tenant -> credential -> waiting futures
        self._waiting: collections.OrderedDict[
            str, collections.OrderedDict[str, collections.deque[asyncio.Future[None]]]
        ] = collections.OrderedDict()
        self._queued: collections.Counter[str] = collections.Counter()
        # when each tenant and credential with work running or waiting last started a job
        self._tick = 0
        self._served: dict[str, int] = {}
        self._served_credential: dict[tuple[str, str], int] = {}

    @property
    def running(self) -> int:
        return self._running

    def waiting(self, tenant: str | None = None) -> int:
        return self._queued[tenant] if tenant is not None else sum(self._queued.values())

    async def run(self, tenant: str, credential: str, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the pool when its turn comes. Raises :class:`Busy`."""
        loop = asyncio.get_running_loop()
        if self._running < self._slots and not self._waiting:
            self._start(tenant, credential)
        else:
            await self._wait_turn(loop, tenant, credential)
        try:
            return await loop.run_in_executor(self._pool, fn, *args)
        finally:
            self._finish(tenant, credential)

    async def _wait_turn(
        self, loop: asyncio.AbstractEventLoop, tenant: str, credential: str
    ) -> None:
        if self._queued[tenant] >= self._per_tenant:
            raise Busy(tenant)
        turn: asyncio.Future[None] = loop.create_future()
        by_credential = self._waiting.get(tenant)
        if by_credential is None:
            by_credential = self._waiting[tenant] = collections.OrderedDict()
        by_credential.setdefault(credential, collections.deque()).append(turn)
        self._queued[tenant] += 1
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._finish(tenant, credential)  # granted, then abandoned: give it back
            else:
                self._forget(tenant, credential, turn)
            raise

    def _start(self, tenant: str, credential: str) -> None:
        self._running += 1
        self._by_tenant[tenant] += 1
        self._by_credential[(tenant, credential)] += 1
        self._tick += 1
        self._served[tenant] = self._served_credential[(tenant, credential)] = self._tick

    def _finish(self, tenant: str, credential: str) -> None:
        self._running -= 1
        self._by_tenant[tenant] -= 1
        if not self._by_tenant[tenant]:
            del self._by_tenant[tenant]
        self._by_credential[(tenant, credential)] -= 1
        if not self._by_credential[(tenant, credential)]:
            del self._by_credential[(tenant, credential)]
        self._grant()
        self._tidy(tenant, credential)

    def _tidy(self, tenant: str, credential: str) -> None:
        """Forget the service times of what has nothing running or waiting (bounded)."""
        waiting = self._waiting.get(tenant)
        if (tenant, credential) not in self._by_credential and (
            waiting is None or credential not in waiting
        ):
            self._served_credential.pop((tenant, credential), None)
        if tenant not in self._by_tenant and waiting is None:
            self._served.pop(tenant, None)

    def _forget(self, tenant: str, credential: str, turn: asyncio.Future[None]) -> None:
        by_credential = self._waiting.get(tenant)
        queue = by_credential.get(credential) if by_credential is not None else None
        if queue is None or turn not in queue:
            return
        queue.remove(turn)
        self._queued[tenant] -= 1
        self._drop_empty(tenant, credential)
        self._tidy(tenant, credential)

    def _drop_empty(self, tenant: str, credential: str) -> None:
        by_credential = self._waiting[tenant]
        if not by_credential[credential]:
            del by_credential[credential]
        if not by_credential:
            del self._waiting[tenant]
        if not self._queued[tenant]:
            del self._queued[tenant]

    def _grant(self) -> None:
        while self._running < self._slots and self._waiting:
            tenant = min(
                self._waiting, key=lambda t: (self._by_tenant[t], self._served.get(t, 0))
            )
            by_credential = self._waiting[tenant]
            credential = min(by_credential, key=lambda c: (
                self._by_credential[(tenant, c)], self._served_credential.get((tenant, c), 0)
            ))
            turn = by_credential[credential].popleft()
            self._queued[tenant] -= 1
            self._drop_empty(tenant, credential)
            if turn.done():  # cancelled while waiting
                continue
            self._start(tenant, credential)
            turn.set_result(None)
