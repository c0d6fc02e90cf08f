"""The fingerprint key: policy, environment, secret file, else random per process."""

from __future__ import annotations

from pathlib import Path

import pytest

from aimds.behavior.keys import fingerprint_key
from aimds.errors import ConfigError
from aimds.policy.sections.behavior import BehaviorSection

KEY = "k" * 24


def test_policy_wins_then_env_then_file(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("f" * 20 + "\n")
    env = {"AIMDS_FINGERPRINT_KEY": KEY, "AIMDS_FINGERPRINT_KEY_FILE": str(tmp_path / "key")}
    assert fingerprint_key(BehaviorSection(fingerprint_key="p" * 16), env).source == "policy"
    assert fingerprint_key(BehaviorSection(), env).key == KEY.encode()
    del env["AIMDS_FINGERPRINT_KEY"]
    found = fingerprint_key(BehaviorSection(), env)
    assert (found.key, found.source) == (b"f" * 20, "file")
    named = BehaviorSection(fingerprint_key_env="MY_KEY")
    assert fingerprint_key(named, {"MY_KEY": KEY}).source == "env"


def test_without_a_key_each_process_has_its_own() -> None:
    one, two = fingerprint_key(BehaviorSection(), {}), fingerprint_key(BehaviorSection(), {})
    assert one.source is None and one.key != two.key


def test_bad_keys_are_clear_errors_without_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least 16") as short:
        fingerprint_key(BehaviorSection(), {"AIMDS_FINGERPRINT_KEY": "tiny-secret"})
    assert "tiny-secret" not in str(short.value)
    with pytest.raises(ConfigError, match="AIMDS_FINGERPRINT_KEY_FILE"):
        fingerprint_key(BehaviorSection(),
                        {"AIMDS_FINGERPRINT_KEY_FILE": str(tmp_path / "missing")})
