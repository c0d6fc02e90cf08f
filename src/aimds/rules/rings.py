"""Privilege rings: the ``rings`` stage, right after the rules stage.

Rings are a ceiling, roles a permission, autonomy a threshold (``docs/rings.md``): a role's
scopes say *which* actions an agent may take, its ring how *far* any of them may reach,
and its autonomy level how much of what it may do happens without a human. A ring never
permits anything the rules stage denied; it only asks for an approval
(``ring.escalation``) when an action needs a lower (more privileged) ring than the agent
has.

The ring an action needs comes from :data:`TYPE_RINGS` (one table, every action type),
made stricter per call: an outbound call needs ring 1 at least, a call tagged with one of
:data:`PRIVILEGED_TAGS` ring 0. The policy's ``rings.types`` replaces a type's entry (and
its outbound rule); privileged tags always need ring 0. Everything is compiled once per
policy into a dict from type to ring, so a call costs two dict lookups and a set test.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from aimds.rules.matchers import NameGlobs
from aimds.rules.roles import BUILTIN_ROLES
from aimds.rules.understanding.action_types import ACTION_TYPES
from aimds.types import ActionInfo, Evaluation, EventKind, Finding, Severity, Subject, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.rings import RingsSection
    from aimds.types import Services

__all__ = [
    "ESCALATION_RULE",
    "PRIVILEGED_TAGS",
    "RING_NAMES",
    "TYPE_RINGS",
    "RingTable",
    "RingsStage",
    "build_stage",
]

ESCALATION_RULE = "ring.escalation"

RING_NAMES: Mapping[int, str] = MappingProxyType(
    {0: "privileged", 1: "network and outbound", 2: "workspace writes", 3: "read-only"}
)

_R3 = (
    "fs:read",
    "fs:list",
    "email:read",
    "message:read",
    "db:query",
    "identity:read",
    "payment:read",
    "memory:read",
    "search:internal",
    "vcs:read",
    "unknown:read",
)
_R2 = (
    "fs:write",
    "shell:exec",
    "code:exec",
    "db:write",
    "email:draft",
    "memory:write",
    "vcs:write",
    "agent:spawn",
    "agent:delegate",
)
_R1 = (
    "net:http_get",
    "net:http_post",
    "net:download",
    "net:upload",
    "net:connect",
    "email:send",
    "message:send",
    "browser:navigate",
    "browser:interact",
    "search:web",
    "vcs:push",
    "identity:login",
    "unknown:write",
)
_R0 = (
    "fs:delete",
    "shell:opaque",
    "db:admin",
    "db:exec",
    "db:file",
    "db:opaque",
    "secrets:read",
    "secrets:write",
    "identity:privilege_change",
    "identity:user_admin",
    "payment:transfer",
    "payment:refund",
    "agent:config",
    "unknown:unknown",
)

TYPE_RINGS: Mapping[str, int] = MappingProxyType(
    {t: ring for ring, types in enumerate((_R0, _R1, _R2, _R3)) for t in types}
)
"""The ring each action type needs (0 privileged .. 3 read-only), before per-call facts."""

PRIVILEGED_TAGS = frozenset(
    {
        "credential_access",
        "privilege_change",
        "sensitive_path",
        "system_path",
        "destructive",
        "wipe_root",
        "persistence",
        "security_weakening",
        "reverse_shell",
        "download_exec",
        "format_disk",
        "raw_device_write",
        "fork_bomb",
        "chmod_root",
        "shadow_access",
        "opaque",
        "untrusted_package_source",
    }
)
"""Tags (see :data:`aimds.rules.taxonomy.TAGS`) whose calls need ring 0 whatever their type."""

_CACHE_LIMIT = 4096


class RingTable:
    """The compiled ``rings`` section: the ring of a subject, the ring of an action."""

    def __init__(self, section: RingsSection) -> None:
        needed: dict[str, int] = {}
        lift: dict[str, bool] = {}
        for type_id in ACTION_TYPES:
            override = next(
                (
                    ring
                    for glob, ring in section.types.items()
                    if fnmatch.fnmatchcase(type_id, glob)
                ),
                None,
            )
            needed[type_id] = TYPE_RINGS.get(type_id, 0) if override is None else override
            lift[type_id] = override is None
        self._needed = needed
        self._lift_outbound = lift
        self._default = section.default
        self._roles = dict(section.roles)
        self._agent_rings = tuple(section.agents.values())
        self._agents = (
            NameGlobs((g, i) for i, g in enumerate(section.agents)) if section.agents else None
        )
        self._cache: dict[tuple[str, str], int] = {}

    def of_subject(self, subject: Subject) -> int:
        """``agents`` (first matching glob), else the role's ring, else ``default``."""
        key = (subject.role, subject.agent)
        found = self._cache.get(key)
        if found is not None:
            return found
        ring = self._roles.get(subject.role, self._default)
        if self._agents is not None:
            hits = self._agents.match(subject.agent)
            if hits:
                ring = self._agent_rings[min(hits)]
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = ring
        return ring

    def of_action(self, action: ActionInfo) -> int:
        """The ring ``action`` needs: its type's, lower for outbound or privileged calls;
        an action type this table does not know needs ring 0."""
        type_id = action.type
        ring = self._needed.get(type_id, 0)
        if ring and action.tags and not PRIVILEGED_TAGS.isdisjoint(action.tags):
            return 0
        if ring > 1 and action.outbound and self._lift_outbound.get(type_id, True):
            return 1
        return ring


class RingsStage:
    """Adds ``ring.escalation`` to a tool call that needs a lower ring than its agent has."""

    name = "rings"

    def __init__(self, table: RingTable, *, action: Verdict, timeout_s: float) -> None:
        self.table = table
        self._action = action
        self._severity = Severity.MEDIUM if action is Verdict.REVIEW else Severity.HIGH
        self._details = {"timeout_s": timeout_s} if action is Verdict.REVIEW else {}
        self._findings: dict[tuple[int, int, str], Finding] = {}

    def __call__(self, ev: Evaluation) -> None:
        action = ev.action
        if action is None or ev.event.kind is not EventKind.TOOL_CALL:
            return
        needed = self.table.of_action(action)
        ring = self.table.of_subject(ev.event.subject)
        if needed < ring:
            ev.findings.append(self._finding(ring, needed, action.type))

    def _finding(self, ring: int, needed: int, type_id: str) -> Finding:
        key = (ring, needed, type_id)
        found = self._findings.get(key)
        if found is None:
            how = (
                "an approval lets this one call through"
                if self._action is Verdict.REVIEW
                else "rings.on_escalation is block"
            )
            found = Finding(
                rule=ESCALATION_RULE,
                category="ring",
                severity=self._severity,
                message=f"{type_id} needs ring {needed} ({RING_NAMES[needed]}); this agent "
                f"runs in ring {ring} ({RING_NAMES[ring]}); {how}",
                action=self._action,
                stage=self.name,
                details={
                    **self._details,
                    "agent_ring": ring,
                    "required_ring": needed,
                    "type": type_id,
                },
            )
            if len(self._findings) >= _CACHE_LIMIT:
                self._findings.clear()
            self._findings[key] = found
        return found


def build_stage(policy: Policy, services: Services) -> RingsStage | None:
    """The stage, or ``None`` when the policy has no ``rings`` section (or disables it).
    Raises a located :class:`~aimds.policy.PolicyError` for an unknown role or a type glob
    that matches no action type."""
    doc = policy.document
    section = doc.rings
    if section is None or not section.enabled:
        return None
    roles = set(BUILTIN_ROLES) | set(doc.roles.definitions)
    for role in section.roles:
        if role not in roles:
            close = difflib.get_close_matches(role, sorted(roles), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise policy.error(
                f"unknown role (neither built in nor under roles.definitions){hint}",
                ("rings", "roles", role),
            )
    for glob in section.types:
        if not any(fnmatch.fnmatchcase(t, glob) for t in ACTION_TYPES):
            close = difflib.get_close_matches(glob, list(ACTION_TYPES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise policy.error(f"matches no action type{hint}", ("rings", "types", glob))
    action = Verdict.REVIEW if section.on_escalation == "review" else Verdict.BLOCK
    timeout = section.review_timeout_s or doc.defaults.review_timeout_s
    return RingsStage(RingTable(section), action=action, timeout_s=timeout)
