"""Build hook: compiles the per-event hot path to C with mypyc; everything else is pyproject.toml.

The modules in ``COMPILED`` run on every event (the behaviour stage's planning, state store
and checks, the decide stage) or on every call never seen before (reading a tool call's
arguments and shell command, the rule conditions, the detectors on its text). They are
plain, strictly typed Python; mypyc turns them into C extensions that run the same code
about twice as fast. Their dataclasses built per event write their own ``__init__``
(``init=False``; tests/core/test_core_dataclass_inits.py holds it to the fields): the one
``dataclass`` would generate stays interpreted even here and costs about 1 µs a call (a
frozen one 1.5 µs), twenty to forty times the compiled one. The ``.py`` sources stay in the
package and are what Python imports wherever the extensions are absent:

- ``AIMDS_COMPILE=0`` (environment, at install time) installs pure Python;
- a machine without a C compiler gets pure Python too: a failed compile is a warning, not
  a failed install, and removes every extension it built (all or nothing).

``aimds.build.build_info()`` (and ``aimds version --json``) says which modules are compiled.
After editing a compiled module in an editable install, rebuild (``make install`` does it
when a compiled source changed); the test suite refuses to run against a stale extension.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import BaseError, CCompilerError, CompileError, LinkError

log = logging.getLogger("aimds.setup")

COMPILED = [
    "src/aimds/decide.py",
    "src/aimds/guard.py",
    "src/aimds/detectors/cache.py",
    "src/aimds/detectors/stage.py",
    "src/aimds/rules/_argkey.py",
    "src/aimds/rules/boundaries.py",
    "src/aimds/rules/budgets.py",
    "src/aimds/rules/inputs.py",
    "src/aimds/rules/matchers.py",
    "src/aimds/rules/paths.py",
    "src/aimds/rules/roles.py",
    "src/aimds/rules/stage.py",
    "src/aimds/text/stage.py",
    "src/aimds/rules/conditions.py",
    "src/aimds/rules/engine.py",
    "src/aimds/rules/taxonomy.py",
    "src/aimds/rules/understanding/arguments.py",
    "src/aimds/rules/understanding/facts.py",
    "src/aimds/rules/understanding/shell.py",
    "src/aimds/rules/understanding/shell_programs.py",
    "src/aimds/rules/understanding/values.py",
    "src/aimds/text/leet.py",
    "src/aimds/text/views.py",
    "src/aimds/text/charclass.py",
    "src/aimds/text/decoders.py",
    "src/aimds/text/words.py",
    "src/aimds/text/tokens.py",
    "src/aimds/text/unicode.py",
    "src/aimds/detectors/classifier.py",
    "src/aimds/detectors/injection.py",
    "src/aimds/detectors/obfuscation.py",
    "src/aimds/detectors/pii.py",
    "src/aimds/detectors/secrets.py",
    "src/aimds/detectors/sensitive_gate.py",
    "src/aimds/detectors/shape_gate.py",
    "src/aimds/detectors/heuristics.py",
    "src/aimds/detectors/signatures.py",
    "src/aimds/detectors/sensitive_scan.py",
    "src/aimds/detectors/reviews.py",
    "src/aimds/detectors/sentences.py",
    "src/aimds/detectors/segments.py",
    "src/aimds/behavior/baselines.py",
    "src/aimds/behavior/batch.py",
    "src/aimds/behavior/effects.py",
    "src/aimds/behavior/indicators.py",
    "src/aimds/behavior/memory.py",
    "src/aimds/behavior/sequences.py",
    "src/aimds/behavior/ops.py",
    "src/aimds/behavior/stage.py",
    "src/aimds/behavior/trust.py",
    "src/aimds/behavior/windows.py",
]


def _extensions() -> list[Any]:
    if os.environ.get("AIMDS_COMPILE", "1").strip().lower() in ("0", "false", "no", "off"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # building without the build requirements: pure Python
        return []
    try:
        # mypyc type-checks as `make typecheck` does (pyproject's [tool.mypy]), so the
        # runtime dependencies must be importable: `make install` installs them first.
        return list(mypycify(COMPILED, opt_level="3", debug_level="0"))
    except (SystemExit, Exception) as exc:  # type errors, e.g. dependencies not installed yet
        log.warning("aimds: not compiling the hot path (mypyc: %s); installing pure Python", exc)
        return []


class AllOrNothingBuildExt(build_ext):
    """Builds every extension or none: the modules share one compiled library, so a module
    whose shim built while the library failed would not even import. A failed build
    removes what it made and leaves the pure-Python package, with a warning."""

    def run(self) -> None:
        try:
            super().run()
        except (BaseError, CCompilerError, CompileError, LinkError, OSError) as exc:
            for ext in self.extensions:
                for path in (self.get_ext_fullpath(ext.name), self._inplace_path(ext.name)):
                    if path and os.path.exists(path):
                        os.remove(path)
            self.extensions = []
            log.warning("aimds: compiling the hot path failed (%s); installing pure Python", exc)

    def _inplace_path(self, name: str) -> str:
        """Where an in-place (editable) build put the extension ``name``."""
        package_dir = self.get_finalized_command("build_py").get_package_dir(
            ".".join(name.split(".")[:-1])
        )
        return os.path.join(package_dir, os.path.basename(self.get_ext_filename(name)))


setup(ext_modules=_extensions(), cmdclass={"build_ext": AllOrNothingBuildExt})
