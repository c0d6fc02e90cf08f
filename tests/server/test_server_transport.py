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


# -- read deadlines (issue 13: half-sent headers or bodies held a connection for ever) --------


def _serve(header_s: float, body_s: float) -> Any:
    import socket
    import threading
    import time

    import uvicorn

    from aimds.server.transport import timed_protocol

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off",
        http=timed_protocol(header_s, body_s),
    ))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server, thread, port


def _read_all(sock: Any, limit: float) -> tuple[bytes, float]:
    import time

    sock.settimeout(limit)
    start = time.monotonic()
    data = b""
    try:
        while chunk := sock.recv(4096):
            data += chunk
    except TimeoutError:
        return data + b"<still open>", time.monotonic() - start
    return data, time.monotonic() - start


def test_half_sent_headers_and_bodies_are_timed_out() -> None:
    import socket

    server, thread, port = _serve(header_s=0.6, body_s=0.8)
    try:
        with socket.create_connection(("127.0.0.1", port)) as slow_headers:
            slow_headers.sendall(b"POST /v1/detect HTTP/1.1\r\nHost: x\r\n")
            data, took = _read_all(slow_headers, 5.0)
            assert data.startswith(b"HTTP/1.1 408") and took < 2.5, (data, took)
        with socket.create_connection(("127.0.0.1", port)) as silent:
            data, took = _read_all(silent, 5.0)
            assert data.startswith(b"HTTP/1.1 408") and took < 2.5, (data, took)
        with socket.create_connection(("127.0.0.1", port)) as slow_body:
            slow_body.sendall(b"POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 100\r\n\r\nab")
            data, took = _read_all(slow_body, 5.0)
            assert data == b"" and took < 2.5, (data, took)  # closed, nothing answered
        with socket.create_connection(("127.0.0.1", port)) as prompt:
            prompt.sendall(b"POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 2\r\n\r\nab")
            prompt.settimeout(5)
            assert prompt.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        server.should_exit = True
        thread.join(10)
