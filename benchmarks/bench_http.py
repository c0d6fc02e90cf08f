"""HTTP throughput and latency of ``aimds serve`` on loopback (``make bench-http``).

Starts the service as a subprocess on 127.0.0.1 (fresh data dir, default policy, audit
log on), then drives it with a small bounded load generator: C keep-alive connections,
each sending its next request as soon as the last answer arrived, until N requests or T
seconds. Raw asyncio streams writing pre-built request bytes keep the generator cheap, so
it measures the server, not an HTTP client. Single-process and multi-worker figures are
both reported, with the server's CPU time per request (all its processes and threads,
from /proc) and the load average, since the generator shares the machine.

Requests rotate over many sessions of one agent, so the default policy's per-session rate
budget (120 calls a minute) is not what is measured: decisions stay ``allow``.

The harness's ``measure`` times one call at a time; concurrent load needs its own loop, so
this module builds :class:`Result` rows directly from the per-request latencies.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, cast

import orjson

from benchmarks.harness import Result

HOST = "127.0.0.1"
TEXT_500 = (
    "Quarterly planning notes: the team reviewed the roadmap, agreed on the release train "
    "for the next two sprints and assigned owners for the migration of the billing service. "
    "Risks include the vendor contract renewal and the pending security review of the new "
    "export feature. Action items: draft the rollout plan, schedule the load test, update the "
    "runbook and confirm the on-call rotation. Customers asked for clearer invoices and a "
    "faster search; both are in scope. Next meeting on Thursday at ten, same room as before."
)[:500]


def _port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _request(port: int, path: str, key: str, body: dict[str, object]) -> bytes:
    payload = orjson.dumps(body)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


def _requests(port: int, path: str, key: str, body: dict[str, object]) -> list[bytes]:
    """The request in ``_SESSIONS`` variants, one session each."""
    return [
        _request(port, path, key, {**body, "subject": {"session": f"bench-{i}"}})
        for i in range(_SESSIONS)
    ]


_SESSIONS = 4096


class _Client(asyncio.Protocol):
    """One keep-alive connection: sends the next pre-built request as soon as the last
    answer is complete. A bare protocol (no streams) keeps the generator's CPU per request
    small, since it shares the cores with the server it measures."""

    def __init__(
        self, requests: list[bytes], first: int, stop_at: float, budget: list[int],
        lat: list[int], bad: list[int], done: asyncio.Future[None],
    ) -> None:
        self._requests = requests
        self._i = first
        self._stop_at = stop_at
        self._budget = budget
        self._lat = lat
        self._bad = bad
        self._done = done
        self._buffer = b""
        self._t0 = 0
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self._send()

    def _send(self) -> None:
        assert self._transport is not None
        if self._budget[0] <= 0 or time.perf_counter() >= self._stop_at:
            self._transport.close()
            return
        self._budget[0] -= 1
        request = self._requests[self._i % len(self._requests)]
        self._i += 1
        self._t0 = time.perf_counter_ns()
        self._transport.write(request)

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer + data
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            self._buffer = buffer
            return
        head = buffer[:end].lower()
        at = head.find(b"content-length:")
        stop = head.find(b"\r\n", at)
        length = int(head[at + 15:stop if stop >= 0 else len(head)]) if at >= 0 else 0
        if len(buffer) < end + 4 + length:
            self._buffer = buffer
            return
        body = buffer[end + 4:end + 4 + length]
        self._buffer = buffer[end + 4 + length:]
        self._lat.append(time.perf_counter_ns() - self._t0)
        if not head.startswith(b"http/1.1 200") or b'"verdict":"allow"' not in body:
            self._bad[0] += 1
        self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._done.done():
            self._done.set_result(None)


_SPIN = (
    "import time\n"
    "t, c = time.perf_counter(), time.process_time()\n"
    "while time.perf_counter() - t < 1.0: pass\n"
    "print((time.process_time() - c) / (time.perf_counter() - t))\n"
)


def _cores_available() -> float:
    """How much CPU this machine gives right now: one busy process per core for a second,
    summing the share of the second each got (2.0 on an idle 2-core machine). Others'
    work, on this container or elsewhere on the host, shows up here and not in top."""
    procs = [
        subprocess.Popen([sys.executable, "-c", _SPIN], stdout=subprocess.PIPE, text=True)
        for _ in range(os.cpu_count() or 1)
    ]
    return round(sum(float(p.communicate()[0]) for p in procs), 2)


def _cpu_seconds(pid: int) -> float:
    """CPU time of ``pid`` and its children (uvicorn's workers), every thread, from /proc."""
    total = 0
    try:
        for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    return total / os.sysconf("SC_CLK_TCK") + sum(_cpu_seconds(int(c)) for c in children)


async def _load(
    port: int, requests: list[bytes], *, conns: int, n: int, seconds: float, pid: int = 0
) -> Result:
    lat: list[int] = []
    bad = [0]
    budget = [n]
    loop = asyncio.get_running_loop()
    cpu0 = _cpu_seconds(pid) if pid else 0.0
    own0 = time.process_time()
    begin = time.perf_counter()
    waits = []
    for c in range(conns):
        done: asyncio.Future[None] = loop.create_future()
        await loop.create_connection(
            lambda c=c, done=done: _Client(  # type: ignore[misc]
                requests, c * 997, begin + seconds, budget, lat, bad, done
            ),
            HOST, port,
        )
        waits.append(done)
    await asyncio.wait_for(asyncio.gather(*waits), seconds + 30)
    elapsed = time.perf_counter() - begin
    own = time.process_time() - own0
    cpu = _cpu_seconds(pid) - cpu0 if pid else 0.0
    lat.sort()
    count = len(lat)
    return Result(
        name="",
        n=count,
        p50_us=lat[count // 2] / 1000 if count else 0.0,
        p99_us=lat[min(count - 1, count * 99 // 100)] / 1000 if count else 0.0,
        mean_us=sum(lat) / count / 1000 if count else 0.0,
        ops_per_s=count / elapsed if elapsed else 0.0,
        extra={
            "connections": conns,
            "not_allow": bad[0],
            "seconds": round(elapsed, 2),
            "server_cpu_us_per_request": round(cpu / count * 1e6, 1) if count else 0.0,
            "client_cpu_us_per_request": round(own / count * 1e6, 1) if count else 0.0,
            "loadavg_1m": round(os.getloadavg()[0], 2),
        },
    )


def _run(load: Coroutine[Any, Any, Result]) -> Result:
    """Run the generator on uvloop when installed (cheaper per request), else asyncio."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(load)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(load)


def _start(workers: int, data: Path) -> tuple[subprocess.Popen[bytes], int, str]:
    from aimds.respond.approvals import SqlDatabase
    from aimds.server.auth import KeyStore
    from aimds.server.settings import ServerSettings

    data.mkdir(parents=True, exist_ok=True)
    db = SqlDatabase(ServerSettings(data_dir=data).resolved_database_url())
    _, key = KeyStore(db).create(role="agent", tenant="bench", agent="bench-agent")
    db.close()
    port = _port()
    env = {**os.environ, "AIMDS_RATE_LIMIT_PER_MINUTE": "0", "AIMDS_BOOTSTRAP_ADMIN": "false"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "aimds"), "serve", "--host", HOST, "--port",
         str(port), "--data-dir", str(data), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    time.sleep(0.5 * workers)
    return proc, port, key


def run(quick: bool) -> list[Result]:
    n = 3_000 if quick else 30_000
    seconds = 5.0 if quick else 15.0
    results: list[Result] = []
    cores = _cores_available()
    for workers in (1, 2):
        with tempfile.TemporaryDirectory(prefix="aimds-bench-") as tmp:
            proc, port, key = _start(workers, Path(tmp) / "data")
            try:
                cases = {
                    "evaluate": _requests(
                        port, "/v1/evaluate", key,
                        {"tool": "read_file", "args": {"path": "/srv/app/a.txt"}},
                    ),
                    "detect_500ch": _requests(port, "/v1/detect", key, {"text": TEXT_500}),
                }
                for label, requests in cases.items():
                    _run(_load(port, requests, conns=32, n=min(n, 1000), seconds=2))  # warm
                    r = _run(_load(port, requests, conns=32, n=n, seconds=seconds, pid=proc.pid))
                    results.append(Result(
                        name=f"http {label} ({workers} worker{'s' if workers > 1 else ''})",
                        n=r.n, p50_us=r.p50_us, p99_us=r.p99_us, mean_us=r.mean_us,
                        ops_per_s=r.ops_per_s,
                        extra={**r.extra, "workers": workers, "cores_available": cores},
                    ))
            finally:
                proc.terminate()
                proc.wait(15)
    return results
