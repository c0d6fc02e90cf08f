"""The public API is curated: sorted __all__, every name importable, py.typed shipped."""

from __future__ import annotations

from importlib import resources

import aimds


def test_all_is_sorted_and_complete() -> None:
    assert list(aimds.__all__) == sorted(aimds.__all__)
    for name in aimds.__all__:
        assert hasattr(aimds, name), name


def test_package_is_typed() -> None:
    assert (resources.files("aimds") / "py.typed").is_file()


def test_exception_tree() -> None:
    assert issubclass(aimds.PolicyError, aimds.AimdsError)
    assert issubclass(aimds.PolicyError, ValueError)
    assert issubclass(aimds.InputError, ValueError)
    assert issubclass(aimds.BackendError, RuntimeError)
    assert issubclass(aimds.MissingExtraError, ImportError)
