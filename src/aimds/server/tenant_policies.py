"""The active guard of every tenant, built from stored policies, swapped atomically.

A tenant runs its own version of the active policy when it has stored one under the active
name, else the operator's global one; a tenant admin's change therefore reaches its own
tenant only.

``extends`` in a stored policy names a pack or a stored policy, never a file: a policy
written over HTTP must not be able to read, or probe for, files of the service's host.
It resolves to the nearest one of that name not already in the chain being built: the
tenant's own, then the operator's global one (or the active global policy, where that came
from a file), then the built-in pack. So a tenant's ``name: default``, ``extends: default``
builds on the operator's ``default``, which builds on the pack, and no chain is a cycle.

The hard rules of the operator's global policy are the platform's floor: a tenant's policy
must keep every one unchanged (extending a pack or the operator's policy does), or it is
refused; a tenant version that loses one when the operator adds it falls back to the global
policy.

``PUT /v1/policies/{name}`` validates the new text by building a whole guard from it; only
then is the version stored and the reference swapped. Requests in flight keep the guard
they started with, so no request is dropped or judged by a half-built policy. A guard is
rebuilt when a stored policy it was built from changes (an operator's update of the global
policy reaches every tenant that extends it). Other processes notice new versions by
polling the store (:meth:`TenantPolicies.refresh`, every ``policy_poll_s``).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping

from aimds.errors import AimdsError, PolicyError
from aimds.guard import Guard
from aimds.policy import PACKS, Policy
from aimds.policy.loader import ParentLookup, load_policy_text, pack_source
from aimds.server.policies import PolicyStore, policy_key
from aimds.types import Services

__all__ = ["GuardHolder", "PolicyNameMismatch", "TenantPolicies"]

log = logging.getLogger("aimds.server")

_MAX_POLICY_CHARS = 1_000_000
_GRACE_S = 30.0
_SOURCE = "policy:"


class PolicyNameMismatch(PolicyError):
    """The document's ``name`` is not the name it is stored under."""


class GuardHolder:
    """The active guard of one tenant (or the global one), swapped atomically.

    ``deps`` are the stored policies (by stored name) and versions the guard was built from.
    """

    def __init__(
        self,
        guard: Guard,
        *,
        name: str,
        version: int,
        tenant: str | None = None,
        owner: TenantPolicies | None = None,
        deps: Mapping[str, int] | None = None,
    ) -> None:
        self._guard = guard
        self.name = name
        self.version = version
        self.tenant = tenant
        self.deps: dict[str, int] = dict(deps or {})
        self._owner = owner
        self._lock = threading.Lock()

    @property
    def guard(self) -> Guard:
        return self._guard

    def build(self, text: str, services: Services) -> Guard:
        """A guard for policy ``text`` in this holder's namespace; raises
        :class:`PolicyError` when it is invalid (``extends`` never reaches a file)."""
        if self._owner is None:
            raise PolicyError("this service keeps no stored policies", file=self.name)
        return self._owner.build(text, tenant=self.tenant, name=self.name, services=services)[0]

    def swap(self, guard: Guard, version: int, *, deps: Mapping[str, int] | None = None,
             rebuilt: bool = False) -> None:
        """Make ``guard`` active; the old one closes after a grace period, so requests still
        running on it finish first. A stale ``version`` is ignored (and its guard closed),
        unless ``rebuilt``: the same version built again on newer parents."""
        with self._lock:
            if version < self.version or (version == self.version and not rebuilt):
                old = guard
            else:
                old, self._guard, self.version = self._guard, guard, version
                if deps is not None:
                    self.deps = dict(deps)
        _close_later(old)


def _close_later(guard: Guard) -> None:
    timer = threading.Timer(_GRACE_S, guard.close)
    timer.daemon = True
    timer.start()


class TenantPolicies:
    """The active guard of every tenant: the global one, and one per tenant with its own
    version of the active policy. Thread-safe."""

    def __init__(self, store: PolicyStore, services: Services) -> None:
        self.store = store
        self.services = services
        self._tenants: dict[str, GuardHolder] = {}
        self._broken: set[tuple[str | None, int, int]] = set()
        """(tenant, its version, global version) that did not build: not tried again."""
        self._lock = threading.Lock()
        self.global_holder: GuardHolder | None = None

    # -- set-up ---------------------------------------------------------------------------

    def start(self, guard: Guard | None, policy: str) -> GuardHolder:
        """The global holder: ``guard`` as given, else the newest stored version of the
        active policy, else ``policy`` (a pack or the operator's file); then every tenant's
        own version of it."""
        if guard is not None:
            name = guard.policy.name
            holder = GuardHolder(guard, name=name, version=self.store.latest_number(name),
                                 owner=self)
        else:
            name = _policy_name(policy)
            stored = self.store.latest(name)
            if stored is not None:
                built, deps = self.build(stored.text, tenant=None, name=name)
                holder = GuardHolder(built, name=name, version=stored.version, owner=self,
                                     deps=deps)
            else:
                built = Guard(policy, services=self.services)
                holder = GuardHolder(built, name=built.policy.name, version=0, owner=self)
        self.global_holder = holder
        self.refresh()
        return holder

    @property
    def active(self) -> str:
        """The name of the active policy (global, and of each tenant's own version)."""
        return self._global().name

    def _global(self) -> GuardHolder:
        if self.global_holder is None:
            raise RuntimeError("TenantPolicies.start() was not called")
        return self.global_holder

    # -- reading --------------------------------------------------------------------------

    def holder_for(self, tenant: str | None) -> GuardHolder:
        """The holder whose guard judges ``tenant``'s events (``None``: the global one)."""
        if tenant is not None:
            own = self._tenants.get(tenant)
            if own is not None:
                return own
        return self._global()

    def guard_for(self, tenant: str) -> Guard:
        return self.holder_for(tenant).guard

    def tenants(self) -> list[str]:
        return sorted(self._tenants)

    def guards(self) -> list[Guard]:
        return [self._global().guard, *(h.guard for h in list(self._tenants.values()))]

    # -- building -------------------------------------------------------------------------

    def build(
        self, text: str, *, tenant: str | None, name: str, services: Services | None = None
    ) -> tuple[Guard, dict[str, int]]:
        """A guard for ``text`` stored as ``name`` of ``tenant`` (``None``: global), on the
        service's backends unless ``services`` are given, and the stored policies it was
        built from; raises :class:`PolicyError` when invalid."""
        if len(text) > _MAX_POLICY_CHARS:
            raise PolicyError(f"policy is larger than {_MAX_POLICY_CHARS} characters",
                              file=_source(policy_key(name, tenant)))
        deps: dict[str, int] = {}
        policy = load_policy_text(
            text, source=_source(policy_key(name, tenant)), parents=self._lookup(deps)
        )
        if tenant is not None and self.global_holder is not None:
            self._keep_floor(policy)
            # rebuilt (and checked again) whenever the operator's policy changes
            active = self.global_holder.name
            deps.setdefault(active, self.store.latest_number(active))
        return Guard(policy, services=services or self.services), deps

    def _keep_floor(self, policy: Policy) -> None:
        """A tenant's policy keeps every hard rule of the operator's global policy, unchanged:
        those are the platform's floor, whatever a tenant's policy extends."""
        mine = {rule.id: rule for rule in policy.document.rules}
        for rule in self._global().guard.policy.document.rules:
            if rule.hard and mine.get(rule.id) != rule:
                raise policy.error(
                    f"hard rule {rule.id!r} of the operator's policy is missing or changed; "
                    "a tenant's policy keeps every one (extend a pack or the operator's policy)",
                    ("rules",),
                )

    def _lookup(self, deps: dict[str, int]) -> ParentLookup:
        """``extends`` as described above: the asking document's own tenant's policy, the
        global one (or the active policy from a file), the pack, skipping the chain itself.
        Every stored name looked at goes into ``deps`` with the version found (0: none), so
        storing it later rebuilds."""

        def find(ref: str, chain: tuple[str, ...]) -> tuple[str, str] | None:
            child = chain[-1]
            if child.startswith("builtin:"):
                return pack_source(ref) if ref in PACKS else None
            asking = _tenant_of(child)
            places = [asking, None] if asking is not None else [None]
            for tenant in places:
                key = policy_key(ref, tenant)
                if _source(key) in chain:
                    continue  # ``name: X`` with ``extends: X`` builds on the next one out
                found = self.store.latest(ref, tenant=tenant)
                deps[key] = found.version if found is not None else 0
                if found is not None:
                    return found.text, _source(key)
                if tenant is None and (active := self._active_document(ref)) is not None:
                    return active, _source(key)
            return pack_source(ref) if ref in PACKS else None

        return find

    def _active_document(self, ref: str) -> str | None:
        """The active global policy as a parent, when it came from a file (not stored)."""
        holder = self.global_holder
        if holder is None or holder.name != ref:
            return None
        policy: Policy = holder.guard.policy
        if policy.source.startswith("builtin:"):
            return None  # the pack itself
        return json.dumps(policy.document.model_dump(mode="json", exclude_none=True))

    # -- changing -------------------------------------------------------------------------

    def put(self, name: str, text: str, *, tenant: str | None, author: str) -> tuple[int, bool]:
        """Validate, store as the next version and, if ``name`` is the active policy, make it
        ``tenant``'s (``None``: everyone's without its own). Returns ``(version, active)``;
        raises :class:`PolicyError` for an invalid document or one named otherwise."""
        guard, deps = self.build(text, tenant=tenant, name=name)
        if guard.policy.name != name:
            found = guard.policy.name
            guard.close()
            raise PolicyNameMismatch(f"the document is named {found!r}, not {name!r}",
                                     key="name")
        try:
            saved = self.store.save(name, text, label=guard.policy.label, author=author,
                                    tenant=tenant)
        except AimdsError:
            guard.close()
            raise
        active = name == self.active
        if active:
            self._install(tenant, guard, saved.version, deps)
        else:
            guard.close()
        self._rebuild_stale(self.store.heads())
        return saved.version, active

    def _install(self, tenant: str | None, guard: Guard, version: int, deps: dict[str, int],
                 *, rebuilt: bool = False) -> None:
        if tenant is None:
            self._global().swap(guard, version, deps=deps, rebuilt=rebuilt)
            return
        with self._lock:
            holder = self._tenants.get(tenant)
            if holder is None:
                self._tenants[tenant] = GuardHolder(
                    guard, name=self.active, version=version, tenant=tenant, owner=self,
                    deps=deps,
                )
                return
        holder.swap(guard, version, deps=deps, rebuilt=rebuilt)

    def refresh(self) -> list[str]:
        """Take in versions stored elsewhere (another process, the CLI): new versions of the
        active policy, tenants' first own versions, and guards whose parents changed.
        Returns what changed (``global`` or tenant names); see :meth:`_reload` for a
        version that no longer builds."""
        heads = self.store.heads()
        active = self.active
        changed: list[str] = []
        for key, version in heads.items():
            owner, _, name = key.rpartition("/")
            if name != active:
                continue
            tenant = owner or None
            current = self._global() if tenant is None else self._tenants.get(tenant)
            stale = current is None or version > current.version
            if stale and not self._known_broken(tenant, version, heads) and self._reload(tenant):
                changed.append(tenant or "global")
        changed += [t for t in self._rebuild_stale(heads) if t not in changed]
        return changed

    def _rebuild_stale(self, heads: Mapping[str, int]) -> list[str]:
        """Rebuild the guards built on a stored policy that has a newer version now."""
        holders = [(None, self._global()), *list(self._tenants.items())]
        done = []
        for tenant, holder in holders:
            moved = any(heads.get(key, 0) > version for key, version in holder.deps.items())
            if moved and self._reload(tenant, rebuilt=True):
                done.append(tenant or "global")
        return done

    def _known_broken(self, tenant: str | None, version: int, heads: Mapping[str, int]) -> bool:
        return (tenant, version, heads.get(self.active, 0)) in self._broken

    def _reload(self, tenant: str | None, *, rebuilt: bool = False) -> bool:
        """Build ``tenant``'s newest stored version and make it active. When it no longer
        builds (its parents changed under it): the global policy keeps its guard, a tenant
        falls back to the global policy, since the operator's hard rules are the floor."""
        stored = self.store.latest(self.active, tenant=tenant)
        if stored is None:
            return False
        try:
            guard, deps = self.build(stored.text, tenant=tenant, name=self.active)
        except AimdsError as exc:
            self._broken.add((tenant, stored.version, self.store.latest_number(self.active)))
            if tenant is None:
                log.warning("global policy %s version %d does not build (%s); keeping the "
                            "one in use", self.active, stored.version, type(exc).__name__)
                return False
            with self._lock:
                dropped = self._tenants.pop(tenant, None)
            if dropped is not None:
                _close_later(dropped.guard)
            log.warning("policy %s version %d of tenant %s does not build (%s); the tenant "
                        "runs the global policy", self.active, stored.version, tenant,
                        type(exc).__name__)
            return dropped is not None
        self._install(tenant, guard, stored.version, deps, rebuilt=rebuilt)
        return True

    def close(self) -> None:
        for guard in self.guards():
            guard.close()


def _source(key: str) -> str:
    return _SOURCE + key


def _tenant_of(source: str) -> str | None:
    if not source.startswith(_SOURCE):
        return None
    owner, _, _ = source[len(_SOURCE):].rpartition("/")
    return owner or None


def _policy_name(ref: str) -> str:
    """The stored name for a policy reference: a pack name as is, a file by its document name."""
    if "/" not in ref and not ref.endswith((".yaml", ".yml", ".json")):
        return ref
    from aimds.policy import load_policy

    return load_policy(ref).name
