"""One socket write per response: uvicorn's httptools protocol over a coalescing transport.

uvicorn writes a response's head and body with two ``transport.write`` calls, so a small
JSON answer costs two ``send`` system calls and wakes the client twice. On loopback, with
the client on the same cores, that doubles the scheduling work of every request.
:class:`CoalescingTransport` keeps what is written during one event-loop iteration and
sends it at the end of that iteration (``call_soon``) as one buffer, so head and body
leave together. Streams (SSE) still go out every iteration; closing flushes first.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["CoalescingHttpToolsProtocol", "CoalescingTransport"]


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
