"""Destination parsing in every notation and the network rules."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.errors import InputError
from aimds.rules.network import DEFAULT_DENIED_KINDS, NetworkRules, parse_destination
from aimds.rules.understanding.network import (
    WILDCARD_DNS,
    is_secret_reference,
    wildcard_addresses,
)


@pytest.mark.parametrize(
    ("value", "host", "port", "kind"),
    [
        ("http://2130706433/", "127.0.0.1", None, "loopback"),
        ("http://0177.0.0.1/", "127.0.0.1", None, "loopback"),
        ("http://0x7f.1/", "127.0.0.1", None, "loopback"),
        ("127.1", "127.0.0.1", None, "loopback"),
        ("http://[::ffff:127.0.0.1]:8080/x", "127.0.0.1", 8080, "loopback"),
        ("http://[::ffff:7f00:1]/", "127.0.0.1", None, "loopback"),
        ("http://user:pw@169.254.169.254/latest", "169.254.169.254", None, "metadata"),
        ("http://%31%32%37.0.0.1/", "127.0.0.1", None, "loopback"),
        ("HTTP://LOCALHOST./", "localhost", None, "loopback"),
        ("http://api.localhost/", "api.localhost", None, "loopback"),
        (
            "http://metadata.google.internal/computeMetadata/v1/",
            "metadata.google.internal",
            None,
            "metadata",
        ),
        ("http://100.100.100.200/", "100.100.100.200", None, "metadata"),
        ("http://[fd00:ec2::254]/", "fd00:ec2::254", None, "metadata"),
        ("[2002:c0a8:101::1]:22", "192.168.1.1", 22, "private"),
        ("http://[64:ff9b::10.0.0.1]/", "10.0.0.1", None, "private"),
        ("http://１２７．０．０．１/", "127.0.0.1", None, "loopback"),
        ("https://Example.COM.:8443/path?q=1", "example.com", 8443, "hostname"),
        ("deploy@build.example.org", "build.example.org", None, "hostname"),
        ("http://bücher.de/", "xn--bcher-kva.de", None, "hostname"),
        ("http://100.64.1.1/", "100.64.1.1", None, "shared"),
        ("http://192.0.2.10/", "192.0.2.10", None, "documentation"),
        ("http://224.0.0.1/", "224.0.0.1", None, "multicast"),
        ("http://0/", "0.0.0.0", None, "unspecified"),
        ("http://[::]/", "::", None, "unspecified"),
        ("http://[fe80::1]/", "fe80::1", None, "link_local"),
        ("http://printer.local/", "printer.local", None, "private"),
        ("http://jenkins:8080/", "jenkins", 8080, "private"),
        # Consul's service DNS names internal services (its KV store, Vault)
        ("http://consul.service.consul:8500/v1/kv/", "consul.service.consul", 8500, "private"),
        ("https://vault.service.dc1.consul/", "vault.service.dc1.consul", None, "private"),
        ("http://10.0.0.1.nip.io/", "10.0.0.1", None, "private"),  # the address it stands for
        ("8.8.8.8:53", "8.8.8.8", 53, "public"),
        ("https://[2606:4700::1111]/", "2606:4700::1111", None, "public"),
    ],
)
def test_parse_destination(value: str, host: str, port: int | None, kind: str) -> None:
    dest = parse_destination(value)
    assert dest is not None
    assert (dest.host, dest.port, dest.kind) == (host, port, kind)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "http://",
        "http://x:99999/",
        "http://999.1.1.1/",
        "http://[::1/",
        "http://a b/",
        "http://evil.com\\@127.0.0.1/",
        "http://1.2.3.0x1ff/",
    ],
)
def test_unusable_destinations_are_none(value: str) -> None:
    assert parse_destination(value) is None


def test_default_rules_allow_public_and_deny_internal() -> None:
    rules = NetworkRules()
    assert rules.check("https://api.github.com/repos").allowed
    assert not rules.check("http://localhost:8080").allowed
    unparseable = rules.check("http://")
    assert not unparseable.allowed and unparseable.destination is None


def test_host_globs_match_subdomains_only() -> None:
    rules = NetworkRules(allow_hosts=["*.example.com", ".corp.io"])
    assert rules.check("https://a.b.example.com/").allowed
    assert not rules.check("https://example.com/").allowed
    assert not rules.check("https://evilexample.com/").allowed
    assert not rules.check("https://example.com.evil.net/").allowed
    assert rules.check("https://corp.io/").allowed and rules.check("https://x.corp.io").allowed


def test_deny_hosts_and_ports() -> None:
    rules = NetworkRules(deny_hosts=["*.pastebin.com", "203.0.113.0/24"], deny_ports=[25])
    assert not rules.check("https://x.pastebin.com/raw").allowed
    assert rules.check("https://pastebin.company.com/").allowed
    assert not rules.check("http://203.0.113.7/").allowed
    assert not rules.check("smtp://mail.example.com").allowed
    assert not rules.check("mail.example.com:25").allowed


def test_allow_ports_uses_scheme_default() -> None:
    rules = NetworkRules(allow_ports=[443])
    assert rules.check("https://example.com/").allowed
    assert not rules.check("http://example.com/").allowed
    assert not rules.check("https://example.com:8443/").allowed


def test_specific_allow_entry_lifts_kind_denial_but_wildcards_do_not() -> None:
    rules = NetworkRules(allow_hosts=["10.1.2.3", "*", "169.254.0.0/16"])
    assert rules.check("http://10.1.2.3/").allowed
    assert not rules.check("http://10.1.2.4/").allowed
    assert not rules.check("http://169.254.169.254/").allowed  # metadata needs an exact entry
    assert NetworkRules(allow_hosts=["169.254.169.254"]).check("http://169.254.169.254").allowed


def test_bad_configuration_raises_with_the_field() -> None:
    with pytest.raises(InputError, match="deny_kinds"):
        NetworkRules(deny_kinds=["privat"])
    with pytest.raises(InputError, match="ports"):
        NetworkRules(deny_ports=[70000])


# ---------------------------------------------------- property: internal addresses

_INTERNAL = [
    IPv4Network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
              "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8")
]  # fmt: skip


@st.composite
def _internal_ip(draw: st.DrawFn) -> IPv4Address:
    net = draw(st.sampled_from(_INTERNAL))
    offset = draw(st.integers(0, net.num_addresses - 1))
    return net[offset]


def _part(value: int, style: str) -> str:
    if style == "octal":
        return "0" + format(value, "o")
    if style == "hex":
        return "0x" + format(value, "x")
    if style == "HEX":
        return "0X" + format(value, "X")
    return str(value)


@st.composite
def _notation(draw: st.DrawFn, ip: IPv4Address) -> str:
    b = ip.packed
    n = int(ip)
    styles = st.sampled_from(["dec", "octal", "hex", "HEX"])
    form = draw(st.sampled_from(["dotted", "int", "short2", "short3", "mapped", "mappedhex"]))
    if form == "dotted":
        host = ".".join(_part(x, draw(styles)) for x in b)
    elif form == "int":
        host = _part(n, draw(styles))
    elif form == "short2":
        host = _part(b[0], draw(styles)) + "." + _part(n & 0xFFFFFF, draw(styles))
    elif form == "short3":
        host = ".".join([_part(b[0], draw(styles)), _part(b[1], draw(styles)),
                         _part(n & 0xFFFF, draw(styles))])  # fmt: skip
    elif form == "mapped":
        host = f"[::ffff:{ip}]"
    else:
        host = f"[::ffff:{n >> 16:x}:{n & 0xFFFF:x}]"
    if draw(st.booleans()) and not host.startswith("["):
        host = "".join(f"%{ord(c):02X}" if draw(st.booleans()) else c for c in host)
    if draw(st.booleans()) and not host.startswith("["):
        host += "."
    if draw(st.booleans()):
        host = host.upper()
    userinfo = draw(st.sampled_from(["", "user@", "user:pass@", "a%40b:c@"]))
    port = draw(st.sampled_from(["", ":80", ":8080", ":443"]))
    scheme = draw(st.sampled_from(["http://", "https://", "HTTP://", "gopher://", ""]))
    path = draw(st.sampled_from(["", "/", "/latest/meta-data", "?x=1", "#f"]))
    if not scheme and path:
        path = ""
    return f"{scheme}{userinfo}{host}{port}{path}"


@settings(max_examples=300, deadline=None)
@given(data=st.data(), ip=_internal_ip())
def test_no_notation_of_an_internal_address_is_allowed(
    data: st.DataObject, ip: IPv4Address
) -> None:
    url = data.draw(_notation(ip))
    check = NetworkRules().check(url)
    assert not check.allowed, (url, check)
    if check.destination is not None:
        assert check.destination.kind in DEFAULT_DENIED_KINDS


# -- wildcard DNS and secret references (understanding/network.py) ------------------------------


@pytest.mark.parametrize(
    ("url", "host", "kind"),
    [
        ("http://10.0.0.1.nip.io/", "10.0.0.1", "private"),
        ("http://10-0-0-1.nip.io/", "10.0.0.1", "private"),
        ("http://7f000001.nip.io/", "127.0.0.1", "loopback"),
        ("http://a9fea9fe.nip.io/", "169.254.169.254", "metadata"),
        ("http://app-169-254-169-254.sslip.io/", "169.254.169.254", "metadata"),
        ("http://--1.sslip.io/", "::1", "loopback"),
        ("http://x.lvh.me/", "127.0.0.1", "loopback"),
        ("http://7f000001.c0a80001.rbndr.us/", "127.0.0.1", "loopback"),
        ("http://08080808.c0a80001.rbndr.us/", "192.168.0.1", "private"),
        ("http://make-1.2.3.4-rebind-169.254.169.254-rr.1u.ms/", "169.254.169.254", "metadata"),
        ("http://8.8.8.8.nip.io/", "8.8.8.8", "public"),
    ],
)
def test_wildcard_dns_names_are_judged_as_their_address(url: str, host: str, kind: str) -> None:
    dest = parse_destination(url)
    assert dest is not None
    assert (dest.host, dest.kind) == (host, kind)
    assert dest.name is not None and dest.name in url


def test_rebinding_name_without_a_readable_address_is_not_public() -> None:
    dest = parse_destination("http://anything.rbndr.us/")
    assert dest is not None and dest.kind == "private"


@pytest.mark.parametrize("host", ["app.nip.io", "nip.io", "docs.python.org", "nip.io.example.com"])
def test_names_without_an_embedded_address_stay_names(host: str) -> None:
    dest = parse_destination(f"https://{host}/")
    assert dest is not None and dest.kind == "hostname" and dest.ip is None


def test_host_patterns_still_match_the_wildcard_name() -> None:
    rules = NetworkRules(deny_hosts=["*.nip.io"], deny_kinds=())
    check = rules.check("http://8.8.8.8.nip.io/")
    assert not check.allowed and check.matched == "*.nip.io"
    assert not NetworkRules().check("http://10-0-0-1.nip.io/").allowed
    lifted = NetworkRules(allow_hosts=["10.0.0.1"])
    assert lifted.check("http://10-0-0-1.nip.io/").allowed  # an exact entry names it


def test_wildcard_table_is_well_formed() -> None:
    domains = [s.domain for s in WILDCARD_DNS]
    assert len(domains) == len(set(domains))
    assert {s.behaviour for s in WILDCARD_DNS} <= {"embeds", "loopback", "rebinding"}
    assert all(wildcard_addresses("x." + d) is not None for d in domains)


@pytest.mark.parametrize(
    "value",
    [
        "vault://ci/token",
        "op://vault/item/field",
        "secretsmanager://prod/db",
        "aws-secretsmanager:prod/db",
        "azure-keyvault://kv/secret",
        "gcp-secret://project/secret",
        "env:API_TOKEN",
        "${{ secrets.DEPLOY_TOKEN }}",
        "{{ secrets.TOKEN }}",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
        "projects/p/secrets/s/versions/1",
    ],
)
def test_secret_references(value: str) -> None:
    assert is_secret_reference(value)


@pytest.mark.parametrize(
    "value",
    [
        "https://vault.example.com/v1/secret",
        "vault://169.254.169.254/x",
        "vault://vault.internal:8200/x",
        "vault://user@evil.example/x",
        "http://ci/token",
        "ci/token",
        "hello world",
    ],
)
def test_not_secret_references(value: str) -> None:
    assert not is_secret_reference(value)


def test_unconfined_allow_hosts_lift_private_denials_for_what_they_name_only() -> None:
    rules = NetworkRules(allow_hosts=["localhost", "build.lan"], confine=False)
    assert rules.check("http://localhost:5173/").allowed
    assert rules.check("http://build.lan/job/1").allowed
    assert rules.check("https://pypi.org/simple/").allowed  # not confined: public still passes
    for denied in ("http://127.0.0.1:5173/", "http://10.0.0.5/", "http://other.lan/",
                   "http://169.254.169.254/latest/"):  # fmt: skip
        assert not rules.check(denied).allowed, denied
    # a wildcard never lifts a private denial, confined or not
    assert not NetworkRules(allow_hosts=["*"], confine=False).check("http://10.0.0.5/").allowed


def test_a_policys_allow_hosts_entry_for_a_dev_server_works_without_confine() -> None:
    """It was ignored unless ``confine`` was on: the only way to browse a local dev server was
    ``allow_private``, which lets every private address through."""
    import aimds

    guard = aimds.Guard.from_policy(
        {"extends": "default", "name": "dev", "network": {"allow_hosts": ["localhost"]}}
    )
    for n, (url, expected) in enumerate(
        [
            ("http://localhost:5173/", "allow"),
            ("http://127.0.0.1:2379/", "block"),
            ("http://10.0.0.5/", "block"),
            ("https://pypi.org/", "allow"),
        ]  # fmt: skip
    ):
        who = aimds.Subject(tenant="t", agent=f"dev-{n}", session=f"dev-{n}")
        decision = guard.check_tool_call("http_get", {"url": url}, subject=who)
        assert decision.verdict.value == expected, (url, decision.explain())
    default = aimds.Guard().check_tool_call("http_get", {"url": "http://localhost:5173/"})
    assert default.verdict.value == "block"
