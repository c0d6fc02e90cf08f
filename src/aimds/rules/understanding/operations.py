"""Structured tool calls read as the command line they amount to.

``docker_run {"image": "acme/api:1.4.2", "env": {...}}`` is ``docker run -e ... acme/api:1.4.2``
and ``terraform_apply {"dir": "infra/staging", "auto_approve": false}`` is
``terraform -chdir=infra/staging apply``: the guard already understands those commands
(privileged containers, host mounts, ``terraform destroy``...), so a tool that wraps one is
judged as that command is, no more leniently and no more strictly.

The reading is all or nothing: :func:`operation_command` returns the command line only when
the tool's name picks a program and an operation and *every* argument is one this module
knows how to render. An argument it does not know (``security_opt``, ``userns_mode``,
``hooks``...) may change what runs, so the call stays unknown (the policy's unknown-tool
default applies) rather than be judged on the part that was understood.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from aimds.rules.understanding.tools import name_words

__all__ = ["operation_command"]

_MAX_ITEMS = 64


class _Unknown(Exception):
    """An argument value of a shape the renderer does not know."""


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Unknown
    return str(value)


def _items(value: Any) -> list[str]:
    """A list of strings, or a mapping as ``key=value`` (env), or one string."""
    if isinstance(value, Mapping):
        return [f"{_text(k)}={_text(v)}" for k, v in list(value.items())[:_MAX_ITEMS]]
    if isinstance(value, list | tuple):
        return [_text(v) for v in value[:_MAX_ITEMS]]
    return [_text(value)]


def _pairs(value: Any, sep: str) -> list[str]:
    """Volumes or ports: ``["/src:/dst"]`` or ``{"/src": "/dst"}`` (a dict value may be
    docker-py's ``{"bind": "/dst", "mode": "ro"}``)."""
    if isinstance(value, Mapping):
        out = []
        for k, v in list(value.items())[:_MAX_ITEMS]:
            if isinstance(v, Mapping):
                v = v.get("bind", v.get("target", ""))
            out.append(f"{_text(k)}{sep}{_text(v)}")
        return out
    return _items(value)


def _argv(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError:
            raise _Unknown from None
    return _items(value)


Render = Callable[[Any], list[str]]


def _flag(flag: str) -> Render:
    """A boolean option: present when true."""

    def render(value: Any) -> list[str]:
        if not isinstance(value, bool):
            raise _Unknown
        return [flag] if value else []

    return render


def _option(flag: str, items: Callable[[Any], list[str]] = _items) -> Render:
    def render(value: Any) -> list[str]:
        if value is None:
            return []
        return [word for item in items(value) for word in (flag, item)]

    return render


def _nothing(value: Any) -> list[str]:
    """A setting that changes nothing about what runs or where (a label, a CPU limit)."""
    _ = value
    return []


@dataclass(frozen=True, slots=True)
class _Program:
    """A program a tool may wrap: the name words that pick it, the operations its verb
    words pick, the argument renderers and the positional arguments in order."""

    argv0: str
    names: frozenset[str]
    operations: Mapping[str, str]
    options: Mapping[str, Render]
    positional: tuple[str, ...]
    place: Callable[[str, str], list[str]]


def _docker_place(operation: str, positional: str) -> list[str]:
    _ = positional
    return [operation]


def _terraform_place(operation: str, directory: str) -> list[str]:
    return ([f"-chdir={directory}"] if directory else []) + [operation]


_DOCKER = _Program(
    argv0="docker",
    names=frozenset({"docker", "podman", "container", "containers"}),
    operations=MappingProxyType({"run": "run", "start": "run", "launch": "run",
                                 "create": "create"}),
    options=MappingProxyType({
        "env": _option("-e"), "environment": _option("-e"), "env_vars": _option("-e"),
        "volumes": _option("-v", lambda v: _pairs(v, ":")),
        "volume": _option("-v", lambda v: _pairs(v, ":")),
        "mounts": _option("-v", lambda v: _pairs(v, ":")),
        "binds": _option("-v", lambda v: _pairs(v, ":")),
        "ports": _option("-p", lambda v: _pairs(v, ":")),
        "privileged": _flag("--privileged"),
        "network": _option("--network"), "network_mode": _option("--network"),
        "net": _option("--network"),
        "pid": _option("--pid"), "pid_mode": _option("--pid"),
        "ipc": _option("--ipc"), "ipc_mode": _option("--ipc"),
        "cap_add": _option("--cap-add"), "devices": _option("--device"),
        "device": _option("--device"),
        "user": _option("--user"), "name": _option("--name"),
        "workdir": _option("-w"), "working_dir": _option("-w"),
        "entrypoint": _option("--entrypoint"),
        "platform": _option("--platform"), "restart": _option("--restart"),
        "detach": _flag("-d"), "remove": _flag("--rm"), "rm": _flag("--rm"),
        "auto_remove": _flag("--rm"),
        "labels": _nothing, "cpus": _nothing, "memory": _nothing, "mem_limit": _nothing,
        "tty": _nothing, "interactive": _nothing, "stdin_open": _nothing,
        "pull": _nothing, "timeout": _nothing,
    }),
    positional=("image", "command", "cmd", "args"),
    place=_docker_place,
)  # fmt: skip

_TERRAFORM = _Program(
    argv0="terraform",
    names=frozenset({"terraform", "tofu", "opentofu", "tf"}),
    operations=MappingProxyType({"plan": "plan", "apply": "apply", "destroy": "destroy",
                                 "init": "init", "validate": "validate", "fmt": "fmt",
                                 "output": "output", "show": "show"}),
    options=MappingProxyType({
        "auto_approve": _flag("-auto-approve"), "destroy": _flag("-destroy"),
        "refresh_only": _flag("-refresh-only"),
        "vars": _option("-var"), "variables": _option("-var"), "var": _option("-var"),
        "var_file": _option("-var-file"), "var_files": _option("-var-file"),
        "target": _option("-target"), "targets": _option("-target"),
        "replace": _option("-replace"),
        "workspace": _nothing, "plan_file": _option("-out"), "out": _option("-out"),
        "lock": _nothing, "input": _nothing, "parallelism": _nothing,
    }),
    positional=("dir", "directory", "working_dir", "path", "chdir", "workdir"),
    place=_terraform_place,
)  # fmt: skip

_PROGRAMS = (_DOCKER, _TERRAFORM)


def operation_command(tool: str, args: Mapping[str, Any]) -> str | None:
    """The command line ``tool(**args)`` amounts to, or ``None`` when the name picks no
    program and operation or an argument is not understood."""
    words = name_words(tool)
    found = set(words)
    for program in _PROGRAMS:
        if found.isdisjoint(program.names):
            continue
        verbs = [program.operations[w] for w in words if w in program.operations]
        if len(set(verbs)) != 1 or not found <= program.names | set(program.operations) | {"tool"}:
            return None
        try:
            return _render(program, verbs[0], args)
        except _Unknown:
            return None
    return None


def _render(program: _Program, operation: str, args: Mapping[str, Any]) -> str | None:
    options: list[str] = []
    positional: dict[str, list[str]] = {}
    for raw_key, value in args.items():
        key = str(raw_key).lower()
        if key in program.positional:
            positional[key] = _argv(value) if key in ("command", "cmd", "args") else [
                _text(value)
            ]
        elif key in program.options:
            options.extend(program.options[key](value))
        else:
            return None  # an argument that may change what runs: not understood
    if program is _DOCKER:
        image = positional.get("image")
        if not image:
            return None
        tail = image + positional.get("command", positional.get("cmd", positional.get("args", [])))
        return shlex.join([program.argv0, *program.place(operation, ""), *options, *tail])
    directory = next((v[0] for k in program.positional if (v := positional.get(k))), "")
    return shlex.join([program.argv0, *program.place(operation, directory), *options])
