"""Built-in detectors, registered by name the way plugins are (entry points ``aimds.detectors``).

Each entry names a ``module:function`` whose function takes the loaded policy and the guard's
services and returns a
detector, or ``None`` where the policy switches it off. Modules load lazily, on first use.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from aimds.errors import ConfigError

if TYPE_CHECKING:
    from aimds.detectors.base import Detector
    from aimds.policy import Policy
    from aimds.types import Services

__all__ = ["BUILTIN_DETECTORS", "DetectorFactory", "load_factories"]

DetectorFactory = Callable[["Policy", "Services"], "Detector | None"]

BUILTIN_DETECTORS: Mapping[str, str] = {
    "obfuscation": "aimds.detectors.obfuscation:build",
    "injection": "aimds.detectors.injection:build",
    "framed_requests": "aimds.detectors.framed_requests:build",
    "addressed": "aimds.detectors.addressed:build",
    "secrets": "aimds.detectors.secrets:build",
    "pii": "aimds.detectors.pii:build",
    "prompt_leak": "aimds.detectors.canary:build",
    "semantic": "aimds.detectors.semantic:build",
}


def load_factories(names: list[str] | None = None) -> dict[str, DetectorFactory]:
    """Factories for ``names`` (all built-ins and plugins when ``None``), in a stable order.

    Unknown names raise :class:`ConfigError` with the closest valid name.
    """
    table = dict(BUILTIN_DETECTORS)
    for ep in entry_points(group="aimds.detectors"):
        if ep.name in table:
            raise ConfigError(f"detector plugin {ep.name!r} clashes with a built-in detector")
        table[ep.name] = ep.value
    chosen = list(table) if names is None else names
    factories: dict[str, DetectorFactory] = {}
    for name in chosen:
        target = table.get(name)
        if target is None:
            close = difflib.get_close_matches(name, list(table), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"unknown detector {name!r}{hint}")
        module_name, _, attr = target.partition(":")
        factories[name] = getattr(importlib.import_module(module_name), attr)
    return factories
