"""Policy section ``audit``: where decisions are recorded, how durably, and where events go.

Off by default: a pack records nothing until configuration enables it (``enabled: true``)
or the application injects an :class:`aimds.audit.AuditLog` through
``Services(extras={"audit": log})``, which then wins over this section's store settings.

Keys never live in a policy: ``digest_key_env`` and ``checkpoints.key_env`` name the
environment variables that hold them, read when the guard is built.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from aimds.policy.fields import Regex, Section

__all__ = ["AuditSection", "CheckpointSettings", "SinkSettings"]


class CheckpointSettings(Section):
    """Signed checkpoints: ``(chain, seq, hash)`` signed every ``every`` records, every
    ``interval_s`` seconds while records arrive, and on close.

    ``algorithm``: ``auto`` (HMAC when ``key_env`` is set, else unsigned, logged),
    ``hmac-sha256`` (key bytes from ``key_env``), ``ed25519`` (``key_env``
    names a PEM private key, or a 32-byte hex seed) or ``none`` (plain SHA-256 digests:
    detects accidental truncation only). ``file`` mirrors every checkpoint to an
    append-only JSONL file kept apart from the database, so a tail truncated together with
    its checkpoint rows is still detected.
    """

    algorithm: Literal["auto", "hmac-sha256", "ed25519", "none"] = "auto"
    key_env: str = "AIMDS_AUDIT_CHECKPOINT_KEY"
    every: int = Field(default=1000, ge=1, le=10_000_000)
    interval_s: float = Field(default=60.0, gt=0, le=86_400)
    file: str | None = None


class SinkSettings(Section):
    """One destination for OCSF security events.

    ``jsonl``: ``path`` with rotation at ``max_bytes`` (``backups`` files kept); ``webhook``:
    ``url`` POSTed JSON arrays of up to ``batch`` events, retried ``retries`` times with
    exponential backoff, at most ``buffer`` events waiting (older ones are dropped and
    counted); ``stdout``: one JSON line per event.
    """

    type: Literal["jsonl", "webhook", "stdout"]
    path: str | None = None
    max_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    backups: int = Field(default=5, ge=0, le=1000)
    url: str | None = None
    batch: int = Field(default=100, ge=1, le=10_000)
    buffer: int = Field(default=10_000, ge=1, le=10_000_000)
    retries: int = Field(default=3, ge=0, le=20)
    timeout_s: float = Field(default=5.0, gt=0, le=120)
    min_severity: Literal["info", "low", "medium", "high", "critical"] = "info"


class AuditSection(Section):
    """Settings of the ``audit`` section; every field has a safe default.

    ``durability``: ``sync`` returns a decision only after its record committed; ``async``
    queues it (a bounded loss window of at most ``queue_size`` records, flushed on
    ``guard.close()``). ``on_full``: when the queue is full, ``block`` waits for room,
    ``drop`` loses the record and counts it. ``on_failure``: when the store fails, ``block``
    turns the decision into a block, ``continue`` lets it stand; both add a
    ``backend.unavailable`` finding.
    """

    enabled: bool = False
    db: str | None = None
    durability: Literal["sync", "async"] = "async"
    queue_size: int = Field(default=10_000, ge=1, le=10_000_000)
    batch_size: int = Field(default=2_048, ge=1, le=100_000)
    flush_interval_s: float = Field(default=0.05, gt=0, le=60)
    on_full: Literal["block", "drop"] = "block"
    on_failure: Literal["block", "continue"] = "block"
    digest_key_env: str = "AIMDS_AUDIT_KEY"
    store_events: bool = False
    mask_patterns: list[Regex] = Field(default_factory=list)
    sensitive_keys: list[str] = Field(
        default_factory=lambda: [
            "password",
            "passwd",
            "secret",
            "token",
            "api_key",
            "apikey",
            "authorization",
            "cookie",
            "private_key",
            "credential",
        ]
    )
    checkpoints: CheckpointSettings = Field(default_factory=CheckpointSettings)
    sinks: list[SinkSettings] = Field(default_factory=list)
    install_signal_handlers: bool = False
