"""Policies: the YAML schema, loading with file:line errors, and the built-in packs."""

from aimds.policy.loader import PACKS, Policy, load_policy
from aimds.policy.schema import PolicyDocument

__all__ = ["PACKS", "Policy", "PolicyDocument", "load_policy"]
