"""Added latency of ``aimds proxy`` for a non-streamed 500-token answer (issue 14).

Two figures:

* ``proxy.guard_work``: what AIMDS itself adds inside a proxy, in process: checking the
  request's prompt and the ~500-token (about 2,000 characters) answer and writing the
  mitigations back (``check_request`` + ``check_response``), no network.
* ``proxy.e2e_added``: the end-to-end difference on loopback. A fake upstream and
  ``aimds proxy`` run as separate processes (uvicorn); one keep-alive httpx client sends
  the same request alternately straight to the upstream and through the proxy, and the
  p50 of the paired differences is the added latency (guard work plus the extra HTTP hop
  through Python). Interleaving keeps the machine's speed drift out of the difference.
  ``BENCH_PROXY_DATA_DIR=0`` runs the proxy without ``--data-dir`` (no audit log on disk).

``python -m benchmarks.run proxy`` or ``python -m benchmarks.bench_proxy``.

Measured on the 2-core reference machine shared with other jobs (pure-Python sources,
default policy, 2,000 interleaved pairs per run, four runs): ``proxy.guard_work`` p50
0.29-0.34 ms; ``proxy.e2e_added`` p50 0.92-1.05 ms without ``--data-dir`` and
0.98-1.10 ms with it (audit log on disk), p99 6-10 ms (machine noise). Compiled (mypyc),
idle machine, 2026-12-07: ``guard_work`` p50 0.25 ms (p99 0.34); ``e2e_added`` p50 0.74 ms
(p99 1.57) without ``--data-dir``, 1.06 ms (p99 1.97) with the audit log on disk. Most of
the end-to-end figure is the extra loopback HTTP hop through uvicorn and httpx, not the
checks.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from benchmarks.harness import Result, measure

HOST = "127.0.0.1"
ANSWER_500 = " ".join(
    [
        "The migration plan has three phases. First, we copy the billing tables to the new",
        "cluster and run both systems side by side for a week, comparing invoices nightly.",
        "Second, we switch reads to the new cluster behind a feature flag, watching latency",
        "and error rates on the dashboard, and keep writes dual until the numbers agree.",
        "Third, we retire the old cluster after a final reconciliation and an export kept",
        "for audit. Risks: the vendor contract renewal, a schema change in the invoices",
        "table, and the on-call rotation during the holidays. Mitigations: freeze schema",
        "changes for the migration window, ask the vendor for a thirty day extension, and",
        "add a second engineer to each on-call shift.",
    ]
    * 4
)[:2000]
BODY = {"model": "fake", "messages": [{"role": "user", "content": "Summarise the plan."}]}
ANSWER = {
    "id": "cmpl-bench", "object": "chat.completion", "created": 1, "model": "fake",
    "choices": [{"index": 0, "finish_reason": "stop",
                 "message": {"role": "assistant", "content": ANSWER_500}}],
    "usage": {"prompt_tokens": 5, "completion_tokens": 500, "total_tokens": 505},
}
_ANSWER_BYTES = json.dumps(ANSWER).encode()


async def upstream_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A minimal ASGI fake upstream: always the same 500-token answer."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": _ANSWER_BYTES})


def _port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _wait(client: Any, url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.post(url, json=BODY).status_code == 200:
                return
        except Exception:  # noqa: BLE001 - not up yet
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from None
        time.sleep(0.2)


def guard_work(n: int) -> Result:
    import aimds
    from aimds.integrations.proxy.messages import check_request, check_response
    from aimds.types import DEFAULT_SUBJECT

    guard = aimds.Guard("default")
    counter = iter(range(10**9))

    def once() -> None:
        # a fresh answer each time, so no detector cache answers for the guard
        text = f"{ANSWER_500[:-8]} #{next(counter):06d}"
        body = json.loads(json.dumps(BODY))
        answer = json.loads(_ANSWER_BYTES)
        answer["choices"][0]["message"]["content"] = text
        assert check_request(body, guard.check, DEFAULT_SUBJECT) is None
        check_response(answer, guard.check, DEFAULT_SUBJECT)
        assert answer["choices"][0]["message"]["content"] == text

    return measure("proxy.guard_work (500-token answer)", once, n=n, warmup=min(n, 200))


def end_to_end(n: int) -> list[Result]:
    import httpx

    up_port, proxy_port = _port(), _port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "benchmarks.bench_proxy:upstream_app",
             "--host", HOST, "--port", str(up_port), "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    ]
    with tempfile.TemporaryDirectory() as data:
        procs.append(subprocess.Popen(
            [sys.executable, "-c", "from aimds.cli.main import main; main()", "proxy",
             "--upstream", f"http://{HOST}:{up_port}/v1", "--listen", f"{HOST}:{proxy_port}",
             *(["--data-dir", data] if os.environ.get("BENCH_PROXY_DATA_DIR", "1") == "1" else [])],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        try:
            with httpx.Client(timeout=30) as client:
                direct = f"http://{HOST}:{up_port}/v1/chat/completions"
                proxied = f"http://{HOST}:{proxy_port}/v1/chat/completions"
                _wait(client, direct, procs[0])
                _wait(client, proxied, procs[1])
                for _ in range(min(n, 200)):
                    client.post(direct, json=BODY)
                    client.post(proxied, json=BODY)
                d_times, p_times, diffs = [], [], []
                for _ in range(n):
                    t0 = time.perf_counter_ns()
                    client.post(direct, json=BODY)
                    t1 = time.perf_counter_ns()
                    r = client.post(proxied, json=BODY)
                    t2 = time.perf_counter_ns()
                    assert r.status_code == 200
                    d_times.append((t1 - t0) / 1000)
                    p_times.append((t2 - t1) / 1000)
                    diffs.append((t2 - t1 - (t1 - t0)) / 1000)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(10)
    return [_row("proxy.e2e_direct", d_times), _row("proxy.e2e_proxied", p_times),
            _row("proxy.e2e_added", diffs)]


def _row(name: str, samples: list[float]) -> Result:
    ordered = sorted(samples)
    n = len(ordered)
    return Result(
        name=name, n=n, p50_us=ordered[n // 2], p99_us=ordered[min(n - 1, n * 99 // 100)],
        mean_us=statistics.fmean(ordered), ops_per_s=1e6 / statistics.fmean(ordered),
    )


def run(quick: bool = False) -> list[Result]:
    n = 300 if quick else 2_000
    return [guard_work(n), *end_to_end(n)]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row.name:40s} n={row.n:5d} p50={row.p50_us:9.1f}us p99={row.p99_us:9.1f}us")
