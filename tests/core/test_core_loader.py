"""Policy loading: packs, files, dicts, extends, and located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from aimds.errors import PolicyError
from aimds.policy import PACKS, load_policy


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("pack", PACKS)
def test_every_pack_loads_with_a_fingerprinted_label(pack: str) -> None:
    policy = load_policy(pack)
    assert policy.name == pack
    assert policy.source == f"builtin:{pack}"
    assert policy.label.startswith(f"{pack}@") and "+" in policy.label
    assert len(policy.digest) == 64


def test_label_changes_when_content_changes() -> None:
    a = load_policy({"name": "p", "decide": {"on_error": "block"}})
    b = load_policy({"name": "p", "decide": {"on_error": "review"}})
    assert a.digest != b.digest


def test_unknown_key_names_file_line_and_suggests_the_closest(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "name: mine\n\nversoin: '2'\n")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    err = info.value
    assert (err.file, err.line, err.key) == (str(path), 3, "versoin")
    assert "did you mean 'version'" in str(err)
    assert str(err).startswith(f"{path}:3: versoin:")


def test_bad_enum_value_in_a_nested_section_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "name: mine\ndecide:\n  on_error: blok\n")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert info.value.line == 3 and info.value.key == "decide.on_error"


def test_malformed_yaml_is_a_policy_error_with_a_line(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "name: mine\ndecide: [\n")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert "malformed YAML" in str(info.value) and info.value.line is not None


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "name: a\nname: b\n")
    with pytest.raises(PolicyError, match="duplicate key 'name'") as info:
        load_policy(path)
    assert info.value.line == 2


def test_errors_never_echo_the_bad_value(tmp_path: Path) -> None:
    canary = "sk_live_CANARY0123456789abcdef"
    path = write(tmp_path, "p.yaml", f"name: mine\ndecide:\n  on_error: {canary}\n")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert canary not in str(info.value)


def test_missing_file_suggests_a_pack() -> None:
    with pytest.raises(PolicyError, match="did you mean 'strict'"):
        load_policy("strictt")


def test_extends_merges_child_over_parent(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "name: base\ndescription: base one\ndecide:\n  on_error: review\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nname: child\n")
    policy = load_policy(child)
    assert policy.name == "child"
    assert policy.document.description == "base one"
    assert policy.document.decide.on_error.value == "review"


def test_errors_in_a_parent_point_into_the_parent_file(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", "name: base\ndecide:\n  on_eror: block\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nname: child\n")
    with pytest.raises(PolicyError) as info:
        load_policy(child)
    assert info.value.file == str(base) and info.value.line == 3


def test_extends_cycle_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\nname: a\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(PolicyError, match="cycle"):
        load_policy(tmp_path / "a.yaml")


def test_non_mapping_policy_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="must be a mapping"):
        load_policy(write(tmp_path, "p.yaml", "- a\n- b\n"))


def test_dict_with_non_json_values_is_refused() -> None:
    with pytest.raises(PolicyError, match="plain JSON-like"):
        load_policy({"name": "p", "description": float("nan")})


def test_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)
