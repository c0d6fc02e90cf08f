"""Dataclasses of the compiled modules write their own ``__init__`` (``init=False``, see
setup.py): each must take exactly the dataclass's fields, in order, with the same defaults,
and store every argument in its field, so the hand-written list never drifts from the
declared one. Checked on the sources, run as plain Python (a compiled class hides its
signature and refuses arguments of other types; the parity test in
``test_core_compiled_parity.py`` holds compiled and source to the same decisions).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import re
import sys
from pathlib import Path
from typing import Any

import pytest

SETUP = Path(__file__).resolve().parents[2] / "setup.py"


def _compiled_sources() -> list[tuple[str, Path]]:
    paths = re.findall(r'"src/(aimds/[^"]+)\.py"', SETUP.read_text(encoding="utf-8"))
    return [(p.replace("/", "."), SETUP.parent / "src" / f"{p}.py") for p in paths]


def _own_init_dataclasses() -> list[type]:
    found: list[type] = []
    for name, path in _compiled_sources():
        alias = f"_source_of_{name.replace('.', '_')}"
        spec = importlib.util.spec_from_file_location(alias, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[alias] = module  # dataclasses look their module up while building
        spec.loader.exec_module(module)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == alias
                and dataclasses.is_dataclass(value)
                and not value.__dataclass_params__.init  # type: ignore[attr-defined]
            ):
                found.append(value)
    return found


CLASSES = _own_init_dataclasses()


def test_the_compiled_hot_path_has_dataclasses_with_their_own_init() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"Window", "Indicators", "Ctx", "SimpleCommand", "Features"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_own_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    params = list(inspect.signature(cls).parameters.values())
    assert [p.name for p in params] == [f.name for f in fields]
    for field, param in zip(fields, params, strict=True):
        if field.kw_only is True:
            assert param.kind is inspect.Parameter.KEYWORD_ONLY, field.name
        if field.default is not dataclasses.MISSING:
            assert param.default == field.default, field.name
        elif field.default_factory is not dataclasses.MISSING:
            assert param.default is None, field.name  # None stands for a fresh factory()
        else:
            assert param.default is inspect.Parameter.empty, field.name


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_own_init_stores_every_argument_and_fills_defaults(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    given: dict[str, Any] = {f.name: object() for f in fields}
    built = cls(**given)
    for f in fields:
        assert getattr(built, f.name) is given[f.name], f.name
    required = {f.name: given[f.name] for f in fields if _required(f)}
    bare = cls(**required)
    for f in fields:
        if f.default is not dataclasses.MISSING:
            assert getattr(bare, f.name) == f.default, f.name
        elif f.default_factory is not dataclasses.MISSING:
            fresh = getattr(bare, f.name)
            assert fresh == f.default_factory(), f.name
            assert fresh is not getattr(cls(**required), f.name), f.name  # never shared


def _required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
