"""Policy sections for actions: defaults, limits, taxonomy, rules, roles, boundaries.

These models only validate shape; :mod:`aimds.rules.engine` compiles them into lookup tables
once per policy. Every field has a safe default (deny, block, bounded). Rule actions accept
``deny`` as a synonym of ``block``; ``redact`` is not an action a rule can ask for.
The schema is documented, with examples, in ``docs/policy.md``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator

from aimds.policy.fields import Glob, Regex, Section
from aimds.types import Severity, Verdict

__all__ = [
    "AutonomyLevel",
    "AutonomySection",
    "BudgetsSection",
    "Condition",
    "DefaultsSection",
    "InputActions",
    "LimitsSection",
    "NetworkSection",
    "PathsSection",
    "RateRule",
    "RoleDef",
    "RolesSection",
    "RuleAction",
    "Scope",
    "SessionBudget",
    "TaxonomySection",
    "ToolRule",
]

_ID = r"^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$"
_TYPE = r"^[a-z0-9_]+:[a-z0-9_]+$"
# a cloud account as the taxonomy names it: aws:<12 digits>, gcp:<project>, azure:<vault>
_ACCOUNT = r"^(?:aws:\d{12}|gcp:[\w.:-]+|azure:[\w-]+)$"
_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$"

AutonomyLevel = Literal["locked", "supervised", "autonomous"]


_ACTIONS = {"allow": Verdict.ALLOW, "warn": Verdict.WARN, "review": Verdict.REVIEW,
            "block": Verdict.BLOCK, "deny": Verdict.BLOCK}


def _rule_action(value: Any) -> Any:
    if isinstance(value, Verdict) and value is not Verdict.REDACT:
        return value
    found = _ACTIONS.get(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError("a rule action is one of allow, warn, review, block (or deny)")
    return found


RuleAction = Annotated[Verdict, BeforeValidator(_rule_action)]
"""``allow``, ``warn``, ``review`` or ``block`` (``deny`` is read as ``block``)."""


class DefaultsSection(Section):
    """What happens where no rule decides.

    ``unknown_tool``: a call to a tool the taxonomy cannot classify that no rule permits.
    ``out_of_scope``: a classified call that no rule and none of the role's scopes permits.
    ``unknown_role``: a subject whose role is neither built in nor defined under ``roles``.
    ``review_timeout_s``: how long a review waits for a human unless the rule says otherwise.
    """

    unknown_tool: RuleAction = Verdict.BLOCK
    out_of_scope: RuleAction = Verdict.BLOCK
    unknown_role: RuleAction = Verdict.BLOCK
    review_timeout_s: float = Field(default=300.0, gt=0, le=7 * 24 * 3600)


class InputActions(Section):
    """The verdict for each kind of unusable input found by the ``inputs`` stage."""

    too_large: RuleAction = Verdict.BLOCK
    too_deep: RuleAction = Verdict.BLOCK
    cyclic: RuleAction = Verdict.BLOCK
    invalid_type: RuleAction = Verdict.BLOCK
    invalid_key: RuleAction = Verdict.BLOCK
    non_finite: RuleAction = Verdict.BLOCK
    bytes: RuleAction = Verdict.WARN
    invalid_encoding: RuleAction = Verdict.WARN


class LimitsSection(Section):
    """Bounds on tool arguments and event text, checked first for every event."""

    max_depth: int = Field(default=16, ge=1, le=256)
    max_items: int = Field(default=10_000, ge=1, le=10_000_000)
    max_string_chars: int = Field(default=100_000, ge=1, le=100_000_000)
    max_args_chars: int = Field(default=1_000_000, ge=1, le=1_000_000_000)
    max_key_chars: int = Field(default=256, ge=1, le=65_536)
    max_text_chars: int = Field(default=1_000_000, ge=1, le=1_000_000_000)
    actions: InputActions = Field(default_factory=InputActions)


class TaxonomySection(Section):
    """Extra ``tool glob -> type`` mappings and per-type risk overrides.

    ``tools`` is checked before the built-in taxonomy (exact names first, then globs in
    order). ``risks`` maps a type or type glob (``fs:*``) to the risk it carries.
    ``own_accounts`` lists the cloud accounts, projects and key vaults that are ours
    (``aws:123456789012``, ``gcp:my-project``, ``azure:my-vault``): encrypting under a key
    named with one of them (a key ARN...) keeps the data at home; under a key of any other
    account it is data leaving, confirmed.
    """

    tools: dict[Glob, Annotated[str, Field(pattern=_TYPE)]] = Field(default_factory=dict)
    risks: dict[Glob, Severity] = Field(default_factory=dict)
    own_accounts: list[Annotated[str, Field(pattern=_ACCOUNT)]] = Field(default_factory=list)


class Condition(Section):
    """A test on one argument. Every operator given must hold (at least one is required).

    String operators (``matches``, ``contains``, ``prefix``) apply to string values, numeric
    ones (``lt``, ``gt``) to numbers; a value of another type does not match.
    ``matches`` is an RE2 search (linear time). ``exists: false`` matches a missing argument.
    """

    model_config = ConfigDict(populate_by_name=True)

    equals: str | int | float | bool | None = None
    in_: list[str | int | float | bool] | None = Field(default=None, alias="in")
    matches: Regex | None = None
    contains: str | None = None
    prefix: str | None = None
    lt: float | None = None
    gt: float | None = None
    exists: bool | None = None

    @model_validator(mode="after")
    def _needs_an_operator(self) -> Condition:
        for name in self.model_fields_set - {"equals"}:
            if getattr(self, name) is None:
                raise ValueError(f"operator {name.rstrip('_')!r} needs a value, not null")
        if not self.model_fields_set:
            raise ValueError(
                "a condition needs an operator: equals, in, matches, contains, prefix, lt, gt "
                "or exists"
            )
        return self


def _arg_path(value: str) -> str:
    path = value.removeprefix("args.")
    if not path or any(not part for part in path.split(".")):
        raise ValueError("an argument path is dotted names such as 'args.headers.host'")
    return path


class ToolRule(Section):
    """One rule. It applies to a tool call when every selector given matches.

    Selectors: ``tools``, ``types`` (globs, any of), ``tags`` (any of), ``roles``,
    ``tenants``, ``agents`` (globs over the subject), ``paths`` (globs over the canonical
    paths the call touches, ``**`` crosses ``/``), ``hosts`` (globs over the hosts it
    contacts), and ``when`` (conditions on arguments by dotted path, all must hold).
    A ``hard`` rule always blocks and nothing can override it.
    """

    id: str = Field(pattern=_ID)
    description: str = ""
    action: RuleAction = Verdict.BLOCK
    hard: bool = False
    severity: Severity | None = None
    message: str = Field(default="", max_length=500)
    timeout_s: float | None = Field(default=None, gt=0, le=7 * 24 * 3600)
    tools: list[Glob] = Field(default_factory=list)
    types: list[Glob] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    roles: list[Glob] = Field(default_factory=list)
    tenants: list[Glob] = Field(default_factory=list)
    agents: list[Glob] = Field(default_factory=list)
    paths: list[Glob] = Field(default_factory=list)
    hosts: list[Glob] = Field(default_factory=list)
    when: dict[str, Condition] = Field(default_factory=dict)

    @field_validator("when")
    @classmethod
    def _paths_valid(cls, value: dict[str, Condition]) -> dict[str, Condition]:
        for key in value:
            _arg_path(key)
        return value

    @model_validator(mode="after")
    def _hard_blocks(self) -> ToolRule:
        if self.hard and self.action is not Verdict.BLOCK:
            raise ValueError("a hard rule must have action 'block'")
        return self


class Scope(Section):
    """What a role may do: every selector given must match (globs, any of)."""

    id: str = Field(pattern=_ID)
    description: str = ""
    types: list[Glob] = Field(default_factory=list)
    tools: list[Glob] = Field(default_factory=list)
    resources: list[Glob] = Field(default_factory=list)

    @model_validator(mode="after")
    def _selects_something(self) -> Scope:
        if not (self.types or self.tools):
            raise ValueError("a scope needs 'types' or 'tools' (use ['*'] to cover everything)")
        return self


class RoleDef(Section):
    """A role: ``kind`` says how it is judged (architect, expert, observer)."""

    kind: Literal["architect", "expert", "observer"] = "expert"
    description: str = ""
    scopes: list[Scope] = Field(default_factory=list)


_BUILTIN_KINDS = {"architect": "architect", "expert": "expert", "observer": "observer"}


class RolesSection(Section):
    """Role definitions. ``architect``, ``expert`` and ``observer`` always exist; defining
    one of them adds scopes but cannot change its kind."""

    definitions: dict[Annotated[str, Field(pattern=_NAME)], RoleDef] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _builtins_keep_kind(self) -> RolesSection:
        for name, role in self.definitions.items():
            kind = _BUILTIN_KINDS.get(name)
            if kind is not None and role.kind != kind:
                raise ValueError(f"built-in role {name!r} keeps kind {kind!r}")
            if role.kind == "observer" and role.scopes:
                raise ValueError(f"role {name!r} is an observer: it cannot have scopes")
        return self


class PathsSection(Section):
    """Path boundaries, applied to every path-like argument and every path in a command.

    ``allow`` (when not empty) confines paths to these globs; ``deny`` forbids globs;
    ``sensitive`` also forbids the built-in sensitive places (credential stores, system
    files) except ``sensitive_exceptions``. ``{cwd}`` and ``~`` in globs expand when the
    policy is compiled, to ``cwd``/``home`` or else the process's working and home directory.
    """

    allow: list[Glob] = Field(default_factory=list)
    deny: list[Glob] = Field(default_factory=list)
    sensitive: bool = True
    sensitive_exceptions: list[Glob] = Field(
        default_factory=lambda: [
            "/dev/null", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/tty",
            "/dev/zero", "/dev/random", "/dev/urandom", "/dev/fd/*",
        ]
    )
    cwd: str | None = None
    home: str | None = None
    action: RuleAction = Verdict.BLOCK
    arg_names: list[str] = Field(
        default_factory=lambda: [
            "path", "paths", "file", "files", "filename", "filepath", "file_path", "source",
            "src", "destination", "dest", "dst", "target", "dir", "directory", "folder", "cwd",
        ]
    )


class NetworkSection(Section):
    """Network boundaries on every URL/host argument and every host in a command.

    Private, loopback, link-local, reserved and cloud-metadata addresses are denied;
    ``allow_private`` lifts that for private, loopback, link-local and shared ranges (never
    for metadata). ``confine`` limits destinations to ``allow_hosts`` (none when empty);
    ``ports`` (when not empty) lists the only ports allowed, ``deny_ports`` forbids some.
    Host entries: ``*.example.com``, ``.example.com`` (domain and subdomains), CIDR blocks.
    """

    allow_hosts: list[Glob] = Field(default_factory=list)
    deny_hosts: list[Glob] = Field(default_factory=list)
    confine: bool = False
    allow_private: bool = False
    ports: list[Annotated[int, Field(ge=1, le=65_535)]] = Field(default_factory=list)
    deny_ports: list[Annotated[int, Field(ge=1, le=65_535)]] = Field(default_factory=list)
    action: RuleAction = Verdict.BLOCK
    arg_names: list[str] = Field(
        default_factory=lambda: [
            "url", "urls", "uri", "host", "hostname", "endpoint", "domain", "address",
            "base_url", "server",
        ]
    )


RateKey = Literal["tenant", "agent", "session", "user", "tool"]
_DEFAULT_RATE_KEY: tuple[RateKey, ...] = ("tenant", "agent", "session", "tool")


class RateRule(Section):
    """At most ``limit`` calls per ``window_s`` seconds for each key built from ``per``."""

    id: str = Field(pattern=_ID)
    tools: list[Glob] = Field(default_factory=lambda: ["*"])
    per: list[RateKey] = Field(default_factory=lambda: list(_DEFAULT_RATE_KEY))
    limit: int = Field(ge=1, le=1_000_000)
    window_s: float = Field(default=60.0, gt=0, le=86_400)
    action: RuleAction = Verdict.BLOCK


class SessionBudget(Section):
    """Per-session caps (``None``: no cap)."""

    max_calls: int | None = Field(default=None, ge=1)
    max_duration_s: float | None = Field(default=None, gt=0)
    action: RuleAction = Verdict.BLOCK


class BudgetsSection(Section):
    """Call rates, per-session budgets and per-call timeouts for guarded functions.

    State lives in process memory and is bounded by ``max_keys`` (least recently used keys
    are forgotten first). ``timeouts`` maps tool globs to seconds, overriding ``timeout_s``.
    """

    rates: list[RateRule] = Field(default_factory=list)
    session: SessionBudget = Field(default_factory=SessionBudget)
    timeout_s: float | None = Field(default=None, gt=0, le=86_400)
    timeouts: dict[Glob, Annotated[float, Field(gt=0, le=86_400)]] = Field(default_factory=dict)
    max_keys: int = Field(default=100_000, ge=1, le=10_000_000)


class AutonomySection(Section):
    """How much an agent may do without a human.

    ``level`` applies unless ``roles`` (by role name) or ``agents`` (by agent glob) say
    otherwise. An action whose risk is at or above the level's threshold needs review:
    locked -> low, supervised -> high, autonomous -> critical (see ``docs/policy.md``).
    """

    level: AutonomyLevel = "supervised"
    roles: dict[str, AutonomyLevel] = Field(default_factory=dict)
    agents: dict[Glob, AutonomyLevel] = Field(default_factory=dict)
    review_timeout_s: float | None = Field(default=None, gt=0, le=7 * 24 * 3600)
