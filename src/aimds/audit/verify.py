"""Verify a whole store: every chain, its anchor, its checkpoints (stored and mirrored)."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aimds.audit.chain import ChainProblem, ChainReport, Checkpoint, verify_chain
from aimds.audit.checkpoints import CheckpointSigner, UnsignedSigner
from aimds.audit.store import AuditStore
from aimds.errors import InputError

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
            verify_chain(
                name,
                store.records(name, from_seq=from_seq),
                anchor=anchor,
                checkpoints=cps,
                check_signature=checker.check,
                start_prev=start_prev,
                lookup=functools.partial(store.find_seq, name),
            )
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
