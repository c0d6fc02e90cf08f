"""What this installation is made of: version, Python, and which modules run compiled.

The per-event hot path can be compiled to C with mypyc at install time (see ``setup.py``;
``AIMDS_COMPILE=0`` installs pure Python). Python imports a module's extension in preference
to its ``.py`` source, so a module is compiled exactly when an extension file sits beside it.
"""

from __future__ import annotations

import importlib.machinery
import platform
from pathlib import Path
from typing import Any

__all__ = ["build_info", "compiled_modules", "extension_files"]

_PACKAGE = Path(__file__).resolve().parent


def extension_files() -> dict[str, Path]:
    """The compiled extension file of each ``aimds`` module that has one, by dotted name."""
    suffixes = sorted(importlib.machinery.EXTENSION_SUFFIXES, key=len, reverse=True)
    found: dict[str, Path] = {}
    for path in _PACKAGE.rglob("*"):
        suffix = next((s for s in suffixes if path.name.endswith(s)), None)
        if suffix is not None:
            parts = path.relative_to(_PACKAGE).with_name(path.name[: -len(suffix)]).parts
            found[".".join(("aimds", *parts))] = path
    return found


def compiled_modules() -> list[str]:
    """Dotted names of the ``aimds`` modules that load from a compiled extension."""
    return sorted(extension_files())


def build_info() -> dict[str, Any]:
    """Version, interpreter and compiled modules, for bug reports and benchmark results."""
    from aimds import __version__

    compiled = compiled_modules()
    return {
        "version": __version__,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "compiled": bool(compiled),
        "compiled_modules": compiled,
    }
