"""The SHA-256 hash chain: canonical JSON, links, and verification that names what broke.

Each record's ``hash`` is ``sha256(prev_hash || "\\n" || body)`` where ``body`` is the
record's canonical JSON exactly as stored, so verifying never re-serialises. The sequence
number is a position column, not part of the hash: order is proven by the ``prev`` links,
which lets verification tell a reordered record (intact, but linked to another record) from
a modified one (its bytes no longer match its hash).

Verification walks one chain in ``seq`` order and reports the first problem:

- ``modified``: the record's bytes do not match its hash, or a signed checkpoint's hash;
- ``deleted``: the record links to a hash no record has (its predecessor is gone);
- ``inserted``: a record nobody links to sits between two records that link to each other;
- ``reordered``: the record links to an existing record that is not its predecessor;
- ``truncated``: a checkpoint names a ``seq`` beyond the chain's last record;
- ``renumbered``: links hold but sequence numbers skip or repeat.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "GENESIS",
    "ChainProblem",
    "ChainReport",
    "Checkpoint",
    "StoredRecord",
    "canonical_json",
    "check_checkpoints",
    "link_hash",
    "verify_chain",
]

GENESIS = "0" * 64

ProblemKind = Literal[
    "modified", "deleted", "inserted", "reordered", "truncated", "renumbered", "checkpoint"
]


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def link_hash(prev: str, body: str) -> str:
    """The hash that commits a record (``body``) to its predecessor (``prev``)."""
    return hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredRecord:
    """One record as the store keeps it. ``body`` is canonical JSON (see :mod:`records`)."""

    chain: str
    seq: int
    body: str
    prev: str
    hash: str

    def data(self) -> dict[str, Any]:
        """The record as a dict, without the ``_index`` member (a copy of the index
        columns that only verification needs)."""
        loaded: dict[str, Any] = json.loads(self.body)
        loaded.pop("_index", None)
        return loaded


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    """A signed statement "chain ``chain`` had record ``seq`` with hash ``hash``"."""

    chain: str
    seq: int
    hash: str
    ts: float
    algorithm: str
    key_id: str
    signature: str

    def message(self) -> bytes:
        """The bytes that are signed."""
        return canonical_json(
            {"chain": self.chain, "seq": self.seq, "hash": self.hash, "ts": self.ts}
        ).encode()

    def to_dict(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "seq": self.seq,
            "hash": self.hash,
            "ts": self.ts,
            "algorithm": self.algorithm,
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        return cls(
            chain=str(data["chain"]),
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            ts=float(data["ts"]),
            algorithm=str(data["algorithm"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainProblem:
    """The first thing wrong with a chain: which record, what kind, and a short account."""

    chain: str
    seq: int
    kind: ProblemKind
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"chain": self.chain, "seq": self.seq, "kind": self.kind, "detail": self.detail}


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainReport:
    """The outcome of verifying one chain."""

    chain: str
    checked: int
    first_seq: int | None
    last_seq: int | None
    last_hash: str | None
    checkpoints: int = 0
    problem: ChainProblem | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.problem is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "ok": self.ok,
            "checked": self.checked,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
            "checkpoints": self.checkpoints,
            "problem": self.problem.to_dict() if self.problem else None,
            "notes": list(self.notes),
        }


def verify_chain(
    chain: str,
    records: Iterable[StoredRecord],
    *,
    anchor: tuple[int, str] | None = None,
    checkpoints: Sequence[Checkpoint] = (),
    check_signature: Callable[[Checkpoint], str | None] | None = None,
    start_prev: str | None = None,
    lookup: Callable[[str], int | None] | None = None,
) -> ChainReport:
    """Verify one chain's records (in ``seq`` order) against its anchor and checkpoints.

    ``anchor`` is ``(seq, prev_hash)`` of the first record kept after pruning; ``None``
    means the chain starts at genesis. ``start_prev`` lets a caller verify from a middle
    record (``--from``) trusting that record's ``prev``. ``check_signature`` is a callable
    ``Checkpoint -> str | None`` returning a problem description for a bad signature;
    ``lookup`` finds the ``seq`` of a record by hash anywhere in the chain (to name a
    reordering whose partner lies far ahead).
    """
    it = iter(records)
    by_seq: dict[int, str] = {}
    want_prev = anchor[1] if anchor is not None else GENESIS
    want_seq = anchor[0] if anchor is not None else 1
    window: list[StoredRecord] = []
    checked = 0
    first: StoredRecord | None = None
    last: StoredRecord | None = None
    problem: ChainProblem | None = None
    for rec in _with_lookahead(it, window):
        if first is None:
            first = rec
            if start_prev is not None:
                want_prev, want_seq = start_prev, rec.seq
        if link_hash(rec.prev, rec.body) != rec.hash:
            problem = ChainProblem(
                chain=chain,
                seq=rec.seq,
                kind="modified",
                detail="the record's contents do not match its hash",
            )
            break
        if rec.prev != want_prev:
            problem = _classify_break(
                chain, rec, last, window, records_seen=by_seq, lookup=lookup
            )
            break
        if rec.seq != want_seq:
            problem = ChainProblem(
                chain=chain,
                seq=rec.seq,
                kind="renumbered",
                detail=f"links hold but sequence {want_seq} was expected here",
            )
            break
        by_seq[rec.seq] = rec.hash
        checked += 1
        last = rec
        want_prev = rec.hash
        want_seq = rec.seq + 1
    notes: list[str] = []
    if problem is None:
        end = last.seq if last is not None else (anchor[0] - 1 if anchor is not None else 0)
        problem = check_checkpoints(chain, by_seq, end, checkpoints, check_signature, notes)
    return ChainReport(
        chain=chain,
        checked=checked,
        first_seq=first.seq if first else None,
        last_seq=last.seq if last else None,
        last_hash=last.hash if last else None,
        checkpoints=len(checkpoints),
        problem=problem,
        notes=tuple(notes),
    )


def _with_lookahead(
    it: Iterator[StoredRecord], window: list[StoredRecord]
) -> Iterator[StoredRecord]:
    """Yield records while keeping the next one in ``window[0]`` for break classification."""
    window.clear()
    nxt = next(it, None)
    while nxt is not None:
        cur = nxt
        nxt = next(it, None)
        window[:] = [nxt] if nxt is not None else []
        yield cur


def _classify_break(
    chain: str,
    rec: StoredRecord,
    pred: StoredRecord | None,
    window: list[StoredRecord],
    *,
    records_seen: Mapping[int, str],
    lookup: Callable[[str], int | None] | None,
) -> ChainProblem:
    nxt = window[0] if window else None
    if pred is not None and rec.prev == pred.prev:
        return ChainProblem(
            chain=chain,
            seq=pred.seq,
            kind="inserted",
            detail=f"record {pred.seq} is not part of the chain: record {rec.seq} links "
            "to the record before it",
        )
    known = {h: s for s, h in records_seen.items()}
    other = known.get(rec.prev)
    if other is None and nxt is not None and rec.prev == nxt.hash:
        other = nxt.seq
    if other is None and lookup is not None:
        other = lookup(rec.prev)
    if other is not None:
        return ChainProblem(
            chain=chain,
            seq=rec.seq,
            kind="reordered",
            detail=f"record {rec.seq} follows record {other} in the chain, not "
            f"record {pred.seq if pred else 'genesis'}",
        )
    if pred is not None and nxt is not None and nxt.prev == pred.hash:
        return ChainProblem(
            chain=chain,
            seq=rec.seq,
            kind="inserted",
            detail=f"record {rec.seq} is not part of the chain: record {nxt.seq} links "
            f"straight to record {pred.seq}",
        )
    return ChainProblem(
        chain=chain,
        seq=rec.seq,
        kind="deleted",
        detail=f"the record(s) before record {rec.seq} are missing "
        f"(after {pred.seq if pred else 'the chain start'})",
    )


def check_checkpoints(
    chain: str,
    by_seq: Mapping[int, str],
    last_seq: int,
    checkpoints: Sequence[Checkpoint],
    check_signature: Callable[[Checkpoint], str | None] | None,
    notes: list[str],
) -> ChainProblem | None:
    """The first checkpoint that is forged, beyond the chain's end (``truncated``) or
    names another hash than the record at its ``seq`` (``modified``). ``by_seq`` needs
    the hashes of the records checkpoints name, no more."""
    for cp in sorted(checkpoints, key=lambda c: c.seq):
        if check_signature is not None:
            bad = check_signature(cp)
            if bad:
                return ChainProblem(chain=chain, seq=cp.seq, kind="checkpoint", detail=bad)
        if cp.seq > last_seq:
            return ChainProblem(
                chain=chain,
                seq=last_seq + 1,
                kind="truncated",
                detail=f"a checkpoint covers record {cp.seq} but the chain ends at "
                f"record {last_seq}",
            )
        have = by_seq.get(cp.seq)
        if have is None:
            notes.append(f"checkpoint at {cp.seq} lies before the verified range")
            continue
        if have != cp.hash:
            return ChainProblem(
                chain=chain,
                seq=cp.seq,
                kind="modified",
                detail=f"records up to {cp.seq} were rewritten: the hash no longer "
                "matches the signed checkpoint",
            )
    return None
