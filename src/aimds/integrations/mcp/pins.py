"""Tool-definition pins: what a server's tools looked like when they were first seen or
accepted, and what changed since.

A *definition* is the part of an MCP tool the model reads or relies on: ``name``,
``title``, ``description``, ``inputSchema``, ``outputSchema`` and ``annotations``. Its
digest is SHA-256 over the canonical JSON of those fields. A pin file (JSON, written
atomically) keeps per server the accepted definitions and the last *pending* definition
of each tool that changed, so ``aimds mcp pin --accept TOOL`` can accept exactly what the
gateway saw::

    {"version": 1, "servers": {"files": {"tools": {"read": {...definition, "digest",
     "pinned": ts}}, "pending": {"read": {...definition, "digest", "seen": ts}}}}}

:func:`compare` is pure: pinned definitions and a listing in, :class:`ToolChange` out
(``added``, ``removed``, ``changed``, ``renamed``), each with a readable diff saying which
field changed and which parameter was added, removed or retyped.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aimds.errors import ConfigError

__all__ = [
    "PIN_FILE_VERSION",
    "PinStore",
    "ToolChange",
    "ToolDefinition",
    "compare",
    "describe_changes",
]

PIN_FILE_VERSION = 1
_FIELDS = ("name", "title", "description", "inputSchema", "outputSchema", "annotations")
_SHOWN = 120  # characters of a changed text shown in a diff line

ChangeKind = Literal["added", "removed", "changed", "renamed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolDefinition:
    """One tool as the model sees it (wire field names, JSON values)."""

    name: str
    description: str = ""
    input_schema: Mapping[str, Any] = field(default_factory=dict)
    title: str | None = None
    output_schema: Mapping[str, Any] | None = None
    annotations: Mapping[str, Any] | None = None

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> ToolDefinition:
        """From a ``tools/list`` entry or a pin-file record (camelCase keys)."""
        name = data.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError("a tool definition needs a non-empty string 'name'")
        schema = data.get("inputSchema")
        return cls(
            name=name,
            description=str(data.get("description") or ""),
            input_schema=schema if isinstance(schema, Mapping) else {},
            title=data.get("title") if isinstance(data.get("title"), str) else None,
            output_schema=_mapping_or_none(data.get("outputSchema")),
            annotations=_mapping_or_none(data.get("annotations")),
        )

    def wire(self) -> dict[str, Any]:
        """The pinned fields with wire names; absent optional fields left out."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "inputSchema": dict(self.input_schema),
        }
        if self.title is not None:
            out["title"] = self.title
        if self.output_schema is not None:
            out["outputSchema"] = dict(self.output_schema)
        if self.annotations is not None:
            out["annotations"] = dict(self.annotations)
        return out

    @property
    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(_canonical(self.wire()).encode("utf-8")).hexdigest()

    @property
    def body_digest(self) -> str:
        """The digest without the name: equal bodies under two names mean a rename."""
        body = {k: v for k, v in self.wire().items() if k != "name"}
        return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolChange:
    """How one tool differs from its pin. ``tool`` is the name now listed (for
    ``removed``, the pinned name); ``previous`` the pinned name of a renamed tool."""

    kind: ChangeKind
    tool: str
    diff: tuple[str, ...] = ()
    previous: str | None = None
    digest: str | None = None
    """Digest of the listed definition (``None`` for ``removed``)."""

    @property
    def rule(self) -> str:
        return f"mcp.tool_{self.kind}"

    @property
    def withholds(self) -> bool:
        """A changed or renamed tool is kept from the model until an admin accepts it."""
        return self.kind in ("changed", "renamed")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "kind": self.kind, "tool": self.tool,
                               "diff": list(self.diff)}
        if self.previous is not None:
            out["previous"] = self.previous
        return out


def compare(
    pinned: Mapping[str, ToolDefinition], listed: Sequence[ToolDefinition]
) -> list[ToolChange]:
    """What changed between the pins of one server and the tools it lists now.

    A tool listed under a new name with the body (description and schemas) of a pinned
    tool that is no longer listed is ``renamed``; other new names are ``added``.
    """
    now = {t.name: t for t in listed}
    changes: list[ToolChange] = []
    gone = {name: old for name, old in pinned.items() if name not in now}
    by_body = {old.body_digest: name for name, old in gone.items()}
    for tool in listed:
        old = pinned.get(tool.name)
        if old is None:
            previous = by_body.pop(tool.body_digest, None)
            if previous is not None:
                gone.pop(previous, None)
                changes.append(ToolChange(
                    kind="renamed", tool=tool.name, previous=previous, digest=tool.digest,
                    diff=(f"name: {previous!r} -> {tool.name!r}",),
                ))
            else:
                changes.append(ToolChange(
                    kind="added", tool=tool.name, digest=tool.digest,
                    diff=(f"new tool {tool.name!r}",),
                ))
        elif old.digest != tool.digest:
            changes.append(ToolChange(
                kind="changed", tool=tool.name, digest=tool.digest, diff=diff(old, tool)
            ))
    for name in gone:
        changes.append(ToolChange(kind="removed", tool=name, diff=(f"tool {name!r} not listed",)))
    return changes


def diff(old: ToolDefinition, new: ToolDefinition) -> tuple[str, ...]:
    """Readable lines naming each changed field, and each parameter added, removed or
    changed in the input schema."""
    lines: list[str] = []
    if old.title != new.title:
        lines.append(f"title: {_shown(old.title)} -> {_shown(new.title)}")
    if old.description != new.description:
        lines.append(f"description: {_shown(old.description)} -> {_shown(new.description)}")
    if _canonical(old.input_schema) != _canonical(new.input_schema):
        lines.extend(_schema_diff(old.input_schema, new.input_schema))
    if _canonical(old.output_schema) != _canonical(new.output_schema):
        lines.append("outputSchema changed")
    if _canonical(old.annotations) != _canonical(new.annotations):
        lines.append(
            f"annotations: {_canonical(old.annotations)} -> {_canonical(new.annotations)}"
        )
    return tuple(lines) or ("definition changed",)


def describe_changes(changes: Iterable[ToolChange]) -> str:
    """One block of text for humans: a line per change and its diff lines indented."""
    out: list[str] = []
    for change in changes:
        out.append(f"{change.rule}: {change.tool}")
        out.extend(f"    {line}" for line in change.diff)
    return "\n".join(out)


def _schema_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    old_props = _properties(old)
    new_props = _properties(new)
    old_req = set(_required(old))
    new_req = set(_required(new))
    lines: list[str] = []
    for name in new_props.keys() - old_props.keys():
        kind = "required" if name in new_req else "optional"
        lines.append(
            f"inputSchema: parameter added: {name!r} ({_type_of(new_props[name])}, {kind})"
            + _param_note(new_props[name])
        )
    for name in old_props.keys() - new_props.keys():
        lines.append(f"inputSchema: parameter removed: {name!r}")
    for name in sorted(old_props.keys() & new_props.keys()):
        before, after = old_props[name], new_props[name]
        if _canonical(before) == _canonical(after):
            continue
        if _type_of(before) != _type_of(after):
            lines.append(
                f"inputSchema: parameter {name!r} type: {_type_of(before)} -> {_type_of(after)}"
            )
        b_desc, a_desc = _text(before, "description"), _text(after, "description")
        if b_desc != a_desc:
            lines.append(
                f"inputSchema: parameter {name!r} description: {_shown(b_desc)} -> "
                f"{_shown(a_desc)}"
            )
        if _type_of(before) == _type_of(after) and b_desc == a_desc:
            lines.append(f"inputSchema: parameter {name!r} changed")
    for name in sorted((new_req - old_req) & old_props.keys()):
        lines.append(f"inputSchema: parameter {name!r} now required")
    for name in sorted((old_req - new_req) & new_props.keys()):
        lines.append(f"inputSchema: parameter {name!r} no longer required")
    rest_old = {k: v for k, v in old.items() if k not in ("properties", "required")}
    rest_new = {k: v for k, v in new.items() if k not in ("properties", "required")}
    if _canonical(rest_old) != _canonical(rest_new):
        lines.append("inputSchema: other keywords changed")
    return lines


def _param_note(schema: Any) -> str:
    desc = _text(schema, "description")
    return f": {_shown(desc)}" if desc else ""


def _properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    props = schema.get("properties")
    return {str(k): v for k, v in props.items()} if isinstance(props, Mapping) else {}


def _required(schema: Mapping[str, Any]) -> list[str]:
    req = schema.get("required")
    return [str(x) for x in req] if isinstance(req, list) else []


def _type_of(schema: Any) -> str:
    if not isinstance(schema, Mapping):
        return "any"
    kind = schema.get("type")
    if isinstance(kind, list):
        return "|".join(str(k) for k in kind)
    if isinstance(kind, str):
        return kind
    return "any"


def _text(schema: Any, key: str) -> str:
    value = schema.get(key) if isinstance(schema, Mapping) else None
    return value if isinstance(value, str) else ""


def _shown(text: str | None) -> str:
    """``text`` quoted, with invisible and control characters visible, shortened."""
    if text is None:
        return "(none)"
    shown = json.dumps(text, ensure_ascii=True)
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 4] + '..."'


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def _mapping_or_none(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


class PinStore:
    """Pinned and pending definitions per server, in memory or backed by a JSON file.

    With a ``path``, every write goes to disk atomically (temp file + rename) and reads
    pick up changes other processes made (``aimds mcp pin --accept`` while a gateway runs):
    the file is re-read when its modification time or size changed. Thread-safe.
    """

    def __init__(self, path: Path | None = None, *, clock: Any = time.time) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._data: dict[str, Any] = {"version": PIN_FILE_VERSION, "servers": {}}
        self._stamp: tuple[int, int] | None = None
        if path is not None:
            self._reload()

    # reads ----------------------------------------------------------------------------

    def pinned(self, server: str) -> dict[str, ToolDefinition]:
        with self._lock:
            self._refresh()
            return self._defs(server, "tools")

    def pending(self, server: str) -> dict[str, ToolDefinition]:
        with self._lock:
            self._refresh()
            return self._defs(server, "pending")

    def servers(self) -> list[str]:
        with self._lock:
            self._refresh()
            return sorted(self._data["servers"])

    # writes ---------------------------------------------------------------------------

    def pin(self, server: str, tools: Iterable[ToolDefinition], *, replace: bool = False) -> None:
        """Pin ``tools`` (only those not pinned yet, unless ``replace``)."""
        with self._lock:
            self._refresh()
            entry = self._server(server)
            changed = False
            for tool in tools:
                if replace or tool.name not in entry["tools"]:
                    entry["tools"][tool.name] = self._record(tool, "pinned")
                    entry["pending"].pop(tool.name, None)
                    changed = True
            if changed:
                self._save()

    def note_pending(self, server: str, tool: ToolDefinition) -> None:
        """Remember the definition a changed tool now has, for ``--accept``."""
        with self._lock:
            self._refresh()
            entry = self._server(server)
            current = entry["pending"].get(tool.name)
            if current is not None and current.get("digest") == tool.digest:
                return
            entry["pending"][tool.name] = self._record(tool, "seen")
            self._save()

    def accept(self, server: str, name: str, tool: ToolDefinition | None = None) -> ToolDefinition:
        """Pin ``tool`` (or the pending definition of ``name``) in place of the old pin.

        For a renamed tool the old name's pin goes too. Raises :class:`ConfigError` when
        there is nothing to accept.
        """
        with self._lock:
            self._refresh()
            entry = self._server(server)
            if tool is None:
                raw = entry["pending"].get(name)
                if raw is None:
                    known = ", ".join(sorted(entry["pending"])) or "none"
                    raise ConfigError(
                        f"--accept {name}: no pending change of tool {name!r} for server "
                        f"{server!r} (pending: {known}); run the gateway or give the server "
                        "command to read the current definition"
                    )
                tool = ToolDefinition.from_wire(raw)
            entry["tools"][tool.name] = self._record(tool, "pinned")
            entry["pending"].pop(tool.name, None)
            for old_name, old in list(entry["tools"].items()):
                if old_name != tool.name and _body(old) == tool.body_digest:
                    del entry["tools"][old_name]
            self._save()
            return tool

    # internals ------------------------------------------------------------------------

    def _record(self, tool: ToolDefinition, stamp: str) -> dict[str, Any]:
        return {**tool.wire(), "digest": tool.digest, stamp: round(self._clock(), 3)}

    def _server(self, server: str) -> dict[str, Any]:
        servers = self._data["servers"]
        entry = servers.get(server)
        if entry is None:
            entry = servers[server] = {"tools": {}, "pending": {}}
        entry.setdefault("tools", {})
        entry.setdefault("pending", {})
        return entry  # type: ignore[no-any-return]

    def _defs(self, server: str, key: str) -> dict[str, ToolDefinition]:
        entry = self._data["servers"].get(server) or {}
        return {name: ToolDefinition.from_wire(raw) for name, raw in entry.get(key, {}).items()}

    def _file_stamp(self) -> tuple[int, int] | None:
        assert self.path is not None
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _refresh(self) -> None:
        if self.path is not None and self._file_stamp() != self._stamp:
            self._reload()

    def _reload(self) -> None:
        assert self.path is not None
        self._stamp = self._file_stamp()
        if self._stamp is None:
            self._data = {"version": PIN_FILE_VERSION, "servers": {}}
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(
                f"{self.path}: not a readable pin file ({type(exc).__name__}); fix or remove "
                "it and pin again with `aimds mcp pin`"
            ) from None
        if not isinstance(data, dict) or data.get("version") != PIN_FILE_VERSION or not (
            isinstance(data.get("servers"), dict)
        ):
            raise ConfigError(
                f"{self.path}: expected a pin file of version {PIN_FILE_VERSION} "
                '({"version": 1, "servers": {...}}); pin again with `aimds mcp pin`'
            )
        for server, entry in data["servers"].items():
            for key in ("tools", "pending"):
                for name, raw in (entry or {}).get(key, {}).items():
                    try:
                        ToolDefinition.from_wire(raw)
                    except (ValueError, AttributeError):
                        raise ConfigError(
                            f"{self.path}: servers.{server}.{key}.{name}: not a tool definition"
                        ) from None
        self._data = data

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=".pins-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._stamp = self._file_stamp()


def _body(raw: Mapping[str, Any]) -> str:
    try:
        return ToolDefinition.from_wire(raw).body_digest
    except ValueError:
        return ""
