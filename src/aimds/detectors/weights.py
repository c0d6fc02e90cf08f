"""Shipped weights: read a JSON file beside its recorded SHA-256, verify, then parse.

Every model the detectors ship (the injection classifier, the sentence scorer) is JSON in
``<package>/data/<name>.json`` with ``<name>.sha256`` beside it. The hash is checked before
anything is parsed, so an altered file is refused, never half-used. Every failure is a
:class:`ConfigError` naming the file and the script that rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib import resources
from typing import Any, TypeVar

from aimds.errors import ConfigError

__all__ = ["load_json_weights"]

T = TypeVar("T")


def load_json_weights(
    package: str, name: str, *, what: str, script: str, build: Callable[[Any], T]
) -> T:
    """``build`` applied to the verified JSON of ``name`` (``what`` names it in messages,
    ``script`` is what rebuilds it)."""
    base = resources.files(package) / "data"
    try:
        data = (base / f"{name}.json").read_bytes()
        expected = (base / f"{name}.sha256").read_text(encoding="ascii").split()[0]
    except (OSError, IndexError):
        raise ConfigError(
            f"{what} {name}.json or its .sha256 is missing from {package}; "
            f"reinstall aimds or run {script}"
        ) from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise ConfigError(
            f"{what} {name}.json does not match its recorded SHA-256; "
            f"reinstall aimds or rebuild it with {script}"
        )
    try:
        return build(json.loads(data))
    except ConfigError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ConfigError(
            f"{what} {name}.json is malformed ({type(exc).__name__}); rebuild it"
        ) from None
