"""YAML loading that remembers where every key came from.

Policies are validated by pydantic, whose errors name a location like
``("rules", 3, "when", "args.command")``. To turn that into ``policy.yaml:42`` we keep,
for every path into the document, the file and line of the node it came from.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import yaml

from aimds.errors import PolicyError

Path = tuple[Hashable, ...]

__all__ = ["Located", "Origin", "load_located"]


@dataclass(frozen=True, slots=True)
class Origin:
    file: str
    line: int


@dataclass(slots=True)
class Located:
    """Plain data (dicts, lists, scalars) plus the origin of each path inside it."""

    data: Any
    origins: dict[Path, Origin]

    def origin(self, path: Path) -> Origin | None:
        """The origin of ``path``, or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            found = self.origins.get(tuple(path[:cut]))
            if found is not None:
                return found
        return None


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last one."""


def load_located(text: str, file: str) -> Located:
    """Parse YAML ``text`` (from ``file``, for messages) into data with line origins."""
    try:
        node = yaml.compose(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise PolicyError(f"malformed YAML: {problem}", file=file, line=line) from None
    if node is None:
        return Located(data={}, origins={(): Origin(file, 1)})
    origins: dict[Path, Origin] = {}
    data = _convert(node, (), file, origins)
    return Located(data=data, origins=origins)


def _convert(node: yaml.Node, path: Path, file: str, origins: dict[Path, Origin]) -> Any:
    origins[path] = Origin(file, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise PolicyError(
                    "YAML merge keys (<<) are not supported; use 'extends:' instead",
                    file=file,
                    line=key_node.start_mark.line + 1,
                )
            key = _scalar(key_node, file)
            if not isinstance(key, str | int | bool | float) or key is None:
                raise PolicyError(
                    "mapping keys must be plain scalars",
                    file=file,
                    line=key_node.start_mark.line + 1,
                )
            if key in result:
                raise PolicyError(
                    f"duplicate key {key!r}",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    key=".".join(map(str, (*path, key))),
                )
            child = (*path, key)
            result[key] = _convert(value_node, child, file, origins)
            origins[child] = Origin(file, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), file, origins) for i, item in enumerate(node.value)]
    return _scalar(node, file)


def _scalar(node: yaml.Node, file: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise PolicyError(
            "mapping keys must be plain scalars", file=file, line=node.start_mark.line + 1
        )
    loader = _StrictLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise PolicyError(
            f"bad scalar: {getattr(exc, 'problem', exc)}",
            file=file,
            line=node.start_mark.line + 1,
        ) from None
    finally:
        loader.dispose()
