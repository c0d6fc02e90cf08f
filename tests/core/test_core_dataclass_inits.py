"""Dataclasses of the compiled modules write their own ``__init__`` (``init=False``, see
setup.py): each must take exactly the dataclass's fields, in order, with the same defaults,
and store every argument in its field, so the hand-written list never drifts from the
declared one."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

SETUP = Path(__file__).resolve().parents[2] / "setup.py"


def _compiled_modules() -> list[str]:
    paths = re.findall(r'"src/(aimds/[^"]+)\.py"', SETUP.read_text(encoding="utf-8"))
    return [p.replace("/", ".") for p in paths]


def _own_init_dataclasses() -> list[type]:
    found: list[type] = []
    for name in _compiled_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == name
                and dataclasses.is_dataclass(value)
                and not value.__dataclass_params__.init  # type: ignore[attr-defined]
            ):
                found.append(value)
    return found


CLASSES = _own_init_dataclasses()


def test_the_compiled_hot_path_has_dataclasses_with_their_own_init() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"Window", "Indicators", "Ctx", "SimpleCommand", "Features"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_own_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
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


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
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
