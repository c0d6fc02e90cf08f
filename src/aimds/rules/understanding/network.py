"""Destination understanding: what a string that names a place on the network really names.

Two questions no URL parser answers:

* **Which address does a wildcard-DNS name stand for?** Public services answer any name
  under their domain with the address written in the name (``10.0.0.1.nip.io``,
  ``10-0-0-1.nip.io``, ``7f000001.nip.io``, ``app-169-254-169-254.sslip.io``,
  ``--1.sslip.io`` for ``::1``), always with loopback (``*.localtest.me``), or alternately
  with two addresses to defeat a check-then-connect (DNS rebinding: ``rbndr.us``, ``1u.ms``).
  :data:`WILDCARD_DNS` is the maintained list (add a service there, with its behaviour);
  :func:`wildcard_addresses` reads the addresses out of a name statically, so the name is
  judged like the address it resolves to. A rebinding name that embeds no readable address
  has no safe reading and is reported as such.
* **Is it a destination at all?** Secret references (``vault://ci/token``, ``op://v/i/f``,
  ``secretsmanager://…``, ``aws-secretsmanager:…``, ``${{ secrets.X }}``, ``env:NAME``) name a
  credential in a store the platform resolves; they are not hosts and must never be judged
  as one (:func:`is_secret_reference`).

Pure functions of the text: no DNS, no I/O.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address

__all__ = [
    "WILDCARD_DNS",
    "WildcardService",
    "is_secret_reference",
    "wildcard_addresses",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class WildcardService:
    """One public DNS service whose answers are written in the queried name.

    ``behaviour``: ``embeds`` (answers with the address in the name: dotted, dashed, 8-digit
    hex, dashed IPv6), ``loopback`` (answers every name with 127.0.0.1), ``rebinding``
    (answers alternately with the addresses in the name; an unreadable name is unsafe).
    """

    domain: str
    behaviour: str
    note: str


WILDCARD_DNS: tuple[WildcardService, ...] = (
    WildcardService(domain="nip.io", behaviour="embeds", note="dotted, dashed, hex"),
    WildcardService(domain="sslip.io", behaviour="embeds", note="dotted, dashed, hex, IPv6 dashed"),
    WildcardService(domain="xip.io", behaviour="embeds", note="historic nip.io predecessor"),
    WildcardService(domain="xip.name", behaviour="embeds", note="dotted"),
    WildcardService(domain="traefik.me", behaviour="embeds", note="dotted, dashed, hex"),
    WildcardService(domain="nip.direct", behaviour="embeds", note="dotted, dashed"),
    WildcardService(domain="localtest.me", behaviour="loopback", note="every name is 127.0.0.1"),
    WildcardService(domain="lvh.me", behaviour="loopback", note="every name is 127.0.0.1"),
    WildcardService(domain="vcap.me", behaviour="loopback", note="every name is 127.0.0.1"),
    WildcardService(domain="lacolhost.com", behaviour="loopback", note="every name is 127.0.0.1"),
    WildcardService(domain="local.gd", behaviour="loopback", note="every name is 127.0.0.1"),
    WildcardService(domain="rbndr.us", behaviour="rebinding", note="<hex-a>.<hex-b>.rbndr.us"),
    WildcardService(domain="rebind.network", behaviour="rebinding", note="rebinding test service"),
    WildcardService(domain="rebind.it", behaviour="rebinding", note="Singularity of Origin"),
    WildcardService(domain="1u.ms", behaviour="rebinding", note="make-<ip>-rebind-<ip>-rr.1u.ms"),
)
"""The maintained list of wildcard-DNS services (most specific domain wins)."""

_LOOPBACK = IPv4Address("127.0.0.1")
_BY_DOMAIN = {s.domain: s for s in WILDCARD_DNS}
_QUAD = re.compile(r"(?=(?<![0-9])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})(?![0-9]))")
_HEX8 = re.compile(r"^(?:0x)?([0-9a-f]{8})$")
_V6_DASHED = re.compile(r"^[0-9a-f]{0,4}(?:-[0-9a-f]{0,4}){2,7}$")
_MAX_HOST = 253


def _service(host: str) -> tuple[WildcardService, str] | None:
    """The service a host name falls under and the name's part before it."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        found = _BY_DOMAIN.get(".".join(labels[i:]))
        if found is not None:
            return found, ".".join(labels[:i])
    return None


def wildcard_addresses(
    host: str,
) -> tuple[WildcardService, tuple[IPv4Address | IPv6Address, ...]] | None:
    """The service and every address a wildcard-DNS name can resolve to; ``None`` when the
    name is under no known service. ``host`` is a canonical (lowercase) host name."""
    if len(host) > _MAX_HOST or "." not in host:
        return None
    found = _service(host)
    if found is None:
        return None
    service, prefix = found
    if service.behaviour == "loopback":
        return service, (_LOOPBACK,)
    out: dict[IPv4Address | IPv6Address, None] = {}
    for m in _QUAD.finditer(prefix):
        parts = [int(p) for p in m.groups()]
        if all(p <= 255 for p in parts):
            out[IPv4Address(".".join(map(str, parts)))] = None
    for label in prefix.split("."):
        for part in (label, *label.split("-")):
            hexed = _HEX8.match(part)
            if hexed is not None:
                out[IPv4Address(int(hexed.group(1), 16))] = None
        if "-" in label and _V6_DASHED.match(label):
            with contextlib.suppress(ValueError):
                out[IPv6Address(label.replace("-", ":"))] = None
    return service, tuple(out)


# -------------------------------------------------------------------- secret references

_SECRET_SCHEMES = frozenset(
    {
        "vault", "hcvault", "hashicorp-vault", "op", "1password", "bw", "bitwarden",
        "secretsmanager", "secrets-manager", "aws-secretsmanager", "awssm", "asm", "ssm",
        "aws-ssm", "parameterstore", "azure-keyvault", "azurekeyvault", "keyvault", "akv",
        "gcp-secret", "gcp-secretmanager", "gcpsm", "gsm", "sm", "secretmanager",
        "doppler", "infisical", "conjur", "cyberark", "akeyless", "lastpass", "keeper",
        "keychain", "kms", "sops", "k8s-secret", "kubernetes-secret", "secret", "secrets",
        "env", "envvar", "file-secret", "ref+vault", "ref+awssecrets", "ref+gcpsecrets",
        "ref+azurekeyvault", "ref+sops", "ref+envsubst", "kv", "azurekv", "azure-kv",
        "secretsmanager+aws", "gcpsecrets", "bws", "passbolt", "pass", "gopass",
    }
)  # fmt: skip
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]{0,40}):(//)?(?=\S)")
_TEMPLATE = re.compile(
    r"^(?:\$\{\{\s*[\w.\-\[\]'\"]+\s*\}\}"  # ${{ secrets.X }} (GitHub Actions)
    r"|\{\{\s*[\w.\-\[\]'\"|: ]+\s*\}\}"  # {{ secrets.X }}, {{ vault "x" }}-like templates
    r"|\$\{[\w.:\-/]+\}"  # ${VAR}, ${env:VAR}, ${secrets.X}
    r"|\$[A-Z_][A-Z0-9_]*"  # $VAR
    r"|%[A-Z_][A-Z0-9_]*%"  # %VAR%
    r")$"
)
_ARN = re.compile(r"^arn:aws[\w-]*:(?:secretsmanager|ssm|kms):", re.IGNORECASE)
_MAYBE = re.compile(r"[:${%]|^projects/")
_ADDRESSY = re.compile(r"^[\d.]+$|^\[|:\d+$|@")
_GCP_SECRET = re.compile(r"^projects/[\w.-]+/secrets/[\w.-]+(?:/versions/[\w.-]+)?$")


def is_secret_reference(value: str) -> bool:
    """True when ``value`` (a whole argument) names a secret in a store or a variable rather
    than a place on the network: ``vault://ci/token``, ``op://vault/item/field``,
    ``aws-secretsmanager:prod/db``, ``env:TOKEN``, ``${{ secrets.X }}``, a Secrets Manager or
    SSM ARN, a GCP secret resource name."""
    text = value.strip()
    if not text or len(text) > 2048 or not _MAYBE.search(text[:48]):
        return False
    if _TEMPLATE.match(text) or _ARN.match(text) or _GCP_SECRET.match(text):
        return True
    if any(c.isspace() for c in text):
        return False
    m = _SCHEME.match(text)
    if m is None or m.group(1).lower() not in _SECRET_SCHEMES:
        return False
    # a store is named by a word; an address or a port means a place on the network
    authority = re.split(r"[/?#]", text[m.end() :], maxsplit=1)[0] if m.group(2) else ""
    return _ADDRESSY.search(authority) is None
