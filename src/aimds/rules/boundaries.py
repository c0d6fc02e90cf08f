"""Path and network boundaries applied to one tool call.

Paths come from path-like arguments (``paths.arg_names``) and from the paths the taxonomy
found in the call (``ActionInfo.resources``, e.g. files named in a shell command); hosts
from URL/host arguments (``network.arg_names``), from any top-level argument that is a
whole URL, and from URLs and hosts among the resources. Each is judged once with
:class:`~aimds.rules.paths.PathRules`, :func:`~aimds.rules.paths.classify_path` and
:class:`~aimds.rules.network.NetworkRules`; the canonical paths and hosts are returned so
rules with ``paths:``/``hosts:`` selectors can match them.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aimds.policy.sections.actions import NetworkSection, PathsSection
from aimds.rules.matchers import PatternSet, path_glob_regex
from aimds.rules.network import DEFAULT_DENIED_KINDS, NetworkRules
from aimds.rules.paths import (
    LexicalPath,
    PathCheck,
    PathRules,
    SensitivePlace,
    classify_path,
    is_public_system_info,
)
from aimds.rules.understanding.network import is_secret_reference
from aimds.rules.understanding.values import looks_like_source
from aimds.types import ActionInfo, Finding, Severity, Verdict

__all__ = ["BoundaryPlan", "Boundaries", "Touched"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_PATHISH = re.compile(r"^(?:/|~|\.{1,2}/|[A-Za-z]:[\\/]|file:|\$)")
# Resources the taxonomy reports: canonical paths, hosts (dotted names, IPv4, IPv6),
# recipients (``a@b``) and ``table:<name>``. Shell wildcards such as ``~/*`` stay unjudged.
_WIDE = re.compile(r"^(?:~|\$\{?HOME\}?)?/?\*?$")
# (an IPv6 address has two colons at least: ``19:abc``, a chat id, is no address)
_HOSTISH = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z0-9-]+(?::\d+)?$|^[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*$")
_PRIVATE_KINDS = frozenset({"private", "loopback", "link_local", "shared"})
_MAX_VALUES = 64
_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class Touched:
    """What one call touches: canonical paths and canonical hosts (for rule selectors)."""

    paths: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()

    def __init__(self, *, paths: tuple[str, ...] = (), hosts: tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "paths", paths)
        object.__setattr__(self, "hosts", hosts)


_NOTHING = Touched()


@dataclass(frozen=True, slots=True, init=False)
class _PathItem:
    """One path of a call, judged lexically; ``findings`` are those of that judgement;
    ``public_read``: the call only reads (public system information stays unflagged)."""

    name: str | None
    lexical: LexicalPath
    findings: tuple[Finding, ...]
    public_read: bool = field(default=False, kw_only=True)

    def __init__(
        self,
        name: str | None,
        lexical: LexicalPath,
        findings: tuple[Finding, ...],
        *,
        public_read: bool = False,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "lexical", lexical)
        object.__setattr__(self, "findings", findings)
        object.__setattr__(self, "public_read", public_read)


@dataclass(frozen=True, slots=True, init=False)
class BoundaryPlan:
    """The filesystem-free part of judging one call's boundaries (a pure function of the
    arguments and the action, so it may be cached): host findings, and paths judged as
    written, which :meth:`Boundaries.run` still resolves on every call."""

    paths: tuple[_PathItem, ...] = ()
    host_findings: tuple[Finding, ...] = ()
    hosts: tuple[str, ...] = ()
    touched: Touched = _NOTHING

    def __init__(
        self,
        paths: tuple[_PathItem, ...] = (),
        host_findings: tuple[Finding, ...] = (),
        hosts: tuple[str, ...] = (),
        touched: Touched = _NOTHING,
    ) -> None:
        object.__setattr__(self, "paths", paths)
        object.__setattr__(self, "host_findings", host_findings)
        object.__setattr__(self, "hosts", hosts)
        object.__setattr__(self, "touched", touched)
    """The result when every path resolves to its lexical form (the usual case)."""


_EMPTY_PLAN = BoundaryPlan()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value[:_MAX_VALUES] if isinstance(v, str)]
    return []


class Boundaries:
    """Compiled path and network boundaries of one policy; thread-safe.

    :meth:`plan` does everything that does not need the filesystem (cacheable per call
    shape); :meth:`run` resolves the paths (symlinks) and returns what the call touches.
    Findings are built once per distinct (rule, argument, reason) and then reused.
    """

    def __init__(
        self, paths: PathsSection, network: NetworkSection, *, review_timeout: float = 300.0
    ) -> None:
        self._review_timeout = review_timeout
        self.cwd = paths.cwd or default_workspace()
        self.home = paths.home or os.path.expanduser("~")
        self._path_args = tuple(paths.arg_names)
        self._path_set = frozenset(paths.arg_names)
        self._net_args = frozenset(network.arg_names)
        self._path_rules = PathRules(
            [g.replace("{cwd}", self.cwd) for g in paths.allow],
            [g.replace("{cwd}", self.cwd) for g in paths.deny],
            cwd=self.cwd,
            home=self.home,
        )
        self._confined = bool(paths.allow)
        self._sensitive = paths.sensitive
        self._exceptions = PatternSet(
            [
                (path_glob_regex(g, cwd=self.cwd, home=self.home), g)
                for g in paths.sensitive_exceptions
            ]
        )
        self._path_action = paths.action
        deny_kinds = (
            DEFAULT_DENIED_KINDS - _PRIVATE_KINDS if network.allow_private else DEFAULT_DENIED_KINDS
        )
        self._confine_all = network.confine and not network.allow_hosts
        self._net_rules = NetworkRules(
            allow_hosts=network.allow_hosts,  # unconfined: they lift private denials only
            deny_hosts=network.deny_hosts,
            allow_ports=network.ports,
            deny_ports=network.deny_ports,
            deny_kinds=deny_kinds,
            confine=network.confine,
        )
        self._net_action = network.action
        self._place = functools.lru_cache(maxsize=_CACHE_SIZE)(self._place_uncached)
        self._path_findings = functools.lru_cache(maxsize=_CACHE_SIZE)(self._path_findings_of)
        self._host_findings = functools.lru_cache(maxsize=_CACHE_SIZE)(self._host_findings_of)

    def check(
        self, args: Mapping[str, Any], action: ActionInfo, findings: list[Finding]
    ) -> Touched:
        """Judge every path and destination of the call; append findings; return them."""
        return self.run(self.plan(args, action), findings)

    def plan(self, args: Mapping[str, Any], action: ActionInfo) -> BoundaryPlan:
        """Collect and judge, without the filesystem, every path and host of the call."""
        raw_paths: list[tuple[str | None, str]] = []
        raw_hosts: list[tuple[str | None, str]] = []
        if not self._path_set.isdisjoint(args.keys()):
            for name in self._path_args:
                value = args.get(name)
                if value is not None:
                    raw_paths.extend((name, v) for v in _strings(value) if not _is_code(v))
        net_args = self._net_args
        for name, value in args.items():
            # a local file URL (file:///x) names a path, judged as such through the action's
            # resources, not an unusable network destination
            if name in net_args:
                raw_hosts.extend(
                    (name, v)
                    for v in _strings(value)
                    if v[:8].lower() != "file:///" and not _relative_file(v, action)
                )
            elif (
                type(value) is str
                and "://" in value
                and _URL.match(value)
                and not is_secret_reference(value)  # vault://ci/token names no host
                and value[:8].lower() != "file:///"
            ):
                raw_hosts.append((name, value))
        for resource in action.resources[:_MAX_VALUES]:
            if _PATHISH.match(resource):
                if not _WIDE.match(resource):
                    raw_paths.append((None, resource))
            elif "://" in resource or _HOSTISH.match(resource):
                raw_hosts.append((None, resource))
        if not raw_paths and not raw_hosts:
            return _EMPTY_PLAN
        items: list[_PathItem] = []
        seen: set[str] = set()
        reads_only = _reads_only(action)
        for arg, raw in raw_paths:
            lexical = self._path_rules.lexical(raw)
            path = lexical.check.path
            if path:
                if path in seen:
                    continue  # the same path named twice (an argument and a resource)
                seen.add(path)
            found = self._path_findings(arg, lexical.check)
            if reads_only and is_public_system_info(path):
                found = _without_system(found)
            items.append(_PathItem(arg, lexical, found, public_read=reads_only))
        host_findings: list[Finding] = []
        hosts: list[str] = []
        for arg, raw in raw_hosts:
            host, found = self._host_findings(arg, raw)
            host_findings.extend(found)
            if host:
                hosts.append(host)
        return BoundaryPlan(
            paths=tuple(items),
            host_findings=tuple(host_findings),
            hosts=tuple(hosts),
            touched=Touched(
                paths=tuple(i.lexical.check.path for i in items if i.lexical.check.path),
                hosts=tuple(hosts),
            ),
        )

    def run(self, plan: BoundaryPlan, findings: list[Finding]) -> Touched:
        """Resolve the plan's paths (symlinks, on every call), append all findings."""
        if plan is _EMPTY_PLAN:
            return _NOTHING
        moved = False
        resolve = self._path_rules.resolve
        paths: list[str] = []
        for item in plan.paths:
            lexical = item.lexical
            check = resolve(lexical)
            if check is lexical.check:
                findings.extend(item.findings)
            else:
                moved = True
                findings.extend(self._moved_findings(item, check))
            if check.path:
                paths.append(check.path)
        findings.extend(plan.host_findings)
        if not moved:
            return plan.touched
        return Touched(paths=tuple(paths), hosts=plan.hosts)

    def _moved_findings(self, item: _PathItem, check: PathCheck) -> tuple[Finding, ...]:
        """Findings for a path whose symlinks lead elsewhere: the resolved path's own,
        plus the lexical path's sensitive-place finding where it has one."""
        found = self._path_findings(item.name, check)
        if item.public_read and is_public_system_info(check.path):
            found = _without_system(found)  # /etc/os-release -> /usr/lib/os-release
        if any(f.rule.startswith("path.credential") or f.rule == "path.system" for f in found):
            return found
        lexical = tuple(
            f
            for f in item.findings
            if f.rule.startswith("path.credential") or f.rule == "path.system"
        )
        return found + lexical

    def _place_uncached(self, path: str) -> SensitivePlace | None:
        if not self._sensitive or self._exceptions.match(path):
            return None
        return classify_path(path, home=self.home)

    def _path_findings_of(self, name: str | None, result: PathCheck) -> tuple[Finding, ...]:
        where = _where(name)
        if not result.path:
            return (
                self._finding(
                    "path.invalid", "path", f"unusable path {where}", self._path_action, name
                ),
            )
        out: list[Finding] = []
        if not result.allowed:
            if result.matched is not None:
                message = f"path {where} is denied by paths.deny {result.matched!r}"
                rule = "path.denied"
            else:
                message = f"path {where} is outside the allowed paths (paths.allow)"
                rule = "path.outside"
            out.append(self._finding(rule, "path", message, self._path_action, name))
        place = self._place(result.path)
        if place is not None:
            rule = "path.credential_store" if place.credential_store else "path.system"
            message = f"path {where} is a sensitive place: {place.description}"
            out.append(self._finding(rule, "path", message, self._path_action, name))
        return tuple(out)

    def _host_findings_of(self, name: str | None, raw: str) -> tuple[str, tuple[Finding, ...]]:
        where = _where(name)
        result = self._net_rules.check(raw)
        dest = result.destination
        if dest is None:
            return "", (
                self._finding(
                    "network.invalid",
                    "network",
                    f"unusable destination {where}",
                    self._net_action,
                    name,
                ),
            )
        if not result.allowed:
            rule = "network.metadata" if dest.kind == "metadata" else "network.denied"
            return dest.host, (
                self._finding(
                    rule,
                    "network",
                    f"destination {where} denied: {result.reason}",
                    self._net_action,
                    name,
                ),
            )
        if self._confine_all:
            return dest.host, (
                self._finding(
                    "network.outside",
                    "network",
                    f"destination {where} is not in network.allow_hosts (confined, none allowed)",
                    self._net_action,
                    name,
                ),
            )
        return dest.host, ()

    def _finding(
        self, rule: str, category: str, message: str, action: Verdict, name: str | None
    ) -> Finding:
        details: dict[str, Any] = {"argument": name} if name is not None else {}
        if action is Verdict.REVIEW:
            details["timeout_s"] = self._review_timeout
        return Finding(
            rule=rule,
            category=category,
            severity=Severity.HIGH if action is Verdict.BLOCK else Severity.MEDIUM,
            message=message,
            action=action,
            stage="rules",
            details=details,
        )


# What reads files without changing them: a write anywhere in the call makes its type fs:write
# (or stronger), so a public system file read by these is only read
_READ_TYPES = frozenset({"fs:read", "fs:list", "shell:exec", "code:exec"})


def _reads_only(action: ActionInfo) -> bool:
    """Whether the call only reads the files it names (see ``PUBLIC_SYSTEM_INFO``)."""
    return action.type in _READ_TYPES and not action.destructive


def _without_system(found: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(f for f in found if f.rule != "path.system")


def _is_code(value: str) -> bool:
    """Python under a path-like name (``source``) is code, not an unusable path."""
    return looks_like_source(value)


def _where(name: str | None) -> str:
    return f"in argument {name!r}" if name is not None else "named in the call"


def _relative_file(value: str, action: ActionInfo) -> bool:
    """A file tool's ``uri`` without a scheme whose first segment is no host name
    (``src/components/../hooks/x.ts``), or a bare file name (``Dockerfile``, ``README.md``;
    not an address or ``host:port``): a relative path, judged as the action's path."""
    if not action.type.startswith("fs:") or "://" in value:
        return False
    if "/" not in value:
        return ":" not in value and not _ADDRESS_LITERAL.match(value)
    head = value.split("/", 1)[0]
    return head in ("", ".", "..") or ("." not in head and ":" not in head)


_ADDRESS_LITERAL = re.compile(r"^\[?[0-9a-fA-Fx.:]+\]?$")


def default_workspace() -> str:
    """Where relative paths resolve when the policy names no ``paths.cwd``: the
    ``AIMDS_WORKSPACE`` environment variable (``aimds serve`` sets it, so a remote agent's
    ``rm -rf build`` is never read against the server's own working directory), else this
    process's working directory (an agent running the library in its own workspace)."""
    return os.environ.get("AIMDS_WORKSPACE") or os.getcwd()
