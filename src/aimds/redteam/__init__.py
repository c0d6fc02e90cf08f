"""Red-team harness: attacks written for AIMDS, run through a guard, measured.

Goals (exfiltration, destructive action, prompt leak, policy override, credential theft,
task hijack) are crossed with techniques (plain, role-play, payload splitting, encodings,
homoglyphs and invisible characters, carriers for indirect injection, multi-turn
escalation, tool-call variants); benign controls go through the same techniques so the
false-positive rate is measured on equal terms. Everything is deterministic by seed.

>>> import aimds
>>> from aimds.redteam import campaign
>>> report = campaign(aimds.Guard("default"), goals=["destructive"], techniques=["plain"], count=2)
>>> report["totals"]["attacks"]
2

See docs/redteam.md for the definitions (attack success, false positive) and the CLI.
"""

from aimds.redteam.campaign import campaign, plan
from aimds.redteam.cases import GOALS, TECHNIQUE_GROUPS, TECHNIQUES, TEXT_TECHNIQUES, Case
from aimds.redteam.chart import chart_svg
from aimds.redteam.generate import Family, families, generate, make_case
from aimds.redteam.report import DEFINITIONS, markdown, summarize
from aimds.redteam.runner import CaseResult, run, run_case

__all__ = [
    "DEFINITIONS",
    "GOALS",
    "TECHNIQUES",
    "TECHNIQUE_GROUPS",
    "TEXT_TECHNIQUES",
    "Case",
    "CaseResult",
    "Family",
    "campaign",
    "chart_svg",
    "families",
    "generate",
    "make_case",
    "markdown",
    "plan",
    "run",
    "run_case",
    "summarize",
]
