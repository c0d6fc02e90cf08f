"""``aimds version`` and :func:`aimds.build.build_info`: which hot-path modules run compiled."""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import re
from pathlib import Path

from typer.testing import CliRunner

import aimds
from aimds.build import build_info, compiled_modules
from aimds.cli.main import app

REPO = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _setup_py_modules() -> set[str]:
    """The modules setup.py asks mypyc to compile."""
    text = (REPO / "setup.py").read_text(encoding="utf-8")
    return {
        p.removeprefix("src/").removesuffix(".py").replace("/", ".")
        for p in re.findall(r'"(src/aimds/[\w/]+\.py)"', text)
    }


def _is_extension(module: str) -> bool:
    path = importlib.import_module(module).__file__ or ""
    return any(path.endswith(s) for s in importlib.machinery.EXTENSION_SUFFIXES)


def test_compiled_modules_are_what_python_imports() -> None:
    listed = compiled_modules()
    assert all(_is_extension(m) for m in listed)
    for module in _setup_py_modules() - set(listed):
        assert not _is_extension(module)
    assert not _is_extension("aimds.types")  # never compiled: the public dataclasses


def test_the_build_compiles_every_listed_module_unless_told_not_to() -> None:
    """Each extension is optional (no compiler: pure Python), so a module mypyc failed on
    would ship uncompiled without a word; CI builds with a compiler and must get them all."""
    wanted = _setup_py_modules()
    assert "aimds.behavior.stage" in wanted and "aimds.decide" in wanted
    got = set(compiled_modules())
    assert got <= wanted
    if IN_CI and os.environ.get("AIMDS_COMPILE", "1") != "0":
        assert got == wanted, f"not compiled: {sorted(wanted - got)}"


def test_version_json_and_table() -> None:
    result = CliRunner().invoke(app, ["version", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == build_info()
    assert data["version"] == aimds.__version__
    assert data["compiled"] is bool(data["compiled_modules"])
    table = CliRunner().invoke(app, ["version"])
    assert table.exit_code == 0
    assert f"aimds {aimds.__version__}" in table.stdout
    assert ("compiled modules" in table.stdout) is data["compiled"]
