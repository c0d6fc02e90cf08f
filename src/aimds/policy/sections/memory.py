"""Policy section ``memory``: how reads and writes of agent memory are judged, and provenance.

An agent's long-term memory outlives the turn that wrote it, so an instruction planted there
acts in every later session (OWASP ASI06, memory and context poisoning). Memory events carry
where their content came from, the *provenance*, in ``meta["aimds.provenance"]``:

* ``user`` / ``system``: the principal's own words (trusted by default);
* ``tool`` with the tool's name: the result of that tool;
* ``agent`` with the agent's name: a message from another agent;
* ``web``: content fetched from the web;
* ``unknown``: nothing said (the default when no provenance is given).

This module holds the vocabulary (:class:`Provenance`, :func:`parse_provenance`) and the
settings (:class:`MemorySection`) that say which provenances are trusted and which verdict
each kind of ``memory.poisoning`` asks for; the stage lives in
:mod:`aimds.behavior.memory_events`. The provenance is the caller's claim; what the guard
adds of its own is the session's history (a tool whose result carried an instruction).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from aimds.errors import InputError
from aimds.policy.fields import Glob, Section
from aimds.types import Verdict

__all__ = [
    "PROVENANCE_KEY",
    "SOURCES",
    "MemorySection",
    "Provenance",
    "SourceName",
    "parse_provenance",
]

PROVENANCE_KEY = "aimds.provenance"
"""The ``Event.meta`` key holding a memory event's provenance (a mapping or a short string)."""

SourceName = Literal["user", "system", "tool", "agent", "web", "unknown"]
SOURCES: tuple[str, ...] = ("user", "system", "tool", "agent", "web", "unknown")
_NAMED = frozenset({"tool", "agent"})
_MAX_NAME = 128


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Where a memory event's content came from: a source and, for tools and agents, a name."""

    source: SourceName = "unknown"
    name: str | None = None

    @property
    def label(self) -> str:
        """``tool:fetch_url``, ``agent:planner``, or the bare source."""
        return f"{self.source}:{self.name}" if self.name else self.source

    def as_meta(self) -> dict[str, str]:
        """The form kept in ``Event.meta[PROVENANCE_KEY]`` and in trace files."""
        out: dict[str, str] = {"source": self.source}
        if self.name:
            out[self.source] = self.name
        return out


UNKNOWN = Provenance()


def parse_provenance(value: Any, *, where: str = "provenance") -> Provenance:
    """A :class:`Provenance` from what callers write.

    Accepted: ``None`` (unknown), a :class:`Provenance`, a string (``"user"``, ``"web"``,
    ``"tool:fetch_url"``, ``"agent:planner"``) or a mapping (``{"source": "tool", "tool":
    "fetch_url"}``; ``"name"`` works for both tools and agents). Anything else raises
    :class:`~aimds.errors.InputError` naming ``where`` and the accepted forms (never the value).
    """
    if value is None:
        return UNKNOWN
    if isinstance(value, Provenance):
        return value
    if isinstance(value, str):
        source, sep, name = value.partition(":")
        return _build(source, name if sep else None, where)
    if isinstance(value, Mapping):
        extra = sorted(str(k) for k in value if k not in {"source", "name", "tool", "agent"})
        if extra:
            raise InputError(f"{where}: unknown key {extra[0]!r} (keys: source, tool, agent, name)")
        raw = value.get("source")
        if not isinstance(raw, str):
            raise InputError(f"{where}.source: expected one of {', '.join(SOURCES)}")
        source = raw
        name = value.get("name", value.get(source) if source in _NAMED else None)
        if name is not None and not isinstance(name, str):
            raise InputError(f"{where}.name: expected a string, not {type(name).__name__}")
        return _build(source, name, where)
    raise InputError(
        f"{where}: expected a string such as 'user' or 'tool:fetch_url', or a mapping "
        f"with 'source', not {type(value).__name__}"
    )


def _build(source: str, name: str | None, where: str) -> Provenance:
    if source not in SOURCES:
        raise InputError(f"{where}.source: expected one of {', '.join(SOURCES)}")
    if source in _NAMED:
        if not name:
            raise InputError(f"{where}: source {source!r} needs a name, e.g. '{source}:NAME'")
        if len(name) > _MAX_NAME:
            raise InputError(f"{where}.name: longer than {_MAX_NAME} characters")
        return Provenance(source=source, name=name)  # type: ignore[arg-type]
    if name:
        raise InputError(f"{where}: source {source!r} takes no name")
    return Provenance(source=source)  # type: ignore[arg-type]


def _trusted_sources() -> list[SourceName]:
    return ["user", "system"]


class MemorySection(Section):
    """Settings of the memory checks (``memory.poisoning``); every field has a safe default.

    ``trusted_sources``: provenances whose content is the principal's own; their writes are
    scanned with the thresholds of a ``prompt``, every other write and every read with those
    of a ``tool_result``. ``web_tools``: tools whose output counts as web content (globs).
    ``trusted_tools`` / ``trusted_agents``: tools and agents whose output is trusted unless
    it carried an instruction earlier in the session. The ``on_*`` verdicts:

    * ``on_injection``: a write whose content the detectors judge an injection at ``block``
      level, whatever its provenance;
    * ``on_untrusted_instruction``: a write holding an instruction (any injection or
      jailbreak finding) from an untrusted provenance;
    * ``on_trusted_instruction``: the same from a trusted provenance (the user's "always
      answer in French" is legitimate; flagged, not stopped, by default);
    * ``on_tainted_source``: a write whose source tool or agent carried an instruction earlier
      in the session, even when the written content holds none;
    * ``on_read_instruction``: a read that returns an instruction.

    ``taint_ttl``: seconds a tainted source stays tainted in the session.
    """

    enabled: bool = True
    trusted_sources: list[SourceName] = Field(default_factory=_trusted_sources)
    web_tools: list[Glob] = Field(
        default_factory=lambda: [
            "fetch*",
            "browse*",
            "browser*",
            "web_*",
            "http_*",
            "scrape*",
            "search*",
            "crawl*",
        ],
        max_length=1_000,
    )
    trusted_tools: list[Glob] = Field(default_factory=list, max_length=1_000)
    trusted_agents: list[Glob] = Field(default_factory=list, max_length=1_000)
    on_injection: Verdict = Verdict.BLOCK
    on_untrusted_instruction: Verdict = Verdict.REVIEW
    on_trusted_instruction: Verdict = Verdict.WARN
    on_tainted_source: Verdict = Verdict.REVIEW
    on_read_instruction: Verdict = Verdict.REVIEW
    taint_ttl: float = Field(default=3600.0, gt=0, le=30 * 86400)

    def trusted(self, provenance: Provenance) -> bool:
        """Whether content of this provenance is trusted by type (before the session's taint)."""
        if provenance.source in self.trusted_sources:
            return True
        name = provenance.name or ""
        if provenance.source == "tool":
            if any(fnmatch.fnmatchcase(name, g) for g in self.web_tools):
                return False
            return any(fnmatch.fnmatchcase(name, g) for g in self.trusted_tools)
        if provenance.source == "agent":
            return any(fnmatch.fnmatchcase(name, g) for g in self.trusted_agents)
        return False
