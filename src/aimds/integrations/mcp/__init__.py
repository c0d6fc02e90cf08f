"""The MCP security gateway: ``aimds mcp proxy``, ``aimds mcp pin`` and ``aimds mcp scan``.

Modules, one job each: :mod:`.pins` (tool-definition pins and their diffs),
:mod:`.poisoning` (poisoned descriptions and schemas), :mod:`.results` (tool results
through the guard), :mod:`.session` (the gateway's judgement of one server),
:mod:`.transports` (stdio and Streamable HTTP, on the official ``mcp`` SDK) and
:mod:`.report` (the static report of ``aimds mcp scan`` and the policy scope it writes).
Only :mod:`.session`, :mod:`.results` and :mod:`.transports` need the ``mcp`` extra.
"""

from aimds.integrations.mcp.pins import PinStore, ToolChange, ToolDefinition, compare
from aimds.integrations.mcp.poisoning import scan_definition

__all__ = ["PinStore", "ToolChange", "ToolDefinition", "compare", "scan_definition"]
