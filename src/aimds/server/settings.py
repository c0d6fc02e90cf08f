"""Service settings: one strict pydantic model, loaded from a file, the environment and flags.

Precedence, weakest first: defaults, a YAML/JSON file (``AIMDS_CONFIG`` or ``--config``),
``AIMDS_*`` environment variables, command-line flags. The embedded defaults need nothing
else installed: SQLite files in ``data_dir`` (or memory without one) and in-process state.
Cluster mode is configuration only: ``database_url: postgresql://...`` (approvals, keys,
policies) and ``redis_url`` (rate limits, live events, approval wake-ups, policy swaps).
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aimds._files import private_dir, write_private
from aimds.errors import ConfigError

__all__ = ["ServerSettings", "load_settings"]

_ENV_PREFIX = "AIMDS_"


class ServerSettings(BaseModel):
    """Everything ``aimds serve`` can be told. Secrets may come from files (``*_file``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    data_dir: Path | None = None
    policy: str = "default"
    database_url: str | None = None
    redis_url: str | None = None
    audit_url: str | None = None
    redis_prefix: str = "aimds"
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1_048_576)
    rate_limit_per_minute: int = Field(default=6_000, ge=0)
    """Cost units a credential may spend per minute (0: no limit). A request costs one unit
    plus one per ``rate_cost_bytes`` of body, so a 1 MiB scan costs 65 small calls."""
    tenant_rate_limit_per_minute: int = Field(default=60_000, ge=0)
    """The same, for all credentials of one tenant together (0: no limit)."""
    rate_cost_bytes: int = Field(default=16_384, ge=1024)
    heavy_request_bytes: int = Field(default=16_384, ge=0)
    """Judging requests with larger bodies are CPU-heavy: they queue per tenant and run at
    most ``heavy_threads`` at a time, taken from the tenants' queues in turn, so one
    tenant's large scans never hold the threads small calls need."""
    heavy_threads: int | None = Field(default=None, ge=1, le=256)
    """Default: half of ``threads`` (at least one)."""
    heavy_queue_per_tenant: int = Field(default=64, ge=1, le=100_000)
    """Heavy requests one tenant may have waiting; more are refused with 429."""
    max_pending_approvals_per_agent: int = Field(default=20, ge=1, le=100_000)
    """Pending approval requests one agent may have (unless the policy's
    ``approvals.max_pending_per_agent`` says otherwise); more reviews are blocked."""
    workspace: str = Field(default="/workspace", min_length=1, max_length=4096)
    """Where an agent's relative paths resolve when the policy names no ``paths.cwd``: the
    agents' workspace, never the server's own working directory (``AIMDS_WORKSPACE``)."""
    header_timeout_s: float = Field(default=10.0, gt=0, le=600)
    """A request's headers must arrive within this (from the connection or its first
    byte), else 408 and the connection is closed."""
    body_timeout_s: float = Field(default=30.0, gt=0, le=3600)
    """A request's body must arrive within this after its headers, else the connection
    is closed."""
    max_wait_s: float = Field(default=60.0, ge=0, le=3600)
    threads: int = Field(default=4, ge=1, le=256)
    inline_max_bytes: int = Field(default=4096, ge=0, le=1_048_576)
    """Judging requests with bodies up to this size run on the event loop in embedded mode
    (a thread hop costs more than judging them); larger ones, and every request in cluster
    mode, run in the worker pool. 0 sends everything to the pool."""
    jwt_algorithm: Literal["HS256", "RS256"] | None = None
    jwt_secret: str | None = None
    jwt_public_key_file: Path | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    session_secret: str | None = None
    session_ttl_s: int = Field(default=8 * 3600, ge=60)
    cookie_secure: bool = False
    public_url: str | None = None
    bootstrap_admin: bool = True
    policy_poll_s: float = Field(default=1.0, gt=0, le=60)

    def resolved_database_url(self) -> str:
        """The database: the configured URL, a SQLite file in ``data_dir``, or memory."""
        if self.database_url:
            return self.database_url
        if self.data_dir is not None:
            return f"sqlite:///{(self.data_dir / 'aimds.db').resolve()}"
        return "sqlite://:memory:"

    def resolved_audit_url(self) -> str | None:
        """The audit log: the configured target, PostgreSQL with the service database,
        ``DIR/audit.db`` with a data dir, else none (in-memory service, no audit)."""
        if self.audit_url:
            return self.audit_url
        if self.database_url and self.database_url.startswith(("postgresql://", "postgres://")):
            return self.database_url
        if self.data_dir is not None:
            return str((self.data_dir / "audit.db").resolve())
        return None

    def secret(self, name: str) -> bytes:
        """A stable secret kept in ``data_dir`` (created on first use), or a fresh one.

        In cluster mode give ``session_secret`` explicitly so every process signs alike.
        """
        if name == "session" and self.session_secret:
            return self.session_secret.encode()
        if self.data_dir is None:
            return secrets.token_bytes(32)
        path = self.data_dir / f".{name}.secret"
        try:
            if not path.exists():
                private_dir(self.data_dir)
                with contextlib.suppress(FileExistsError):  # another process was first
                    write_private(path, secrets.token_hex(32))
            return path.read_text().strip().encode()
        except OSError as exc:
            raise ConfigError(
                f"data_dir {self.data_dir}: cannot keep the {name} secret there "
                f"({exc.strerror or type(exc).__name__}); give a writable --data-dir"
            ) from None


def load_settings(
    *,
    file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ServerSettings:
    """Settings from ``file``, then ``env`` (``AIMDS_<FIELD>``), then ``overrides`` (flags).

    Raises :class:`ConfigError` naming the field and the source.
    """
    data: dict[str, Any] = {}
    env = env or {}
    file = file or (Path(env[_ENV_PREFIX + "CONFIG"]) if env.get(_ENV_PREFIX + "CONFIG") else None)
    if file is not None:
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{file}: cannot read settings file ({type(exc).__name__})") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{file}: settings must be a mapping of field: value")
        data.update(loaded or {})
    for name in ServerSettings.model_fields:
        raw = env.get(_ENV_PREFIX + name.upper())
        if raw is not None:
            data[name] = _env_value(raw)
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return ServerSettings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"server setting {field!r}: {first['msg']} (flag --{field.replace('_', '-')} "
            f"or env {_ENV_PREFIX}{field.upper()})"
        ) from None


def _env_value(raw: str) -> Any:
    """Environment values are text: JSON numbers and booleans decode, the rest stays text."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, int | float | bool) else raw
