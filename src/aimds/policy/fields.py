"""Field types shared by every policy section: checked when the policy loads, not per call."""

from __future__ import annotations

import fnmatch
from typing import Annotated, Any

import re2
from pydantic import AfterValidator, BaseModel, ConfigDict

__all__ = ["Glob", "Regex", "Section", "compile_regex"]


class Section(BaseModel):
    """Base of every policy section: strict (unknown keys are errors) and immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def compile_regex(pattern: str) -> Any:
    """Compile a user-supplied pattern with RE2 (linear time, so no ReDoS).

    Raises ``ValueError`` naming what RE2 rejected (backreferences, look-around...).
    """
    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern to stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(
            f"invalid regular expression for the linear-time engine: {reason}"
        ) from None


def _check_regex(value: str) -> str:
    compile_regex(value)
    return value


def _check_glob(value: str) -> str:
    if not value:
        raise ValueError("a glob must not be empty")
    if value.count("[") != value.count("]"):
        raise ValueError("unbalanced '[' or ']' in glob")
    fnmatch.translate(value)
    return value


Regex = Annotated[str, AfterValidator(_check_regex)]
"""A regular expression that RE2 accepts."""

Glob = Annotated[str, AfterValidator(_check_glob)]
"""An fnmatch-style glob (``*``, ``?``, ``[...]``; ``**`` for paths where a section says so)."""
