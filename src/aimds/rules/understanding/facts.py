"""A per-call builder that collects what an action does and turns it into an ActionInfo.

One :class:`Facts` is created for each classification and never shared, so it may be
mutable. The chosen type is the proposal with the highest risk; ties go to the more
telling category (a secret read says more than "ran a shell command").
"""

from __future__ import annotations

import fnmatch
import re

from aimds.rules.paths import SensitivePlace, is_persistence_path
from aimds.rules.understanding.action_types import ACTION_TYPES, CREDENTIAL_STORE_TAG
from aimds.types import ActionInfo, Severity

__all__ = ["MAX_RESOURCES", "Facts"]

# Severities compared as ints: ``Severity.rank`` and the enum's ``>`` are Python-level
# calls even from compiled code, and every proposal of every call compares them.
_RANK: dict[Severity, int] = {s: s.rank for s in Severity}

MAX_RESOURCES = 32

_CATEGORY_WEIGHT = {
    "secrets": 9,
    "identity": 8,
    "payment": 8,
    "db": 6,
    "net": 6,
    "email": 6,
    "message": 6,
    "fs": 5,
    "vcs": 4,
    "code": 3,
    "shell": 2,
}

_RECON_FILES = frozenset(
    {
        "/etc/passwd",
        "/etc/group",
        "/etc/hosts",
        "/etc/os-release",
        "/etc/issue",
        "/etc/hostname",
        "/etc/resolv.conf",
        "/etc/crontab",
        "/proc/version",
        "/proc/cpuinfo",
        "/proc/self/status",
        "/etc/lsb-release",
        "/etc/fstab",
        "/etc/exports",
    }
)
_SHADOW = re.compile(r"/etc/g?shadow(?![\w])")  # what hard.shadow_command protects
# System logs: reading them is everyday debugging (what they may hold of secrets and PII is
# the tool result's, scanned and redacted by the content detectors), so they are no
# sensitive place; changing or deleting them erases the record of what happened.
_LOGS = "/var/log"
_PRIVILEGE_FILES = ("/etc/sudoers", "/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow")


# Where mounted network shares and removable media live: a file written there is data
# leaving the machine for whoever reads the share, not a local change
_SHARED_MOUNTS = ("/mnt/", "/media/", "/Volumes/", "/net/", "/run/media/", "//", "\\\\")


class Facts:
    """What one action does, as collected by the classifiers."""

    __slots__ = (
        "_best",
        "_best_key",
        "auth_target",
        "destructive",
        "outbound",
        "resources",
        "risk",
        "tags",
    )

    def __init__(self, base_type: str) -> None:
        self._best = base_type
        self._best_key = (-1, 0)  # the base type yields to any proposal
        self.risk = ACTION_TYPES[base_type].risk if base_type in ACTION_TYPES else Severity.MEDIUM
        self.tags: set[str] = set()
        self.resources: dict[str, None] = {}
        self.destructive = False
        self.outbound = False
        self.auth_target: str | None = None

    @staticmethod
    def _key(type_id: str, risk: Severity | None) -> tuple[int, int]:
        known = ACTION_TYPES.get(type_id)
        rank = _RANK[risk or (known.risk if known else Severity.MEDIUM)]
        return rank, _CATEGORY_WEIGHT.get(type_id.partition(":")[0], 1)

    @property
    def type(self) -> str:
        return self._best

    def propose(self, type_id: str, risk: Severity | None = None) -> None:
        """Offer a type (and a risk for it); the strongest proposal becomes the type."""
        key = self._key(type_id, risk)
        if key > self._best_key:
            self._best, self._best_key = type_id, key
        self.bump(risk or (ACTION_TYPES[type_id].risk if type_id in ACTION_TYPES else None))
        known = ACTION_TYPES.get(type_id)
        if known is not None and known.outbound:
            self.mark_outbound()

    def bump(self, risk: Severity | None) -> None:
        if risk is not None and _RANK[risk] > _RANK[self.risk]:
            self.risk = risk

    def tag(self, *tags: str) -> None:
        self.tags.update(tags)

    def resource(self, value: str) -> None:
        if value and len(self.resources) < MAX_RESOURCES:
            self.resources.setdefault(value[:512], None)

    def login_target(self, value: str, *, explicit: bool = False) -> None:
        """The host or service a login would go to (the first seen, unless ``explicit``);
        it leads ``resources`` when the action is an ``auth_attempt``."""
        value = value[:512]
        if value and (self.auth_target is None or explicit):
            self.auth_target = value
            self.resource(value)

    def mark_outbound(self, *, payload: bool = False) -> None:
        self.outbound = True
        self.tags.add("outbound")
        if payload:
            self.tags.add("has_payload")

    def credential(self, kind: str, risk: Severity = Severity.HIGH) -> None:
        """The action reads a credential store of ``kind``."""
        self.propose("secrets:read", risk)
        self.tags.update(("credential_access", CREDENTIAL_STORE_TAG + kind))

    def destroy(self, *, critical: bool, type_id: str = "fs:delete") -> None:
        self.destructive = True
        self.tags.add("destructive")
        self.propose(type_id, Severity.CRITICAL if critical else Severity.HIGH)

    def privilege(self, *, critical: bool = False) -> None:
        self.tags.add("privilege_change")
        self.propose("identity:privilege_change", Severity.CRITICAL if critical else Severity.HIGH)

    def recon(self) -> None:
        self.tags.add("recon")

    def path_read(self, path: str, place: SensitivePlace | None, *, listing: bool = False) -> None:
        """A file or directory is read (or listed): tags and type from its sensitivity."""
        self.resource(path)
        if _SHADOW.match(path) or (place is not None and _shadow_glob(path)):
            self.tags.add("shadow_access")
        if place is None:
            return
        self.tags.add("sensitive_path" if place.kind != "system" else "system_path")
        if place.credential_store and not listing:
            self.credential(place.kind)
        elif place.credential_store:
            self.tags.add(CREDENTIAL_STORE_TAG + place.kind)
        elif place.kind == "system" and (
            path in _RECON_FILES or listing or path.startswith("/proc/")
        ):
            self.recon()

    def path_write(self, path: str, place: SensitivePlace | None) -> None:
        """A file is created or changed (in a place that runs it later: persistence; on a
        mounted share or removable medium: the data leaves the machine)."""
        self.resource(path)
        if path.startswith(_SHARED_MOUNTS):
            self.mark_outbound(payload=True)  # ATT&CK T1039/T1052: a share, a USB stick
        if _SHADOW.match(path) or (place is not None and _shadow_glob(path)):
            self.tags.add("shadow_access")
        if is_persistence_path(path):
            self.tags.add("persistence")
            self.propose("fs:write", Severity.HIGH)
        if place is None:
            if _is_log(path):
                self.tags.add("system_path")
                self.destroy(critical=False, type_id="fs:write")
            return
        if place.kind == "system":
            self.tags.add("system_path")
        else:
            self.tags.update(("sensitive_path", CREDENTIAL_STORE_TAG + place.kind))
        if path.startswith(_PRIVILEGE_FILES) or path.endswith("/authorized_keys"):
            self.privilege(critical=True)
        elif place.kind == "system" and path.startswith(("/dev/sd", "/dev/nvme", "/dev/hd")):
            self.destroy(critical=True)
        else:
            self.propose("fs:write", Severity.HIGH)

    def path_delete(self, path: str, place: SensitivePlace | None, *, recursive: bool) -> None:
        self.resource(path)
        if place is not None or _is_log(path):
            self.tags.add("sensitive_path" if place and place.kind != "system" else "system_path")
            self.destroy(critical=True)
        elif recursive:
            self.destroy(critical=False)
        else:
            self.propose("fs:delete")

    @property
    def inert(self) -> bool:
        """Nothing was found beyond the base type: no proposal, tag, resource or send."""
        return self._best_key == (-1, 0) and not (self.tags or self.resources or self.outbound)

    @property
    def quiet(self) -> bool:
        """Nothing consequential was found: no proposal, tag or send; only resources (plain
        paths, a few addresses), which the boundaries still judge one by one."""
        return self._best_key == (-1, 0) and not (self.tags or self.outbound)

    def settle(self, type_id: str) -> None:
        """Take ``type_id`` with its own risk: only for a call found :attr:`inert` or
        :attr:`quiet`."""
        self._best = type_id
        self._best_key = self._key(type_id, None)
        self.risk = ACTION_TYPES[type_id].risk
        if ACTION_TYPES[type_id].outbound:
            self.mark_outbound()

    def to_info(self) -> ActionInfo:
        if self._best == "identity:privilege_change":
            self.tags.add("privilege_change")
        elif self._best == "code:exec":
            self.tags.add("code_exec")
        elif self._best == "secrets:read" and "credential_access" not in self.tags:
            self.tags.update(("credential_access", CREDENTIAL_STORE_TAG + "secret_manager"))
        if self.destructive:
            self.tags.add("destructive")
        if self.outbound:
            self.tags.add("outbound")
        resources = tuple(self.resources)
        target = self.auth_target
        if target is not None and "auth_attempt" in self.tags and resources[:1] != (target,):
            resources = (target, *(r for r in resources if r != target))
        return new_action_info(
            self._best, self.risk, resources, self.destructive, self.outbound,
            frozenset(self.tags),
        )  # fmt: skip


# ``ActionInfo(...)`` runs the dataclass's interpreted ``__init__`` even from compiled code,
# on every call never seen before: writing the fields directly, as that ``__init__`` does
# (it has no ``__post_init__``), costs about half (see aimds.guard's ``_new_decision``).
_new_object = object.__new__
_set_field = object.__setattr__


def new_action_info(
    type_: str,
    risk: Severity,
    resources: tuple[str, ...],
    destructive: bool,
    outbound: bool,
    tags: frozenset[str],
) -> ActionInfo:
    """``ActionInfo(type=type_, risk=risk, ...)`` for every field, positionally."""
    info: ActionInfo = _new_object(ActionInfo)
    _set_field(info, "type", type_)
    _set_field(info, "risk", risk)
    _set_field(info, "resources", resources)
    _set_field(info, "destructive", destructive)
    _set_field(info, "outbound", outbound)
    _set_field(info, "tags", tags)
    return info


def _is_log(path: str) -> bool:
    return path.startswith(_LOGS) and path[len(_LOGS) : len(_LOGS) + 1] in ("", "/")


_SHADOW_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-")


def _shadow_glob(path: str) -> bool:
    """A glob that the shell may expand to a password-hash file (``/etc/sh*dow``,
    ``/etc/*``): what ``hard.shadow_command`` protects, however it is spelled."""
    return any(c in path for c in "*?[") and any(
        fnmatch.fnmatchcase(name, path) for name in _SHADOW_FILES
    )
