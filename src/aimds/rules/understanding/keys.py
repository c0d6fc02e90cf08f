"""Keys named with the account that holds them (issue 12).

A key service given a key *alias* or bare id (``alias/app-data``, ``1234abcd-...``) uses a key
of the caller's own account. Given a full resource name (an AWS key ARN, a Google Cloud
``projects/P/.../cryptoKeys/K``, an Azure Key Vault key URL), it uses whichever account the
name says, and nothing in a call tells ours from another: data encrypted under a key another
account holds is readable there, which is exfiltration without a send. :func:`account_key`
finds such a name; the call is tagged ``account_key`` with the account among its resources,
and the classifier treats it as data leaving (a human confirms) unless the policy lists the
account as one of ours (``taxonomy.own_accounts``: ``aws:123456789012``, ``gcp:my-project``,
``azure:my-vault``; none in the built-in packs, since no pack can know them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "ACCOUNT_KEY_TAG",
    "ENCRYPT_WORDS",
    "account_key",
    "account_keys",
    "foreign_key_accounts",
]

ACCOUNT_KEY_TAG = "account_key"
"""Tag of a call that encrypts under a key named with its account (the account a resource)."""

ENCRYPT_WORDS = frozenset({"encrypt", "reencrypt"})
"""Name words of a key use whose output carries the data (a ciphertext), unlike a signature."""

_ACCOUNT_KEY = re.compile(
    r"\barn:aws[\w-]*:kms:[\w-]*:(\d{12}):(?:key|alias)/"
    r"|\bprojects/([\w.:-]+)/locations/[\w-]+/keyRings/[^/\s]+/cryptoKeys/"
    r"|\bhttps://([\w-]+)\.(?:vault\.azure\.net|managedhsm\.azure\.net)/keys/",
    re.IGNORECASE,
)


_ACCOUNT_RESOURCE = re.compile(r"^(?:aws:\d{12}|gcp:[\w.:-]+|azure:[\w-]+)$")


def foreign_key_accounts(resources: Iterable[str], own: frozenset[str]) -> bool:
    """Whether any key account among ``resources`` (as :func:`account_key` names them) is
    not one of ``own``."""
    return any(_ACCOUNT_RESOURCE.match(r) and r not in own for r in resources)


def account_key(value: str) -> str | None:
    """The account, project or vault a key name in ``value`` belongs to (``aws:<account>``,
    ``gcp:<project>``, ``azure:<vault>``), or ``None`` when it names no such key."""
    return next(iter(account_keys(value)), None)


def account_keys(value: str) -> list[str]:
    """Every account :func:`account_key` would name in ``value``, in order (a re-encrypt
    names two keys: the source's and the destination's)."""
    if len(value) > 2048:
        return []
    found = []
    for m in _ACCOUNT_KEY.finditer(value):
        kind = ("aws", "gcp", "azure")[next(i for i, g in enumerate(m.groups()) if g)]
        found.append(f"{kind}:{next(g for g in m.groups() if g).lower()}")
    return found[:8]
