"""Tool calls with varied tool and argument names.

A guard that reads ``args["command"]`` only when the tool is called ``shell`` is beaten by
an agent framework that calls it ``terminal`` with ``input``. Each tool family here has
several spellings that real frameworks use; :func:`render` draws one with the ``rng``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from aimds.redteam.payloads import ActionSpec, fill

__all__ = ["FAMILIES", "render"]

FAMILIES: tuple[str, ...] = ("shell", "sql", "file", "http")

_SHELL = (
    ("shell", "command"),
    ("bash", "cmd"),
    ("run_command", "command"),
    ("terminal", "input"),
    ("exec", "script"),
    ("run_shell", "cmd"),
)
_SQL = (
    ("sql", "query"),
    ("run_sql", "sql"),
    ("query_db", "query"),
    ("execute_sql", "statement"),
    ("db_query", "q"),
)
_FILE: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "read": (
        ("read_file", "path"),
        ("file_read", "file"),
        ("open_file", "filename"),
        ("fs_read", "target"),
    ),
    "delete": (
        ("delete_file", "path"),
        ("remove_file", "filename"),
        ("fs_delete", "target"),
        ("unlink", "file"),
    ),
    "write": (
        ("write_file", "path", "content"),
        ("save_file", "filename", "text"),
        ("fs_write", "target", "data"),
        ("create_file", "file", "body"),
    ),
    "copy": (
        ("copy_file", "src", "dst"),
        ("fs_copy", "source", "destination"),
        ("cp", "from", "to"),
    ),
}
_HTTP = (
    ("http_request", "url", "method", "body"),
    ("fetch", "url", "method", "data"),
    ("api_call", "endpoint", "method", "payload"),
    ("http_client", "uri", "verb", "json"),
)
_HTTP_GET = (("http_get", "url"), ("fetch_url", "url"), ("web_fetch", "link"))


def render(
    spec: ActionSpec, rng: random.Random, memo: dict[str, str] | None = None
) -> tuple[str, dict[str, Any], str]:
    """``(tool, args, summary)`` for ``spec`` with its slots filled; ``summary`` is the
    action written out (``shell: rm -rf /srv``), the case's payload. ``memo`` as for
    :func:`~aimds.redteam.payloads.fill`."""

    def f(s: str) -> str:
        return fill(s, rng, memo)

    family, _, op = spec.family.partition(".")
    if family == "shell":
        tool, arg = rng.choice(_SHELL)
        command = f(spec.command)
        return tool, {arg: command}, f"shell: {command}"
    if family == "sql":
        tool, arg = rng.choice(_SQL)
        statement = f(spec.command)
        return tool, {arg: statement}, f"sql: {statement}"
    if family == "file":
        names = rng.choice(_FILE[op])
        path = f(spec.path)
        args: dict[str, Any] = {names[1]: path}
        if op == "write":
            args[names[2]] = f(spec.content)
        if op == "delete" and rng.random() < 0.5:
            args["recursive"] = True
        if op == "copy":
            args[names[2]] = f(spec.target)
            return names[0], args, f"file {op}: {path} -> {args[names[2]]}"
        return names[0], args, f"file {op}: {path}"
    if family == "http":
        url = f(spec.url)
        if spec.method == "GET" and not spec.body and rng.random() < 0.5:
            tool, arg = rng.choice(_HTTP_GET)
            return tool, {arg: url}, f"http GET {url}"
        tool, url_arg, method_arg, body_arg = rng.choice(_HTTP)
        args = {method_arg: spec.method, url_arg: url}
        if spec.body:
            args[body_arg] = f(spec.body)
        return tool, args, f"http {spec.method} {url}"
    raise ValueError(f"unknown action family {spec.family!r}")
