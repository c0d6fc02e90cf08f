"""Keys named with the account that holds them (issue 12).

A key service given a key *alias* or bare id (``alias/app-data``, ``1234abcd-...``) uses a key
of the caller's own account. Given a full resource name (an AWS key ARN, a Google Cloud
``projects/P/.../cryptoKeys/K``, an Azure Key Vault key URL), it uses whichever account the
name says, and nothing in a call tells ours from another: data encrypted under a key another
account holds is readable there, which is exfiltration without a send. :func:`account_key`
finds such a name; the taxonomy treats the call as data leaving (a human confirms).
"""

from __future__ import annotations

import re

__all__ = ["ENCRYPT_WORDS", "account_key"]

ENCRYPT_WORDS = frozenset({"encrypt", "reencrypt"})
"""Name words of a key use whose output carries the data (a ciphertext), unlike a signature."""

_ACCOUNT_KEY = re.compile(
    r"\barn:aws[\w-]*:kms:[\w-]*:(\d{12}):(?:key|alias)/"
    r"|\bprojects/([\w.:-]+)/locations/[\w-]+/keyRings/[^/\s]+/cryptoKeys/"
    r"|\bhttps://([\w-]+)\.(?:vault\.azure\.net|managedhsm\.azure\.net)/keys/",
    re.IGNORECASE,
)


def account_key(value: str) -> str | None:
    """The account, project or vault a key name in ``value`` belongs to (``aws:<account>``,
    ``gcp:<project>``, ``azure:<vault>``), or ``None`` when it names no such key."""
    if len(value) > 2048:
        return None
    m = _ACCOUNT_KEY.search(value)
    if m is None:
        return None
    kind = ("aws", "gcp", "azure")[next(i for i, g in enumerate(m.groups()) if g)]
    return f"{kind}:{next(g for g in m.groups() if g).lower()}"
