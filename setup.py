"""Build hook: compiles the per-event hot path to C with mypyc; everything else is pyproject.toml.

The modules in ``COMPILED`` run on every event (the behaviour stage's planning, state store
and checks, the decide stage). They are plain, strictly typed Python; mypyc turns them into
C extensions that run the same code about twice as fast. The ``.py`` sources stay in the
package and are what Python imports wherever the extensions are absent:

- ``AIMDS_COMPILE=0`` (environment, at install time) installs pure Python;
- a machine without a C compiler gets pure Python too: each extension is optional, so a
  failed compile is a warning, not a failed install.

``aimds.build_info()`` (and ``aimds version --json``) says which modules are compiled.
After editing a compiled module in an editable install, rebuild (``make install`` does it
when a compiled source changed); the test suite refuses to run against a stale extension.
"""

from __future__ import annotations

import os

from setuptools import setup

COMPILED = [
    "src/aimds/decide.py",
    "src/aimds/guard.py",
    "src/aimds/detectors/cache.py",
    "src/aimds/detectors/stage.py",
    "src/aimds/rules/_argkey.py",
    "src/aimds/rules/boundaries.py",
    "src/aimds/rules/budgets.py",
    "src/aimds/rules/inputs.py",
    "src/aimds/rules/paths.py",
    "src/aimds/rules/stage.py",
    "src/aimds/text/stage.py",
    "src/aimds/behavior/baselines.py",
    "src/aimds/behavior/batch.py",
    "src/aimds/behavior/indicators.py",
    "src/aimds/behavior/memory.py",
    "src/aimds/behavior/sequences.py",
    "src/aimds/behavior/stage.py",
    "src/aimds/behavior/trust.py",
    "src/aimds/behavior/windows.py",
]


def _extensions() -> list[object]:
    if os.environ.get("AIMDS_COMPILE", "1").strip().lower() in ("0", "false", "no", "off"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # building without the build requirements: pure Python
        return []
    extensions = mypycify(COMPILED, opt_level="3", debug_level="0")
    for ext in extensions:
        ext.optional = True  # no C compiler: warn and ship the pure-Python module
    return list(extensions)


setup(ext_modules=_extensions())
