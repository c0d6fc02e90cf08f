"""Secrets and PII detectors on ordinary prompts (200 and 2,000 chars of prose), a config
file and an application log dense with PII (the worst case: every line has findings).

The prose holds the digits, dates, percentages and credential words ordinary text has, so the
candidate pre-passes are exercised, not just the keyword-free early exit.
"""

from __future__ import annotations

from aimds.detectors import pii, secrets
from aimds.policy import load_policy
from aimds.types import Services
from benchmarks.harness import Result, measure

PROMPT = (
    "Please summarise the following article about the history of the Roman empire and its "
    "influence on modern law, focusing on the role of the senate and the emperors in it."
)[:200]

_PROSE = (
    "In 2019 the team moved its billing service to a new region and cut latency by 35%. "
    "The key lesson, according to the report of 12 March 2021, was that the old token bucket "
    "limited bursts to 250 requests per second, which hurt checkout at peak times. Version 4.2 "
    "of the client library added retries with jitter; after the change, p99 fell from 840 ms to "
    "190 ms and error rates dropped below 0.1%. Users who forgot their password could reset it "
    "from the settings page, and support answered most tickets within 2 hours. Call volume at "
    "the help desk fell by a third between Q1 and Q3. The authors note that 3 of the 7 outages "
    "came from expired certificates, and they recommend rotating credentials every 90 days. "
)
PROSE = (_PROSE * (2000 // len(_PROSE) + 1))[:2000]

CONFIG = (
    "# service settings\nAPP_ENV=production\nLOG_LEVEL=info\nDB_HOST=db.internal\nDB_PORT=5432\n"
    "DB_USER=app_user\nDB_PASSWORD=Granite011%x\nREDIS_URL=redis://cache:6379/0\n"
    "GITHUB_TOKEN=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\nSUPPORT_EMAIL=help@corp.io\n"
    "MAX_TOKENS=1024\nTEMPERATURE=0.2\nCLIENT_IP=147.95.44.82\nTIMEOUT_SECONDS=30\n"
)
CONFIG = (CONFIG * (2000 // len(CONFIG) + 1))[:2000]

LOG = "".join(
    f"2024-05-01T12:00:{i % 60:02d}Z INFO req id=7f3a{i:04d} ip=147.95.{i % 250}.{i * 7 % 250} "
    f"user=u{i}@mail.com status=200 dur=12ms\n"
    for i in range(40)
)[:2000]


def run(quick: bool) -> list[Result]:
    policy = load_policy("default")
    sec = secrets.build(policy, Services())
    pi = pii.build(policy, Services())
    assert sec is not None and pi is not None
    n = 2_000 if quick else 20_000
    return [
        measure(
            "secrets+pii 200-char prompt, no keywords",
            lambda: (sec.scan(PROMPT), pi.scan(PROMPT)),
            n=n,
        ),
        measure("secrets 2000-char prose", lambda: sec.scan(PROSE), n=n // 4),
        measure("pii 2000-char prose", lambda: pi.scan(PROSE), n=n // 4),
        measure("secrets+pii 2000-char prose", lambda: (sec.scan(PROSE), pi.scan(PROSE)), n=n // 4),
        measure("secrets 2000-char config", lambda: sec.scan(CONFIG), n=n // 4),
        measure("pii 2000-char config", lambda: pi.scan(CONFIG), n=n // 4),
        measure(
            "secrets+pii 2000-char config", lambda: (sec.scan(CONFIG), pi.scan(CONFIG)), n=n // 4
        ),
        measure(
            "secrets+pii 2000-char log, ~40 PII items",
            lambda: (sec.scan(LOG), pi.scan(LOG)),
            n=n // 10,
        ),
    ]
