"""Shipped weights are verified before they are parsed, and every failure names the fix."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aimds.detectors.weights import load_json_weights
from aimds.errors import ConfigError


@pytest.fixture
def package(tmp_path: Path) -> Iterator[Path]:
    pkg = tmp_path / "weightspkg"
    (pkg / "data").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    try:
        yield pkg / "data"
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("weightspkg", None)


def _load(build: Any = dict) -> Any:
    return load_json_weights("weightspkg", "m", what="test model", script="make-it", build=build)


def _write(data: Path, body: bytes, digest: str | None = None) -> None:
    (data / "m.json").write_bytes(body)
    (data / "m.sha256").write_text((digest or hashlib.sha256(body).hexdigest()) + "  m.json\n")


def test_verified_json_is_built(package: Path) -> None:
    _write(package, b'{"w": [1, 2]}')
    assert _load() == {"w": [1, 2]}


def test_missing_file_names_the_script(package: Path) -> None:
    with pytest.raises(ConfigError, match="missing.*make-it"):
        _load()


def test_altered_file_is_refused_before_parsing(package: Path) -> None:
    _write(package, b'{"w": [1, 2]}', digest="0" * 64)
    with pytest.raises(ConfigError, match="SHA-256.*make-it"):
        _load(build=lambda _: pytest.fail("parsed an unverified file"))


def test_malformed_content_is_a_config_error(package: Path) -> None:
    _write(package, b"not json")
    with pytest.raises(ConfigError, match="malformed"):
        _load()
    _write(package, b'{"w": 1}')
    with pytest.raises(ConfigError, match="malformed"):
        _load(build=lambda doc: doc["missing"])
