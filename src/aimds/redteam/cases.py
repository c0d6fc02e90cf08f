"""What a red-team case is, and the names of goals and techniques.

A :class:`Case` is one attack (or one benign control) as the guard sees it: a short session
of :class:`~aimds.types.Event` objects whose *decisive* event is the last one. For an
attack, the decisive event is the one whose passing lets the attack take effect (the
injected prompt, the tool result carrying the planted instruction, the harmful tool call);
for a control it is the event that mirrors it.

Names are plain strings so they read the same in the CLI, the JSON report and the tests;
:func:`resolve` turns what a user typed into them (groups expand, unknown names raise
:class:`~aimds.errors.InputError` with the closest valid name).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from aimds.errors import InputError
from aimds.types import Event

__all__ = [
    "GOALS",
    "TECHNIQUES",
    "TECHNIQUE_GROUPS",
    "TEXT_TECHNIQUES",
    "Case",
    "Label",
    "resolve",
]

Label = Literal["attack", "benign"]

GOALS: tuple[str, ...] = (
    "exfiltration",
    "destructive",
    "prompt_leak",
    "policy_override",
    "credential_theft",
    "task_hijack",
)
"""What an attack wants. ``task_hijack`` always arrives in data (a tool result): it turns
the agent from the user's task to the attacker's; the others arrive as the user's prompt
unless the technique plants them in a carrier."""

TECHNIQUE_GROUPS: dict[str, tuple[str, ...]] = {
    "direct": ("plain", "roleplay", "payload_split"),
    "encoding": ("base64", "hex", "rot13", "url"),
    "unicode": ("homoglyph", "invisible"),
    "carrier": ("email", "web_page", "table", "code_answer", "json"),
    "session": ("multi_turn",),
    "tool": ("tool_call",),
}
"""Techniques by family; a group name on the command line stands for all of its members."""

TECHNIQUES: tuple[str, ...] = tuple(t for group in TECHNIQUE_GROUPS.values() for t in group)

TEXT_TECHNIQUES: tuple[str, ...] = tuple(
    t for t in TECHNIQUES if t not in ("multi_turn", "tool_call")
)
"""Techniques whose decisive event is a text (a prompt or a tool result): the ones whose
decisions can be fed back into an attack memory."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One generated attack or benign control.

    ``payload`` is the instruction before the technique transformed it (for ``tool_call``,
    the action written out; for ``multi_turn``, the ask that precedes the action), so a
    test can check that the transform is real and a report can say what was attempted.
    ``template`` names the wording the payload came from and ``form`` the technique's
    variant: ``goal``, ``technique``, ``template`` and ``form`` together make a *family*
    whose variants differ only on the surface (targets, hosts, split points, filler).
    """

    id: str
    goal: str
    technique: str
    label: Label
    events: tuple[Event, ...]
    payload: str
    template: int
    form: int

    @property
    def decisive(self) -> Event:
        """The event that decides the case (always the last one)."""
        return self.events[-1]

    @property
    def family(self) -> str:
        return f"{self.goal}.{self.technique}.t{self.template}f{self.form}"


def resolve(
    given: Iterable[str] | None,
    valid: Sequence[str],
    *,
    what: str,
    groups: dict[str, tuple[str, ...]] | None = None,
) -> tuple[str, ...]:
    """The names in ``given`` (comma-separated items allowed; groups expanded), in the order
    of ``valid``, without repeats; all of ``valid`` when ``given`` is empty or ``None``.

    Raises :class:`InputError` naming the unknown name and the closest valid one.
    """
    groups = groups or {}
    wanted: set[str] = set()
    for item in given or ():
        for raw in item.split(","):
            name = raw.strip().lower().replace("-", "_")
            if not name:
                continue
            if name in groups:
                wanted.update(groups[name])
            elif name in valid:
                wanted.add(name)
            else:
                options = [*valid, *groups]
                close = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InputError(
                    f"unknown {what} {raw.strip()!r}{hint} (valid: {', '.join(options)})"
                )
    if not wanted:
        return tuple(valid)
    return tuple(v for v in valid if v in wanted)
