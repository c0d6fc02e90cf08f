"""Shared pieces of the identity tests: a guard with registered agents of tenant acme."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

import aimds
from aimds import AgentIdentity, Guard, Subject

TENANT = "acme"
SECRET = "s3cret-shared-between-planner-and-guard"


@dataclass
class Agents:
    guard: Guard
    planner: AgentIdentity  # ed25519
    hmac_planner: AgentIdentity  # hmac-sha256
    alice: AgentIdentity  # a user at the root of delegation chains
    executor: AgentIdentity

    def to(self, agent: str = "executor", role: str = "expert") -> Subject:
        return Subject(tenant=TENANT, agent=agent, role=role)


def make_agents(policy: Any = "default", **kwargs: Any) -> Agents:
    guard = aimds.Guard(policy, **kwargs)
    planner = AgentIdentity.generate(agent="planner", tenant=TENANT, role="expert")
    hmac_planner = AgentIdentity.from_secret(agent="hplanner", tenant=TENANT, secret=SECRET)
    alice = AgentIdentity.generate(agent="alice", tenant=TENANT, role="user")
    executor = AgentIdentity.generate(agent="executor", tenant=TENANT, role="expert")
    for ident in (planner, hmac_planner, alice, executor):
        guard.identities.register(ident.public())
    return Agents(guard, planner, hmac_planner, alice, executor)


@pytest.fixture()
def agents() -> Agents:
    return make_agents()
