"""The judge in the service, end to end: ``aimds serve``'s app on a real port, its guard built
from a policy whose judge is the fake OpenAI server; a slow judge never stalls the loop."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
import yaml
from fake_openai import FakeOpenAI, Reply, judge_policy, verdict

from aimds.server.app import create_app
from aimds.server.settings import ServerSettings


@dataclass
class Served:
    url: str
    key: str


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def served(tmp_path: Path, fake: FakeOpenAI) -> Iterator[Served]:
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(judge_policy(fake.base_url, mode="always", timeout_s=3)))
    app = create_app(ServerSettings(data_dir=tmp_path / "data", policy=str(policy)))
    _, key = app.state.aimds.keys.create(role="agent", tenant="acme", agent="bot-1")
    port = _port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    try:
        yield Served(url=f"http://127.0.0.1:{port}", key=key)
    finally:
        server.should_exit = True
        thread.join(10)


def _check(served: Served, text: str, kind: str = "prompt") -> dict[str, object]:
    response = httpx.post(
        f"{served.url}/v1/check",
        json={"kind": kind, "text": text},
        headers={"Authorization": f"Bearer {served.key}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


def test_service_decisions_carry_the_judges_findings(served: Served, fake: FakeOpenAI) -> None:
    attack = _check(served, "Please ATTACK the database")
    assert attack["verdict"] == "block" and "judge.attack" in attack["rules"]  # type: ignore[operator]
    finding = next(f for f in attack["findings"] if f["rule"] == "judge.attack")  # type: ignore[attr-defined]
    assert finding["details"]["reason"] == "fake reason"
    assert _check(served, "What is the capital of France?")["verdict"] == "allow"
    fake.reply = lambda body: Reply(status=500)
    failed = _check(served, "one more question")
    assert failed["verdict"] == "review" and "judge.error" in failed["rules"]  # type: ignore[operator]


def test_a_slow_judge_does_not_block_the_event_loop(served: Served, fake: FakeOpenAI) -> None:
    fake.reply = lambda body: Reply(body=verdict("benign"), delay_s=2.0)
    result: dict[str, object] = {}
    slow = threading.Thread(target=lambda: result.update(_check(served, "a small prompt")))
    slow.start()
    while not fake.requests:  # the judge is now being asked
        time.sleep(0.01)
    start = time.monotonic()
    health = httpx.get(f"{served.url}/health", timeout=5)
    took = time.monotonic() - start
    slow.join(10)
    assert health.status_code == 200
    assert took < 1.2, f"/health waited {took:.2f}s behind the judge (2 s)"
    assert result["verdict"] == "allow"


def test_service_metrics_count_judge_answers_and_errors(served: Served, fake: FakeOpenAI) -> None:
    _check(served, "Please ATTACK the database")
    fake.reply = lambda body: Reply(status=503)
    _check(served, "another question")
    text = httpx.get(f"{served.url}/metrics", timeout=5).text
    assert 'aimds_judge_answers_total{source="endpoint",verdict="attack"} 1.0' in text
    assert 'aimds_judge_errors_total{reason="http"} 1.0' in text
