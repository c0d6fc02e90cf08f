"""Policy section ``messages``: signed messages between agents and delegation chains.

``guard.check_message(envelope, subject=recipient)`` verifies a signed envelope (see
:mod:`aimds.identity`): signature, registered and unrevoked sender, recipient, freshness
(``max_age`` back, ``clock_skew`` ahead), nonce replay (kept in the behaviour state store for
``max_age + clock_skew``), then these channel rules. A signed but invalid envelope always
blocks, whatever this section says. Plain-text messages take the ``unsigned`` verdict
(``allow``: as they always were; ``block`` to require signatures).

``channels`` empty: any registered sender may write to any agent of its tenant on any
channel. Otherwise a signed message must match a rule: its channel one of ``channels``,
its sender one of ``senders`` and its recipient one of ``recipients`` (agent-id globs, or
``role:<glob>`` matching the sender identity's role / the recipient subject's role), else
``message.channel_denied`` with ``on_channel_denied``.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from aimds.policy.fields import Glob, Section
from aimds.policy.sections.behavior import Duration
from aimds.types import Verdict

__all__ = ["ChannelRule", "MessagesSection"]

_PARTY = re.compile(r"(role:)?[\x21-\x7e]{1,200}")


def _parties(values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        if not _PARTY.fullmatch(value) or value == "role:":
            raise ValueError(f"{value!r}: use an agent-id glob or role:<glob>")
    return values


class ChannelRule(Section):
    """Who may write to whom on which channels (all three must match)."""

    channels: tuple[Glob, ...] = ("*",)
    senders: tuple[str, ...] = ("*",)
    recipients: tuple[str, ...] = ("*",)
    description: str = ""

    @field_validator("senders", "recipients")
    @classmethod
    def _check(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _parties(values)


class MessagesSection(Section):
    """Settings of signed messages and delegation (see docs/identity.md)."""

    unsigned: Verdict = Verdict.ALLOW
    """Verdict for a plain-text message (rule ``message.unsigned``; ``allow``: no finding)."""
    max_age: Duration = Field(default=300.0, gt=0)
    """An envelope older than this (by its own timestamp) is ``message.expired``."""
    clock_skew: Duration = Field(default=30.0, ge=0)
    """How far in the future an envelope's timestamp may be."""
    replay: bool = True
    """Remember nonces (in the behaviour store) and block a second use (``message.replay``)."""
    channels: list[ChannelRule] = Field(default_factory=list)
    on_channel_denied: Verdict = Verdict.BLOCK
    delegation_max_depth: int = Field(default=8, ge=1, le=16)
