"""A real HTTP fake of the OpenAI chat completions API, on a socket of 127.0.0.1.

The judge's client is tested against an actual server (TCP, HTTP/1.1, keep-alive, slow and
broken answers), not a mock transport. ``FakeOpenAI.reply`` decides each answer from the
request; by default a case whose data contains ``ATTACK`` is an attack, anything else benign.
Every request is kept (headers and JSON body) for the tests to inspect.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    delay_s: float = 0.0  # before the headers
    drip_s: float = 0.0  # between single bytes of the body
    headers: dict[str, str] = field(default_factory=dict)


def completion(
    content: str | None, *, refusal: str | None = None, finish_reason: str = "stop"
) -> bytes:
    """A chat completion body whose one choice carries ``content``."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        message["refusal"] = refusal
    return json.dumps(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": "fake",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    ).encode()


def verdict(v: str, confidence: float = 0.9, reason: str = "fake reason") -> bytes:
    return completion(json.dumps({"verdict": v, "confidence": confidence, "reason": reason}))


def default_reply(request: dict[str, Any]) -> Reply:
    case = json.loads(request["messages"][-1]["content"])
    return Reply(body=verdict("attack" if "ATTACK" in case["data"] else "benign"))


@dataclass
class Seen:
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def case(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.body["messages"][-1]["content"])
        return result


class FakeOpenAI:
    def __init__(self) -> None:
        self.reply: Callable[[dict[str, Any]], Reply] = default_reply
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # headers and body go out in separate writes: without this, Nagle's algorithm
                # and the client's delayed ACK add ~40 ms to every answer
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                if self.path != "/v1/chat/completions":
                    self._send(Reply(status=404, body=b'{"error": "not found"}'))
                    return
                body = json.loads(raw)
                with fake._lock:
                    fake.requests.append(Seen(dict(self.headers.items()), body))
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    self._send(fake.reply(body))
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _send(self, reply: Reply) -> None:
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(reply.body)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if reply.drip_s:
                        for i in range(len(reply.body)):
                            self.wfile.write(reply.body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(reply.drip_s)
                    else:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


def judge_policy(base_url: str, **judge: Any) -> dict[str, Any]:
    """The default pack with the judge enabled against ``base_url`` (``judge`` overrides)."""
    section: dict[str, Any] = {"enabled": True, "base_url": base_url, "model": "fake-model"}
    section.update(judge)
    return {"name": "judged", "extends": "default", "judge": section}
