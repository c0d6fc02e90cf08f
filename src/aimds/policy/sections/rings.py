"""The ``rings`` section: privilege rings 0..3, a ceiling on what an agent may do at all.

Ring 3 only reads, ring 2 also changes its workspace, ring 1 also reaches the network and
sends things out, ring 0 is privileged (credentials, privilege changes, deletes outside
the workspace, money, code that cannot be read statically). An agent's ring comes from
``agents`` (first matching glob), else its role (``roles``), else ``default``. An action
that needs a lower ring than the agent has gets ``ring.escalation`` (review by default:
an approval is the only way across). Off unless the section is present; compiled by
:mod:`aimds.rules.rings` and documented in ``docs/rings.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from aimds.policy.fields import Glob, Section

__all__ = ["Ring", "RingsSection"]

Ring = Annotated[int, Field(ge=0, le=3)]
"""0 (privileged) .. 3 (read-only)."""


class RingsSection(Section):
    """Rings of agents and roles, and the ring action types need.

    ``types`` maps action-type globs (``db:*``, ``net:http_get``) to the ring they need,
    checked in order before the built-in table; ``on_escalation`` is the verdict for an
    action below the agent's ring (``review``: through an approval; ``block``: never).
    """

    enabled: bool = True
    default: Ring = 3
    roles: dict[str, Ring] = Field(default_factory=dict)
    agents: dict[Glob, Ring] = Field(default_factory=dict)
    types: dict[Glob, Ring] = Field(default_factory=dict)
    on_escalation: Literal["review", "block"] = "review"
    review_timeout_s: float | None = Field(default=None, gt=0, le=7 * 24 * 3600)
