"""Policy section ``judge``: the optional LLM judge, Gate 2 of the dual gate.

The fast gates (detectors, rules, behaviour) decide most events alone. The judge is a model
behind any OpenAI-compatible ``/v1`` endpoint (a hosted API, Ollama, vLLM, llama.cpp) asked,
at temperature 0, whether the data or action under review is an attack on the user's task.
It only ever adds findings (``judge.attack``, ``judge.error``), so it can make a decision
stricter but never turn the fast gates' block into an allow; it is not asked at all when they
already block.

``mode``: ``doubt`` asks only when the fast gates are unsure (the pre-decide score, computed
from the findings the way ``decide`` does, lies in ``[doubt_low, doubt_high)``) or the tool
call is sensitive (its action carries one of ``sensitive_tags``); ``always`` asks on every
event of ``kinds`` the fast gates let through; ``off`` never asks. Findings of
``ignore_categories`` (PII by default: data to redact, not manipulation) do not count
toward the score. Values found by findings of ``redact_categories`` (secrets by default;
add ``pii`` for a hosted endpoint that must not see personal data) are replaced by
placeholders before anything is sent to the judge.

Failures (timeout, HTTP error, an answer that is not the JSON object asked for, a refusal,
too many calls in flight, the endpoint cut off after ``breaker_failures`` failures in a row)
become ``judge.error`` with the verdict ``on_error`` (``review`` by default: never a silent
allow unless the policy says so). See docs/judge.md.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from aimds.policy.fields import Section
from aimds.types import EventKind, Verdict

__all__ = ["JudgeSection"]

JudgeMode = Literal["doubt", "always", "off"]
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _all_kinds() -> list[EventKind]:
    return list(EventKind)


class JudgeSection(Section):
    """Settings of the ``judge`` section; disabled by default (no endpoint is shipped)."""

    enabled: bool = False
    base_url: str | None = None
    model: str | None = Field(default=None, min_length=1, max_length=256)
    api_key_env: str | None = None
    timeout_s: float = Field(default=3.0, gt=0.0, le=60.0)
    mode: JudgeMode = "doubt"
    kinds: list[EventKind] = Field(default_factory=_all_kinds, min_length=1)
    on_error: Literal["block", "review", "allow"] = "review"

    attack_verdict: Literal["warn", "review", "block"] = "block"
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    doubt_low: float = Field(default=0.2, ge=0.0, le=1.0)
    doubt_high: float = Field(default=0.75, ge=0.0, le=1.01)
    sensitive_tags: list[str] = Field(
        default_factory=lambda: ["outbound", "destructive", "credential_access"]
    )
    ignore_categories: list[str] = Field(default_factory=lambda: ["pii"])
    redact_categories: list[str] = Field(default_factory=lambda: ["secret"])
    max_concurrency: int = Field(default=4, ge=1, le=256)
    max_chars: int = Field(default=8000, ge=200, le=200_000)
    max_tokens: int = Field(default=200, ge=16, le=4096)
    json_mode: bool = True
    cache_ttl_s: float = Field(default=600.0, ge=0.0, le=86_400.0)
    cache_size: int = Field(default=10_000, ge=0, le=1_000_000)
    breaker_failures: int = Field(default=5, ge=1, le=1000)
    breaker_cooldown_s: float = Field(default=30.0, ge=0.0, le=3600.0)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "expected an http(s) URL of an OpenAI-compatible API, such as "
                "'https://api.openai.com/v1' or 'http://127.0.0.1:11434/v1'"
            )
        if parts.username or parts.password:
            raise ValueError("put no credentials in the URL; name an env var in api_key_env")
        if parts.query or parts.fragment:
            raise ValueError("expected a base URL without '?query' or '#fragment'")
        return value.rstrip("/")

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.match(value):
            raise ValueError(
                "expected the NAME of an environment variable (letters, digits, '_'), "
                "never the key itself"
            )
        return value

    @field_validator("kinds")
    @classmethod
    def _unique_kinds(cls, value: list[EventKind]) -> list[EventKind]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _usable(self) -> JudgeSection:
        if self.doubt_low >= self.doubt_high:
            raise ValueError(
                f"doubt_low must be below doubt_high (got {self.doubt_low} and {self.doubt_high})"
            )
        if self.enabled and self.mode != "off":
            missing = [k for k in ("base_url", "model") if getattr(self, k) is None]
            if missing:
                raise ValueError(
                    f"an enabled judge needs {' and '.join(missing)} (the OpenAI-compatible "
                    "endpoint and its model); or set enabled: false"
                )
        return self

    @property
    def error_verdict(self) -> Verdict:
        return Verdict(self.on_error)

    @property
    def active(self) -> bool:
        """True when the pipeline gets a judge stage."""
        return self.enabled and self.mode != "off"
