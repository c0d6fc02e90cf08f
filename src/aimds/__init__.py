"""AIMDS, the AI Manipulation Defense System: a runtime safety layer for LLM agents.

>>> import aimds
>>> guard = aimds.Guard()
>>> guard.check_tool_call("shell", {"command": "rm -rf /"}).verdict
<Verdict.BLOCK: 'block'>
"""

from aimds.detect import detect
from aimds.errors import (
    ActionBlocked,
    AimdsError,
    BackendError,
    ConfigError,
    InputError,
    MissingExtraError,
    PolicyError,
)
from aimds.guard import Guard
from aimds.identity import AgentIdentity
from aimds.integrations.context import acting_as
from aimds.policy import Policy, load_policy
from aimds.types import (
    ActionInfo,
    Decision,
    Event,
    EventKind,
    Finding,
    Services,
    Severity,
    StageOutcome,
    StageStatus,
    Subject,
    Verdict,
)

__version__ = "0.1.0"

__all__ = [
    "ActionBlocked",
    "ActionInfo",
    "AgentIdentity",
    "AimdsError",
    "BackendError",
    "ConfigError",
    "Decision",
    "Event",
    "EventKind",
    "Finding",
    "Guard",
    "InputError",
    "MissingExtraError",
    "Policy",
    "PolicyError",
    "Services",
    "Severity",
    "StageOutcome",
    "StageStatus",
    "Subject",
    "Verdict",
    "__version__",
    "acting_as",
    "detect",
    "load_policy",
]
