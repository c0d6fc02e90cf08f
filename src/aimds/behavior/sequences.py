"""The named attack sequences ASA-B-001..005 (definitions in docs/behavior.md).

Each pattern keeps sliding windows in the store, scored by the events' own timestamps, and
checks its threshold on the event that completes it. Windows that count *distinct* things
(discovery commands, credential stores, recipients, credentials) use the thing's digest as
the member; windows that count events take no member (the store gives each its own).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from typing import Protocol

from aimds.behavior.batch import Batch, Ctx
from aimds.behavior.dataflow import (
    Fingerprinter,
    SourcedSessions,
    outbound_tokens,
    outbound_windows,
    sensitive_values,
    significant_tokens,
    source_forms,
)
from aimds.behavior.findings import finding
from aimds.behavior.store import Count, Delete, HashGet, HashPutIf, Result, Set, Window
from aimds.policy.sections.behavior import BehaviorSection
from aimds.types import EventKind, Finding, Severity, Verdict

__all__ = ["PATTERNS", "Sequences"]

PATTERNS = {
    "ASA-B-001": "reconnaissance then privilege escalation",
    "ASA-B-002": "exfiltration of sensitive data",
    "ASA-B-003": "brute-force authentication",
    "ASA-B-004": "command spam or fan-out",
    "ASA-B-005": "credential harvesting",
}

_PENDING = "pending"
_PENDING_SENSITIVE = "s"
_MAX_RESULT_SCAN = 65_536


class _Threshold(Protocol):
    """What a pattern's policy settings give its findings."""

    @property
    def severity(self) -> Severity: ...

    @property
    def action(self) -> Verdict | None: ...


class Sequences:
    """Plans the store ops of every enabled pattern for one event, and checks the results."""

    def __init__(
        self, section: BehaviorSection, fingerprint: Fingerprinter, *, local: bool = False
    ) -> None:
        seq = section.sequences
        self._s = seq
        self._fp = fingerprint
        # with a store of this process only, re-spelt flows are looked for only in sessions
        # that stored fingerprints here (window fingerprints cost an HMAC each)
        self._sourced = SourcedSessions() if local else None
        self._ttl = section.state_ttl
        self._on_recon = seq.recon_escalation.enabled
        self._on_exfil = seq.exfiltration.enabled
        self._on_brute = seq.brute_force.enabled
        self._on_spam = seq.command_spam.enabled
        self._on_harvest = seq.credential_harvest.enabled
        base = section.window
        self._w1 = seq.recon_escalation.window or base
        self._w2 = seq.exfiltration.window or base
        self._w3 = seq.brute_force.window or base
        self._w4 = seq.command_spam.window or base
        self._w5 = seq.credential_harvest.window or base
        spam = seq.command_spam
        self._sends = re.compile("|".join(fnmatch.translate(g) for g in spam.sends) or "(?!)")
        self._is_send: dict[str, bool] = {}  # action type -> matches ``sends`` (few types)

    @staticmethod
    def _window(b: Batch, key: str, member: str | None, ts: float, span: float) -> int:
        """Add ``member`` to a sliding window of ``span`` seconds; the op's result index."""
        return b.add(Window(key=key, member=member, score=ts, horizon=span, ttl=span))

    @staticmethod
    def _at_least(
        b: Batch,
        at: int,
        minimum: int,
        *,
        rule: str,
        cfg: _Threshold,
        window: float,
        count: str,
        message: Callable[[int], str],
    ) -> None:
        """Report ``rule`` once the count read by op ``at`` reaches ``minimum``."""

        def check(c: Ctx, r: list[Result]) -> Finding | None:
            seen = int(r[at])  # type: ignore[call-overload]
            if seen < minimum:
                return None
            return finding(
                rule,
                message(seen),
                severity=cfg.severity,
                action=cfg.action,
                details={count: seen, "window_s": window, "event_index": c.index},
            )

        b.check(check)

    def plan(self, c: Ctx, b: Batch) -> None:
        ind = c.ind
        kind = c.ev.event.kind
        if kind is EventKind.TOOL_CALL:
            if self._on_recon and (ind.recon is not None or ind.privilege):
                self._recon(c, b)
            if self._on_exfil:
                self._exfil_call(c, b)
            if self._on_brute and ind.auth_target is not None:
                self._auth_attempt(c, b)
            if self._on_spam and (ind.signature is not None or ind.recipients):
                self._spam(c, b)
            if self._on_harvest and ind.cred_stores:
                self._harvest(c, b)
        elif kind is EventKind.TOOL_RESULT:
            if self._on_exfil:
                self._exfil_result(c, b)
            if self._on_brute and ind.auth_failure:
                self._auth_failure(c, b)
        elif kind is EventKind.MEMORY_READ and self._on_exfil:  # memory is read data too
            self._exfil_result(c, b)

    # -- ASA-B-001 ---------------------------------------------------------------------------

    def _recon(self, c: Ctx, b: Batch) -> None:
        ind, key = c.ind, c.keys.scoped("recon")
        if ind.recon is not None:
            b.add(Window(key=key, member=ind.recon, score=c.ts, horizon=self._w1, ttl=self._w1))
        if not ind.privilege:
            return
        at = b.add(Count(key=key, since=c.ts - self._w1))
        cfg = self._s.recon_escalation
        self._at_least(
            b,
            at,
            cfg.min_recon,
            rule="ASA-B-001",
            cfg=cfg,
            window=self._w1,
            count="recon_actions",
            message=lambda n: (
                f"privilege change after {n} distinct discovery actions "
                f"within {self._w1:g}s (reconnaissance then escalation)"
            ),
        )

    # -- ASA-B-002 ---------------------------------------------------------------------------

    def _exfil_call(self, c: Ctx, b: Batch) -> None:
        ind, keys = c.ind, c.keys
        # The marker the next tool result's conditional write reads: set by a sensitive read,
        # cleared by any other call (an absent marker reads as no sensitive read).
        if ind.sensitive_read:
            b.add(Set(keys.scoped_prefix + _PENDING, _PENDING_SENSITIVE, self._w2))
        else:
            b.add(Delete(keys.scoped_prefix + _PENDING))
        if ind.sensitive_read:
            self._mark_sourced(c)
            b.add(
                Window(
                    key=keys.scoped("sensitive"),
                    member=None,
                    score=c.ts,
                    horizon=self._w2,
                    ttl=self._w2,
                )
            )
        if not ind.outbound:
            return
        cfg = self._s.exfiltration
        tokens = self._fp.many(outbound_tokens(c.ev.args, cfg.encodings), cfg.max_tokens)
        sourced = self._sourced
        if sourced is None or sourced.holds(keys.scoped_prefix, c.ts):
            tokens += self._fp.many(outbound_windows(c.ev.args), cfg.max_tokens)
        hits = b.add(HashGet(key=keys.scoped("fp"), fields=tokens)) if tokens else -1
        prior = b.add(Count(key=keys.scoped("sensitive"), since=c.ts - self._w2))

        def check(c: Ctx, r: list[Result]) -> Finding | None:
            if hits >= 0:
                for value in r[hits]:  # type: ignore[attr-defined]
                    if value is not None:
                        index, _, ts = str(value).partition("|")
                        return finding(
                            "ASA-B-002",
                            "outbound action carries a value the agent read as sensitive "
                            f"(event {index} of this session)",
                            severity=cfg.severity,
                            action=cfg.action,
                            details={
                                "via": "dataflow",
                                "source_index": int(index),
                                "source_ts": float(ts),
                                "event_index": c.index,
                            },
                        )
            reads = int(r[prior])  # type: ignore[call-overload]
            if c.ind.outbound_secret and reads:
                return finding(
                    "ASA-B-002",
                    f"outbound action carries secret or personal data after {reads} "
                    f"sensitive read(s) within {self._w2:g}s",
                    severity=cfg.severity,
                    action=cfg.action,
                    details={"via": "sequence", "sensitive_reads": reads, "event_index": c.index},
                )
            return None

        b.check(check)

    def _exfil_result(self, c: Ctx, b: Batch) -> None:
        keys, ind, limit = c.keys, c.ind, self._s.exfiltration.max_tokens
        text = c.ev.event.text[:_MAX_RESULT_SCAN]
        stamp, counter = repr(c.ts), keys.scoped("n")
        if ind.sensitive_values:
            self._mark_sourced(c)
            fps = self._fp.many(source_forms(sensitive_values(ind.sensitive_values)), limit)
            b.add(
                HashPutIf(
                    key=keys.scoped("fp"),
                    mapping=dict.fromkeys(fps, stamp),
                    ttl=self._w2,
                    index_key=counter,
                )
            )
            b.add(
                Window(
                    key=keys.scoped("sensitive"),
                    member=None,
                    score=c.ts,
                    horizon=self._w2,
                    ttl=self._w2,
                )
            )
        # what answers a credential read is secret whatever it looks like (placeholders kept)
        fps = self._fp.many(source_forms(significant_tokens(text, placeholders=True)), limit)
        if fps:
            b.add(
                HashPutIf(
                    key=keys.scoped("fp"),
                    mapping=dict.fromkeys(fps, stamp),
                    ttl=self._w2,
                    index_key=counter,
                    cond_key=keys.scoped(_PENDING),
                    cond_value=_PENDING_SENSITIVE,
                )
            )

    def _mark_sourced(self, c: Ctx) -> None:
        if self._sourced is not None:
            self._sourced.mark(c.keys.scoped_prefix, c.ts + self._w2)

    # -- ASA-B-003 ---------------------------------------------------------------------------

    def _auth_attempt(self, c: Ctx, b: Batch) -> None:
        ind, keys, cfg = c.ind, c.keys, self._s.brute_force
        target = self._fp(ind.auth_target or "?")
        self._window(b, keys.scoped("auth"), None, c.ts, self._w3)
        at = self._window(
            b, keys.scoped(f"cred:{target}"), self._fp(ind.credential or ""), c.ts, self._w3
        )
        self._at_least(
            b,
            at,
            cfg.min_credentials,
            rule="ASA-B-003",
            cfg=cfg,
            window=self._w3,
            count="credentials",
            message=lambda n: (
                f"{n} distinct credentials tried against one target within "
                f"{self._w3:g}s (brute force)"
            ),
        )

    def _auth_failure(self, c: Ctx, b: Batch) -> None:
        keys, cfg = c.keys, self._s.brute_force
        fails = b.add(
            Window(
                key=keys.scoped("authfail"),
                member=None,
                score=c.ts,
                horizon=self._w3,
                ttl=self._w3,
            )
        )
        attempts = b.add(Count(key=keys.scoped("auth"), since=c.ts - self._w3))

        def check(c: Ctx, r: list[Result]) -> Finding | None:
            failed = int(r[fails])  # type: ignore[call-overload]
            if failed < cfg.min_failures or not r[attempts]:
                return None
            return finding(
                "ASA-B-003",
                f"{failed} failed authentications within {self._w3:g}s (brute force)",
                severity=cfg.severity,
                action=cfg.action,
                details={"failures": failed, "window_s": self._w3, "event_index": c.index},
            )

        b.check(check)

    # -- ASA-B-004 ---------------------------------------------------------------------------

    def _identical_limit(self, action_type: str | None) -> int | None:
        """How many near-identical calls of this type are spam: ``min_identical`` for sends,
        ``min_identical_other`` (default: never) for polling, retries and reads."""
        cfg = self._s.command_spam
        if action_type is None:
            return cfg.min_identical_other
        send = self._is_send.get(action_type)
        if send is None:
            send = self._is_send[action_type] = self._sends.match(action_type) is not None
        return cfg.min_identical if send else cfg.min_identical_other

    def _spam(self, c: Ctx, b: Batch) -> None:
        ind, keys, cfg = c.ind, c.keys, self._s.command_spam
        same = -1
        limit = self._identical_limit(ind.action_type)
        if ind.signature is not None and limit is not None:
            burst = cfg.burst
            same = b.add(
                Window(f"{keys.scoped_prefix}sig:{ind.signature}", None, c.ts, burst, burst)
            )
        fanout = -1
        for recipient in ind.recipients:
            fanout = b.add(
                Window(
                    key=keys.scoped("rcpt"),
                    member=self._fp(recipient.casefold()),
                    score=c.ts,
                    horizon=self._w4,
                    ttl=self._w4,
                )
            )
        if same < 0 and fanout < 0:
            return

        def check(c: Ctx, r: list[Result]) -> Finding | None:
            repeats = int(r[same]) if same >= 0 else 0  # type: ignore[call-overload]
            if limit is not None and repeats >= limit:
                return finding(
                    "ASA-B-004",
                    f"{repeats} near-identical actions within {cfg.burst:g}s (command spam)",
                    severity=cfg.severity,
                    action=cfg.action,
                    details={"repeats": repeats, "window_s": cfg.burst, "event_index": c.index},
                )
            recipients = int(r[fanout]) if fanout >= 0 else 0  # type: ignore[call-overload]
            if recipients >= cfg.min_recipients:
                return finding(
                    "ASA-B-004",
                    f"messages to {recipients} distinct recipients within {self._w4:g}s (fan-out)",
                    severity=cfg.severity,
                    action=cfg.action,
                    details={
                        "recipients": recipients,
                        "window_s": self._w4,
                        "event_index": c.index,
                    },
                )
            return None

        b.check(check)

    # -- ASA-B-005 ---------------------------------------------------------------------------

    def _harvest(self, c: Ctx, b: Batch) -> None:
        keys, cfg = c.keys, self._s.credential_harvest
        at = -1
        for store in c.ind.cred_stores:
            at = self._window(b, keys.scoped("creds"), store, c.ts, self._w5)
        self._at_least(
            b,
            at,
            cfg.min_stores,
            rule="ASA-B-005",
            cfg=cfg,
            window=self._w5,
            count="stores",
            message=lambda n: (
                f"{n} distinct credential stores read within {self._w5:g}s (credential harvesting)"
            ),
        )
