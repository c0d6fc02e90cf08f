"""Network boundaries: parse a destination in any notation and judge it against host rules.

:func:`parse_destination` reads URLs (any scheme), ``host``, ``host:port``, ``[v6]:port``
and ``user@host``, and brings the host to one canonical form: lowercase, IDNA, no
trailing dot, percent-decoding undone, and IPv4 in every ``inet_aton`` notation (decimal
``2130706433``, octal ``0177.0.0.1``, hex ``0x7f.1``, short ``127.1``). IPv6 addresses
that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) are
judged as that IPv4 address. Names under a wildcard-DNS service that answers with the
address written in the name (``10-0-0-1.nip.io``, ``a9fea9fe.nip.io``, rebinding services;
the maintained list is :data:`~aimds.rules.understanding.network.WILDCARD_DNS`) are judged
as that address: the destination's ``host`` and ``ip`` are the address (the riskiest one
for a rebinding name), ``name`` keeps the name. Each destination gets a ``kind`` (see
:data:`KINDS`).

:class:`NetworkRules` is a pure string check: it does **no DNS resolution**. A public
hostname that resolves to a private address (DNS rebinding through a name of your own,
wildcard DNS not in the list) is out of scope here and must be stopped at the egress proxy or by
resolving and re-checking the address at connect time.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import ipaddress
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import Any
from urllib.parse import unquote

import re2

from aimds.errors import InputError
from aimds.rules.understanding.network import wildcard_addresses

__all__ = [
    "DEFAULT_DENIED_KINDS",
    "KINDS",
    "Destination",
    "NetCheck",
    "NetworkRules",
    "classify_ip",
    "parse_destination",
]

KINDS: frozenset[str] = frozenset(
    {
        "public",
        "private",
        "loopback",
        "link_local",
        "metadata",
        "unspecified",
        "multicast",
        "reserved",
        "shared",
        "documentation",
        "hostname",
    }
)
"""Every destination kind. ``hostname``: a name we cannot judge without DNS."""

DEFAULT_DENIED_KINDS: frozenset[str] = frozenset(
    {
        "private",
        "loopback",
        "link_local",
        "metadata",
        "unspecified",
        "multicast",
        "reserved",
        "shared",
    }
)

_DEFAULT_PORTS = {
    "http": 80,
    "ws": 80,
    "https": 443,
    "wss": 443,
    "ftp": 21,
    "ssh": 22,
    "sftp": 22,
    "gopher": 70,
    "smtp": 25,
    "redis": 6379,
    "postgres": 5432,
    "postgresql": 5432,
    "mysql": 3306,
    "mongodb": 27017,
}

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(?://|\\\\)")
_AUTHORITY_END = re.compile(r"[/\\?#]")
_STRICT_END = re.compile(r"[/?#]|$")
_MAX_CHARS = 4096
_CHECK_CACHE_SIZE = 4096

_METADATA_IPS: frozenset[IPv4Address | IPv6Address] = frozenset(
    {
        IPv4Address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        IPv4Address("169.254.170.2"),  # AWS ECS task metadata
        IPv4Address("169.254.169.123"),  # AWS time sync (same link-local service host)
        IPv4Address("100.100.100.200"),  # Alibaba Cloud
        IPv4Address("192.0.0.192"),  # Oracle Cloud (legacy)
        IPv6Address("fd00:ec2::254"),  # AWS IMDS over IPv6
        IPv6Address("fd00:ec2::23"),  # AWS ECS over IPv6
    }
)
_METADATA_NAMES: frozenset[str] = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.com",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.ec2.internal",
        "metadata.tencentyun.com",
        "metadata.packet.net",
        "metadata.platformequinix.com",
    }
)
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_LOOPBACK_SUFFIXES = (".localhost",)
_PRIVATE_SUFFIXES = (
    ".local",
    ".internal",
    ".intranet",
    ".lan",
    ".corp",
    ".home",
    ".home.arpa",
    ".localdomain",
    ".private",
    ".svc",
    ".cluster.local",
    ".consul",  # Consul's service DNS (consul.service.consul, vault.service.consul)
)
# The riskiest kind first: a rebinding name is judged by the worst address it embeds.
_WORST_FIRST = (
    "metadata", "loopback", "link_local", "unspecified", "private", "shared", "reserved",
    "multicast", "documentation", "public",
)  # fmt: skip

_V4_TABLE: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), kind)
    for net, kind in (
        ("0.0.0.0/8", "unspecified"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link_local"),
        ("100.64.0.0/10", "shared"),
        ("10.0.0.0/8", "private"),
        ("172.16.0.0/12", "private"),
        ("192.168.0.0/16", "private"),
        ("192.0.0.0/24", "reserved"),
        ("192.0.2.0/24", "documentation"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("198.18.0.0/15", "reserved"),
        ("192.88.99.0/24", "reserved"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
    )
)
_V6_TABLE: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), kind)
    for net, kind in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("fe80::/10", "link_local"),
        ("fec0::/10", "private"),
        ("fc00::/7", "private"),
        ("ff00::/8", "multicast"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("100::/64", "reserved"),
        ("2001:2::/48", "reserved"),
        ("2001:10::/28", "reserved"),
        ("2001:20::/28", "reserved"),
    )
)
_V6_GLOBAL = IPv6Network("2000::/3")
_NAT64 = (IPv6Network("64:ff9b::/96"), IPv6Network("64:ff9b:1::/48"))
_V4_COMPAT = IPv6Network("::/96")


@dataclass(frozen=True, slots=True, kw_only=True)
class Destination:
    """A parsed destination. ``ip`` is set for address literals (the embedded IPv4 for
    IPv6 forms that carry one); ``kind`` is one of :data:`KINDS`."""

    scheme: str | None
    host: str
    port: int | None
    ip: IPv4Address | IPv6Address | None
    kind: str
    name: str | None = None
    """The host name as written when ``host`` is the address a wildcard-DNS name stands for."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NetCheck:
    """The outcome of :meth:`NetworkRules.check`."""

    destination: Destination | None
    allowed: bool
    reason: str
    matched: str | None


def classify_ip(ip: IPv4Address | IPv6Address) -> str:
    """The kind of an address (without looking at embedded IPv4 addresses)."""
    if ip in _METADATA_IPS:
        return "metadata"
    if isinstance(ip, IPv4Address):
        if ip == IPv4Address("255.255.255.255"):
            return "reserved"
        for net4, kind in _V4_TABLE:
            if ip in net4:
                return kind
        return "public"
    for net6, kind in _V6_TABLE:
        if ip in net6:
            return kind
    return "public" if ip in _V6_GLOBAL else "reserved"


def _embedded_v4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, where it embeds one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    value = int(ip)
    if ip in _V4_COMPAT and value > 1:
        return IPv4Address(value & 0xFFFFFFFF)
    if any(ip in net for net in _NAT64):
        return IPv4Address(value & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def _parse_v4_part(part: str) -> int | None:
    if not part:
        return None
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:], 16) if len(part) > 2 else 0
        if len(part) > 1 and part[0] == "0":
            return int(part[1:], 8)
        if part.isdigit():
            return int(part)
    except ValueError:
        return None
    return None


def _parse_inet_aton(host: str) -> IPv4Address | None:
    """IPv4 in any notation ``inet_aton`` accepts; ``None`` when not an IPv4 literal."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = [_parse_v4_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    nums = [v for v in values if v is not None]
    *head, last = nums
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(nums)):
        return None
    value = 0
    for v in head:
        value = value * 256 + v
    value = value * 256 ** (5 - len(nums)) + last
    return IPv4Address(value)


_IP_TEXT = re.compile(r"^[0-9a-fx.:]+$")
_NUMERIC_LABEL = re.compile(r"^(?:0[xX][0-9a-fA-F]*|\d+)$")


def _host_kind(host: str) -> tuple[IPv4Address | IPv6Address | None, str] | None:
    """Address and kind of a canonical host; ``None`` when the host is malformed."""
    if ":" in host:
        try:
            ip6 = IPv6Address(host)
        except ValueError:
            return None
        embedded = _embedded_v4(ip6)
        if embedded is not None:
            kind = classify_ip(embedded)
            if kind != "public" or ip6.ipv4_mapped is not None or ip6 in _V4_COMPAT:
                return embedded, kind
        return ip6, classify_ip(ip6)
    ip4 = _parse_inet_aton(host)
    if ip4 is not None:
        return ip4, classify_ip(ip4)
    last = host.rpartition(".")[2]
    if _NUMERIC_LABEL.match(last):
        return None  # looks numeric but is no valid address: browsers refuse it, so do we
    wildcard = wildcard_addresses(host)
    if wildcard is not None:
        service, addresses = wildcard
        if addresses:
            judged = [(_host_kind(str(ip)) or (ip, "reserved")) for ip in addresses]
            return min(judged, key=lambda pair: _WORST_FIRST.index(pair[1]))
        if service.behaviour == "rebinding":
            return None, "private"  # a rebinding name with no readable address: unsafe
    return None, _name_kind(host)


def _name_kind(host: str) -> str:
    if host in _METADATA_NAMES:
        return "metadata"
    if host in _LOOPBACK_NAMES or host.endswith(_LOOPBACK_SUFFIXES):
        return "loopback"
    if host.endswith(_PRIVATE_SUFFIXES) or "." not in host:
        return "private"  # single-label names resolve through the internal search domain
    return "hostname"


_PLAIN_HOST = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?$")


def _canonical_host(raw: str) -> str | None:
    if _PLAIN_HOST.match(raw):  # nothing to decode or normalise (the common case)
        return raw.lower().rstrip(".")
    host = raw
    for _ in range(4):
        decoded = unquote(host)
        if decoded == host:
            break
        host = decoded
    host = unicodedata.normalize("NFKC", host).strip().lower()
    if not host.isascii():
        with contextlib.suppress(UnicodeError):  # else keep the lowercased Unicode name
            host = host.encode("idna").decode("ascii").lower()
    host = host.rstrip(".")
    if not host or any(c in host for c in " \t\r\n\x00/\\@"):
        return None
    return host


def parse_destination(value: str) -> Destination | None:
    """Parse a URL, ``host``, ``host:port``, ``[v6]:port`` or ``user@host``.

    Returns ``None`` for anything that is not a usable destination (empty, malformed
    host or port, a numeric-looking host that is no valid address).
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _MAX_CHARS:
        return None
    scheme: str | None = None
    m = _SCHEME.match(text)
    if m is not None:
        scheme = m.group(1).lower()
        text = text[m.end() :]
    end = _AUTHORITY_END.search(text)
    authority = text[: end.start()] if end else text
    loose_end = _STRICT_END.search(text)
    loose = text[: loose_end.start()] if loose_end else text
    if "@" in loose and "\\" in loose:
        return None  # "a\\@b": clients disagree on which host this is, so refuse it
    authority = authority.rpartition("@")[2]  # credentials: the host follows the last "@"
    port: int | None = None
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            return None
        host_raw, rest = authority[1:close], authority[close + 1 :]
        if rest:
            if not rest.startswith(":"):
                return None
            port_text = rest[1:]
            if port_text:
                port = _port(port_text)
                if port is None:
                    return None
    elif authority.count(":") == 1:
        host_raw, _, port_text = authority.partition(":")
        if port_text:
            port = _port(port_text)
            if port is None:
                return None
    elif authority.count(":") > 1:
        host_raw = authority  # a bare IPv6 address
    else:
        host_raw = authority
    host = _canonical_host(host_raw)
    if host is None:
        return None
    judged = _host_kind(host)
    if judged is None:
        return None
    ip, kind = judged
    address = str(ip) if ip is not None else host
    return Destination(
        scheme=scheme,
        host=address,
        port=port,
        ip=ip,
        kind=kind,
        name=host if ip is not None and address != host and not _IP_TEXT.match(host) else None,
    )


def _port(text: str) -> int | None:
    if not text.isdigit() or len(text) > 5:
        return None
    port = int(text)
    return port if port <= 65535 else None


# ----------------------------------------------------------------------------- rules


class _HostPatterns:
    """Host globs and CIDR blocks compiled once.

    ``*.example.com`` matches any subdomain (not ``example.com``, not
    ``evilexample.com``); ``.example.com`` matches the domain and its subdomains;
    ``10.0.0.0/8`` or an address matches addresses; anything else is an exact name.
    """

    __slots__ = ("_cidrs", "_entries", "_exact", "_regex")

    def __init__(self, entries: Sequence[str], *, field: str) -> None:
        self._entries = tuple(entries)
        exact: dict[str, str] = {}
        cidrs: list[tuple[IPv4Network | IPv6Network, str]] = []
        patterns: list[str] = []
        self._regex: Any = None
        for entry in self._entries:
            if not isinstance(entry, str) or not entry.strip():
                raise InputError(f"{field}: every host pattern must be a non-empty string")
            text = entry.strip().lower().rstrip(".")
            if text.startswith("[") and text.endswith("]"):
                text = text[1:-1]
            network = _network(text)
            if network is not None:
                cidrs.append((network, entry))
                continue
            if text.startswith("."):
                exact.setdefault(text[1:], entry)
                text = "*" + text
            if any(c in text for c in "*?["):
                pattern = fnmatch.translate(text)
                patterns.append("(" + pattern.removeprefix("(?s:").removesuffix(")\\Z") + ")")
                exact.setdefault(f"\x00{len(patterns) - 1}", entry)
            else:
                canonical = _canonical_host(text) or text
                exact.setdefault(canonical, entry)
        self._exact = exact
        self._cidrs = tuple(cidrs)
        if patterns:
            self._regex = re2.compile("^(?:" + "|".join(patterns) + ")$")

    def match(self, dest: Destination) -> str | None:
        hit = self._exact.get(dest.host)
        if hit is None and dest.name is not None:
            hit = self._exact.get(dest.name)
        if hit is not None:
            return hit
        if dest.ip is not None:
            for network, entry in self._cidrs:
                if dest.ip.version == network.version and dest.ip in network:
                    return entry
        if self._regex is not None:
            for host in (dest.host, dest.name):
                m = self._regex.match(host) if host is not None else None
                if m is not None:
                    return self._exact[f"\x00{(m.lastindex or 1) - 1}"]
        return None

    def is_exact(self, entry: str) -> bool:
        """True for entries naming one host or address (no wildcard, no block)."""
        text = entry.strip()
        return not any(c in text for c in "*?[") and not text.startswith(".") and "/" not in text


def _network(text: str) -> IPv4Network | IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


class NetworkRules:
    """Host, port and kind rules for outbound destinations, compiled once.

    Order: unparseable → denied; ``deny_hosts`` → denied; ``deny_ports`` → denied;
    ``allow_ports`` (when given) must contain the port (the scheme's default port where
    none is written); a kind in ``deny_kinds`` is denied unless an ``allow_hosts`` entry
    names this destination specifically (a wildcard never lifts the kind denial, and a
    ``metadata`` destination is only allowed by an exact entry); with ``allow_hosts``
    given and ``confine`` (the default), anything else is denied. Without ``confine`` the
    entries only lift the kind denial for what they name (``allow_hosts: [localhost]``: a
    local dev server, not every private address).

    No DNS resolution happens here (see the module docstring on DNS rebinding).
    """

    __slots__ = (
        "_allow",
        "_allow_ports",
        "_cached",
        "_confine",
        "_deny",
        "_deny_kinds",
        "_deny_ports",
    )

    def __init__(
        self,
        allow_hosts: Sequence[str] = (),
        deny_hosts: Sequence[str] = (),
        allow_ports: Sequence[int] = (),
        deny_ports: Sequence[int] = (),
        deny_kinds: Collection[str] = DEFAULT_DENIED_KINDS,
        *,
        confine: bool = True,
    ) -> None:
        unknown = sorted(set(deny_kinds) - KINDS)
        if unknown:
            raise InputError(
                f"deny_kinds: unknown kind {unknown[0]!r}; use one of {', '.join(sorted(KINDS))}"
            )
        for port in (*allow_ports, *deny_ports):
            if not isinstance(port, int) or not 0 <= port <= 65535:
                raise InputError("allow_ports/deny_ports: ports must be integers 0-65535")
        self._allow = _HostPatterns(allow_hosts, field="allow_hosts") if allow_hosts else None
        self._confine = confine
        self._deny = _HostPatterns(deny_hosts, field="deny_hosts")
        self._allow_ports = frozenset(allow_ports)
        self._deny_ports = frozenset(deny_ports)
        self._deny_kinds = frozenset(deny_kinds)
        self._cached = functools.lru_cache(maxsize=_CHECK_CACHE_SIZE)(self._check)

    def check(self, value: str) -> NetCheck:
        """Judge one destination as the agent wrote it. Never raises.

        A pure function of the text (no DNS), so results are cached (bounded LRU)."""
        if type(value) is not str:
            return self._check(value)
        return self._cached(value)

    def _check(self, value: str) -> NetCheck:
        dest = parse_destination(value)
        if dest is None:
            return NetCheck(
                destination=None, allowed=False, reason="unparseable destination", matched=None
            )
        denied = self._deny.match(dest)
        if denied is not None:
            return NetCheck(destination=dest, allowed=False, reason="denied host", matched=denied)
        port = dest.port if dest.port is not None else _DEFAULT_PORTS.get(dest.scheme or "")
        if port is not None and port in self._deny_ports:
            return NetCheck(destination=dest, allowed=False, reason="denied port", matched=None)
        if self._allow_ports and port not in self._allow_ports:
            return NetCheck(
                destination=dest, allowed=False, reason="port not allowed", matched=None
            )
        allowed = self._allow.match(dest) if self._allow is not None else None
        if dest.kind in self._deny_kinds:
            specific = allowed is not None and self._allow is not None
            if specific and allowed is not None and allowed.strip() != "*":
                exact = self._allow.is_exact(allowed) if self._allow is not None else False
                if dest.kind != "metadata" or exact:
                    return NetCheck(
                        destination=dest,
                        allowed=True,
                        reason=f"{dest.kind} address allowed by host entry",
                        matched=allowed,
                    )
            return NetCheck(
                destination=dest, allowed=False, reason=f"{dest.kind} destination", matched=None
            )
        if self._allow is not None and allowed is None and self._confine:
            return NetCheck(
                destination=dest, allowed=False, reason="host not allowed", matched=None
            )
        reason = "allowed host" if allowed is not None else "no rule denied it"
        return NetCheck(destination=dest, allowed=True, reason=reason, matched=allowed)
