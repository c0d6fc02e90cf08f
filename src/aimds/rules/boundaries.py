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

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aimds.policy.sections.actions import NetworkSection, PathsSection
from aimds.rules.matchers import PatternSet, path_glob_regex
from aimds.rules.network import DEFAULT_DENIED_KINDS, NetworkRules
from aimds.rules.paths import PathRules, classify_path
from aimds.types import ActionInfo, Finding, Severity, Verdict

__all__ = ["Boundaries", "Touched"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_PATHISH = re.compile(r"^(?:/|~|\.{1,2}/|[A-Za-z]:[\\/]|file:|\$)")
# Resources the taxonomy reports: canonical paths, hosts (dotted names, IPv4, IPv6),
# recipients (``a@b``) and ``table:<name>``. Shell wildcards such as ``~/*`` stay unjudged.
_WIDE = re.compile(r"^(?:~|\$\{?HOME\}?)?/?\*?$")
_HOSTISH = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z0-9-]+(?::\d+)?$|^[0-9a-f:]*:[0-9a-f:.]+$")
_PRIVATE_KINDS = frozenset({"private", "loopback", "link_local", "shared"})
_MAX_VALUES = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class Touched:
    """What one call touches: canonical paths and canonical hosts (for rule selectors)."""

    paths: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()


_NOTHING = Touched()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value[:_MAX_VALUES] if isinstance(v, str)]
    return []


class Boundaries:
    """Compiled path and network boundaries of one policy; thread-safe."""

    def __init__(
        self, paths: PathsSection, network: NetworkSection, *, review_timeout: float = 300.0
    ) -> None:
        self._review_timeout = review_timeout
        self.cwd = paths.cwd or os.getcwd()
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
            allow_hosts=network.allow_hosts if network.confine else (),
            deny_hosts=network.deny_hosts,
            allow_ports=network.ports,
            deny_ports=network.deny_ports,
            deny_kinds=deny_kinds,
        )
        self._net_action = network.action

    def check(
        self, args: Mapping[str, Any], action: ActionInfo, findings: list[Finding]
    ) -> Touched:
        """Judge every path and destination of the call; append findings; return them."""
        raw_paths: list[tuple[str | None, str]] = []
        raw_hosts: list[tuple[str | None, str]] = []
        keys = args.keys()
        if not self._path_set.isdisjoint(keys):
            for name in self._path_args:
                value = args.get(name)
                if value is not None:
                    raw_paths.extend((name, v) for v in _strings(value))
        for name, value in args.items():
            if name in self._net_args:
                raw_hosts.extend((name, v) for v in _strings(value))
            elif type(value) is str and "://" in value and _URL.match(value):
                raw_hosts.append((name, value))
        for resource in action.resources[:_MAX_VALUES]:
            if _PATHISH.match(resource):
                if not _WIDE.match(resource):
                    raw_paths.append((None, resource))
            elif "://" in resource or _HOSTISH.match(resource):
                raw_hosts.append((None, resource))
        if not raw_paths and not raw_hosts:
            return _NOTHING
        paths = tuple(self._check_path(n, v, findings) for n, v in raw_paths)
        hosts = tuple(self._check_host(n, v, findings) for n, v in raw_hosts)
        return Touched(paths=tuple(p for p in paths if p), hosts=tuple(h for h in hosts if h))

    def _check_path(self, name: str | None, raw: str, findings: list[Finding]) -> str:
        where = _where(name)
        result = self._path_rules.check(raw)
        if not result.path:
            findings.append(
                self._finding(
                    "path.invalid", "path", f"unusable path {where}", self._path_action, name
                )
            )
            return ""
        if not result.allowed:
            if result.matched is not None:
                message = f"path {where} is denied by paths.deny {result.matched!r}"
                rule = "path.denied"
            else:
                message = f"path {where} is outside the allowed paths (paths.allow)"
                rule = "path.outside"
            findings.append(self._finding(rule, "path", message, self._path_action, name))
        if self._sensitive and not self._exceptions.match(result.path):
            place = classify_path(result.path, home=self.home)
            if place is not None:
                rule = "path.credential_store" if place.credential_store else "path.system"
                message = f"path {where} is a sensitive place: {place.description}"
                findings.append(self._finding(rule, "path", message, self._path_action, name))
        return result.path

    def _check_host(self, name: str | None, raw: str, findings: list[Finding]) -> str:
        where = _where(name)
        result = self._net_rules.check(raw)
        dest = result.destination
        if dest is None:
            findings.append(
                self._finding(
                    "network.invalid",
                    "network",
                    f"unusable destination {where}",
                    self._net_action,
                    name,
                )
            )
            return ""
        if not result.allowed:
            rule = "network.metadata" if dest.kind == "metadata" else "network.denied"
            findings.append(
                self._finding(
                    rule,
                    "network",
                    f"destination {where} denied: {result.reason}",
                    self._net_action,
                    name,
                )
            )
        elif self._confine_all:
            findings.append(
                self._finding(
                    "network.outside",
                    "network",
                    f"destination {where} is not in network.allow_hosts (confined, none allowed)",
                    self._net_action,
                    name,
                )
            )
        return dest.host

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


def _where(name: str | None) -> str:
    return f"in argument {name!r}" if name is not None else "named in the call"
