"""How the content detectors see memory events: as the kind of text they already know.

The detectors keep thresholds per event kind (``detectors.thresholds``): low ones for data
(tool results, agent messages), where any instruction addressed to the model is suspect, and
higher ones for what a person wrote. Memory content is data by nature: what a read returns
was written some time ago by someone the reader cannot see. So a ``memory_read`` is scanned
as a ``tool_result``, and so is a ``memory_write`` unless its provenance is one the policy
trusts (``memory.trusted_sources``: the user, the system), which is scanned as a ``prompt``:
"always answer in French" from the user is a preference, from a web page an injection.

The stand-in event keeps the text, subject and meta; its ``tool`` is ``memory`` so findings
read naturally. Only the detectors stage uses it, for the length of its run; every other
stage, the decision and the audit record see the memory event as it came.
"""

from __future__ import annotations

from dataclasses import replace

from aimds.errors import InputError
from aimds.policy.sections.memory import PROVENANCE_KEY, MemorySection, parse_provenance
from aimds.types import Event, EventKind

__all__ = ["MEMORY_KINDS", "MEMORY_TOOL", "detector_event"]

MEMORY_KINDS = frozenset({EventKind.MEMORY_WRITE, EventKind.MEMORY_READ})
MEMORY_TOOL = "memory"


def detector_event(event: Event, section: MemorySection) -> Event | None:
    """The event the detectors should judge in place of ``event``; ``None`` for other kinds.

    A provenance that does not parse counts as unknown, hence untrusted (the memory stage
    reports it as ``memory.provenance_invalid``).
    """
    kind = event.kind
    if kind is EventKind.MEMORY_READ:
        return replace(event, kind=EventKind.TOOL_RESULT, tool=MEMORY_TOOL, args={})
    if kind is not EventKind.MEMORY_WRITE:
        return None
    try:
        provenance = parse_provenance(event.meta.get(PROVENANCE_KEY))
    except InputError:
        provenance = None
    trusted = provenance is not None and provenance.source in section.trusted_sources
    if trusted:
        return replace(event, kind=EventKind.PROMPT, tool=None, args={})
    return replace(event, kind=EventKind.TOOL_RESULT, tool=MEMORY_TOOL, args={})
