"""Signed messages between agents: signing, verifying, and the guard's whole check of a
signed 1 KB message (verify + nonce + channel rules + content detectors), for Ed25519 and
HMAC-SHA256, beside the same check of the unsigned text.

Target (issue 16): verify + content check of a 1 KB message, p50 <= 150 µs. Each guard
check gets a fresh envelope (pre-signed), so the replay check records a new nonce each
time, as in production. Two body regimes: the same body every time (the detectors' cache
of recent texts answers, so the figure is the identity stage plus the pipeline), and a new
body each time (a counter at its end: the content detectors' full cost, which dominates).
"""

from __future__ import annotations

import itertools

from aimds import AgentIdentity, Guard, Subject
from aimds.identity.envelope import parse_envelope
from aimds.identity.registry import MemoryRegistry
from benchmarks.harness import Result, measure

BODY = (
    "Status report for the nightly pipeline: the build finished in 14 minutes, 2,314 tests "
    "passed and 3 were skipped on the arm64 runners. Coverage rose to 87.4% after the new "
    "parser tests landed. Please re-run the flaky integration suite on the staging cluster, "
    "then post the summary to the release channel and tag the owners of failing checks. "
)
BODY = (BODY * (1024 // len(BODY) + 1))[:1024]
TENANT = "acme"
RECIPIENT = Subject(tenant=TENANT, agent="executor", role="expert")


def _signers() -> list[AgentIdentity]:
    return [
        AgentIdentity.generate(agent="planner", tenant=TENANT, role="expert"),
        AgentIdentity.from_secret(agent="hplanner", tenant=TENANT, secret="s" * 32),
    ]


def _same(i: int) -> str:
    return BODY


def _unique(i: int) -> str:
    return BODY[:-9] + f" {i:08d}"


def run(quick: bool) -> list[Result]:
    n = 2_000 if quick else 10_000
    results: list[Result] = []
    guard = Guard()
    registry = MemoryRegistry()
    for ident in _signers():
        guard.identities.register(ident.public())
        registry.register(ident.public())
        alg = ident.algorithm
        results.append(
            measure(
                f"identity sign 1KB ({alg})",
                lambda i=ident: i.sign_message(to="executor", body=BODY, channel="tasks"),
                n=n,
                warmup=200,
            )
        )
        one = ident.sign_message(to="executor", body=BODY, channel="tasks")

        def verify(env: dict = one) -> bool:
            parsed = parse_envelope(env)
            who = registry.lookup(parsed.tenant, parsed.key_id)
            assert who is not None
            return registry.verify(who, parsed.signature, parsed.signed)

        results.append(measure(f"identity verify 1KB ({alg})", verify, n=n, warmup=200))
        for label, body_of in (("same body", _same), ("new body each", _unique)):
            envelopes = iter(
                [
                    ident.sign_message(to="executor", body=body_of(i), channel="tasks")
                    for i in range(n + 500)
                ]
            )
            results.append(
                measure(
                    f"identity check_message signed 1KB, {label} ({alg})",
                    lambda e=envelopes: guard.check_message(next(e), subject=RECIPIENT),
                    n=n,
                    warmup=500,
                )
            )
    for label, body_of in (("same body", _same), ("new body each", _unique)):
        counter = itertools.count(10**7)
        results.append(
            measure(
                f"identity check_message unsigned 1KB, {label} (baseline)",
                lambda b=body_of, c=counter: guard.check_message(b(next(c)), subject=RECIPIENT),
                n=n,
                warmup=500,
            )
        )
    guard.close()
    return results
