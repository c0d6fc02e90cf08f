"""Policy sections for actions: defaults, limits, taxonomy, rules, roles, boundaries."""

from __future__ import annotations

from aimds.policy.fields import Section

__all__ = [
    "AutonomySection",
    "BudgetsSection",
    "DefaultsSection",
    "LimitsSection",
    "NetworkSection",
    "PathsSection",
    "RolesSection",
    "TaxonomySection",
    "ToolRule",
]


class DefaultsSection(Section):
    """Defaults that apply when no rule says otherwise."""


class LimitsSection(Section):
    """Input limits (sizes, nesting depth)."""


class TaxonomySection(Section):
    """Mapping of tool names and arguments to ``category:action`` types."""


class ToolRule(Section):
    """One tool rule."""


class RolesSection(Section):
    """Custom roles and scopes."""


class PathsSection(Section):
    """Path boundaries."""


class NetworkSection(Section):
    """Network boundaries."""


class BudgetsSection(Section):
    """Rates, session budgets and per-call timeouts."""


class AutonomySection(Section):
    """Autonomy levels."""
