"""The trace file contract (JSONL, one event a line), read and written.

::

    {"ts", "kind", "tenant", "agent", "role", "session", "tool", "args", "text"}

plus optional ``user`` and ``meta``. Missing fields take defaults: the :class:`Subject`
defaults, no tool, empty args and text; ``ts`` missing means "now" at check time; ``kind``
missing is ``tool_call`` where ``args`` is given, ``tool_result`` where only ``tool`` is,
else ``prompt``. ``ts`` is seconds since the epoch or an ISO 8601 time (``...Z``).
Blank lines are skipped but still counted, so an event's index is its 0-based line.

Bad lines raise :class:`~aimds.errors.InputError` naming ``file:line`` and the field, never
the line's content.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from aimds.errors import InputError
from aimds.types import Event, EventKind, Subject

__all__ = ["TraceEvent", "event_to_record", "parse_line", "read_trace", "write_trace"]

_FIELDS = frozenset(
    {"ts", "kind", "tenant", "agent", "role", "session", "user", "tool", "args", "text", "meta"}
)
_SUBJECT_FIELDS = ("tenant", "agent", "role", "session")
_MAX_LINE = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceEvent:
    """An event and its 0-based line in the trace it came from."""

    index: int
    event: Event


def read_trace(path: str | Path) -> list[TraceEvent]:
    """Every event of a trace file; the first bad line raises :class:`InputError`."""
    source = str(path)
    try:
        with open(path, encoding="utf-8") as fh:
            return list(iter_trace(fh, source=source))
    except OSError as exc:
        raise InputError(f"{source}: cannot read trace file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: trace file is not UTF-8 (byte {exc.start})") from None


def iter_trace(lines: Iterable[str], *, source: str = "<trace>") -> Iterator[TraceEvent]:
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        yield TraceEvent(index=index, event=parse_line(line, where=f"{source}:{index + 1}"))


def parse_line(line: str, *, where: str = "<trace>") -> Event:
    """One trace line as an :class:`Event`; ``where`` prefixes error messages."""
    if len(line) > _MAX_LINE:
        raise InputError(f"{where}: line longer than {_MAX_LINE} characters")
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: a trace line must be a JSON object, not {type(data).__name__}")
    unknown = sorted(k for k in data if k not in _FIELDS)
    if unknown:
        raise InputError(
            f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(sorted(_FIELDS))})"
        )
    return _event(data, where)


def _event(data: Mapping[str, Any], where: str) -> Event:
    subject_fields = {}
    for name in _SUBJECT_FIELDS:
        value = data.get(name)
        if value is not None:
            subject_fields[name] = _string(value, name, where)
    user = data.get("user")
    tool = data.get("tool")
    args = data.get("args")
    meta = data.get("meta")
    if args is not None and not isinstance(args, dict):
        raise InputError(f"{where}: field 'args' must be an object, not {type(args).__name__}")
    if meta is not None and not isinstance(meta, dict):
        raise InputError(f"{where}: field 'meta' must be an object, not {type(meta).__name__}")
    return Event(
        kind=_kind(data.get("kind"), args is not None, tool is not None, where),
        subject=Subject(
            **subject_fields, user=None if user is None else _string(user, "user", where)
        ),
        text=_text(data.get("text"), where),
        tool=None if tool is None else _string(tool, "tool", where),
        args=args or {},
        meta=meta or {},
        ts=_ts(data.get("ts"), where),
    )


def _string(value: Any, name: str, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: field {name!r} must be a string, not {type(value).__name__}")
    return value


def _kind(value: Any, has_args: bool, has_tool: bool, where: str) -> EventKind:
    if value is None:
        if has_args:
            return EventKind.TOOL_CALL
        return EventKind.TOOL_RESULT if has_tool else EventKind.PROMPT
    try:
        return EventKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in EventKind)
        raise InputError(f"{where}: field 'kind' must be one of {kinds}") from None


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        raise InputError(f"{where}: field 'text' must be a string or JSON value") from None


def _ts(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError(f"{where}: field 'ts' must be epoch seconds or an ISO 8601 time")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(
                f"{where}: field 'ts' must be epoch seconds or an ISO 8601 time"
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    raise InputError(f"{where}: field 'ts' must be epoch seconds or an ISO 8601 time")


def event_to_record(event: Event) -> dict[str, Any]:
    """An event as one trace line's object (the inverse of :func:`parse_line`)."""
    s = event.subject
    record: dict[str, Any] = {
        "ts": event.ts,
        "kind": event.kind.value,
        "tenant": s.tenant,
        "agent": s.agent,
        "role": s.role,
        "session": s.session,
    }
    if s.user is not None:
        record["user"] = s.user
    if event.tool is not None:
        record["tool"] = event.tool
    if event.args:
        record["args"] = dict(event.args)
    if event.text:
        record["text"] = event.text
    if event.meta:
        record["meta"] = dict(event.meta)
    return record


def write_trace(events: Iterable[Event], out: IO[str]) -> int:
    """Write ``events`` as trace lines; returns how many."""
    n = 0
    for event in events:
        out.write(json.dumps(event_to_record(event), ensure_ascii=False, default=str) + "\n")
        n += 1
    return n
