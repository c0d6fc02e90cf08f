"""Added latency of the MCP gateway per ``tools/call``, as an agent sees it.

    python -m benchmarks.run mcp            (or: python -m benchmarks.bench_mcp)

An agent (the SDK's ``mcp.Client``) calls ``echo`` with a 200-character text (numbered) on a small
MCP server over stdio, once directly and once through ``aimds mcp proxy`` (the gateway as
a subprocess on stdio, default pack plus a scope for ``echo``, no audit log; the rate
budget and the command-spam pattern raised, since no agent calls one tool this often). The two
setups take turns round after round, so a busy machine slows both alike; each round
times every call in wall-clock time. The table gives the median over rounds of each
round's p50 and p99, and the differences: what the gateway adds (one more stdio hop, the
``tool_call`` and ``tool_result`` checks, the result mapping).

Wall-clock time on a shared machine is noisy (the load average is recorded), so the same
comparison is also made in CPU time, in process: this thread's CPU time for a call
through :class:`~aimds.integrations.mcp.session.Gateway` (its upstream on stdio) beside
the same call on the upstream client directly, call after call. The difference is the
gateway's own work per call (both checks, the mapping of the result, the SDK's server
side of the extra hop is not in it).

A third setup, a bare pass-through proxy on the same SDK (no guard, no pins), shows how
much of the wall-clock difference is the extra process hop itself.

``python -m benchmarks.bench_mcp --serve`` is the echo server itself; ``--passthru --
CMD`` the bare proxy.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import Result

TEXT = ("Quarterly planning notes: the team reviewed the roadmap and agreed on the release "
        "train for the next two sprints; owners are assigned for the billing migration.")[:200]
ROOT = Path(__file__).resolve().parents[1]
POLICY = """\
schema_version: 1
name: bench-mcp
extends: default
roles:
  definitions:
    expert:
      scopes:
        - id: scope.bench.echo
          tools: [echo]
budgets:
  rates:
    - id: budget.rate
      tools: ["*"]
      per: [tenant, agent, session, tool]
      limit: 1000000
      window_s: 60
behavior:
  sequences:
    command_spam: {min_identical: 100000}
"""


def _serve() -> None:
    from mcp.server.mcpserver import MCPServer

    app = MCPServer("bench")

    @app.tool()
    def echo(text: str) -> str:
        """Echo a text back."""
        return text

    app.run()


def _passthru(command: list[str]) -> None:
    import anyio
    import mcp_types as types
    from mcp.server import Server
    from mcp.server.stdio import stdio_server

    from aimds.integrations.mcp.transports import connect_upstream

    async def main() -> None:
        async with connect_upstream(command=command) as upstream:
            async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
                listed = await upstream.list_tools()
                return types.ListToolsResult(tools=listed.tools, ttl_ms=0,
                                             cache_scope="private")

            async def call_tool(ctx: Any, params: Any) -> types.CallToolResult:
                return await upstream.call_tool(params.name, params.arguments)

            server = Server("passthru", on_list_tools=list_tools, on_call_tool=call_tool)
            async with stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())

    anyio.run(main)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _round(params: Any, calls: int, warmup: int) -> list[float]:
    from mcp import Client

    async with Client(params) as client:
        await client.list_tools()
        for i in range(warmup):
            await client.call_tool("echo", {"text": f"{i} {TEXT}"})
        times = []
        for i in range(calls):
            text = f"{warmup + i} {TEXT}"  # identical calls in a burst are a behaviour finding
            start = time.perf_counter_ns()
            result = await client.call_tool("echo", {"text": text})
            times.append((time.perf_counter_ns() - start) / 1000.0)
            if result.is_error:
                raise RuntimeError("the benchmark call was stopped: " + str(result.content))
    return times


async def _cpu(server: list[str], env: dict[str, str], policy: Path, calls: int,
               warmup: int) -> tuple[list[float], list[float]]:
    """Per-call CPU time (us) of this thread: upstream client alone, then via the gateway."""
    import yaml

    from aimds import Guard
    from aimds.integrations.mcp.session import Gateway
    from aimds.integrations.mcp.transports import connect_upstream

    guard = Guard(yaml.safe_load(policy.read_text()))
    direct: list[float] = []
    gated: list[float] = []
    async with connect_upstream(command=server, env=env) as upstream:
        gateway = Gateway(guard, upstream, server="bench", wait_for_approval=False)
        await gateway.list_tools()
        for i in range(warmup + calls):
            text = f"{i} {TEXT}"
            t0 = time.thread_time_ns()
            await upstream.call_tool("echo", {"text": text})
            t1 = time.thread_time_ns()
            result = await gateway.call_tool("echo", {"text": text})
            t2 = time.thread_time_ns()
            if result.is_error:
                raise RuntimeError("the benchmark call was stopped: " + str(result.content))
            if i >= warmup:
                direct.append((t1 - t0) / 1000.0)
                gated.append((t2 - t1) / 1000.0)
    guard.close()
    return direct, gated


def run(quick: bool = False) -> list[Result]:
    try:
        import anyio
        from mcp import StdioServerParameters
    except ImportError:
        print("bench_mcp: the mcp extra is not installed; skipped", file=sys.stderr)
        return []
    rounds, calls, warmup = (3, 100, 20) if quick else (7, 300, 50)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    server = [sys.executable, "-m", "benchmarks.bench_mcp", "--serve"]
    with tempfile.TemporaryDirectory() as tmp:
        policy = Path(tmp) / "policy.yaml"
        policy.write_text(POLICY)
        aimds = [sys.executable, "-c", "from aimds.cli.main import main; main()"]
        setups = {
            "direct": StdioServerParameters(command=server[0], args=server[1:], env=env,
                                            cwd=str(ROOT)),
            "bare proxy": StdioServerParameters(
                command=server[0], args=["-m", "benchmarks.bench_mcp", "--passthru", "--",
                                         *server], env=env, cwd=str(ROOT)),
            "gateway": StdioServerParameters(
                command=aimds[0], args=[*aimds[1:], "mcp", "proxy", "--policy", str(policy),
                                        "--", *server], env=env, cwd=str(ROOT)),
        }
        p50: dict[str, list[float]] = {k: [] for k in setups}
        p99: dict[str, list[float]] = {k: [] for k in setups}
        means: dict[str, list[float]] = {k: [] for k in setups}
        for _ in range(rounds):
            for name, params in setups.items():
                times = anyio.run(_round, params, calls, warmup)
                p50[name].append(_percentile(times, 0.50))
                p99[name].append(_percentile(times, 0.99))
                means[name].append(statistics.fmean(times))
        direct, gated = anyio.run(_cpu, server, env, policy, calls * rounds // 2, warmup)
    out = []
    for name in setups:
        m50, m99 = statistics.median(p50[name]), statistics.median(p99[name])
        mean = statistics.median(means[name])
        out.append(Result(f"mcp tools/call {name}", rounds * calls, round(m50, 1),
                          round(m99, 1), round(mean, 1), round(1e6 / mean, 1),
                          {"rounds": rounds, "calls_per_round": calls}))
    load = os.getloadavg()[0]
    added50 = statistics.median(g - d for g, d in zip(p50["gateway"], p50["direct"], strict=True))
    added99 = statistics.median(g - d for g, d in zip(p99["gateway"], p99["direct"], strict=True))
    out.append(Result("mcp gateway added per tools/call", rounds * calls, round(added50, 1),
                      round(added99, 1), 0.0, 0.0,
                      {"what": "median over rounds of (gateway - direct) p50 and p99, wall",
                       "load_average": load}))
    hop50 = statistics.median(
        g - d for g, d in zip(p50["bare proxy"], p50["direct"], strict=True))
    hop99 = statistics.median(
        g - d for g, d in zip(p99["bare proxy"], p99["direct"], strict=True))
    out.append(Result("mcp bare SDK proxy added per tools/call", rounds * calls,
                      round(hop50, 1), round(hop99, 1), 0.0, 0.0,
                      {"what": "the same for a pass-through proxy without the guard"}))
    for name, times in (("direct", direct), ("gateway", gated)):
        out.append(Result(f"mcp tools/call {name} (cpu, in process)", len(times),
                          round(_percentile(times, 0.5), 1), round(_percentile(times, 0.99), 1),
                          round(statistics.fmean(times), 1), 0.0))
    out.append(Result(
        "mcp gateway added per tools/call (cpu)", len(direct),
        round(_percentile(gated, 0.5) - _percentile(direct, 0.5), 1),
        round(_percentile(gated, 0.99) - _percentile(direct, 0.99), 1), 0.0, 0.0,
        {"what": "p50 and p99 of gateway minus those of direct, this thread's CPU time"}))
    return out


if __name__ == "__main__":
    if "--serve" in sys.argv:
        _serve()
    elif "--passthru" in sys.argv:
        _passthru(sys.argv[sys.argv.index("--") + 1:])
    else:
        for row in run(quick="--quick" in sys.argv):
            print(f"{row.name:44} p50 {row.p50_us:9.1f} us  p99 {row.p99_us:9.1f} us")
