"""The action taxonomy: what a tool call does, as a ``category:action`` type with tags.

:func:`classify` (or a :class:`Classifier` built once per policy) turns ``(tool, args)``
into an :class:`~aimds.types.ActionInfo`: ``type``, ``risk``, ``resources`` (canonical
paths, hosts, recipients, ``table:<name>``; at most 32), ``destructive``, ``outbound`` and
``tags``. The tool name gives a first type (known names of MCP servers, LangChain, the
OpenAI Agents SDK and custom agents, then word heuristics); the arguments decide by
meaning: a shell command is parsed (:mod:`aimds.rules.understanding.shell`), SQL is read, paths are
matched against :data:`~aimds.rules.paths.SENSITIVE_PATHS`, URLs parsed. Unknown tools
get ``unknown:unknown`` with medium risk; the policy's default decides what that means.

Tag vocabulary (other rooms rely on exactly these; see :data:`TAGS`):

``credential_access``
    reads a credential store, a secret manager or secret variables
``credential_store:<kind>``
    which store: ``aws``, ``ssh``, ``env``, ``kube``, ``docker``, ``shadow``, ``git``,
    ``netrc``, ``password_file``, ``password_store``, ``gcloud``, ``azure``,
    ``private_key``, ``k8s_token``, ``database``, ``package_registry``, ``app_secrets``,
    ``vault``, ``cloud_metadata``, ``search`` (a hunt for secrets), ...
``recon``
    gathers facts about the host, users, network or permissions
``privilege_change``
    gains or grants privileges (sudo, su, setuid, sudoers, privileged groups)
``auth_attempt``
    tries to log in with a password or token
``outbound``
    sends something across the boundary (network, mail, chat, payment)
``has_payload``
    carries data out: a body, an upload, an attachment, data in a URL query
``destructive``
    deletes or overwrites data or systems in a way that is hard to undo
``wipe_root``
    an executed command recursively deletes ``/``, ``/home``, ``/root`` or a home
    directory (``rm -rf /``, ``sudo rm -rf ~``, ``bash -c 'rm -rf /'``; never ``echo rm -rf /``)
``database_dump``
    bulk export of a database or of a sensitive table
``code_exec``
    runs code given inline, piped in or downloaded
``sensitive_path``
    touches a credential store or other sensitive place
``system_path``
    touches system files (``/etc``, ``/proc``, ``/boot``, ``/dev``...)
``external_recipient``
    sends mail to an address outside the classifier's ``internal_domains``
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import re2

from aimds.errors import InputError
from aimds.rules._argkey import ArgsKey, args_from_key, args_key
from aimds.rules.understanding.action_types import (
    ACTION_TYPES,
    TAGS,
    UNKNOWN_READ,
    UNKNOWN_TYPE,
    UNKNOWN_WRITE,
    ActionType,
)
from aimds.rules.understanding.arguments import ArgReader
from aimds.rules.understanding.environment import SETTER_WORDS, sets_from_references
from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.keys import ACCOUNT_KEY_TAG, foreign_key_accounts
from aimds.rules.understanding.tools import (
    bare_name,
    compact_name,
    name_keeps_records,
    name_publishes,
    name_reads_only,
    name_runs_remote,
    name_type,
    name_words,
)
from aimds.types import ActionInfo

__all__ = [
    "ACTION_TYPES",
    "TAGS",
    "UNKNOWN_TYPE",
    "ActionType",
    "Classifier",
    "action_type",
    "classify",
    "type_matches",
]

_NAME_CACHE_SIZE = 4096
_SENDS = frozenset({"net:http_post", "net:upload", "email:send", "message:send"})
_PROGRAMS = frozenset({"shell", "code"})
BULK_RECIPIENTS = 8
"""E-mail addresses in one call from which it addresses people in bulk (``bulk_recipients``,
reviewed); below the behaviour room's ``command_spam.min_recipients`` (10, across a session,
blocked), so a mass mailing is confirmed before it is a spam run."""
_CALL_CACHE_SIZE = 4096


def action_type(type_id: str) -> ActionType:
    """The :class:`ActionType` for ``type_id``; raises ``InputError`` naming the closest id."""
    found = ACTION_TYPES.get(type_id)
    if found is not None:
        return found
    import difflib

    close = difflib.get_close_matches(type_id, list(ACTION_TYPES), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise InputError(f"action type {type_id!r} is unknown{hint}")


def type_matches(pattern: str, type_id: str) -> bool:
    """True when ``type_id`` matches ``pattern`` (``fs:*``, ``*:delete``, ``net:http_post``)."""
    return fnmatch.fnmatchcase(type_id, pattern)


class Classifier:
    """Classifies tool calls; built once per policy, thread-safe, reusable.

    ``extra_tool_types`` maps tool-name globs (matched case-insensitively against the
    raw name and its compact form) to action types; they win over the built-in names.
    ``internal_domains``: e-mail domains that are not ``external_recipient``s (with none
    given, every e-mail address counts as external). ``own_accounts``: cloud accounts,
    projects and key vaults that are ours (``aws:123456789012``, ``gcp:my-project``,
    ``azure:my-vault``): encrypting under a key named with one keeps the data at home;
    under any other named key it is data leaving. ``cwd``/``home`` anchor relative
    paths and ``~``.

    Classification is a pure function of ``(tool, args)`` (no filesystem, no clock), so
    results for small flat arguments (see :mod:`aimds.rules._argkey`) are kept in a
    bounded, thread-safe LRU cache; a hit returns the same immutable :class:`ActionInfo`.
    """

    __slots__ = ("_args", "_cached", "_extra", "_extra_regex", "_name_type", "_own_accounts")

    def __init__(
        self,
        extra_tool_types: Mapping[str, str] | None = None,
        *,
        internal_domains: Sequence[str] = (),
        own_accounts: Sequence[str] = (),
        cwd: str = "/",
        home: str = "/root",
    ) -> None:
        extra = dict(extra_tool_types or {})
        for glob, type_id in extra.items():
            if not isinstance(glob, str) or not glob:
                raise InputError("taxonomy: tool-name globs must be non-empty strings")
            action_type(type_id)
        self._extra = tuple(extra.values())
        patterns = [
            "(" + fnmatch.translate(g.lower()).removeprefix("(?s:").removesuffix(")\\Z") + ")"
            for g in extra
        ]
        self._extra_regex: Any = (
            re2.compile("^(?:" + "|".join(patterns) + ")$") if patterns else None
        )
        self._args = ArgReader(
            cwd=cwd, home=home, internal_domains=tuple(d.lower() for d in internal_domains)
        )
        self._own_accounts = frozenset(a.lower() for a in own_accounts)
        self._name_type = functools.lru_cache(maxsize=_NAME_CACHE_SIZE)(self._resolve_name)
        self._cached = functools.lru_cache(maxsize=_CALL_CACHE_SIZE)(self._classify_key)

    def _resolve_name(self, tool: str) -> tuple[str, bool]:
        """(type, known) for a tool name; ``known`` is False for unknown names."""
        if self._extra_regex is not None:
            for candidate in (tool.lower(), bare_name(tool), compact_name(tool)):
                m = self._extra_regex.match(candidate)
                if m is not None:
                    return self._extra[(m.lastindex or 1) - 1], True
        found = name_type(tool)
        return (found, True) if found is not None else (UNKNOWN_TYPE, False)

    def classify(self, tool: str, args: Mapping[str, Any] | None = None) -> ActionInfo:
        """What the call ``tool(**args)`` does. Never raises on odd arguments."""
        name = tool if isinstance(tool, str) else ""
        if not isinstance(args, Mapping) or not args:
            return self._cached(name, ())
        key = args_key(args)
        if key is None:
            return self.classify_uncached(name, args)
        return self._cached(name, key)

    def classify_keyed(self, tool: str, key: ArgsKey) -> ActionInfo:
        """:meth:`classify` for arguments already reduced to their :func:`args_key`."""
        return self._cached(tool, key)

    def _classify_key(self, tool: str, key: ArgsKey) -> ActionInfo:
        return self.classify_uncached(tool, args_from_key(key))

    def classify_uncached(self, tool: str, args: Mapping[str, Any] | None = None) -> ActionInfo:
        """:meth:`classify` without the cache (benchmarks, and arguments too big to key)."""
        name = tool if isinstance(tool, str) else ""
        base, known = self._name_type(name[:256])
        facts = Facts(base)
        if known and base != UNKNOWN_TYPE:
            facts.propose(base)
        if name_publishes(name[:256]):
            facts.mark_outbound()  # an issue or comment others read: data leaves here
        if name_runs_remote(name[:256]):
            # ``ssh_exec``, ``ssh_connect``: a command or shell elsewhere, read as the shell's
            # ``ssh host cmd`` is (remote_exec; the command judged as if it ran here)
            facts.propose("shell:exec")
            facts.tag("remote_exec")
            facts.mark_outbound()
        if isinstance(args, Mapping) and args:
            self._args.read(name, base, args, facts)
        if ACCOUNT_KEY_TAG in facts.tags and foreign_key_accounts(
            facts.resources, self._own_accounts
        ):
            facts.mark_outbound(payload=True)  # readable wherever that account is
        if (
            facts.type in _SENDS
            and "has_payload" in facts.tags
            and (base.partition(":")[0] in _PROGRAMS or "code_exec" in facts.tags)
        ):
            # a command or program that sends: what it sends is read or computed when it
            # runs (``curl -d @file``, ``requests.post(data=open(f).read())``), so no
            # detector sees it in the call, unlike the body given to a mail or chat tool
            facts.tag("computed_payload")
        if sum("@" in r for r in facts.resources) >= BULK_RECIPIENTS:
            facts.tag("bulk_recipients")
        if not known and _looks_up(facts) and name_reads_only(name[:256]):
            facts.settle(UNKNOWN_READ)  # an unknown tool that only looks at plain values
        elif (
            not known
            and facts.quiet
            and isinstance(args, Mapping)
            and not SETTER_WORDS.isdisjoint(name_words(name[:256]))
            and sets_from_references(args)
        ):
            # ``set_env {"name": "API_KEY", "value": "vault://kv/app#key"}``: a variable bound
            # to a secret reference the tool resolves; the call holds no secret and no
            # variable that decides what runs
            facts.settle(UNKNOWN_WRITE)
        elif not known and facts.quiet and name_keeps_records(name[:256]):
            # an unknown tool that makes or changes an ordinary record (an event, a sheet)
            # given values that show nothing consequential: what the taxonomy can tell, it
            # has; the call is judged by that, and a role admits it like any type
            facts.settle(UNKNOWN_WRITE)
        return facts.to_info()


def _looks_up(facts: Facts) -> bool:
    """Whether a call shows nothing beyond plain values: no proposal, tag or send, and no
    resource but a few e-mail addresses, the key a record is looked up by
    (``get_customer_orders {"customer_email": ...}``); a path or host is for the tools that
    name them."""
    return facts.inert or (
        facts.quiet
        and len(facts.resources) < BULK_RECIPIENTS
        and all(_ADDRESS.fullmatch(r) for r in facts.resources)
    )


_ADDRESS = re2.compile(r"[^@\s/:]+@[a-z0-9.-]+\.[a-z]{2,}")


@functools.lru_cache(maxsize=1)
def _default() -> Classifier:
    return Classifier()


def classify(tool: str, args: Mapping[str, Any] | None = None) -> ActionInfo:
    """Classify with the built-in tables (a default :class:`Classifier`, built on first use)."""
    return _default().classify(tool, args)
