"""Fairness under heavy scans: how long one tenant's ordinary request waits while another
tenant's agent sends eight concurrent ~1 MB ``/v1/detect`` requests (issue 13: 35 s).

Starts ``aimds serve`` (this checkout, fresh data dir, rate limits off) as a subprocess,
fires the eight large scans from one agent, then, while they run, sends ``--probes`` 5 KB
requests from an agent of another tenant one after another and reports their latencies,
and how long the large scans took. Run: ``python -m benchmarks.bench_fairness``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _keys(data: Path) -> dict[str, str]:
    from aimds.respond.approvals import SqlDatabase
    from aimds.server.auth import KeyStore

    db = SqlDatabase(f"sqlite:///{data / 'aimds.db'}")
    keys = KeyStore(db)
    made = {label: keys.create(role="agent", tenant=tenant, agent=agent)[1]
            for label, tenant, agent in (("heavy", "acme", "scanner"),
                                         ("probe", "globex", "asker"))}
    db.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--heavy", type=int, default=8)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        keys = _keys(data)
        port = _port()
        env = {**os.environ, "AIMDS_RATE_LIMIT_PER_MINUTE": "0",
               "AIMDS_TENANT_RATE_LIMIT_PER_MINUTE": "0", "AIMDS_BOOTSTRAP_ADMIN": "false"}
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "aimds"), "serve", "--port", str(port),
             "--data-dir", str(data)], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(base + "/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            big = ("The quarterly report covers revenue, costs and the roadmap. " *
                   (args.size // 60 + 1))[: args.size]
            heavy_times: list[float] = []

            def heavy() -> None:
                start = time.monotonic()
                httpx.post(base + "/v1/detect", json={"text": big}, timeout=600,
                           headers={"Authorization": f"Bearer {keys['heavy']}"})
                heavy_times.append(time.monotonic() - start)

            threads = [threading.Thread(target=heavy) for _ in range(args.heavy)]
            for t in threads:
                t.start()
            time.sleep(1.0)
            probe = "Please summarise the attached meeting notes for the team. " * 85  # ~5 KB
            waits = []
            with httpx.Client(timeout=600) as client:
                for _ in range(args.probes):
                    start = time.monotonic()
                    r = client.post(base + "/v1/detect", json={"text": probe},
                                    headers={"Authorization": f"Bearer {keys['probe']}"})
                    waits.append(time.monotonic() - start)
                    assert r.status_code == 200, r.text
            for t in threads:
                t.join()
        finally:
            proc.terminate()
            proc.wait(30)
    ordered = sorted(waits)
    print(f"probe latency (s): median {ordered[len(waits) // 2]:.3f}  max {ordered[-1]:.3f}  "
          f"in order {' '.join(f'{w:.2f}' for w in waits)}")
    print(f"large scans (s): fastest {min(heavy_times):.1f}  slowest {max(heavy_times):.1f}")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
