"""Audit benchmarks: SQLite/PostgreSQL throughput with group commit, guard p50 with auditing
on (async) vs off, and ``verify`` speed.

Targets (issue 5): >= 20,000 decisions/s into SQLite, guard p50 within 10 % of auditing off,
verify >= 100,000 records/s.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from aimds.audit import AuditLog, HmacSigner
from aimds.audit.verify import verify_store
from aimds.types import Evaluation, Event, EventKind, Finding, Services, Severity, Subject, Verdict
from benchmarks.harness import Result, measure

KEY = b"b" * 32


def _evals(n: int) -> list[Evaluation]:
    out = []
    for i in range(n):
        ev = Evaluation(
            event=Event(kind=EventKind.PROMPT, subject=Subject(tenant=f"t{i % 4}"),
                        text=f"please summarise document {i}"),
            ts=1_700_000_000.0 + i,
        )
        ev.verdict = Verdict.WARN if i % 5 == 0 else Verdict.ALLOW
        if i % 5 == 0:
            ev.findings.append(Finding(rule="pii.email", category="pii", severity=Severity.MEDIUM,
                                       message="an email address", evidence="b***@e***"))
        out.append(ev)
    return out


def _throughput(name: str, log: AuditLog, evals: list[Evaluation]) -> Result:
    """Wall-clock rate, plus the rate process CPU time allows (both threads; steadier on a
    shared machine, where wall time mostly measures the neighbours)."""
    cpu = time.process_time()
    start = time.perf_counter()
    for i, ev in enumerate(evals):
        log.record(ev, decision_id=str(i), policy="bench@1")
    log.flush()
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    n = len(evals)
    us = elapsed / n * 1e6
    return Result(name=name, n=n, p50_us=us, p99_us=us, mean_us=us, ops_per_s=n / elapsed,
                  extra={"note": "end to end: submit + mask + chain + commit",
                         "cpu_ops_per_s": round(n / cpu), "load": round(os.getloadavg()[0], 1)})


def _verify(name: str, log: AuditLog) -> Result:
    assert log.store is not None
    cpu = time.process_time()
    start = time.perf_counter()
    result = verify_store(log.store, signer=HmacSigner(KEY))
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    us = elapsed / max(result.checked, 1) * 1e6
    return Result(name=name, n=result.checked, p50_us=us, p99_us=us, mean_us=us,
                  ops_per_s=result.checked / elapsed,
                  extra={"ok": result.ok, "cpu_ops_per_s": round(result.checked / cpu),
                         "load": round(os.getloadavg()[0], 1)})


def _guard_latency(quick: bool, db: Path) -> list[Result]:
    """Auditing off and on (async) measured in alternating chunks, so both see the same
    neighbours on a shared machine; each p50 is the median of its chunks' p50s. The audit
    log is flushed (untimed) after each "on" chunk, so its writer's work never spills
    into an "off" chunk; chunks are long enough for several group commits inside them."""
    from aimds.guard import Guard

    chunk, chunks = (1_000, 5) if quick else (2_000, 12)
    text = "please summarise the attached report"
    plain = Guard("default")
    log = AuditLog.open(str(db), signer=HmacSigner(KEY), digest_key=KEY)
    audited = Guard("default", services=Services(extras={"audit": log}))
    runs: dict[str, list[Result]] = {"off": [], "on": []}
    try:
        for fn in (plain, audited):
            measure("warmup", lambda g=fn: g.check_prompt(text), n=10, warmup=500)
        for _ in range(chunks):
            runs["off"].append(measure("off", lambda: plain.check_prompt(text), n=chunk, warmup=20))
            runs["on"].append(measure("on", lambda: audited.check_prompt(text), n=chunk, warmup=20))
            log.flush()
    finally:
        plain.close()
        audited.close()
        log.close()
    results = []
    for key, name in (("off", "guard check_prompt, audit off"),
                      ("on", "guard check_prompt, audit on (async)")):
        rs = runs[key]
        results.append(Result(
            name=name, n=chunk * chunks, p50_us=statistics.median(r.p50_us for r in rs),
            p99_us=statistics.median(r.p99_us for r in rs),
            mean_us=statistics.median(r.mean_us for r in rs),
            ops_per_s=statistics.median(r.ops_per_s for r in rs),
            extra={"chunks": chunks, "load": round(os.getloadavg()[0], 1)},
        ))
    off, on = results[0].p50_us, results[1].p50_us
    results[1].extra["p50_overhead_pct"] = round((on - off) / off * 100, 1)
    return results


def run(quick: bool) -> list[Result]:
    n = 20_000 if quick else 100_000
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        log = AuditLog.open(str(db), signer=HmacSigner(KEY), digest_key=KEY, batch_size=1024,
                            queue_size=50_000)
        results.append(_throughput("audit sqlite async group commit", log, _evals(n)))
        results.append(_verify("audit verify sqlite", log))
        log.close()
        sync_log = AuditLog.open(str(Path(tmp) / "sync.db"), durability="sync",
                                 signer=HmacSigner(KEY), digest_key=KEY)
        results.append(_throughput("audit sqlite sync (1 thread)", sync_log, _evals(n // 20)))
        sync_log.close()
        try:
            results.extend(_guard_latency(quick, Path(tmp) / "guard.db"))
        except Exception as exc:  # noqa: BLE001 - other rooms may be mid-change
            print(f"guard latency skipped: {type(exc).__name__}: {exc}")
    results.extend(_postgres(n // 4))
    return results


def _postgres(n: int) -> list[Result]:
    dsn = os.environ.get("AIMDS_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        import psycopg

        from aimds.audit.postgres import PostgresStore

        schema = f"aimds_bench_{uuid.uuid4().hex[:8]}"
        store = PostgresStore(dsn, schema=schema)
    except Exception as exc:  # noqa: BLE001 - PostgreSQL is optional for the benchmark
        print(f"postgres skipped: {type(exc).__name__}")
        return []
    log = AuditLog(store, signer=HmacSigner(KEY), digest_key=KEY, batch_size=1024,
                   queue_size=50_000)
    try:
        return [_throughput("audit postgres async group commit", log, _evals(n)),
                _verify("audit verify postgres", log)]
    finally:
        log.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
