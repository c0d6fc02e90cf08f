"""``aimds audit verify|tail|query|export|prune``, and the audit parts of ``aimds replay``.

``--db`` takes a SQLite path or a ``postgresql://`` URL (``--schema`` for PostgreSQL).
``verify`` exits 0 when every chain holds and 1 naming the first bad record and what is
wrong (modified, deleted, inserted, reordered, truncated, renumbered, checkpoint). Keys for
checking checkpoint signatures come from the environment (``--key-env``), never the
command line.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from aimds.audit.checkpoints import CheckpointSigner, signer_from_settings
from aimds.audit.log import AuditLog
from aimds.audit.store import AuditStore, Query, open_store
from aimds.audit.verify import load_checkpoint_file, verify_store
from aimds.cli.common import EXIT_FLAGGED, EXIT_OK, cli_errors, fail, out, print_json
from aimds.errors import InputError

__all__ = [
    "audit_app",
    "audit_target",
    "compare_main",
    "from_audit_main",
    "open_replay_audit",
    "register",
    "replay_audit_sink",
]

audit_app = typer.Typer(help="Inspect, verify, export and prune the audit log.",
                        no_args_is_help=True)

DbOpt = Annotated[
    str | None, typer.Option("--db", help="SQLite file or postgresql:// URL (or --data-dir).")
]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="The service's data directory (its audit.db).")
]
SchemaOpt = Annotated[str, typer.Option("--schema", help="PostgreSQL schema.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_time(value: str | None, *, option: str, now: float | None = None) -> float | None:
    """``7d``/``12h``/``30m`` (ago), an ISO 8601 date or time, or epoch seconds."""
    if value is None:
        return None
    now = time.time() if now is None else now
    m = _DURATION.match(value.strip())
    if m:
        return now - int(m.group(1)) * _UNITS[m.group(2)]
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{option}: expected a duration like 7d, an ISO date (2026-01-31) or epoch seconds"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def audit_target(db: str | None, data_dir: Path | None) -> str:
    """The audit database ``--db`` or ``--data-dir`` names (exactly one of them)."""
    if db is not None and data_dir is None:
        return db
    if data_dir is not None and db is None:
        return str(data_dir / "audit.db")
    raise InputError("give --data-dir DIR (the service's, holding audit.db) or --db PATH_OR_URL")


def _check_sqlite(path: str) -> None:
    """Refuse a file that is not an AIMDS audit database, without writing to it (opening it
    as a store would add empty audit tables and "verify" nothing)."""
    if not Path(path).is_file():
        raise InputError(f"no audit database at {path!r}")
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_records'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        found = None
    if found is None:
        raise InputError(
            f"{path!r} is not an AIMDS audit database (no audit records table); the service "
            "keeps its log at DATA_DIR/audit.db"
        )


@contextmanager
def _store(db: str | None, schema: str, data_dir: Path | None = None) -> Iterator[AuditStore]:
    db = audit_target(db, data_dir)
    if not db.startswith(("postgresql://", "postgres://")):
        _check_sqlite(db)
    store = open_store(db, schema=schema)
    try:
        yield store
    finally:
        store.close()


def _signer(key_env: str | None, algorithm: str) -> CheckpointSigner | None:
    if key_env is None or not os.environ.get(key_env):
        return None
    return signer_from_settings(algorithm, key_env)


@audit_app.command("verify")
def verify_cmd(
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    from_seq: Annotated[int | None, typer.Option("--from", help="Start at this record.")] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", help="Only this chain.")] = None,
    key_env: Annotated[str | None, typer.Option(
        "--key-env", help="Environment variable holding the checkpoint key.")] = None,
    algorithm: Annotated[str, typer.Option(
        "--algorithm", help="hmac-sha256 or ed25519 (with --key-env).")] = "hmac-sha256",
    checkpoints: Annotated[Path | None, typer.Option(
        "--checkpoints", help="Mirrored checkpoint file (audit.checkpoints.file).")] = None,
    schema: SchemaOpt = "aimds_audit",
    as_json: JsonOpt = False,
) -> None:
    """Check the hash chain; exit 1 naming the first bad record."""
    with cli_errors():
        extra = load_checkpoint_file(checkpoints) if checkpoints else []
        signer = _signer(key_env, algorithm)
        started = time.perf_counter()
        with _store(db, schema, data_dir) as store:
            result = verify_store(store, chain=tenant, from_seq=from_seq, signer=signer,
                                  extra_checkpoints=extra)
        elapsed = time.perf_counter() - started
    if as_json:
        print_json(result.to_dict() | {"seconds": round(elapsed, 4)})
    else:
        for r in result.reports:
            mark = "[green]ok[/green]" if r.ok else "[red]BROKEN[/red]"
            out.print(f"chain {r.chain}: {mark}  {r.checked} records, {r.checkpoints} "
                      f"checkpoints", highlight=False)
        if result.problem is not None:
            p = result.problem
            out.print(f"[red]first bad record:[/red] chain {p.chain} record {p.seq}: {p.kind} "
                      f"- {p.detail}", highlight=False)
        elif not result.signatures_checked:
            out.print("note: checkpoint signatures not checked (pass --key-env)")
        out.print(f"verified {result.checked} records in {elapsed:.3f}s", highlight=False)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FLAGGED)


def _query(since: str | None, until: str | None, tenant: str | None, agent: str | None,
           verdict: str | None, rule: str | None, type_: str | None, limit: int | None,
           newest_first: bool = False) -> Query:
    return Query(since=parse_time(since, option="--since"),
                 until=parse_time(until, option="--until"), tenant=tenant, agent=agent,
                 verdict=verdict, rule=rule, type=type_, limit=limit, newest_first=newest_first)


SinceOpt = Annotated[str | None, typer.Option("--since", help="7d, 2026-01-31, epoch...")]
UntilOpt = Annotated[str | None, typer.Option("--until")]
TenantOpt = Annotated[str | None, typer.Option("--tenant")]
AgentOpt = Annotated[str | None, typer.Option("--agent")]
VerdictOpt = Annotated[str | None, typer.Option("--verdict")]
RuleOpt = Annotated[str | None, typer.Option("--rule", help="Records where this rule fired.")]
TypeOpt = Annotated[str | None, typer.Option("--type", help="decision, approval.resolved...")]


def _row(rec: Any) -> dict[str, Any]:
    try:
        data: dict[str, Any] = rec.data()
    except ValueError:
        data = {"unreadable": True}
    return {"chain": rec.chain, "seq": rec.seq, "hash": rec.hash} | data


def _render(rows: Sequence[dict[str, Any]], *, as_json: bool) -> None:
    if as_json:
        for row in rows:
            print_json(row)
        return
    table = Table(header_style="bold")
    for col in ("seq", "time", "tenant", "agent", "type", "verdict", "rules"):
        table.add_column(col)
    for r in rows:
        subject = r.get("subject") or {}
        rules = ", ".join(dict.fromkeys(f.get("rule", "") for f in r.get("findings", [])))
        when = datetime.fromtimestamp(float(r.get("ts", 0)), UTC).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(str(r["seq"]), when, str(subject.get("tenant", r["chain"])),
                      str(subject.get("agent", "")), str(r.get("type", "")),
                      str(r.get("verdict", "")), rules or "-")
    out.print(table)


@audit_app.command("query")
def query_cmd(
    db: DbOpt = None, data_dir: DataDirOpt = None, since: SinceOpt = None,
    until: UntilOpt = None, tenant: TenantOpt = None,
    agent: AgentOpt = None, verdict: VerdictOpt = None, rule: RuleOpt = None,
    type_: TypeOpt = None,
    limit: Annotated[int | None, typer.Option("--limit")] = 100,
    schema: SchemaOpt = "aimds_audit", as_json: JsonOpt = False,
) -> None:
    """Records matching the filters, oldest first."""
    with cli_errors(), _store(db, schema, data_dir) as store:
        q = _query(since, until, tenant, agent, verdict, rule, type_, limit)
        rows = [_row(r) for r in store.query(q)]
    _render(rows, as_json=as_json)


@audit_app.command("tail")
def tail_cmd(
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    n: Annotated[int, typer.Option("-n", "--lines", help="How many records.")] = 20,
    tenant: TenantOpt = None, verdict: VerdictOpt = None,
    schema: SchemaOpt = "aimds_audit", as_json: JsonOpt = False,
) -> None:
    """The newest records."""
    with cli_errors(), _store(db, schema, data_dir) as store:
        q = _query(None, None, tenant, None, verdict, None, None, n, newest_first=True)
        rows = [_row(r) for r in store.query(q)][::-1]
    _render(rows, as_json=as_json)


_CSV_COLUMNS = ("chain", "seq", "id", "ts", "type", "tenant", "agent", "role", "session",
                "kind", "tool", "verdict", "risk", "score", "rules", "policy", "latency_us",
                "hash")


def _csv_row(r: dict[str, Any]) -> list[Any]:
    subject = r.get("subject") or {}
    rules = " ".join(dict.fromkeys(f.get("rule", "") for f in r.get("findings", [])))
    flat = r | {k: subject.get(k) for k in ("tenant", "agent", "role", "session")}
    flat["rules"] = rules
    return [flat.get(c, "") for c in _CSV_COLUMNS]


@audit_app.command("export")
def export_cmd(
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default stdout).")]
    = None,
    since: SinceOpt = None, until: UntilOpt = None, tenant: TenantOpt = None,
    agent: AgentOpt = None, verdict: VerdictOpt = None, rule: RuleOpt = None,
    type_: TypeOpt = None, schema: SchemaOpt = "aimds_audit", as_json: JsonOpt = False,
) -> None:
    """Write matching records as JSONL or CSV (records are already masked)."""
    if fmt not in ("jsonl", "csv"):
        fail("--format: expected jsonl or csv")
    with cli_errors(), _store(db, schema, data_dir) as store:
        q = _query(since, until, tenant, agent, verdict, rule, type_, None)
        try:
            fh = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"--output: cannot write {output} ({exc.strerror})") from None
        n = 0
        try:
            writer = csv.writer(fh) if fmt == "csv" else None
            if writer is not None:
                writer.writerow(_CSV_COLUMNS)
            for rec in store.query(q):
                row = _row(rec)
                if writer is not None:
                    writer.writerow(_csv_row(row))
                else:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        finally:
            if output:
                fh.close()
    if output:
        if as_json:
            print_json({"exported": n, "format": fmt, "output": str(output)})
        else:
            out.print(f"exported {n} records to {output}", highlight=False)


@audit_app.command("prune")
def prune_cmd(
    before: Annotated[str, typer.Option("--before", help="Date, time, epoch or age (90d).")],
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    schema: SchemaOpt = "aimds_audit", as_json: JsonOpt = False,
) -> None:
    """Delete records older than --before, up to the newest signed checkpoint among them;
    that checkpoint becomes the anchor the rest verifies from."""
    with cli_errors():
        cutoff = parse_time(before, option="--before") or 0.0
        with _store(db, schema, data_dir) as store:
            results = store.prune(cutoff)
    if as_json:
        print_json({"chains": [{"chain": r.chain, "deleted": r.deleted,
                                "anchor_seq": r.anchor_seq, "note": r.note} for r in results]})
        return
    for r in results:
        extra = f" (anchor: record {r.anchor_seq})" if r.anchor_seq else f" ({r.note})"
        out.print(f"chain {r.chain}: deleted {r.deleted}{extra}", highlight=False)


# -- the audit parts of ``aimds replay`` -----------------------------------------------


def open_replay_audit(db: str) -> AuditLog:
    """The log ``aimds replay --audit-db`` fills (closed, hence flushed, when the replay
    ends); keys from the usual environment variables when set."""
    key = os.environ.get("AIMDS_AUDIT_KEY")
    return AuditLog.open(
        db,
        durability="async",
        digest_key=key.encode() if key else None,
        signer=signer_from_settings("auto", "AIMDS_AUDIT_CHECKPOINT_KEY"),
    )


def replay_audit_sink(audit: AuditLog) -> Callable[[Any], None]:
    """A replay step sink recording each step's decision in ``audit``."""

    def record(step: Any) -> None:
        audit.record_decision(step.decision, step.event)

    return record


def compare_main(trace: Path, policies: Sequence[str], *, as_json: bool,
                 output: Path | None) -> None:
    """``aimds replay TRACE --compare A.yaml B.yaml ...``."""
    from aimds.trace.compare import compare_policies
    from aimds.trace.format import read_trace

    if len(policies) < 2:
        fail("--compare: give at least two policies after the trace")
    with cli_errors():
        cmp = compare_policies(read_trace(trace), policies)
    data = cmp.as_dict()
    if output is not None:
        output.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if as_json:
        print_json(data)
        return
    table = Table(title=f"{len(cmp.indices)} events under {len(cmp.runs)} policies",
                  header_style="bold")
    for col in ("policy", "verdicts", "block rate", "new rules vs first"):
        table.add_column(col)
    for run in cmp.runs:
        new = cmp.new_findings.get(run.policy, {})
        table.add_row(run.policy, " ".join(f"{k}={v}" for k, v in sorted(run.counts.items())),
                      f"{run.block_rate:.1%}",
                      ", ".join(f"{k}×{v}" for k, v in new.items()) or "-")
    out.print(table)
    if cmp.changes:
        diff = Table(title=f"{len(cmp.changes)} events change verdict", header_style="bold")
        diff.add_column("index")
        diff.add_column("event")
        for run in cmp.runs:
            diff.add_column(run.policy)
        for c in cmp.changes:
            diff.add_row(str(c.index), c.kind + (f" {c.tool}" if c.tool else ""), *c.verdicts)
        out.print(diff)
    else:
        out.print("no event changes verdict between these policies")


def from_audit_main(db: str, *, policies: Sequence[str], since: str | None,
                    tenant: str | None, schema: str, as_json: bool) -> None:
    """``aimds replay --from-audit --db PATH --since 7d --policy new.yaml``."""
    from aimds.trace.compare import compare_policies, events_from_audit

    with cli_errors(), _store(db, schema) as store:
        got = events_from_audit(
            store, Query(since=parse_time(since, option="--since"), tenant=tenant)
        )
        cmp = compare_policies(got.events, policies) if got.events else None
    data = {"records": got.total, "replayed": len(got.events), "skipped": got.skipped,
            "comparison": cmp.as_dict() if cmp else None,
            "note": "stored events are masked: findings that need the raw text may differ"}
    if as_json:
        print_json(data)
        return
    out.print(f"{got.total} records: {len(got.events)} replayable, "
              f"{sum(got.skipped.values())} not", highlight=False)
    for reason, n in got.skipped.items():
        out.print(f"  skipped {n}: {reason}", highlight=False)
    if cmp is not None:
        for run in cmp.runs:
            out.print(f"{run.policy}: " + " ".join(f"{k}={v}" for k, v in
                                                    sorted(run.counts.items()))
                      + f"  block rate {run.block_rate:.1%}", highlight=False)
        out.print(f"{len(cmp.changes)} events change verdict; replayed text is masked, "
                  "so content findings may differ from the live decisions", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``aimds audit ...`` to ``app``."""
    app.add_typer(audit_app, name="audit")
