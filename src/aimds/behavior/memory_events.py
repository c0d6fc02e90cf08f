"""The ``memory`` stage: ``memory.poisoning`` on reads and writes of agent memory (OWASP ASI06).

It runs after the detectors, which judged the memory content as data or as the user's own
words (:mod:`aimds.detectors.memory_events`), and reads their injection and jailbreak
findings ("the content holds an instruction addressed to the assistant"). A write is then
judged by its provenance (:mod:`aimds.policy.sections.memory`) and by what the session
showed of its source:

* the content is an injection at the detectors' ``block`` level, whatever the provenance:
  reason ``injection``, verdict ``memory.on_injection`` (block);
* it holds an instruction (any injection or jailbreak finding) and its source is untrusted
  or tainted: ``untrusted_instruction``, ``memory.on_untrusted_instruction`` (review);
* it holds an instruction the detectors would stop themselves (``review`` or above) and its
  source is trusted (the user): ``instruction``, ``memory.on_trusted_instruction`` (warn);
* it holds no instruction but its source tool is tainted in this session:
  ``tainted_source``, ``memory.on_tainted_source`` (review).

A source tool is *tainted* once one of its results in the session carried an instruction
(an injection or jailbreak finding): the guard's own knowledge, where the provenance is only
the caller's claim. Taints live in the behaviour store (memory or Redis, as
``behavior.store`` says), so every process of a cluster sees them, for ``memory.taint_ttl``
seconds. A read whose content holds an instruction is ``planted_read`` (review by default;
the detectors' own findings still apply). Should the store fail, the source counts as
tainted (closed) and the stage reports itself degraded.

Findings name the reason, the provenance label and counts, never the memory key or content.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, ClassVar

from aimds.behavior.backends import store_for_policy
from aimds.behavior.store import HashGet, HashPutIf, Store
from aimds.errors import BackendError, InputError
from aimds.policy.sections.memory import (
    PROVENANCE_KEY,
    MemorySection,
    Provenance,
    parse_provenance,
)
from aimds.types import (
    Evaluation,
    EventKind,
    Finding,
    Severity,
    StageOutcome,
    StageStatus,
    Verdict,
)

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.types import Services

__all__ = ["INVALID_RULE", "RULE", "MemoryEventsStage", "build_stage"]

log = logging.getLogger("aimds.memory")

RULE = "memory.poisoning"
INVALID_RULE = "memory.provenance_invalid"
INSTRUCTION_CATEGORIES = frozenset({"injection", "jailbreak"})
_STAGE = "memory"


class MemoryEventsStage:
    """Judges memory writes and reads; notes which tools carried instructions. Thread-safe."""

    name = _STAGE
    kinds: ClassVar[frozenset[EventKind]] = frozenset(
        {EventKind.MEMORY_WRITE, EventKind.MEMORY_READ, EventKind.TOOL_RESULT}
    )
    """The kinds :meth:`__call__` acts on (see :mod:`aimds.guard`)."""

    def __init__(self, section: MemorySection, *, store: Store, owns_store: bool) -> None:
        self._cfg = section
        self._store = store
        self._owns_store = owns_store

    def __call__(self, ev: Evaluation) -> None:
        kind = ev.event.kind
        if kind is EventKind.MEMORY_WRITE:
            self._write(ev)
        elif kind is EventKind.MEMORY_READ:
            self._read(ev)
        elif kind is EventKind.TOOL_RESULT and ev.event.tool and _instructions(ev):
            self._taint(ev, Provenance(source="tool", name=ev.event.tool))

    def close(self) -> None:
        if self._owns_store:
            self._store.close()

    # -- writes and reads --------------------------------------------------------------------

    def _write(self, ev: Evaluation) -> None:
        cfg = self._cfg
        try:
            provenance = parse_provenance(ev.event.meta.get(PROVENANCE_KEY), where=PROVENANCE_KEY)
        except InputError as exc:
            provenance = Provenance()
            ev.add(
                _finding(
                    INVALID_RULE,
                    f"{exc}; the write counts as of unknown provenance",
                    severity=Severity.LOW,
                    action=Verdict.WARN,
                    details={"reason": "provenance_invalid"},
                )
            )
        found = _instructions(ev)
        high = any(f.action is Verdict.BLOCK for f in found)
        tainted = provenance.source in ("tool", "agent") and self._tainted(ev, provenance)
        trusted = cfg.trusted(provenance) and not tainted
        details = {"provenance": provenance.label, "instructions": len(found), "tainted": tainted}
        if high:
            ev.add(
                _finding(
                    RULE,
                    f"memory write holds an injection ({provenance.label} provenance)",
                    severity=Severity.CRITICAL,
                    action=cfg.on_injection,
                    details={"reason": "injection", **details},
                )
            )
        elif found and not trusted:
            ev.add(
                _finding(
                    RULE,
                    f"memory write holds an instruction from an untrusted source "
                    f"({provenance.label}{', tainted in this session' if tainted else ''})",
                    severity=Severity.HIGH,
                    action=cfg.on_untrusted_instruction,
                    details={"reason": "untrusted_instruction", **details},
                )
            )
        elif any(f.action is not None and f.action >= Verdict.REVIEW for f in found):
            # the principal's own words: only what the detectors would stop themselves
            ev.add(
                _finding(
                    RULE,
                    f"memory write holds an instruction ({provenance.label} provenance)",
                    severity=Severity.MEDIUM,
                    action=cfg.on_trusted_instruction,
                    details={"reason": "instruction", **details},
                )
            )
        elif tainted:
            ev.add(
                _finding(
                    RULE,
                    f"memory write from {provenance.label}, whose output carried an "
                    "instruction earlier in this session",
                    severity=Severity.HIGH,
                    action=cfg.on_tainted_source,
                    details={"reason": "tainted_source", **details},
                )
            )

    def _read(self, ev: Evaluation) -> None:
        found = _instructions(ev)
        if not found:
            return
        high = any(f.action is Verdict.BLOCK for f in found)
        cfg = self._cfg
        ev.add(
            _finding(
                RULE,
                "memory read returned an instruction addressed to the assistant",
                severity=Severity.CRITICAL if high else Severity.HIGH,
                action=max(cfg.on_injection, cfg.on_read_instruction)
                if high
                else cfg.on_read_instruction,
                details={"reason": "planted_read", "instructions": len(found)},
            )
        )

    # -- session taint -----------------------------------------------------------------------

    def _taint(self, ev: Evaluation, source: Provenance) -> None:
        op = HashPutIf(_key(ev), {source.label: "1"}, self._cfg.taint_ttl)
        try:
            self._store.execute([op])
        except BackendError as exc:
            self._degraded(ev, exc)

    def _tainted(self, ev: Evaluation, source: Provenance) -> bool:
        try:
            (values,) = self._store.execute([HashGet(_key(ev), (source.label,))])
        except BackendError as exc:
            self._degraded(ev, exc)
            return True  # closed: a source we cannot vouch for counts as tainted
        return isinstance(values, tuple | list) and any(v is not None for v in values)

    def _degraded(self, ev: Evaluation, exc: BackendError) -> None:
        detail = f"state store unavailable ({type(exc).__name__})"
        log.error("memory stage: %s; sources count as tainted", detail)
        ev.statuses.append(
            StageStatus(stage=self.name, outcome=StageOutcome.DEGRADED, detail=detail)
        )


def _instructions(ev: Evaluation) -> list[Finding]:
    """The detectors' findings saying the content holds an instruction to the assistant."""
    return [f for f in ev.findings if f.category in INSTRUCTION_CATEGORIES]


def _key(ev: Evaluation) -> str:
    s = ev.event.subject
    return "aimds:memory:taint:" + json.dumps([s.tenant, s.session], separators=(",", ":"))


def _finding(
    rule: str, message: str, *, severity: Severity, action: Verdict, details: dict[str, object]
) -> Finding:
    return Finding(
        rule=rule,
        category="memory",
        severity=severity,
        message=message,
        action=action,
        stage=_STAGE,
        details=details,
    )


def build_stage(policy: Policy, services: Services) -> MemoryEventsStage | None:
    """The stage, or ``None`` where ``memory.enabled`` is false.

    The store is ``services.store`` when it is a behaviour store (shared), else the one
    ``behavior.store`` names (an in-process store, or a Redis connection of its own).
    """
    section = policy.document.memory
    if not section.enabled:
        return None
    store, owned = store_for_policy(policy, services)
    return MemoryEventsStage(section, store=store, owns_store=owned)

