"""Load a policy from a pack name, a file or a dict; merge ``extends``; validate; fingerprint.

Errors always name ``file:line: key: problem`` and never echo the offending value, since a
policy may sit next to secrets.

Merging ``extends`` (child over parent): mappings merge key by key; lists of mappings that
all carry an ``id`` merge by id (same id replaces, new ids append); any other value is
replaced. A child may not redefine a rule its parent marked ``hard: true``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from aimds.errors import PolicyError
from aimds.policy.schema import PolicyDocument
from aimds.policy.yamlsource import Located, Origin, load_located

__all__ = ["PACKS", "ParentLookup", "Policy", "load_policy", "load_policy_text", "pack_source"]

PACKS = ("default", "permissive", "strict")
_MAX_EXTENDS_DEPTH = 8
_MAX_POLICY_BYTES = 4 * 1024 * 1024

Path = tuple[Hashable, ...]

ParentLookup = Callable[[str, tuple[str, ...]], "tuple[str, str] | None"]
"""``lookup(ref, chain)``: the ``(YAML text, source name)`` of the policy that ``extends: ref``
names, read in the chain of source names ``chain`` (the document loaded first, the one
asking last), or ``None`` if there is none."""


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated policy, its source and its fingerprint (``name@version+hash``)."""

    document: PolicyDocument
    source: str
    digest: str
    origins: Mapping[Path, Origin] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.document.name

    @property
    def version(self) -> str:
        return self.document.version

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}+{self.digest[:12]}"

    def locate(self, path: Path) -> Origin | None:
        for cut in range(len(path), -1, -1):
            found = self.origins.get(tuple(path[:cut]))
            if found is not None:
                return found
        return None

    def error(self, message: str, path: Path) -> PolicyError:
        """A :class:`PolicyError` located at ``path`` (for checks done while compiling)."""
        origin = self.locate(path)
        return PolicyError(
            message,
            file=origin.file if origin else self.source,
            line=origin.line if origin else None,
            key=_dotted(path, self.document),
        )


def load_policy(source: Policy | PolicyDocument | Mapping[str, Any] | str | FsPath) -> Policy:
    """Load a policy.

    ``source`` is a :class:`Policy` (returned as is), a pack name (``default``, ``strict``,
    ``permissive``), a path to a YAML file, or a mapping with the same structure.
    """
    if isinstance(source, Policy):
        return source
    if isinstance(source, PolicyDocument):
        raw = source.model_dump(mode="json", exclude_none=True)
        located = Located(data=raw, origins={(): Origin("<document>", 1)})
        return _finish(located, "<document>")
    if isinstance(source, Mapping):
        located = _located_from_mapping(source)
        return _finish(_resolve(located, base_dir=FsPath.cwd(), seen=()), "<dict>")
    text, name, base_dir = _read_source(source)
    located = load_located(text, name)
    return _finish(_resolve(located, base_dir=base_dir, seen=(name,)), name)


def load_policy_text(text: str, *, source: str, parents: ParentLookup) -> Policy:
    """A policy from YAML (or JSON) ``text`` whose ``extends`` chain resolves through
    ``parents`` only: never the filesystem, so a policy from an untrusted author (the HTTP
    service) cannot name, probe or read files. ``source`` names the text in errors and is
    what ``parents`` is told is asking."""
    located = load_located(text, source)
    return _finish(
        _resolve(located, base_dir=FsPath("."), seen=(source,), parents=parents), source
    )


def _read_source(source: str | FsPath) -> tuple[str, str, FsPath]:
    if isinstance(source, str) and source in PACKS:
        return _read_pack(source)
    path = FsPath(source)
    if not path.exists():
        hint = _did_you_mean(str(source), PACKS)
        raise PolicyError(
            "no such policy file or built-in pack" + hint + f" (packs: {', '.join(PACKS)})",
            file=str(source),
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read policy file: {exc.strerror}", file=str(path)) from None
    if len(data) > _MAX_POLICY_BYTES:
        raise PolicyError(f"policy file is larger than {_MAX_POLICY_BYTES} bytes", file=str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"policy file is not UTF-8 (byte {exc.start})", file=str(path)) from None
    return text, str(path), path.parent


def pack_source(name: str) -> tuple[str, str]:
    """The YAML text and source name (``builtin:NAME``) of a built-in pack."""
    text, source, _ = _read_pack(name)
    return text, source


def _read_pack(name: str) -> tuple[str, str, FsPath]:
    ref = resources.files("aimds.policy") / "packs" / f"{name}.yaml"
    return ref.read_text(encoding="utf-8"), f"builtin:{name}", FsPath(".")


def _located_from_mapping(data: Mapping[str, Any]) -> Located:
    try:
        plain = json.loads(json.dumps(data, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise PolicyError(
            f"policy dict is not plain JSON-like data: {exc}", file="<dict>"
        ) from None
    return Located(data=plain, origins={(): Origin("<dict>", 1)})


def _resolve(
    located: Located,
    *,
    base_dir: FsPath,
    seen: tuple[str, ...],
    parents: ParentLookup | None = None,
) -> Located:
    data = located.data
    if not isinstance(data, dict):
        origin = located.origin(())
        raise PolicyError(
            f"a policy must be a mapping, not {type(data).__name__}",
            file=origin.file if origin else None,
            line=origin.line if origin else None,
        )
    parent_ref = data.get("extends")
    if parent_ref is None:
        return located
    if not isinstance(parent_ref, str):
        raise _located_error(located, ("extends",), "must be a pack name or a file path")
    if len(seen) > _MAX_EXTENDS_DEPTH:
        raise _located_error(located, ("extends",), f"more than {_MAX_EXTENDS_DEPTH} levels")
    if parents is not None:
        found = parents(parent_ref, seen)
        if found is None:
            raise _located_error(
                located, ("extends",),
                "no such pack or stored policy" + _did_you_mean(parent_ref, PACKS),
            )
        (text, name), parent_dir = found, base_dir
    elif parent_ref in PACKS:
        text, name, parent_dir = _read_pack(parent_ref)
    else:
        candidate = FsPath(parent_ref)
        if not candidate.is_absolute():
            candidate = base_dir / candidate
        if not candidate.exists():
            raise _located_error(
                located,
                ("extends",),
                "no such pack or file" + _did_you_mean(parent_ref, PACKS),
            )
        text, name, parent_dir = _read_source(candidate)
    if name in seen:
        raise _located_error(located, ("extends",), "extends itself (cycle)")
    parent = _resolve(
        load_located(text, name), base_dir=parent_dir, seen=(*seen, name), parents=parents
    )
    return _merge(parent, located)


def _merge(parent: Located, child: Located) -> Located:
    origins: dict[Path, Origin] = dict(parent.origins)
    data = _merge_value(parent.data, child.data, (), parent, child, origins)
    return Located(data=data, origins=origins)


def _merge_value(
    base: Any, over: Any, path: Path, parent: Located, child: Located, origins: dict[Path, Origin]
) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            sub = (*path, key)
            if key in base:
                merged[key] = _merge_value(base[key], value, sub, parent, child, origins)
            else:
                merged[key] = value
                _copy_origins(child, sub, origins, sub)
        if (path_origin := child.origins.get(path)) is not None:
            origins[path] = path_origin
        return merged
    if _is_id_list(base) and _is_id_list(over):
        return _merge_id_lists(base, over, path, parent, child, origins)
    _drop_origins(origins, path)
    _copy_origins(child, path, origins, path)
    return over


def _is_id_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in value)
    )


def _merge_id_lists(
    base: list[dict[str, Any]],
    over: list[dict[str, Any]],
    path: Path,
    parent: Located,
    child: Located,
    origins: dict[Path, Origin],
) -> list[dict[str, Any]]:
    sources: list[tuple[dict[str, Any], Located, Path]] = [
        (item, parent, (*path, i)) for i, item in enumerate(base)
    ]
    index = {item["id"]: pos for pos, item in enumerate(base)}
    for i, item in enumerate(over):
        src_path = (*path, i)
        pos = index.get(item["id"])
        if pos is None:
            index[item["id"]] = len(sources)
            sources.append((item, child, src_path))
            continue
        if base[pos].get("hard") is True and item != base[pos]:
            raise _located_error(
                child,
                src_path,
                f"rule {item['id']!r} is a hard rule of the parent policy and cannot be overridden",
            )
        sources[pos] = (item, child, src_path)
    _drop_origins(origins, path)
    if (path_origin := child.origins.get(path)) is not None:
        origins[path] = path_origin
    result = []
    for new_index, (item, owner, src_path) in enumerate(sources):
        _copy_origins(owner, src_path, origins, (*path, new_index))
        result.append(item)
    return result


def _copy_origins(
    src: Located, src_prefix: Path, dst: dict[Path, Origin], dst_prefix: Path
) -> None:
    """The origins of the value ``src`` has at ``src_prefix``, moved to ``dst_prefix``.

    Where ``src`` has no origin for the value itself (a policy given as a dict has one for
    its root only), the value takes its nearest ancestor's: an error in it must point at
    the source that set it, never at the parent it replaced."""
    n = len(src_prefix)
    for key, origin in src.origins.items():
        if key[:n] == src_prefix:
            dst[(*dst_prefix, *key[n:])] = origin
    if src_prefix not in src.origins and (nearest := src.origin(src_prefix)) is not None:
        dst[dst_prefix] = nearest


def _drop_origins(origins: dict[Path, Origin], prefix: Path) -> None:
    n = len(prefix)
    for key in [k for k in origins if k[:n] == prefix and len(k) > n]:
        del origins[key]


def _finish(located: Located, source: str) -> Policy:
    try:
        document = PolicyDocument.model_validate(located.data)
    except ValidationError as exc:
        raise _translate(exc, located) from None
    canonical = json.dumps(
        document.model_dump(mode="json"), sort_keys=True, separators=(",", ":")
    ).encode()
    digest = hashlib.sha256(canonical).hexdigest()
    return Policy(document=document, source=source, digest=digest, origins=located.origins)


def _translate(exc: ValidationError, located: Located) -> PolicyError:
    """Every validation error, located, with a did-you-mean for unknown keys: the first one
    (``str()`` adds how many more there are) carrying all of them in ``problems``."""
    errors = exc.errors(include_url=False, include_input=False)
    problems = tuple(
        sorted(
            (_problem(e, located) for e in errors),
            key=lambda p: (p.file or "", p.line if p.line is not None else 1 << 30),
        )
    )
    first = problems[0]
    message = first.message
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return PolicyError(
        message, file=first.file, line=first.line, key=first.key, problems=problems
    )


def _problem(error: Any, located: Located) -> PolicyError:
    loc = tuple(error["loc"])
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        allowed = _fields_at(PolicyDocument, loc[:-1])
        message = "unknown key" + _did_you_mean(str(loc[-1]), allowed)
        if allowed:
            message += f" (allowed here: {', '.join(sorted(allowed))})"
    elif error["type"] == "missing":
        message = "required key is missing"
    return _located_error(located, loc, message)


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found by following ``loc`` from ``model`` (best effort)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            continue  # a mapping key (rules[0].when.<arg path>): stay on the value's model
        current = _model_in(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _located_error(located: Located, path: Path, message: str) -> PolicyError:
    origin = located.origin(path)
    return PolicyError(
        message,
        file=origin.file if origin else None,
        line=origin.line if origin else None,
        key=_dotted(path, located.data) or None,
    )


def _dotted(path: Path, data: Any = None) -> str:
    """``rules[my.rule].when``: a list item with an ``id`` is named by it, not by its index
    in the merged document (a child's first rule is not ``rules[14]`` to its author)."""
    out = ""
    node = data
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            ident = _child(item, "id")
            out += f"[{ident}]" if isinstance(ident, str) and ident else f"[{part}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = _child(node, part)
    return out


def _child(node: Any, key: Hashable) -> Any:
    """``node[key]`` of a parsed mapping, or attribute ``key`` of a loaded section."""
    if isinstance(node, Mapping):
        return node.get(key)
    return getattr(node, key, None) if isinstance(key, str) else None


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
