"""One socket write per response: uvicorn's httptools protocol over a coalescing transport.

uvicorn writes a response's head and body with two ``transport.write`` calls, so a small
JSON answer costs two ``send`` system calls and wakes the client twice. On loopback, with
the client on the same cores, that doubles the scheduling work of every request.
:class:`CoalescingTransport` keeps what is written during one event-loop iteration and
sends it at the end of that iteration (``call_soon``) as one buffer, so head and body
leave together. Streams (SSE) still go out every iteration; closing flushes first.

uvicorn times out idle keep-alive connections but not a request in progress: a client
that sends half its headers, or a body a byte at a time, holds a connection (and a slot of
the server) for ever. :func:`timed_protocol` adds two deadlines: the headers of a request
(from the connection, or the first byte of a request) within ``header_timeout_s``, its body
within ``body_timeout_s`` of the headers. Each protocol only notes its deadline (one float
per phase); one sweeper per event loop closes what has expired, twice a second: a
connection still sending headers gets ``408 Request Timeout``, one sending its body is
closed (the application sees the client disconnect).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = [
    "CoalescingHttpToolsProtocol",
    "CoalescingTransport",
    "TimedHttpToolsProtocol",
    "timed_protocol",
]

log = logging.getLogger("aimds.server")

_SWEEP_S = 0.5
_TIMEOUT_BODY = b'{"error":"request not received in time"}'
_TIMEOUT_408 = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TIMEOUT_BODY), _TIMEOUT_BODY)
)


class CoalescingTransport:
    """Wraps a transport: writes within one loop iteration go out as one ``write``."""

    __slots__ = ("_buffer", "_loop", "_scheduled", "_transport")

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._buffer: list[bytes] = []
        self._scheduled = False

    def write(self, data: bytes) -> None:
        if not data:
            return
        self._buffer.append(data)
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self.flush)

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(bytes(data))

    def flush(self) -> None:
        self._scheduled = False
        buffer = self._buffer
        if not buffer:
            return
        self._buffer = []
        if self._transport.is_closing():
            return  # the peer is gone; nothing can be delivered
        self._transport.write(buffer[0] if len(buffer) == 1 else b"".join(buffer))

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def get_write_buffer_size(self) -> int:
        return int(self._transport.get_write_buffer_size()) + sum(len(b) for b in self._buffer)

    def __getattr__(self, name: str) -> Any:
        # Everything else (extra info, reading pauses, abort, is_closing) as is.
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol writing through a :class:`CoalescingTransport`
    (pass as ``uvicorn.Config(http=...)``)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]


class _Sweeper:
    """Closes the timed connections of one event loop whose deadline passed."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.protocols: weakref.WeakSet[TimedHttpToolsProtocol] = weakref.WeakSet()
        self._handle: asyncio.TimerHandle | None = None

    def add(self, protocol: TimedHttpToolsProtocol) -> None:
        self.protocols.add(protocol)
        if self._handle is None:
            self._handle = self.loop.call_later(_SWEEP_S, self._sweep)

    def _sweep(self) -> None:
        self._handle = None
        now = self.loop.time()
        for protocol in list(self.protocols):
            deadline = protocol.deadline
            if deadline is not None and now >= deadline:
                protocol.expire()
        if self.protocols:
            self._handle = self.loop.call_later(_SWEEP_S, self._sweep)


_SWEEPERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sweeper] = (
    weakref.WeakKeyDictionary()
)


class TimedHttpToolsProtocol(CoalescingHttpToolsProtocol):
    """:class:`CoalescingHttpToolsProtocol` with header and body read deadlines (made by
    :func:`timed_protocol`, which sets the two timeouts)."""

    header_timeout_s = 10.0
    body_timeout_s = 30.0
    deadline: float | None = None
    _in_body = False

    @classmethod
    def configure(cls, header_timeout_s: float, body_timeout_s: float) -> None:
        """Set the deadlines of this class (a worker process, at its start)."""
        cls.header_timeout_s = header_timeout_s
        cls.body_timeout_s = body_timeout_s

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        sweeper = _SWEEPERS.get(self.loop)
        if sweeper is None:
            sweeper = _SWEEPERS[self.loop] = _Sweeper(self.loop)
        self.deadline = self.loop.time() + self.header_timeout_s
        sweeper.add(self)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.deadline is None:
            self.deadline = self.loop.time() + self.header_timeout_s

    def on_headers_complete(self) -> None:
        self.deadline = self.loop.time() + self.body_timeout_s
        self._in_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.deadline = None
        self._in_body = False
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self.deadline = None
        super().connection_lost(exc)

    def expire(self) -> None:
        """The deadline passed: 408 while headers are awaited, else close the connection."""
        self.deadline = None
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        log.info("closing a connection that did not send its request %s in time",
                 "body" if self._in_body else "headers")
        if not self._in_body:
            transport.write(_TIMEOUT_408)
        transport.close()


def timed_protocol(header_timeout_s: float, body_timeout_s: float) -> type[TimedHttpToolsProtocol]:
    """The protocol class for ``uvicorn.Config(http=...)`` with these read deadlines."""
    return type(
        "TimedHttpToolsProtocol",
        (TimedHttpToolsProtocol,),
        {"header_timeout_s": header_timeout_s, "body_timeout_s": body_timeout_s},
    )
