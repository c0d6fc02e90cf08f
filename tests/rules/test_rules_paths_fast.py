"""The plain-path shortcut of ``aimds.rules.paths._absolute`` answers exactly what the
general reading (decode, control characters, URLs, Windows paths, ``~``) answers."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from aimds.errors import InputError
from aimds.rules import paths
from aimds.rules.paths import _absolute, _absolute_general

# the characters that decide which reading applies, and the ones around them
_ALPHABET = st.sampled_from(
    list("abcXYZ019_.-+@,=/") + list("~%:\\ \t\n\x00\x85é\uff0e\u2024$*?") + ["%2e", "%2F", "C:"]
)
_RAW = st.lists(_ALPHABET, min_size=0, max_size=24).map("".join)
_CWD = st.sampled_from(["/", "/srv/app", "/srv/app/", "~/work", "~"])


def _reading(fn: object, raw: str, cwd: str) -> str:
    try:
        return fn(raw, cwd, "/home/a")  # type: ignore[operator,no-any-return]
    except InputError:
        return "<InputError>"


@settings(max_examples=600, deadline=None)
@given(_RAW, _CWD)
@example("dir_1", "/srv/app")
@example("foo\n", "/srv/app")
@example("C:/Windows", "/")
@example("file:/etc/passwd", "/")
@example("%2e%2e/etc", "/srv/app")
def test_plain_shortcut_is_the_general_reading(raw: str, cwd: str) -> None:
    assert _reading(_absolute, raw, cwd) == _reading(_absolute_general, raw, cwd)


def test_the_shortcut_takes_plain_paths_only() -> None:
    """A hard negative per reason the general reading exists: each stays out of the shortcut."""
    plain = paths._PLAIN_PATH
    for raw in ("build/out", "./dir_1", "/srv/app/x.tar.gz", "a-b+c@d,e=f"):
        assert plain.match(raw), raw
    for raw in ("~/x", "%2e%2e", "C:/x", "file:/x", "a\\b", "a b", "x\n", "é", "", "a\x00"):
        assert not plain.match(raw), raw
    assert _absolute("dir_1", "~/work", "/home/a") == "/home/a/work/dir_1"
    assert _absolute("%2e%2e/etc", "/srv/app", "/home/a") == "/srv/app/../etc"
