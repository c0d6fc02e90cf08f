"""Learning from people: feedback on decisions, the attack memory and allow-list suggestions.

:class:`Learning` holds the durable stores (one database: SQLite file or memory, or
PostgreSQL) and the recent decisions; it lives in ``services.extras["learn"]``, shared by
every guard (and tenant policy) of one process. :class:`LearningHandle` is what a guard
offers (``guard.learning``): the same operations with that guard's policy settings and
audit log.

Feedback on a decision:

* ``attack``: the decision's text (its sketches; the masked excerpt for people) enters
  the tenant's attack memory, so near-duplicates are recalled from then on
  (``memory.similar``). Feedback twice on one decision stores it once.
* ``benign``: a false positive. If the decision raised findings, an allow-list
  suggestion is filed for an admin to apply or dismiss (never applied automatically).

Every operation is audited (``learn.feedback``, ``learn.remember``, ``learn.forget``,
``learn.suggestion``) when an audit log is at hand, and logged either way; notes are
masked before they are stored.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aimds.audit.metrics import NoopMetrics
from aimds.audit.records import Masker
from aimds.errors import InputError
from aimds.learn.memory import AttackMemory, MemoryEntry
from aimds.learn.recent import RecentDecision, RecentDecisions
from aimds.learn.recent_sql import SharedRecentDecisions
from aimds.learn.suggestions import Suggestion, Suggestions, SuggestionStatus
from aimds.respond.approvals import SqlDatabase
from aimds.types import Subject

if TYPE_CHECKING:
    from aimds.policy.sections.learn import AttackMemorySection
    from aimds.types import Services

__all__ = [
    "EXTRAS_KEY",
    "FeedbackResult",
    "Label",
    "Learning",
    "LearningHandle",
    "UnknownDecision",
    "learning_of",
]

log = logging.getLogger("aimds.learn")

EXTRAS_KEY = "learn"


class Label(enum.StrEnum):
    ATTACK = "attack"
    BENIGN = "benign"


class UnknownDecision(InputError, LookupError):
    """No recent decision has that id (unknown, expired, forgotten, or another tenant's)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackResult:
    """What feedback did: ``remembered`` (a new memory entry), ``already_remembered``,
    ``suggested`` (an allow-list suggestion filed, or the existing one) or ``noted``
    (benign, and the decision had no findings: nothing to allow)."""

    decision_id: str
    tenant: str
    label: Label
    outcome: str
    entry: str | None = None
    suggestion: str | None = None
    evicted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "tenant": self.tenant,
            "label": self.label.value,
            "outcome": self.outcome,
            "entry": self.entry,
            "suggestion": self.suggestion,
            "evicted": self.evicted,
        }


class Learning:
    """The stores of one process: attack memory, suggestions and recent decisions.

    ``url``: ``sqlite://:memory:`` (the default: this process only), ``sqlite:///PATH``
    or ``postgresql://...``. With a database others can open, recent decisions are
    written there too (in the background), so feedback given through another process,
    or the CLI, finds them.
    """

    def __init__(
        self, url: str = "sqlite://:memory:", *, clock: Callable[[], float] = time.time
    ) -> None:
        self._clock = clock
        self.url = url
        self.db = SqlDatabase(url)
        self.memory = AttackMemory(self.db, clock=clock)
        self.suggestions = Suggestions(self.db, clock=clock)
        self.recent: RecentDecisions = self._recent(self.db, RecentDecisions())
        self.masker = Masker()
        self._metrics: Any = NoopMetrics()

    @property
    def metrics(self) -> Any:
        """Where failures are counted (``backend_failure``, ``dropped``); the stages set the
        guard's metrics here."""
        return self._metrics

    @metrics.setter
    def metrics(self, value: Any) -> None:
        self._metrics = value
        if isinstance(self.recent, SharedRecentDecisions):
            self.recent.metrics = value

    @staticmethod
    def _recent(db: SqlDatabase, like: RecentDecisions) -> RecentDecisions:
        if db.url.startswith("sqlite://") and db.url.endswith(":memory:"):
            return RecentDecisions(max_decisions=like.max_decisions, ttl_s=like.ttl_s)
        return SharedRecentDecisions(db, max_decisions=like.max_decisions, ttl_s=like.ttl_s)

    def use_database(self, url: str) -> None:
        """Move to another database (the service's at start-up); what the old one held
        stays there."""
        if url == self.url:
            return
        db = SqlDatabase(url)
        old_db, old_recent = self.db, self.recent
        self.db, self.url = db, url
        self.memory = AttackMemory(db, clock=self._clock)
        self.suggestions = Suggestions(db, clock=self._clock)
        self.recent = self._recent(db, old_recent)
        self.metrics = self._metrics
        _close_recent(old_recent)
        old_db.close()

    def close(self) -> None:
        _close_recent(self.recent)
        self.db.close()


def _close_recent(recent: RecentDecisions) -> None:
    if isinstance(recent, SharedRecentDecisions):
        recent.close()


def learning_of(services: Services) -> Learning:
    """The process's :class:`Learning` from ``services.extras`` (an in-memory one is made
    and kept there on first use)."""
    found = services.extras.get(EXTRAS_KEY)
    if isinstance(found, Learning):
        return found
    made = Learning(clock=services.clock)
    services.extras[EXTRAS_KEY] = made
    return made


class LearningHandle:
    """Feedback, memory and suggestions with one guard's policy settings and audit log."""

    def __init__(self, learning: Learning, section: AttackMemorySection, audit: Any = None) -> None:
        self.learning = learning
        self.section = section
        self.audit = audit

    # feedback ----------------------------------------------------------------------------

    def feedback(
        self,
        decision_id: str,
        *,
        label: str,
        note: str = "",
        actor: str = "",
        tenant: str | None = None,
    ) -> FeedbackResult:
        """Mark a recent decision as an ``attack`` or ``benign``.

        Raises :class:`InputError` for a bad label and :class:`UnknownDecision` when no
        recent decision (of ``tenant``, if given) has that id.
        """
        kind = _label(label)
        record = self.learning.recent.get(decision_id, tenant=tenant)
        if record is None:
            raise UnknownDecision(
                f"decision_id: no recent decision {decision_id!r}"
                + (f" of tenant {tenant!r}" if tenant is not None else "")
                + f" (decisions are kept {self.section.recent.ttl_s:g} s, at most "
                f"{self.section.recent.max_decisions}, in the process that decided)"
            )
        return self.feedback_on(record, label=kind, note=note, actor=actor)

    def feedback_on(
        self,
        record: RecentDecision,
        *,
        label: Label,
        note: str = "",
        actor: str = "",
        source: str = "feedback",
    ) -> FeedbackResult:
        """Feedback on a decision known by its record (the service builds one from an
        approval's stored details when the decision is no longer recent)."""
        note = self.learning.masker.text(note[:1000])
        actor = actor or "library"
        if label is Label.ATTACK:
            result = self._confirm(record, note=note, actor=actor, source=source)
        else:
            result = self._false_positive(record, note=note, actor=actor)
        self._audit(
            "learn.feedback",
            record.tenant,
            record.agent,
            {
                "decision": record.id,
                "label": label.value,
                "outcome": result.outcome,
                "entry": result.entry,
                "suggestion": result.suggestion,
                "by": actor,
                "note": note,
                "source": source,
                "evicted": result.evicted,
            },
            verdict=record.verdict,
            rules=record.rules,
        )
        return result

    def _confirm(
        self, record: RecentDecision, *, note: str, actor: str, source: str
    ) -> FeedbackResult:
        memory = self.learning.memory
        existing = memory.by_decision(record.tenant, record.id)
        if existing is not None:
            return FeedbackResult(
                decision_id=record.id,
                tenant=record.tenant,
                label=Label.ATTACK,
                outcome="already_remembered",
                entry=existing.id,
            )
        if not any(record.sketches):
            raise InputError(
                f"decision_id: decision {record.id} has too few words to remember "
                f"(attack_memory.min_words is {self.section.min_words})"
            )
        entry, evicted = memory.add(
            record.tenant,
            record.sketches,
            max_entries=self.section.max_entries,
            source=source,
            actor=actor,
            note=note,
            decision_id=record.id,
            kind=record.kind,
            excerpt=record.excerpt,
        )
        return FeedbackResult(
            decision_id=record.id,
            tenant=record.tenant,
            label=Label.ATTACK,
            outcome="remembered",
            entry=entry.id,
            evicted=evicted,
        )

    def _false_positive(self, record: RecentDecision, *, note: str, actor: str) -> FeedbackResult:
        if not record.rules:
            return FeedbackResult(
                decision_id=record.id, tenant=record.tenant, label=Label.BENIGN, outcome="noted"
            )
        suggestion = self.learning.suggestions.add(
            tenant=record.tenant,
            decision_id=record.id,
            actor=actor,
            note=note,
            kind=record.kind,
            rules=record.rules,
            digest=record.digest,
            excerpt=record.excerpt,
        )
        return FeedbackResult(
            decision_id=record.id,
            tenant=record.tenant,
            label=Label.BENIGN,
            outcome="suggested",
            suggestion=suggestion.id,
        )

    # the memory --------------------------------------------------------------------------

    def remember(
        self,
        text: str,
        *,
        tenant: str = "default",
        actor: str = "",
        note: str = "",
        kind: str = "prompt",
    ) -> MemoryEntry:
        """Add a known attack text to the tenant's memory directly (its sketches and a
        masked excerpt are stored, never the text)."""
        from aimds.learn.stage import masked_excerpt, sketches_of_text

        if not isinstance(text, str):
            raise InputError("text: expected a string")
        sketches = sketches_of_text(text, self.section.min_words)
        if not sketches:
            raise InputError(
                "text: too few words to remember "
                f"(attack_memory.min_words is {self.section.min_words})"
            )
        excerpt = masked_excerpt(self.learning.masker, text, (), self.section.recent.excerpt_chars)
        actor = actor or "library"
        note = self.learning.masker.text(note[:1000])
        entry, evicted = self.learning.memory.add(
            tenant,
            sketches,
            max_entries=self.section.max_entries,
            source="remember",
            actor=actor,
            note=note,
            kind=kind,
            excerpt=excerpt,
        )
        self._audit(
            "learn.remember",
            tenant,
            None,
            {"entry": entry.id, "by": actor, "note": note, "evicted": evicted},
        )
        return entry

    def entries(self, *, tenant: str = "default", limit: int = 100) -> list[MemoryEntry]:
        return self.learning.memory.entries(tenant, limit=limit)

    def forget(self, entry_id: str, *, tenant: str = "default", actor: str = "") -> bool:
        """Remove one confirmed attack from the tenant's memory (audited)."""
        removed = self.learning.memory.remove(tenant, entry_id)
        if removed:
            self._audit("learn.forget", tenant, None, {"entry": entry_id, "by": actor or "library"})
        return removed

    # suggestions -------------------------------------------------------------------------

    def suggestions(
        self, *, tenant: str = "default", status: str | None = None, limit: int = 100
    ) -> list[Suggestion]:
        try:
            wanted = SuggestionStatus(status) if status is not None else None
        except ValueError:
            raise InputError(
                f"status: must be one of {', '.join(s.value for s in SuggestionStatus)}"
            ) from None
        return self.learning.suggestions.list(tenant, status=wanted, limit=limit)

    def apply_suggestion(
        self, suggestion_id: str, *, tenant: str = "default", actor: str = ""
    ) -> Suggestion:
        """Apply a pending suggestion: its exact text no longer raises the content findings
        it was filed for, for this tenant. ``LookupError`` / :class:`InputError` as
        :meth:`Suggestions.decide`."""
        return self._decide(suggestion_id, tenant=tenant, actor=actor, apply=True)

    def dismiss_suggestion(
        self, suggestion_id: str, *, tenant: str = "default", actor: str = ""
    ) -> Suggestion:
        return self._decide(suggestion_id, tenant=tenant, actor=actor, apply=False)

    def _decide(self, suggestion_id: str, *, tenant: str, actor: str, apply: bool) -> Suggestion:
        actor = actor or "library"
        done = self.learning.suggestions.decide(tenant, suggestion_id, apply=apply, actor=actor)
        self._audit(
            "learn.suggestion",
            tenant,
            None,
            {
                "suggestion": done.id,
                "status": done.status.value,
                "by": actor,
                "decision": done.decision_id,
                "rules": list(done.rules),
            },
            rules=done.rules,
        )
        return done

    # audit -------------------------------------------------------------------------------

    def _audit(
        self,
        type_: str,
        tenant: str,
        agent: str | None,
        data: dict[str, Any],
        *,
        verdict: str = "",
        rules: Sequence[str] = (),
    ) -> None:
        log.info(
            "%s tenant=%s %s",
            type_,
            tenant,
            " ".join(f"{k}={v}" for k, v in data.items() if k not in ("note",)),
        )
        audit = self.audit
        if audit is None or not hasattr(audit, "append_event"):
            return
        subject = Subject(tenant=tenant, agent=agent) if agent else Subject(tenant=tenant)
        result = audit.append_event(
            type_, subject=subject, data=data, verdict=verdict, rules=tuple(rules)
        )
        if not getattr(result, "ok", True):
            log.error("%s not audited: %s", type_, getattr(result, "detail", ""))


def _label(label: str) -> Label:
    try:
        return Label(label)
    except ValueError:
        raise InputError(
            f"label: must be 'attack' or 'benign', got a {type(label).__name__} "
            f"of length {len(label) if isinstance(label, str) else 0}"
        ) from None
