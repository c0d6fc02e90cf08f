"""The policy document: one strict pydantic model whose sections are owned by their rooms.

Each section lives in ``aimds.policy.sections.<name>`` and validates itself; this module only
assembles them. Schema version 1 is the only one so far.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from aimds.policy.fields import Section
from aimds.policy.sections.actions import (
    AutonomySection,
    BudgetsSection,
    DefaultsSection,
    LimitsSection,
    NetworkSection,
    PathsSection,
    RolesSection,
    TaxonomySection,
    ToolRule,
)
from aimds.policy.sections.approvals import ApprovalsSection
from aimds.policy.sections.audit import AuditSection
from aimds.policy.sections.behavior import BehaviorSection
from aimds.policy.sections.decide import DecideSection
from aimds.policy.sections.detectors import DetectorsSection
from aimds.policy.sections.judge import JudgeSection
from aimds.policy.sections.learn import AttackMemorySection
from aimds.policy.sections.mcp import McpSection
from aimds.policy.sections.memory import MemorySection
from aimds.policy.sections.messages import MessagesSection
from aimds.policy.sections.rings import RingsSection
from aimds.policy.sections.sensitive import SensitiveSection
from aimds.policy.sections.streaming import StreamingSection

__all__ = ["SCHEMA_VERSION", "PolicyDocument"]

SCHEMA_VERSION: Literal[1] = 1


def _version_text(value: Any) -> Any:
    """``version: 1`` (a YAML integer) means ``"1"``; booleans are not versions."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class PolicyDocument(Section):
    """A whole policy after ``extends`` has been merged."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.-]+$")
    version: Annotated[str, BeforeValidator(_version_text)] = Field(
        default="1", min_length=1, max_length=64
    )
    description: str = ""
    extends: str | None = None

    defaults: DefaultsSection = Field(default_factory=DefaultsSection)
    limits: LimitsSection = Field(default_factory=LimitsSection)
    taxonomy: TaxonomySection = Field(default_factory=TaxonomySection)
    rules: list[ToolRule] = Field(default_factory=list)
    roles: RolesSection = Field(default_factory=RolesSection)
    paths: PathsSection = Field(default_factory=PathsSection)
    network: NetworkSection = Field(default_factory=NetworkSection)
    budgets: BudgetsSection = Field(default_factory=BudgetsSection)
    autonomy: AutonomySection = Field(default_factory=AutonomySection)
    detectors: DetectorsSection = Field(default_factory=DetectorsSection)
    sensitive: SensitiveSection = Field(default_factory=SensitiveSection)
    behavior: BehaviorSection = Field(default_factory=BehaviorSection)
    audit: AuditSection = Field(default_factory=AuditSection)
    approvals: ApprovalsSection = Field(default_factory=ApprovalsSection)
    decide: DecideSection = Field(default_factory=DecideSection)
    mcp: McpSection = Field(default_factory=McpSection)
    streaming: StreamingSection = Field(default_factory=StreamingSection)
    memory: MemorySection = Field(default_factory=MemorySection)
    rings: RingsSection | None = None
    judge: JudgeSection = Field(default_factory=JudgeSection)
    attack_memory: AttackMemorySection = Field(default_factory=AttackMemorySection)
    messages: MessagesSection = Field(default_factory=MessagesSection)
