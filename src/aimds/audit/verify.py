"""Verify a whole store: every chain, its anchor, its checkpoints (stored and mirrored).

Verification runs in two passes. The lean pass streams raw rows (:meth:`AuditStore.scan`)
and checks, per record, the hash over the stored bytes, the link to its predecessor, the
sequence number, and that the index columns the query filters use (tenant, time, type,
id, agent, verdict, rules) equal what the hashed body says (one prefix comparison for
bodies that lead with their ``_index`` member, a parse of the body otherwise); it keeps
only the hashes that checkpoints name. Only when a hash, link or sequence number is wrong
does the detailed pass (:func:`aimds.audit.chain.verify_chain`) walk the chain again to
name what happened (modified, deleted, inserted, reordered...).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aimds.audit.chain import (
    GENESIS,
    ChainProblem,
    ChainReport,
    Checkpoint,
    check_checkpoints,
    verify_chain,
)
from aimds.audit.checkpoints import CheckpointSigner, UnsignedSigner
from aimds.audit.records import index_columns, index_prefix, loads_body
from aimds.audit.store import AuditStore
from aimds.errors import InputError

_INDEX_NAMES = ("tenant", "ts", "type", "decision_id", "agent", "verdict", "rules")

__all__ = ["VerifyResult", "load_checkpoint_file", "verify_store"]


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyResult:
    """Reports per chain; ``problem`` is the first problem found in any chain."""

    reports: tuple[ChainReport, ...]
    signatures_checked: bool

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports)

    @property
    def checked(self) -> int:
        return sum(r.checked for r in self.reports)

    @property
    def problem(self) -> ChainProblem | None:
        return next((r.problem for r in self.reports if r.problem is not None), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "signatures_checked": self.signatures_checked,
            "problem": self.problem.to_dict() if self.problem else None,
            "chains": [r.to_dict() for r in self.reports],
        }


def load_checkpoint_file(path: str | Path) -> list[Checkpoint]:
    """Checkpoints mirrored to a JSONL file (``audit.checkpoints.file``)."""
    out: list[Checkpoint] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"--checkpoints: cannot read {str(path)!r}: {exc.strerror}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(Checkpoint.from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            raise InputError(
                f"--checkpoints: line {n} of {str(path)!r} is not a checkpoint record"
            ) from None
    return out


def verify_store(
    store: AuditStore,
    *,
    chain: str | None = None,
    from_seq: int | None = None,
    signer: CheckpointSigner | None = None,
    extra_checkpoints: Sequence[Checkpoint] = (),
) -> VerifyResult:
    """Verify ``chain`` (or every chain) from its anchor, or from ``from_seq``.

    Without ``signer`` keyed signatures cannot be checked; checkpoints still prove the
    hashes and length they name (``signatures_checked`` says which).
    """
    checker = signer if signer is not None else UnsignedSigner()
    chains = [chain] if chain is not None else store.chains()
    for cp in extra_checkpoints:
        if chain is None and cp.chain not in chains:
            chains.append(cp.chain)
    reports: list[ChainReport] = []
    for name in chains:
        cps = _merge(store.checkpoints(name), [c for c in extra_checkpoints if c.chain == name])
        anchor = store.anchor(name)
        start_prev: str | None = None
        if from_seq is not None and from_seq > 1:
            first = next(store.records(name, from_seq=from_seq), None)
            start_prev = first.prev if first is not None else None
        elif anchor is not None:
            bad = _check_anchor(name, anchor, cps)
            if bad is not None:
                reports.append(
                    ChainReport(chain=name, checked=0, first_seq=None, last_seq=None,
                                last_hash=None, checkpoints=len(cps), problem=bad)
                )
                continue
        reports.append(
            _verify_one(store, name, from_seq=from_seq, anchor=anchor, checkpoints=cps,
                        check_signature=checker.check, start_prev=start_prev)
        )
    return VerifyResult(reports=tuple(reports), signatures_checked=signer is not None)


def _merge(stored: list[Checkpoint], mirrored: list[Checkpoint]) -> list[Checkpoint]:
    """Stored and mirrored checkpoints; a mirrored one replaces a stored one at its seq
    only if they differ, which the chain check then reports."""
    by_seq = {c.seq: c for c in stored}
    for c in mirrored:
        by_seq.setdefault(c.seq, c)
        if by_seq[c.seq] != c:
            by_seq[c.seq] = c
    return [by_seq[s] for s in sorted(by_seq)]


def _check_anchor(
    chain: str, anchor: tuple[int, str], checkpoints: Sequence[Checkpoint]
) -> ChainProblem | None:
    """A pruned chain must start right after a checkpoint with the anchor's hash."""
    seq, prev = anchor
    if any(c.seq == seq - 1 and c.hash == prev for c in checkpoints):
        return None
    return ChainProblem(
        chain=chain,
        seq=seq,
        kind="deleted",
        detail=f"the chain starts at record {seq} but no checkpoint vouches for the "
        "records pruned before it",
    )


def _verify_one(
    store: AuditStore,
    chain: str,
    *,
    from_seq: int | None,
    anchor: tuple[int, str] | None,
    checkpoints: Sequence[Checkpoint],
    check_signature: Any,
    start_prev: str | None,
) -> ChainReport:
    want_prev = anchor[1] if anchor is not None else GENESIS
    want_seq = anchor[0] if anchor is not None else 1
    lean = _lean_pass(
        store.scan(chain, from_seq=from_seq),
        index_row=functools.partial(store.index_row, chain),
        chain=chain,
        want_prev=want_prev,
        want_seq=want_seq,
        start_prev=start_prev,
        keep={c.seq for c in checkpoints},
    )
    if lean.broken:
        detailed = verify_chain(
            chain,
            store.records(chain, from_seq=from_seq),
            anchor=anchor,
            checkpoints=checkpoints,
            check_signature=check_signature,
            start_prev=start_prev,
            lookup=functools.partial(store.find_seq, chain),
        )
        column = lean.problem
        if column is None or (detailed.problem is not None and detailed.problem.seq <= column.seq):
            return detailed
        return ChainReport(
            chain=chain, checked=detailed.checked, first_seq=detailed.first_seq,
            last_seq=detailed.last_seq, last_hash=detailed.last_hash,
            checkpoints=len(checkpoints), problem=column,
        )
    notes: list[str] = []
    problem = lean.problem
    if problem is None:
        end = lean.last_seq if lean.last_seq is not None else want_seq - 1
        problem = check_checkpoints(chain, lean.kept, end, checkpoints, check_signature, notes)
    return ChainReport(
        chain=chain,
        checked=lean.checked,
        first_seq=lean.first_seq,
        last_seq=lean.last_seq,
        last_hash=lean.last_hash,
        checkpoints=len(checkpoints),
        problem=problem,
        notes=tuple(notes),
    )


@dataclass(slots=True)
class _Lean:
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    last_hash: str | None = None
    broken: bool = False  # a hash, link or sequence problem: the detailed pass names it
    problem: ChainProblem | None = None  # index columns that disagree with the body
    kept: dict[int, str] = field(default_factory=dict)


def _lean_pass(
    pages: Iterable[list[tuple[Any, ...]]],
    *,
    index_row: Callable[[int], tuple[Any, ...] | None],
    chain: str,
    want_prev: str,
    want_seq: int,
    start_prev: str | None,
    keep: set[int],
) -> _Lean:
    """One loop over raw rows. Stops at the first hash, link or sequence problem; after the
    first index-column problem it keeps checking links only (a forged, inserted record
    also has odd columns, and "inserted" is the better name for it)."""
    sha256 = hashlib.sha256
    out = _Lean()
    kept = out.kept
    checked = 0
    first = True
    for page in pages:
        for seq, prev, hash_, hashed, indexed in page:
            if first:
                first = False
                out.first_seq = seq
                if start_prev is not None:
                    want_prev, want_seq = start_prev, seq
            if prev != want_prev or seq != want_seq or sha256(hashed).hexdigest() != hash_:
                out.broken = True
                return out
            if not indexed and out.problem is None:
                out.problem = _columns_problem(index_row(seq), chain, seq, hashed, len(prev) + 1)
            if seq in keep:
                kept[seq] = hash_
            want_prev = hash_
            want_seq = seq + 1
            checked += 1
    out.checked = checked
    if checked:
        out.last_seq = want_seq - 1
        out.last_hash = want_prev
    return out


def _columns_problem(
    columns: tuple[Any, ...] | None, chain: str, seq: int, hashed: bytes, offset: int
) -> ChainProblem | None:
    """The slow check for a record the database did not vouch for: the index prefix the
    columns imply, else the columns a parse of the body implies."""
    if columns is None:
        return None  # the record vanished while verifying; the links already hold
    if hashed.startswith(index_prefix(columns), offset):
        return None
    try:
        expected = index_columns(loads_body(hashed[offset:]))
    except (ValueError, TypeError, AttributeError):
        detail = "the record's hashed contents are not a readable record"
    else:
        if expected == columns:
            return None
        names = [n for n, a, b in zip(_INDEX_NAMES, expected, columns, strict=True) if a != b]
        detail = (
            f"the record's index column(s) {', '.join(names) or '(types)'} do not match its "
            "hashed contents (edited after writing)"
        )
    return ChainProblem(chain=chain, seq=seq, kind="modified", detail=detail)
