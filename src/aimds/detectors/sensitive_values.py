"""Shared judgement of candidate values: placeholders, references, public samples, masking.

Used by the secrets and PII detectors so that "what is obviously not a real value" is
decided in one place.
"""

from __future__ import annotations

import re

__all__ = ["PUBLIC_SAMPLES", "is_placeholder", "mask"]

# Values published in vendor documentation, emulators and specs: never real credentials.
PUBLIC_SAMPLES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "pk_test_TYooMQauvdEDq54NiTphI7jx",
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwia"
        "WF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    }
)

_MARKERS = re.compile(
    r"""(?ix)
    example|your[_\-.]?|placeholder|redacted|dummy|sample|changeme|change[_\-]?me|insert|
    replace[_\-]?me|todo|fixme|xxxx|\*\*\*|•|\.\.\.|…|<|>|\$\{|\{\{|\}\}|%\(|\$[A-Z_]|
    ^\$|environ|getenv|process\.env|secrets\.|vault:|^!|^arn:|^enc\[|^none$|^null$|^nil$|
    ^true$|^false$|^undefined$|^secret$|^password$|^passwd$|^pass$|^pwd$|^token$|^test$|
    ^string$|^value$|^hunter2$|^admin$|^root$|^default$|^empty$|^missing$|^required$|^unset$|
    ^not[_\-]?set$|^tbd$|^n/?a$|^-+$|^_+[A-Z_]*_+$|
    ^(?:env|file|vault|ssm|secretsmanager|keyvault|op|gcp-sm|aws-sm|k8s|ref):
    """
)


def is_placeholder(value: str) -> bool:
    """True for documentation placeholders, template/env references and masked values."""
    return value in PUBLIC_SAMPLES or _MARKERS.search(value) is not None


def mask(value: str, keep: int = 0) -> str:
    """Evidence for a finding: the first ``keep`` characters (a public prefix) and a length."""
    shown = value[:keep] if 0 < keep < len(value) // 2 else ""
    return f"{shown}***[{len(value)} chars]"
