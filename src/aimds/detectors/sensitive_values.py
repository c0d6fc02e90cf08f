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

_EXACT = frozenset(
    {
        "none", "null", "nil", "true", "false", "undefined", "secret", "password", "passwd",
        "pass", "pwd", "token", "test", "string", "value", "hunter2", "admin", "root", "default",
        "empty", "missing", "required", "unset", "notset", "not_set", "not-set", "tbd", "na", "n/a",
    }
)  # fmt: skip
_PREFIXES = (
    "$", "!", "arn:", "enc[", "env:", "file:", "vault:", "ssm:", "secretsmanager:", "keyvault:",
    "op:", "gcp-sm:", "aws-sm:", "k8s:", "ref:",
)  # fmt: skip
_SUBSTRINGS = (
    "example", "your", "placeholder", "redacted", "dummy", "sample", "changeme", "change_me",
    "change-me", "insert", "replace_me", "replaceme", "replace-me", "todo", "fixme", "xxxx", "***",
    "•", "...", "…", "<", ">", "${", "{{", "}}", "%(", "environ", "getenv", "process.env",
    "secrets.",
)  # fmt: skip
_FILLER = re.compile(r"-+|_+[A-Za-z_]*_+")
_SUBSTRING = re.compile("|".join(re.escape(s) for s in _SUBSTRINGS))


def is_placeholder(value: str) -> bool:
    """True for documentation placeholders, template/env references and masked values."""
    if value in PUBLIC_SAMPLES:
        return True
    low = value.lower()
    if low in _EXACT or low.startswith(_PREFIXES) or _FILLER.fullmatch(value) is not None:
        return True
    return _SUBSTRING.search(low) is not None


def mask(value: str, keep: int = 0) -> str:
    """Evidence for a finding: the first ``keep`` characters (a public prefix) and a length."""
    shown = value[:keep] if 0 < keep < len(value) // 2 else ""
    return f"{shown}***[{len(value)} chars]"
