"""Fixtures for the audit tests: evaluations and small logs on temporary SQLite files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aimds.audit import AuditLog, HmacSigner
from aimds.types import Evaluation, Event, EventKind, Finding, Severity, Subject, Verdict

KEY = b"k" * 32
CANARY = "CANARY-sk-live-4f9a8b7c6d5e4f3a2b1c"


def make_eval(
    i: int = 0,
    *,
    tenant: str = "acme",
    text: str = "hello",
    verdict: Verdict = Verdict.ALLOW,
    findings: tuple[Finding, ...] = (),
) -> Evaluation:
    ev = Evaluation(
        event=Event(
            kind=EventKind.PROMPT,
            subject=Subject(tenant=tenant, agent=f"agent-{i % 3}"),
            text=text,
        ),
        ts=1_700_000_000.0 + i,
    )
    ev.verdict = verdict
    ev.findings.extend(findings)
    return ev


def secret_finding() -> Finding:
    return Finding(
        rule="secret.api_key",
        category="secret",
        severity=Severity.HIGH,
        message="an API key was found",
        evidence="sk-l****",
        span=(0, 10),
    )


@pytest.fixture()
def make_log(tmp_path: Path) -> Iterator[Callable[..., AuditLog]]:
    logs: list[AuditLog] = []

    def build(name: str = "audit.db", **options: object) -> AuditLog:
        options.setdefault("signer", HmacSigner(KEY))
        options.setdefault("digest_key", b"d" * 32)
        options.setdefault("batch_size", 1)  # checkpoints land where the tests expect
        log = AuditLog.open(str(tmp_path / name), **options)  # type: ignore[arg-type]
        logs.append(log)
        return log

    yield build
    for log in logs:
        log.close()


def fill(log: AuditLog, n: int, *, tenant: str = "acme") -> None:
    for i in range(n):
        log.record(make_eval(i, tenant=tenant), decision_id=f"d{i}", policy="test@1")
    assert log.flush(10)


class Kit:
    """The helpers above, handed to tests as the ``kit`` fixture."""

    key = KEY
    canary = CANARY
    make_eval = staticmethod(make_eval)
    secret_finding = staticmethod(secret_finding)
    fill = staticmethod(fill)


@pytest.fixture()
def kit() -> type[Kit]:
    return Kit
