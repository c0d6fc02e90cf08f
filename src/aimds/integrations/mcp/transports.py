"""The gateway on the wire, with the official ``mcp`` SDK (2.x): an MCP client to the
upstream server (a command on stdio, or a Streamable HTTP URL) and an MCP server to the
agent (on this process's stdio, or Streamable HTTP on ``--listen``).

The upstream client keeps no response cache (``cache=None``), so every ``tools/list`` the
agent sends reaches the server and is checked against the pins. The gateway's own
listings say ``ttlMs: 0``: clients must not serve a stale, unchecked listing either.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from aimds.errors import MissingExtraError
from aimds.integrations.mcp.session import Gateway

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import mcp_types as types
    from mcp import Client
    from mcp.server import Server
    from mcp.server.context import ServerRequestContext

__all__ = ["build_server", "connect_upstream", "serve_http", "serve_stdio"]


def _require_mcp() -> None:
    try:
        import mcp  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("mcp", "mcp") from exc


@asynccontextmanager
async def connect_upstream(
    *, command: Sequence[str] | None = None, url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[Client]:
    """An entered ``mcp.Client`` to the server ``command`` starts, or at ``url``."""
    _require_mcp()
    from mcp import Client, StdioServerParameters

    if (command is None) == (url is None):
        raise ValueError("give the upstream server as a command or as a URL, not both")
    target: Any
    if command is not None:
        if not command:
            raise ValueError("the upstream server command is empty")
        target = StdioServerParameters(
            command=command[0], args=list(command[1:]),
            env=dict(env) if env is not None else dict(os.environ),
        )
    else:
        target = url
    async with Client(target, cache=None) as client:
        yield client


def build_server(gateway: Gateway, *, session_of: Callable[[Any], str | None] | None = None
                 ) -> Server[Any]:
    """The agent-facing MCP server: ``tools/list`` and ``tools/call`` through ``gateway``."""
    _require_mcp()
    import mcp_types as types
    from mcp.server import Server

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        tools = await gateway.list_tools()
        return types.ListToolsResult(tools=tools, ttl_ms=0, cache_scope="private")

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        session = session_of(ctx) if session_of is not None else None
        return await gateway.call_tool(params.name, params.arguments, session=session)

    def input_schema(name: str) -> Mapping[str, Any] | None:
        return gateway.input_schema(name)

    return Server(
        f"aimds-gateway-{gateway.server}",
        version=_version(),
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        get_tool_input_schema=input_schema,
    )


async def serve_stdio(gateway: Gateway) -> None:
    """Serve the gateway on this process's stdin/stdout until the agent hangs up."""
    from mcp.server.stdio import stdio_server

    server = build_server(gateway)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


async def serve_http(gateway: Gateway, *, host: str, port: int, path: str = "/mcp",
                     log_level: str = "warning") -> None:
    """Serve the gateway as Streamable HTTP on ``host:port`` at ``path``."""
    import uvicorn

    server = build_server(gateway, session_of=_http_session)
    app = server.streamable_http_app(streamable_http_path=path, host=host)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            lifespan="on")
    await uvicorn.Server(config).serve()


def _http_session(ctx: Any) -> str | None:
    headers = getattr(getattr(ctx, "request", None), "headers", None)
    if headers is None:
        return None
    value = headers.get("mcp-session-id")
    return str(value)[:128] if value else None


def _version() -> str:
    from aimds import __version__

    return __version__
