"""The coalescing transport: one write per loop iteration, nothing lost on close."""

from __future__ import annotations

import asyncio
from typing import Any

from aimds.server.transport import CoalescingTransport


class _Fake:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self.extra = {"peername": ("127.0.0.1", 1)}

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.extra.get(name, default)

    def get_write_buffer_size(self) -> int:
        return 0


def test_writes_in_one_iteration_leave_as_one() -> None:
    async def run() -> _Fake:
        fake = _Fake()
        t = CoalescingTransport(fake, asyncio.get_running_loop())
        t.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        t.write(b"{}")
        assert fake.writes == [] and t.get_write_buffer_size() == 40
        await asyncio.sleep(0)
        t.write(b"next")
        await asyncio.sleep(0)
        assert t.get_extra_info("peername") == ("127.0.0.1", 1)  # delegated
        return fake

    fake = asyncio.run(run())
    assert fake.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}", b"next"]


def test_close_flushes_first_and_a_closed_peer_gets_nothing() -> None:
    async def run() -> tuple[_Fake, _Fake]:
        loop = asyncio.get_running_loop()
        a = _Fake()
        t = CoalescingTransport(a, loop)
        t.write(b"bye")
        t.close()
        b = _Fake()
        u = CoalescingTransport(b, loop)
        u.write(b"lost")
        b.closed = True
        await asyncio.sleep(0)
        return a, b

    a, b = asyncio.run(run())
    assert a.writes == [b"bye"] and a.closed
    assert b.writes == []
