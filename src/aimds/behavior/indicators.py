"""What one event says about behaviour, read from its meaning, never from tool names.

The rules stage classifies each tool call (``ev.action``: ``category:action`` type, tags,
canonical resources); the detectors mark secrets and PII (``ev.findings``). This module maps
those onto the indicators the sequences need. Two signals the taxonomy does not give are
read here from the event itself: a login attempt recognised by its arguments (a password-like
key), and a failed login recognised in a tool result's text.

A tool call's indicators are a pure function of its tool, arguments and classification (and,
for ``outbound_secret`` only, of the detectors' findings), and agents repeat the same calls:
:class:`Extractor` keeps the indicators of recent plain calls in a bounded cache.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from aimds.types import ActionInfo, Evaluation, EventKind

__all__ = ["Extractor", "Indicators", "extract", "signature_of"]

SENSITIVE_CATEGORIES = frozenset({"secret", "pii"})
_MESSAGING = frozenset({"email", "message", "chat", "sms"})
_NETWORK = frozenset({"net", "http", "web"})
_PRIVILEGE_TYPES = frozenset({"identity:privilege_change", "identity:user_admin"})
_STORE_TAG = "credential_store:"

_SECRET_KEY = re.compile(r"pass(?:word|wd|phrase)?|pwd|secret|otp|\bpin\b|credential", re.I)
_AUTH_FAILURE = re.compile(
    r"invalid\s+(?:credentials?|password|user(?:name)?|login)"
    r"|(?:authentication|authorization|login|log-in|sign[- ]?in|logon)\s+(?:failed|failure|denied"
    r"|unsuccessful|rejected|error)"
    r"|(?:incorrect|wrong|bad)\s+(?:password|user(?:name)?|credentials?|passphrase)"
    r"|access\s+denied|unauthori[sz]ed|\b401\b|account\s+(?:is\s+)?locked"
    r"|too\s+many\s+(?:failed\s+)?(?:login\s+|sign[- ]?in\s+)?attempts",
    re.I,
)
_FAILURE_SCAN = 512
_DIGITS = re.compile(r"\d+")
_CACHE_SIZE = 2048  # calls whose indicators are kept (oldest out first)
_CACHE_CHARS = 1024  # longest arguments (total characters) worth a cache entry
_SPACES = re.compile(r"\s+")
_NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class Indicators:
    """Behaviour-relevant facts about one event (empty for most events)."""

    action_type: str | None = None
    recon: str | None = None
    privilege: bool = False
    cred_stores: tuple[str, ...] = ()
    sensitive_read: bool = False
    sensitive_result: bool = False
    sensitive_values: tuple[str, ...] = ()
    outbound: bool = False
    outbound_secret: bool = False
    recipients: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    auth_target: str | None = None
    credential: str | None = None
    auth_failure: bool = False
    signature: str | None = None

    def __init__(
        self,
        *,
        action_type: str | None = None,
        recon: str | None = None,
        privilege: bool = False,
        cred_stores: tuple[str, ...] = (),
        sensitive_read: bool = False,
        sensitive_result: bool = False,
        sensitive_values: tuple[str, ...] = (),
        outbound: bool = False,
        outbound_secret: bool = False,
        recipients: tuple[str, ...] = (),
        hosts: tuple[str, ...] = (),
        auth_target: str | None = None,
        credential: str | None = None,
        auth_failure: bool = False,
        signature: str | None = None,
    ) -> None:
        object.__setattr__(self, "action_type", action_type)
        object.__setattr__(self, "recon", recon)
        object.__setattr__(self, "privilege", privilege)
        object.__setattr__(self, "cred_stores", cred_stores)
        object.__setattr__(self, "sensitive_read", sensitive_read)
        object.__setattr__(self, "sensitive_result", sensitive_result)
        object.__setattr__(self, "sensitive_values", sensitive_values)
        object.__setattr__(self, "outbound", outbound)
        object.__setattr__(self, "outbound_secret", outbound_secret)
        object.__setattr__(self, "recipients", recipients)
        object.__setattr__(self, "hosts", hosts)
        object.__setattr__(self, "auth_target", auth_target)
        object.__setattr__(self, "credential", credential)
        object.__setattr__(self, "auth_failure", auth_failure)
        object.__setattr__(self, "signature", signature)


EMPTY = Indicators()


def extract(ev: Evaluation) -> Indicators:
    """The indicators of ``ev`` after the detectors and the rules stage have run."""
    event = ev.event
    if event.kind is EventKind.TOOL_CALL:
        return _from_call(ev, ev.action)
    if event.kind is EventKind.TOOL_RESULT or event.kind is EventKind.MEMORY_READ:
        values = tuple(
            event.text[f.span[0] : f.span[1]]
            for f in ev.findings
            if f.category in SENSITIVE_CATEGORIES and f.span is not None
        )
        failure = _AUTH_FAILURE.search(event.text[:_FAILURE_SCAN]) is not None
        if values or failure:
            return Indicators(
                sensitive_result=bool(values), sensitive_values=values, auth_failure=failure
            )
    return EMPTY


class Extractor:
    """:func:`extract` with a bounded cache of tool-call indicators; thread-safe.

    Cached: calls whose argument keys and values are all short strings, keyed by tool and
    arguments, and checked against the cached classification (an equal ``ActionInfo``).
    Never cached: login attempts (their indicators hold the raw credential) and calls whose
    arguments the detectors marked sensitive, so no secret is kept here. ``outbound_secret``
    reads the event's own findings on every call.
    """

    __slots__ = ("_calls", "_lock", "_size")

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._calls: OrderedDict[tuple[Any, ...], tuple[ActionInfo | None, Indicators]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self._size = size

    def __call__(self, ev: Evaluation) -> Indicators:
        if ev.event.kind is not EventKind.TOOL_CALL:
            return extract(ev)
        action = ev.action
        key = _call_key(ev.event.tool, ev.args)
        if key is None:
            return _from_call(ev, action)
        hit = self._calls.get(key)
        if hit is not None and (hit[0] is action or hit[0] == action):
            ind = hit[1]
            if ind.outbound and _secret_in_args(ev):
                return replace(ind, outbound_secret=True)
            return ind
        ind = _from_call(ev, action)
        if ind.auth_target is None and not _sensitive(ev):
            with self._lock:
                self._calls[key] = (action, ind)
                if len(self._calls) > self._size:
                    self._calls.popitem(last=False)
        return ind


def _call_key(tool: str | None, args: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """``(tool, *argument items)`` where every key and value is a string and the values are
    short, else ``None`` (not cached: ``1``, ``1.0`` and ``True`` are equal keys but give
    different signatures)."""
    items = tuple(args.items())
    size = 0
    for k, v in items:
        if type(k) is not str or type(v) is not str:
            return None
        size += len(v)
    if size > _CACHE_CHARS:
        return None
    return (tool, *items)


def _secret_in_args(ev: Evaluation) -> bool:
    return any(f.category in SENSITIVE_CATEGORIES and "arg_path" in f.details for f in ev.findings)


def _sensitive(ev: Evaluation) -> bool:
    return any(f.category in SENSITIVE_CATEGORIES for f in ev.findings)


def _from_call(ev: Evaluation, action: ActionInfo | None) -> Indicators:
    args = ev.args
    auth_target, credential = _auth(ev, action, args)
    if action is None:
        if auth_target is None:
            return EMPTY
        return Indicators(auth_target=auth_target, credential=credential)
    tags = action.tags
    category = action.type.partition(":")[0]  # action.category, without the property call
    stores = tuple(sorted(t[len(_STORE_TAG) :] for t in tags if t.startswith(_STORE_TAG)))
    credential_read = "credential_access" in tags or category == "secrets" or bool(stores)
    if credential_read and not stores:
        stores = action.resources or (action.type,)
    outbound = action.outbound or "outbound" in tags
    signature = signature_of(action, args)
    return Indicators(
        action_type=action.type,
        recon=signature if "recon" in tags else None,
        privilege="privilege_change" in tags or action.type in _PRIVILEGE_TYPES,
        cred_stores=stores if credential_read else (),
        sensitive_read=credential_read or "database_dump" in tags,
        outbound=outbound,
        outbound_secret=outbound and _secret_in_args(ev),
        recipients=action.resources if outbound and category in _MESSAGING else (),
        hosts=action.resources if category in _NETWORK else (),
        auth_target=auth_target,
        credential=credential,
        signature=signature,
    )


def _auth(
    ev: Evaluation, action: ActionInfo | None, args: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """(target, credential) of a login attempt: tagged by the taxonomy, or an argument whose
    key names a password or secret. The credential is the identity plus the secret, raw; the
    caller fingerprints it before it goes anywhere."""
    tagged = action is not None and "auth_attempt" in action.tags
    secret_keys = [k for k in args if isinstance(k, str) and _SECRET_KEY.search(k)]
    if not tagged and not secret_keys:
        return None, None
    if action is not None and action.resources:
        target = action.resources[0]
    else:
        target = ev.event.tool or "?"
    parts = [f"{k}={args[k]!s}" for k in sorted(k for k in args if isinstance(k, str))]
    return target, "\x1f".join(parts)


def signature_of(action: ActionInfo, args: Mapping[str, Any]) -> str:
    """A short digest of what a call does, equal for near-identical calls: digits, case and
    spacing are ignored, and so are the recipients of a message (so one text sent to many
    people is one signature)."""
    action_type = action.type
    # action.category, inlined (a property call); no set to build for the usual call
    messaging = action_type.partition(":")[0] in _MESSAGING and bool(action.resources)
    skip = frozenset(action.resources) if messaging else _NOTHING
    h = hashlib.blake2b(action_type.encode(), digest_size=8)
    for key in sorted(k for k in args if isinstance(k, str)):
        value = args[key]
        if messaging and isinstance(value, str) and value in skip:
            continue
        text = value if isinstance(value, str) else repr(value)
        text = _SPACES.sub(" ", _DIGITS.sub("#", text[:512].lower()))
        h.update(key.encode() + b"\x1f" + text.encode("utf-8", "replace") + b"\x1e")
    return h.hexdigest()
