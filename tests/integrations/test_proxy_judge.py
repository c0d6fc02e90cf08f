"""``aimds proxy`` with the LLM judge on: a check that waits on the judge runs off the event
loop, so one slow judge answer never stalls the proxy's other requests (small bodies were
checked on the loop, where a 3 s judge call would have held every other request)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

openai = pytest.importorskip("openai")
pytest.importorskip("uvicorn")

sys.path.insert(0, str(Path(__file__).parent))

from test_proxy import Served, Upstream  # noqa: E402

import aimds  # noqa: E402
from aimds.integrations.proxy import create_proxy_app  # noqa: E402
from aimds.judge.base import JudgeAnswer, JudgeRequest  # noqa: E402
from aimds.judge.stage import JUDGE_KEY  # noqa: E402
from aimds.types import Services  # noqa: E402

SLOW_S = 1.5


class SlowJudge:
    """Answers "benign" after :data:`SLOW_S` seconds for texts that mention "slow"."""

    def __init__(self) -> None:
        self.asked = threading.Event()

    def ask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        if "slow" in str(request):
            self.asked.set()
            time.sleep(SLOW_S)
        return JudgeAnswer(verdict="benign", confidence=0.9, reason="fine")

    async def aask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        return self.ask(request, timeout_s=timeout_s)

    def close(self) -> None:
        return None


def test_a_slow_judge_does_not_stall_other_requests() -> None:
    judge = SlowJudge()
    policy = {
        "name": "judged-proxy",
        "extends": "default",
        "judge": {"enabled": True, "base_url": "http://127.0.0.1:9/v1", "model": "m",
                  "mode": "always"},  # fmt: skip
    }
    guard = aimds.Guard(policy, services=Services(extras={JUDGE_KEY: judge}))
    upstream = Upstream()
    with Served(upstream.app()) as up:
        app = create_proxy_app(guard, up.url + "/v1")
        with Served(app) as proxy:
            client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)
            slow: dict[str, Any] = {}

            def ask_slow() -> None:
                slow["answer"] = client.chat.completions.create(
                    model="m", messages=[{"role": "user", "content": "hello, a slow one"}]
                )

            thread = threading.Thread(target=ask_slow)
            thread.start()
            assert judge.asked.wait(10), "the judge was never asked"
            start = time.monotonic()
            fast = client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hello"}]
            )
            took = time.monotonic() - start
            thread.join(10)
    assert fast.choices[0].message.content == "Hello! How can I help?"
    assert slow["answer"].choices[0].message.content == "Hello! How can I help?"
    assert took < SLOW_S - 0.3, f"a quick request waited {took:.2f}s behind the judge"
