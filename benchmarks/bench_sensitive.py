"""Secrets and PII detectors: a keyword-free prompt, a 2,000-char config file, a redaction."""

from __future__ import annotations

from aimds.detectors import pii, secrets
from aimds.policy import load_policy
from aimds.types import Services
from benchmarks.harness import Result, measure

PROMPT = (
    "Please summarise the following article about the history of the Roman empire and its "
    "influence on modern law, focusing on the role of the senate and the emperors in it."
)[:200]

CONFIG = (
    "# service settings\nAPP_ENV=production\nLOG_LEVEL=info\nDB_HOST=db.internal\nDB_PORT=5432\n"
    "DB_USER=app_user\nDB_PASSWORD=Granite011%x\nREDIS_URL=redis://cache:6379/0\n"
    "GITHUB_TOKEN=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\nSUPPORT_EMAIL=help@corp.io\n"
    "MAX_TOKENS=1024\nTEMPERATURE=0.2\nCLIENT_IP=147.95.44.82\nTIMEOUT_SECONDS=30\n"
)
CONFIG = (CONFIG * (2000 // len(CONFIG) + 1))[:2000]


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
        measure("secrets 2000-char config", lambda: sec.scan(CONFIG), n=n // 4),
        measure("pii 2000-char config", lambda: pi.scan(CONFIG), n=n // 4),
        measure(
            "secrets+pii 2000-char config", lambda: (sec.scan(CONFIG), pi.scan(CONFIG)), n=n // 4
        ),
    ]
