"""The ``kill`` stage: first in the pipeline, it blocks every event of a killed agent.

It costs one attribute load per event while nothing is killed (see
:meth:`~aimds.kill.switch.KillSwitch.blocking`). It is always on: a policy cannot switch
it off, since the point of a kill switch is that it works whatever the policy says. Every
guard built on the same :class:`~aimds.types.Services` shares one switch (the service's
per-tenant guards, and a guard rebuilt for a new policy version, see the same kills).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aimds.kill.switch import KillSwitch
from aimds.types import Evaluation

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.types import Services

__all__ = ["EXTRAS_KEY", "KillStage", "build_stage", "switch_of"]

EXTRAS_KEY = "kill"


class KillStage:
    name = "kill"
    halts = True
    """May set ``ev.halted`` (see :mod:`aimds.halt`)."""

    __slots__ = ("switch",)

    def __init__(self, switch: KillSwitch) -> None:
        self.switch = switch

    def __call__(self, ev: Evaluation) -> None:
        subject = ev.event.subject
        found = self.switch.blocking(subject.tenant, subject.agent)
        if found is not None:
            ev.findings.append(found)
            ev.halted = True  # detectors, behaviour and the judge have nothing to add


def switch_of(services: Services) -> KillSwitch:
    """The switch these services share (an in-memory one is made on first use)."""
    switch = services.extras.get(EXTRAS_KEY)
    if not isinstance(switch, KillSwitch):
        switch = services.extras.setdefault(EXTRAS_KEY, KillSwitch(clock=services.clock))
    return switch


def build_stage(policy: Policy, services: Services) -> KillStage:
    return KillStage(switch_of(services))
