"""The ``inputs`` stage: runs first for every event and makes its arguments safe to walk.

It replaces ``ev.args`` with a plain copy made only of ``dict`` (string keys), ``list``,
``str``, ``int``, ``float`` (finite), ``bool`` and ``None``, bounded in depth, item count and
string size, and reports every problem it had to repair as an ``input.*`` finding whose
verdict the policy's ``limits.actions`` chooses. Repairs are conservative: cycles and
over-deep branches become ``None``, over-long strings are cut, bytes are decoded, unknown
objects become a ``<TypeName>`` placeholder, lone surrogates (what overlong or invalid UTF-8
becomes when decoded with ``surrogateescape``, or half an emoji cut by a UTF-16 slice) are
removed from strings, keys and the event text, so no later stage meets a string it cannot
encode and the call is judged as if the bad characters were never there. Messages name the
problem, the top-level argument (when its name is a plain identifier) and the limit; never a
value.
"""

from __future__ import annotations

import enum
import math
import os
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aimds.types import Evaluation, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.actions import LimitsSection
    from aimds.types import Services

__all__ = ["InputsStage", "build_stage", "sanitize_args"]

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")

_FLAT_ITEMS = 64

_SURROGATE = re.compile("[" + chr(0xD800) + "-" + chr(0xDFFF) + "]")

_JSON_KEYS: dict[bool | None, str] = {True: "true", False: "false", None: "null"}

_SEVERITY = {
    "too_large": Severity.HIGH,
    "too_deep": Severity.HIGH,
    "cyclic": Severity.HIGH,
    "invalid_type": Severity.MEDIUM,
    "invalid_key": Severity.MEDIUM,
    "non_finite": Severity.MEDIUM,
    "bytes": Severity.LOW,
    "invalid_encoding": Severity.LOW,
}

_MESSAGES = {
    "too_large": "arguments exceed the size limits (limits.max_items, max_string_chars, "
    "max_args_chars); the excess was cut",
    "too_deep": "arguments are nested deeper than limits.max_depth; deeper values were dropped",
    "cyclic": "arguments contain a reference cycle; the repeated branch was dropped",
    "invalid_type": "arguments contain a value that is not JSON-like; it was replaced by its "
    "type name",
    "invalid_key": "arguments contain a mapping key that is not a short string; it was "
    "converted or dropped",
    "non_finite": "arguments contain NaN or infinity; it was replaced by null",
    "bytes": "arguments contain bytes; they were decoded as UTF-8",
    "invalid_encoding": "arguments contain lone surrogates (invalid or overlong UTF-8); they "
    "were removed",
}


def _bad_encoding(value: str) -> bool:
    """True when ``value`` holds a lone surrogate (it cannot be encoded as UTF-8)."""
    return not value.isascii() and _SURROGATE.search(value) is not None


class _Walk:
    """Counters and problems of one sanitisation (one per call, never shared)."""

    __slots__ = ("active", "chars", "items", "problems", "top")

    def __init__(self) -> None:
        self.items = 0
        self.chars = 0
        self.active: set[int] = set()
        self.problems: dict[str, str | None] = {}
        self.top: str | None = None

    def flag(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems[problem] = self.top


class _Sanitizer:
    __slots__ = ("max_args_chars", "max_depth", "max_items", "max_key", "max_string")

    def __init__(self, limits: LimitsSection) -> None:
        self.max_depth = limits.max_depth
        self.max_items = limits.max_items
        self.max_string = limits.max_string_chars
        self.max_args_chars = limits.max_args_chars
        self.max_key = limits.max_key_chars

    def flat(self, args: dict[Any, Any]) -> bool:
        """True when ``args`` needs no repair: few string keys, each value a short string,
        an int, a bool, ``None`` or a finite float (the common case, checked in one pass)."""
        if len(args) > self.max_items or len(args) > _FLAT_ITEMS:
            return False
        max_key, max_string = self.max_key, self.max_string
        chars = 0
        for key, value in args.items():
            if type(key) is not str or len(key) > max_key or _bad_encoding(key):
                return False
            kind = type(value)
            if kind is str:
                size = len(value)
                if size > max_string or _bad_encoding(value):
                    return False
                chars += size
            elif kind is float:
                if not math.isfinite(value):
                    return False
            elif not (kind is int or kind is bool or value is None):
                return False
        return chars <= self.max_args_chars

    def top(self, args: Mapping[Any, Any], w: _Walk) -> dict[str, Any]:
        w.active.add(id(args))
        out: dict[str, Any] = {}
        for key, value in args.items():
            w.items += 1
            if w.items > self.max_items:
                w.flag("too_large")
                break
            name = self._key(key, w)
            if name is None:
                continue
            w.top = name if _PLAIN_NAME.match(name) else "<key>"
            out[name] = self.value(value, 1, w)
        w.top = None
        if w.chars > self.max_args_chars:
            w.flag("too_large")
        return out

    def _key(self, key: Any, w: _Walk) -> str | None:
        if type(key) is str:
            name: str = key
            if _bad_encoding(name):
                w.flag("invalid_encoding")
                name = _SURROGATE.sub("", name)
            if len(name) <= self.max_key:
                return name
            w.flag("invalid_key")
            return name[: self.max_key]
        w.flag("invalid_key")
        if isinstance(key, str):
            return self._key(str.__str__(key), w)
        if isinstance(key, bool) or key is None:
            return _JSON_KEYS[key]
        if isinstance(key, int):
            return str(int(key))[: self.max_key]
        if isinstance(key, float) and math.isfinite(key):
            return repr(float(key))
        return None

    def value(self, value: Any, depth: int, w: _Walk) -> Any:
        kind = type(value)
        if kind is str:
            return self._string(value, w)
        if kind is int or kind is bool or value is None:
            return value
        if kind is float:
            if math.isfinite(value):
                return value
            w.flag("non_finite")
            return None
        if isinstance(value, Mapping):
            return self._container(value, depth, w, mapping=True)
        if isinstance(value, list | tuple | set | frozenset):
            return self._container(value, depth, w, mapping=False)
        return self._other(value, depth, w)

    def _string(self, value: str, w: _Walk) -> str:
        if _bad_encoding(value):
            w.flag("invalid_encoding")
            value = _SURROGATE.sub("", value)
        size = len(value)
        w.chars += size
        if size > self.max_string:
            w.flag("too_large")
            return value[: self.max_string]
        return value

    def _container(self, value: Any, depth: int, w: _Walk, *, mapping: bool) -> Any:
        if depth >= self.max_depth:
            w.flag("too_deep")
            return None
        ident = id(value)
        if ident in w.active:
            w.flag("cyclic")
            return None
        w.active.add(ident)
        try:
            if mapping:
                out: dict[str, Any] = {}
                for key, item in value.items():
                    w.items += 1
                    if w.items > self.max_items:
                        w.flag("too_large")
                        break
                    name = self._key(key, w)
                    if name is not None:
                        out[name] = self.value(item, depth + 1, w)
                return out
            seq: list[Any] = []
            for item in value:
                w.items += 1
                if w.items > self.max_items:
                    w.flag("too_large")
                    break
                seq.append(self.value(item, depth + 1, w))
            return seq
        finally:
            w.active.discard(ident)

    def _other(self, value: Any, depth: int, w: _Walk) -> Any:
        if isinstance(value, bytes | bytearray | memoryview):
            w.flag("bytes")
            return self._string(bytes(value).decode("utf-8", errors="replace"), w)
        if isinstance(value, str):  # str subclasses
            return self._string(str.__str__(value), w)
        if isinstance(value, enum.Enum):
            return self.value(value.value, depth, w)
        if isinstance(value, int):  # int subclasses other than enums
            return int(value)
        if isinstance(value, float):
            return self.value(float(value), depth, w)
        if isinstance(value, os.PathLike):
            try:
                path = os.fspath(value)
            except Exception:  # noqa: BLE001 - a broken __fspath__ is an invalid value
                w.flag("invalid_type")
                return f"<{type(value).__name__}>"
            return self.value(path, depth, w)
        w.flag("invalid_type")
        return f"<{type(value).__name__}>"


def sanitize_args(args: Any, limits: LimitsSection) -> tuple[dict[str, Any], dict[str, str | None]]:
    """A safe copy of ``args`` and the problems found (problem -> top-level argument name)."""
    w = _Walk()
    if not isinstance(args, Mapping):
        w.flag("invalid_type")
        return {}, w.problems
    return _Sanitizer(limits).top(args, w), w.problems


class InputsStage:
    """Validates and sanitises arguments and text size before any other stage sees them."""

    name = "inputs"

    def __init__(self, limits: LimitsSection) -> None:
        self._sanitizer = _Sanitizer(limits)
        self._max_text = limits.max_text_chars
        actions = limits.actions
        self._actions: dict[str, Verdict] = {
            problem: getattr(actions, problem) for problem in _SEVERITY
        }

    def __call__(self, ev: Evaluation) -> None:
        args = ev.event.args
        text = ev.event.text
        tool = ev.event.tool
        if type(tool) is str and _bad_encoding(tool):
            ev.event = replace(ev.event, tool=_SURROGATE.sub("", tool))
            ev.findings.append(self._finding("invalid_encoding", "tool"))
        if (
            type(args) is dict
            and type(text) is str
            and len(text) <= self._max_text
            and not _bad_encoding(text)
            and self._sanitizer.flat(args)
        ):
            ev.args = args.copy()  # flat immutable values: a shallow copy is a full copy
            return
        w = _Walk()
        if isinstance(args, Mapping):
            ev.args = self._sanitizer.top(args, w) if args else {}
        else:
            w.flag("invalid_type")
            ev.args = {}
        if type(text) is not str:
            w.top = "text"
            w.flag("invalid_type")
        elif len(text) > self._max_text:
            w.top = "text"
            w.flag("too_large")
        elif _bad_encoding(text):
            w.top = "text"
            w.flag("invalid_encoding")
            ev.event = replace(ev.event, text=_SURROGATE.sub("", text))
        for problem, where in w.problems.items():
            ev.findings.append(self._finding(problem, where))

    def _finding(self, problem: str, where: str | None) -> Finding:
        message = _MESSAGES[problem]
        if where == "tool":
            message = "tool name contains lone surrogates (invalid UTF-8); they were removed"
        elif where == "text":
            message = {
                "too_large": "event text exceeds limits.max_text_chars",
                "invalid_encoding": "event text contains lone surrogates (invalid or overlong "
                "UTF-8); they were removed",
            }.get(problem, "event text is not a string")
        elif where is not None:
            message += f" (argument {where!r})"
        details: dict[str, Any] = {}
        if where is not None:
            details["argument"] = where
        return Finding(
            rule=f"input.{problem}",
            category="input",
            severity=_SEVERITY[problem],
            message=message,
            action=self._actions[problem],
            stage=self.name,
            details=details,
        )


def build_stage(policy: Policy, services: Services) -> InputsStage:
    return InputsStage(policy.document.limits)
