"""``@guard.tool``: calls are checked before running; budgets timeouts are enforced."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

import aimds
from aimds.errors import ActionBlocked, ToolTimeout

POLICY: dict[str, Any] = {
    "name": "deco",
    "rules": [{"id": "allow.all", "action": "allow"}],
    "autonomy": {"level": "autonomous"},
    "budgets": {"timeout_s": 5, "timeouts": {"slow_*": 0.2}},
}


@pytest.fixture(scope="module")
def guard() -> aimds.Guard:
    return aimds.Guard(POLICY)


def test_allowed_call_runs_and_returns(guard: aimds.Guard) -> None:
    @guard.tool("fast_tool")
    def fast_tool(x: int) -> int:
        return x + 1

    assert fast_tool(1) == 2


def test_hard_rule_blocks_before_the_function_runs() -> None:
    guard = aimds.Guard("default")
    ran = threading.Event()

    @guard.tool("shell")
    def shell(command: str) -> str:
        ran.set()
        return "done"

    with pytest.raises(ActionBlocked) as info:
        shell("rm -rf /")
    assert not ran.is_set()
    assert "hard.rm_root" in info.value.decision.rules


def test_sync_timeout_raises_tool_timeout(guard: aimds.Guard) -> None:
    release = threading.Event()

    @guard.tool("slow_sync")
    def slow_sync() -> str:
        release.wait(5)
        return "late"

    start = time.monotonic()
    with pytest.raises(ToolTimeout) as info:
        slow_sync()
    release.set()
    assert time.monotonic() - start < 2
    assert info.value.timeout_s == 0.2 and info.value.tool == "slow_sync"
    assert isinstance(info.value, TimeoutError) and isinstance(info.value, aimds.AimdsError)


def test_sync_errors_and_results_pass_through_the_timeout_thread(guard: aimds.Guard) -> None:
    @guard.tool("slow_ok")
    def slow_ok(fail: bool) -> str:
        if fail:
            raise ValueError("tool failed")
        return "ok"

    assert slow_ok(False) == "ok"
    with pytest.raises(ValueError, match="tool failed"):
        slow_ok(True)


def test_async_timeout_cancels(guard: aimds.Guard) -> None:
    cancelled = []

    @guard.tool("slow_async")
    async def slow_async() -> str:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return "late"

    with pytest.raises(ToolTimeout):
        asyncio.run(slow_async())
    assert cancelled == [True]


def test_async_within_timeout(guard: aimds.Guard) -> None:
    @guard.tool("quick_async")
    async def quick_async(x: int) -> int:
        await asyncio.sleep(0)
        return x * 2

    assert asyncio.run(quick_async(4)) == 8


def test_no_timeout_configured_runs_inline() -> None:
    guard = aimds.Guard({**POLICY, "budgets": {}})
    seen = []

    @guard.tool("inline")
    def inline() -> str:
        seen.append(threading.current_thread() is threading.main_thread())
        return "x"

    assert inline() == "x" and seen == [True]
