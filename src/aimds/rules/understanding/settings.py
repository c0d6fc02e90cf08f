"""A settings change that switches a protection off: ``update_config {"key": "auth.enabled",
"value": false}``, ``set_flag {"mfa_required": "off"}``, ``{"tls": {"verify": false}}``.

Read from the structure of the arguments, for tools whose name says they change settings:
every (path, value) pair, where the path is the nested keys joined (or a ``key``/``name``
argument beside a ``value``). A pair switches a protection off when its path names one
(authentication, MFA, TLS verification, audit, firewall, encryption...) and its value says
off, or when its path says ``disable``/``skip``/``bypass`` about one and its value says on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "ACCOUNT_WORDS",
    "SETTINGS_WORDS",
    "changes_account_recovery",
    "grants_privilege",
    "switches_protection_off",
]

SETTINGS_WORDS = frozenset({"config", "configuration", "settings", "setting", "preferences",
                            "preference", "flag", "flags", "feature", "features", "policy",
                            "options", "option", "toggle", "configure"})  # fmt: skip
_PROTECTION = re.compile(
    r"auth|login|mfa|2fa|two_?factor|otp|sso|tls|ssl|https|cert|verify|verification|csrf|cors|"
    r"firewall|waf|audit|encrypt|security|secure|sandbox|rate_?limit|captcha|password|"
    r"signature|signing|acl|permission|rbac|scan|antivirus|guard|protection|lockout",
    re.I,
)
_NEGATING = re.compile(r"disable|skip|bypass|insecure|allow_all|no_?verify|ignore", re.I)
_OFF = frozenset({"false", "off", "0", "no", "none", "disabled", "disable", "n"})
_ON = frozenset({"true", "on", "1", "yes", "enabled", "enable", "y"})
_VALUE_KEYS = ("value", "new_value", "setting_value", "enabled")
_NAME_KEYS = ("key", "name", "setting", "flag", "path", "option", "feature")


def switches_protection_off(args: Mapping[str, Any]) -> bool:
    """True when a pair of ``args`` turns a protection off (see the module docstring)."""
    return any(_off(path, value) for path, value in _pairs(args))


def _word(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str) and len(str(value)) <= 16:
        return str(value).strip().lower()
    return None


def _off(path: str, value: Any) -> bool:
    said = _word(value)
    if said is None or not _PROTECTION.search(path):
        return False
    if _NEGATING.search(path):
        return said in _ON
    return said in _OFF


def _pairs(args: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    lowered = {str(k).lower(): v for k, v in list(args.items())[:64]}
    name = next((v for k in _NAME_KEYS if isinstance(v := lowered.get(k), str)), None)
    if name is not None:
        for key in _VALUE_KEYS:
            if key in lowered and not isinstance(lowered[key], Mapping | list):
                yield name, lowered[key]
    yield from _walk(args, "", 0)


def _walk(value: Any, path: str, depth: int) -> Iterator[tuple[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, Mapping):
        for key, inner in list(value.items())[:200]:
            yield from _walk(inner, f"{path}.{key}" if path else str(key), depth + 1)
    elif path:
        yield path, value


ACCOUNT_WORDS = frozenset({"profile", "profiles", "preference", "preferences", "settings",
                           "account", "me", "my", "user", "users", "self"})  # fmt: skip
"""Tool-name words of a tool that changes the caller's own account (its profile, its
settings): where a recovery field, changed, hands the account to whoever controls it."""
# Fields through which an account is reached, recovered or proven: changing one (the e-mail
# a password reset goes to, the phone an OTP goes to) is taking the account over.
_RECOVERY = re.compile(
    r"^(?:primary_|recovery_|backup_|contact_|new_|secondary_)?(?:e_?mail(?:_address)?|phone"
    r"(?:_number)?|mobile|msisdn|password|passphrase|pin|mfa\w*|2fa\w*|two_?factor\w*|totp\w*|"
    r"otp\w*|backup_codes|security_(?:question|answer)s?|username|login|recovery\w*)$",
    re.I,
)


def changes_account_recovery(args: Mapping[str, Any]) -> bool:
    """True when a top-level argument (or a ``field``/``key`` naming one) is an account's
    recovery or login field: e-mail, phone, password, MFA, username, recovery codes."""
    return _sets_field(args, _RECOVERY)


# Fields that say what an account may do: set through a profile or settings tool, they grant.
_PRIVILEGE_FIELD = re.compile(
    r"^(?:is_|make_|set_)?(?:admin|administrator|superuser|super_user|staff|root|owner|sudo|"
    r"roles?|permissions?|groups?|scopes?|privileges?|acls?|access_level|access|entitlements?|"
    r"grants?|capabilities|policy|policies)$",
    re.I,
)


def grants_privilege(args: Mapping[str, Any]) -> bool:
    """True when a top-level argument (or a ``field``/``key`` naming one) sets what the
    account may do: a role, permissions, groups, an admin flag."""
    return _sets_field(args, _PRIVILEGE_FIELD)


def _sets_field(args: Mapping[str, Any], field: re.Pattern[str]) -> bool:
    """Whether a top-level key, or the field a ``field``/``key`` argument names, matches."""
    for key, value in list(args.items())[:64]:
        name = str(key).lower().replace("-", "_")
        if field.match(name):
            return True
        named = (
            value.strip().lower().replace("-", "_").replace(".", "_")
            if isinstance(value, str)
            else ""
        )
        if name in ("field", "key", "name", "attribute") and field.match(named):
            return True
    return False
