"""The ``identity`` stage: verifies signed messages and delegation chains before ``decide``.

It runs after the rules stage (so a tool call's action type is known) and adds findings
only; the content detectors have already judged the message body like any text, so a
validly signed ``api_key=sk_live_...`` is still caught by them.

What it reads (set by :meth:`aimds.Guard.check_message` or by callers building events):

- ``event.meta["aimds.envelope"]``: a signed envelope (the event's ``text`` is its body);
- ``event.meta["aimds.delegation"]``: a delegation chain the subject acts under (any
  event kind; on a message the chain rides inside the envelope instead).

What it leaves for later stages (documented contract):

- ``ev.scratch["aimds.identity"]``: a :class:`VerifiedSender` (agent, tenant, role, key
  id, algorithm, channel) when an envelope verified; later stages (rings) may read the
  sender's ``role`` from it. The decision carries the same as the ``identity.verified``
  finding's ``details``;
- ``ev.scratch["aimds.delegation"]``: the :class:`~aimds.identity.delegation.ChainCheck`
  of a valid chain (its effective scope), also in ``delegation.verified``'s details.

The stage never raises: a malformed envelope is ``message.signature_invalid`` naming the
field; a state store that cannot answer is ``backend.unavailable`` with the verdict of
``behavior.fail_mode``, since replays cannot then be ruled out.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aimds.errors import BackendError, InputError
from aimds.identity import findings as R
from aimds.identity.delegation import ChainCheck, check_chain
from aimds.identity.envelope import Envelope, parse_envelope
from aimds.identity.findings import finding
from aimds.identity.nonces import NonceMemory
from aimds.identity.registry import IdentityRegistry, registry_of
from aimds.types import Evaluation, EventKind, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.messages import ChannelRule
    from aimds.types import Services

__all__ = [
    "DELEGATION_META",
    "ENVELOPE_META",
    "SENDER_SCRATCH",
    "IdentityStage",
    "VerifiedSender",
    "build_stage",
]

ENVELOPE_META = "aimds.envelope"
DELEGATION_META = "aimds.delegation"
SENDER_SCRATCH = "aimds.identity"
DELEGATION_SCRATCH = "aimds.delegation"
_BODY_IS_TEXT = "aimds.envelope_body_is_text"

log = logging.getLogger("aimds.identity")


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedSender:
    """The sender of an envelope whose signature, key and freshness checked out."""

    agent: str
    tenant: str
    role: str | None
    key_id: str
    algorithm: str
    channel: str


class IdentityStage:
    name = R.STAGE

    def __init__(self, policy: Policy, services: Services) -> None:
        cfg = policy.document.messages
        self._services = services
        self._unsigned = cfg.unsigned
        self._max_age_ms = int(cfg.max_age * 1000)
        self._skew_ms = int(cfg.clock_skew * 1000)
        self._replay = cfg.replay
        self._rules: tuple[ChannelRule, ...] = tuple(cfg.channels)
        self._on_denied = cfg.on_channel_denied
        self._max_depth = cfg.delegation_max_depth
        self._nonces = NonceMemory(
            policy.document.behavior, services, ttl=cfg.max_age + cfg.clock_skew + 1.0
        )
        behavior = policy.document.behavior
        closed = behavior.fail_mode == "closed"
        self._fail_action = Verdict.BLOCK if closed else Verdict.WARN
        self._fail_mode = behavior.fail_mode

    def __call__(self, ev: Evaluation) -> None:
        event = ev.event
        meta = event.meta
        if event.kind is EventKind.MESSAGE:
            raw = meta.get(ENVELOPE_META) if meta else None
            if raw is not None:
                if meta.get(_BODY_IS_TEXT) and isinstance(raw, Mapping):
                    raw = {**raw, "body": event.text}
                ev.findings.extend(self._message(ev, raw))
                return
            if self._unsigned is not Verdict.ALLOW:
                ev.findings.append(
                    finding(
                        R.UNSIGNED,
                        "unsigned message; this policy asks for signed envelopes",
                        action=self._unsigned,
                    )
                )
        if meta and DELEGATION_META in meta:
            subject = event.subject
            ev.findings.extend(
                self._delegation(ev, meta[DELEGATION_META], subject.tenant, subject.agent, None)
            )

    def close(self) -> None:
        self._nonces.close()

    @property
    def registry(self) -> IdentityRegistry:
        return registry_of(self._services)

    # -- messages --------------------------------------------------------------------------

    def _message(self, ev: Evaluation, raw: Any) -> list[Finding]:
        try:
            env = parse_envelope(raw)
        except InputError as exc:
            return [finding(R.SIGNATURE_INVALID, f"malformed envelope: {exc}")]
        registry = self.registry
        try:
            who = registry.lookup(env.tenant, env.key_id)
        except BackendError as exc:
            return [self._unavailable(f"cannot read the identity registry ({exc})")]
        if who is None or who.agent != env.sender:
            return [
                finding(
                    R.UNKNOWN_SENDER,
                    "the envelope's key is not registered for its sender",
                    details={"sender": env.sender, "key_id": env.key_id},
                )
            ]
        if who.algorithm != env.algorithm or not registry.verify(who, env.signature, env.signed):
            return [
                finding(
                    R.SIGNATURE_INVALID,
                    "the signature does not verify",
                    details={"sender": env.sender, "key_id": env.key_id},
                )
            ]
        if who.revoked:
            return [
                finding(
                    R.UNKNOWN_SENDER,
                    "the sender's key is revoked",
                    details={"sender": env.sender, "key_id": env.key_id, "reason": "revoked"},
                )
            ]
        found: list[Finding] = []
        now_ms = int(round(ev.ts * 1000))
        stale = self._freshness(env, who.expired(ev.ts), now_ms)
        if stale is not None:
            found.append(stale)
        subject = ev.event.subject
        if env.tenant != subject.tenant or env.recipient != subject.agent:
            found.append(
                finding(
                    R.RECIPIENT_MISMATCH,
                    "the envelope is addressed to another agent than the one receiving it",
                    details={"recipient": env.recipient, "tenant": env.tenant},
                )
            )
        if self._rules and not self._channel_allowed(env, who.role, subject.agent, subject.role):
            found.append(
                finding(
                    R.CHANNEL_DENIED,
                    f"no messages rule lets {env.sender} write to "
                    f"{env.recipient} on channel {env.channel}",
                    action=self._on_denied,
                    details={"sender": env.sender, "channel": env.channel},
                )
            )
        if env.delegation is not None:
            found.extend(
                self._delegation(ev, list(env.delegation), env.tenant, env.sender, env.channel)
            )
        # Only an otherwise acceptable envelope spends its nonce: one submitted stale, to the
        # wrong recipient or on a denied channel must not stop the real delivery.
        if self._replay and not any(f.action is Verdict.BLOCK for f in found):
            replay = self._replayed(env)
            if replay is not None:
                found.append(replay)
        if not any(f.action is Verdict.BLOCK for f in found):
            sender = VerifiedSender(
                agent=env.sender,
                tenant=env.tenant,
                role=who.role,
                key_id=env.key_id,
                algorithm=env.algorithm,
                channel=env.channel,
            )
            ev.scratch[SENDER_SCRATCH] = sender
            found.append(
                finding(
                    R.VERIFIED,
                    f"signed by {env.sender} ({env.algorithm}, key {env.key_id})",
                    action=Verdict.ALLOW,
                    details={
                        "sender": env.sender,
                        "tenant": env.tenant,
                        "role": who.role,
                        "key_id": env.key_id,
                        "algorithm": env.algorithm,
                        "channel": env.channel,
                    },
                )
            )
        return found

    def _freshness(self, env: Envelope, key_expired: bool, now_ms: int) -> Finding | None:
        if key_expired:
            return finding(
                R.EXPIRED,
                "the sender's key has expired",
                details={"reason": "key_expired", "key_id": env.key_id},
            )
        age = now_ms - env.ts_ms
        if age > self._max_age_ms:
            return finding(
                R.EXPIRED,
                f"the envelope is {age // 1000} s old (the policy "
                f"accepts {self._max_age_ms // 1000} s)",
                details={"reason": "old"},
            )
        if -age > self._skew_ms:
            return finding(
                R.EXPIRED, "the envelope's timestamp is in the future", details={"reason": "future"}
            )
        return None

    def _channel_allowed(
        self, env: Envelope, sender_role: str | None, recipient: str, recipient_role: str
    ) -> bool:
        return any(
            any(fnmatch.fnmatchcase(env.channel, c) for c in rule.channels)
            and _party(rule.senders, env.sender, sender_role)
            and _party(rule.recipients, recipient, recipient_role)
            for rule in self._rules
        )

    def _replayed(self, env: Envelope) -> Finding | None:
        try:
            first = self._nonces.first_use(env.tenant, env.key_id, env.nonce)
        except BackendError as exc:
            return self._unavailable(f"cannot check the envelope's nonce for replay ({exc})")
        if first:
            return None
        return finding(
            R.REPLAY,
            "this envelope's nonce was already used",
            details={"sender": env.sender, "key_id": env.key_id},
        )

    def _unavailable(self, detail: str) -> Finding:
        """A backend (state store, registry database) could not answer: the verdict of
        ``behavior.fail_mode`` (closed: block), logged and counted like the behaviour
        stage's own."""
        log.error("identity stage: %s", detail)
        return Finding(
            rule="backend.unavailable",
            category="error",
            severity=Severity.HIGH if self._fail_action is Verdict.BLOCK else Severity.LOW,
            message=f"{detail}; failing {self._fail_mode} per behavior.fail_mode",
            action=self._fail_action,
            stage=self.name,
            details={"fail_mode": self._fail_mode},
        )

    # -- delegation ------------------------------------------------------------------------

    def _delegation(
        self, ev: Evaluation, chain: Any, tenant: str, acting: str, channel: str | None
    ) -> list[Finding]:
        registry = self.registry
        try:
            check = check_chain(
                chain,
                tenant=tenant,
                acting=acting,
                lookup=registry.lookup,
                verify=registry.verify,
                now_ms=int(round(ev.ts * 1000)),
                max_depth=self._max_depth,
                skew_ms=self._skew_ms,
            )
        except BackendError as exc:
            return [self._unavailable(f"cannot read the identity registry ({exc})")]
        if check.rule is not None:
            return [
                finding(
                    check.rule,
                    f"delegation chain refused: {check.reason}",
                    details={"path": list(check.path)},
                )
            ]
        outside = _outside(check, ev, channel)
        if outside is not None:
            return [
                finding(
                    R.DELEGATION_OUT_OF_SCOPE,
                    f"{outside} is outside the scope delegated along {' -> '.join(check.path)}",
                    details={"path": list(check.path), "scope": check.effective()},
                )
            ]
        ev.scratch[DELEGATION_SCRATCH] = check
        return [
            finding(
                R.DELEGATION_VERIFIED,
                f"acting for {check.path[0]} via {' -> '.join(check.path)}",
                action=Verdict.ALLOW,
                details={
                    "path": list(check.path),
                    "scope": check.effective(),
                    "not_after": check.not_after_ms / 1000,
                },
            )
        ]


def _outside(check: ChainCheck, ev: Evaluation, channel: str | None) -> str | None:
    """What of the event the effective scope does not allow (``None``: all of it)."""
    if channel is not None and not check.allows("channels", channel):
        return f"channel {channel!r}"
    event = ev.event
    if event.kind is EventKind.TOOL_CALL:
        if not check.allows("tools", event.tool or ""):
            return f"tool {event.tool!r}"
        action = ev.action.type if ev.action is not None else None
        if action is None:
            if any(s.actions is not None for s in check.scopes):
                return "an unclassified action"
        elif not check.allows("actions", action):
            return f"action {action!r}"
    return None


def _party(patterns: tuple[str, ...], agent: str, role: str | None) -> bool:
    for p in patterns:
        if p.startswith("role:"):
            if role is not None and fnmatch.fnmatchcase(role, p[5:]):
                return True
        elif fnmatch.fnmatchcase(agent, p):
            return True
    return False


def build_stage(policy: Policy, services: Services) -> IdentityStage:
    """Always built: it costs one kind check per event that carries no envelope or chain."""
    return IdentityStage(policy, services)


def message_meta(envelope: Mapping[str, Any], meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """The event meta carrying ``envelope`` (used by :meth:`aimds.Guard.check_message`).

    A text body travels once, as the event's text (which the audit log and traces mask as
    text); the meta keeps the rest of the envelope, and the stage puts the two together."""
    if isinstance(envelope, Mapping) and isinstance(envelope.get("body"), str):
        envelope = {k: v for k, v in envelope.items() if k != "body"}
        return {**(meta or {}), ENVELOPE_META: envelope, _BODY_IS_TEXT: True}
    return {**(meta or {}), ENVELOPE_META: envelope}
