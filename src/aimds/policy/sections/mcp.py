"""Policy section ``mcp``: what the MCP gateway (``aimds mcp proxy``) does with tool
definitions that changed since they were pinned or that look poisoned.

``block`` (the default) leaves such a tool out of ``tools/list`` and refuses calls to it
until an admin accepts the new definition (``aimds mcp pin --accept TOOL``) or the server
is fixed; ``warn`` lists it all the same and only records the finding
(``mcp.tool_changed``, ``mcp.tool_renamed``, ``mcp.tool_poisoning``).
"""

from __future__ import annotations

from typing import Literal

from aimds.policy.fields import Section

__all__ = ["McpSection"]


class McpSection(Section):
    """Settings of the ``mcp`` section; every field has a safe default."""

    on_tool_change: Literal["warn", "block"] = "block"
    on_poisoning: Literal["warn", "block"] = "block"
