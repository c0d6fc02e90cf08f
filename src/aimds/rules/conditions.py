"""Argument conditions grouped by argument path and compiled into combined matchers.

Every operator of every rule's ``when`` gets an *op id*. For each distinct argument path
there is one :class:`ArgGroup`: ``equals``/``in`` become one dict from value to op ids,
``matches``/``contains``/``prefix`` one RE2 set, numeric and ``exists`` tests short lists.
Per call each group looks its value up once and reports the op ids that hold, so the cost
grows with the number of distinct paths, not with the number of rules.

Paths are dotted (``headers.host``, the ``args.`` prefix optional); ``*`` stands for every
key or item at that level, ``a|b`` for either key, and a digit for a list index. Where a
path leads to a list, each scalar element is tested and one element that satisfies an
operator is enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import re2

from aimds.policy.sections.actions import Condition
from aimds.rules.matchers import PatternSet

__all__ = ["ArgGroup", "compile_conditions", "lookup", "split_path"]


Segment = str | tuple[str, ...]


def split_path(key: str) -> tuple[Segment, ...]:
    """``args.a.b|c`` -> ``("a", ("b", "c"))``: alternatives become tuples."""
    return tuple(
        tuple(seg.split("|")) if "|" in seg else seg for seg in key.removeprefix("args.").split(".")
    )


def lookup(args: Mapping[str, Any], path: tuple[Segment, ...]) -> list[Any]:
    """The values at ``path`` (several where ``*`` or ``|`` is used; empty when absent)."""
    if len(path) == 1 and type(path[0]) is str and path[0] != "*":
        value = args.get(path[0], _MISSING)
        return [] if value is _MISSING else [value]
    current: list[Any] = [args]
    for seg in path:
        found: list[Any] = []
        for node in current:
            if isinstance(node, dict):
                if seg == "*":
                    found.extend(node.values())
                elif isinstance(seg, tuple):
                    found.extend(node[alt] for alt in seg if alt in node)
                elif seg in node:
                    found.append(node[seg])
            elif isinstance(node, list):
                if seg == "*":
                    found.extend(node)
                elif isinstance(seg, str) and seg.isdigit() and int(seg) < len(node):
                    found.append(node[int(seg)])
        if not found:
            return []
        current = found
    return current


_MISSING = object()


def _key(value: Any) -> tuple[str, Any] | None:
    """A type-aware dict key, so ``True`` never equals ``1`` and ``1`` equals ``1.0``."""
    kind = type(value)
    if kind is str:
        return ("s", value)
    if kind is bool:
        return ("b", value)
    if kind is int or kind is float:
        return ("n", float(value))
    if value is None:
        return ("z", None)
    return None


def _scalars(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out.extend(v for v in value if not isinstance(v, dict | list))
        elif not isinstance(value, dict):
            out.append(value)
    return out


class ArgGroup:
    """All operators on one argument path."""

    __slots__ = ("_equals", "_exists", "_missing", "_numeric", "_simple", "_texts", "path")

    def __init__(self, path: tuple[Segment, ...], ops: list[tuple[int, str, Any]]) -> None:
        self.path = path
        head = path[0]
        self._simple = head if len(path) == 1 and type(head) is str and head != "*" else None
        equals: dict[tuple[str, Any], list[int]] = {}
        texts: list[tuple[str, int]] = []
        numeric: list[tuple[int, bool, float]] = []
        exists: list[int] = []
        missing: list[int] = []
        for op_id, op, operand in ops:
            if op == "equals":
                key = _key(operand)
                if key is not None:
                    equals.setdefault(key, []).append(op_id)
            elif op == "in":
                for item in operand:
                    key = _key(item)
                    if key is not None:
                        equals.setdefault(key, []).append(op_id)
            elif op == "matches":
                texts.append((operand, op_id))
            elif op == "contains":
                texts.append((re2.escape(operand), op_id))
            elif op == "prefix":
                texts.append(("^" + re2.escape(operand), op_id))
            elif op in ("lt", "gt"):
                numeric.append((op_id, op == "lt", float(operand)))
            elif op == "exists":
                (exists if operand else missing).append(op_id)
        self._equals = {key: tuple(ids) for key, ids in equals.items()}
        self._texts = PatternSet(texts)
        self._numeric = tuple(numeric)
        self._exists = tuple(exists)
        self._missing = tuple(missing)

    def collect(self, args: Mapping[str, Any], hits: set[int]) -> None:
        """Add the op ids that hold for ``args`` to ``hits``."""
        simple = self._simple
        if simple is not None:  # fast path: one plain key holding a string
            value = args.get(simple, _MISSING)
            if value is _MISSING:
                if self._missing:
                    hits.update(self._missing)
                return
            if type(value) is str:
                if self._exists:
                    hits.update(self._exists)
                if self._equals and (ids := self._equals.get(("s", value))) is not None:
                    hits.update(ids)
                if self._texts:
                    hits.update(self._texts.match(value))
                return
        values = lookup(args, self.path)
        if not values:
            hits.update(self._missing)
            return
        hits.update(self._exists)
        for value in _scalars(values):
            if self._equals:
                key = _key(value)
                if key is not None and (ids := self._equals.get(key)) is not None:
                    hits.update(ids)
            if type(value) is str:
                if self._texts:
                    hits.update(self._texts.match(value))
            elif self._numeric and type(value) in (int, float):
                for op_id, less, bound in self._numeric:
                    if (value < bound) if less else (value > bound):
                        hits.add(op_id)


_OPS = ("equals", "in_", "matches", "contains", "prefix", "lt", "gt", "exists")


def compile_conditions(
    rules: Iterable[tuple[int, Mapping[str, Condition]]],
) -> tuple[tuple[ArgGroup, ...], tuple[int, ...], dict[int, int]]:
    """Groups, the rule index of each op id, and the number of ops of each rule."""
    by_path: dict[tuple[Segment, ...], list[tuple[int, str, Any]]] = {}
    op_rule: list[int] = []
    op_count: dict[int, int] = {}
    for rule_index, when in rules:
        for key, condition in when.items():
            path = split_path(key)
            for field in _OPS:
                if field not in condition.model_fields_set:
                    continue
                op_id = len(op_rule)
                op_rule.append(rule_index)
                op_count[rule_index] = op_count.get(rule_index, 0) + 1
                name = "in" if field == "in_" else field
                by_path.setdefault(path, []).append((op_id, name, getattr(condition, field)))
    groups = tuple(ArgGroup(path, ops) for path, ops in by_path.items())
    return groups, tuple(op_rule), op_count
