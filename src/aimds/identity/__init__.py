"""Agents as principals: identities, signed messages between agents, delegation chains.

>>> import aimds
>>> guard = aimds.Guard()
>>> planner = aimds.AgentIdentity.generate(agent="planner", tenant="acme")
>>> _ = guard.identities.register(planner.public())
>>> envelope = planner.sign_message(to="executor", body="run the tests", channel="tasks")
>>> who = aimds.Subject(tenant="acme", agent="executor")
>>> guard.check_message(envelope, subject=who).verdict
<Verdict.ALLOW: 'allow'>
>>> guard.check_message(envelope, subject=who).rules   # the same envelope again
('message.replay',)

See docs/identity.md. Modules: :mod:`.identity` (keys), :mod:`.envelope` (what a message
signature covers), :mod:`.delegation` (chains and scopes), :mod:`.registry` (who is
trusted), :mod:`.stage` (the checks in the guard's pipeline).
"""

from aimds.identity.delegation import Scope
from aimds.identity.identity import AgentIdentity, PublicIdentity
from aimds.identity.registry import IdentityRegistry, MemoryRegistry

__all__ = ["AgentIdentity", "IdentityRegistry", "MemoryRegistry", "PublicIdentity", "Scope"]
