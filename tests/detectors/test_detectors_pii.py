"""PII detector: named positives and named false positives per recogniser."""

from __future__ import annotations

import functools
import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.detectors import pii
from aimds.detectors.sensitive_gate import Gated, HintSet, ascii_view
from aimds.detectors.sensitive_pii_rules import PII_RECOGNIZERS
from aimds.detectors.sensitive_validators import card_ok, iban_ok, ipv4_public, luhn_ok, ssn_ok
from aimds.policy import load_policy
from aimds.types import Event, EventKind, Services

POSITIVES = {
    "email": ("Reply to: nadia_walsh@gmail.com", "email", "nadia_walsh@gmail.com"),
    "email in json": ('{"email": "ivan.lindqvist@yahoo.com"}', "email", "ivan.lindqvist@yahoo.com"),
    "us phone parens": ("TEL: (503) 263-1892", "phone", "(503) 263-1892"),
    "us phone dashes": ('"mobile": "617-221-8975"', "phone", "617-221-8975"),
    "us phone spaces": ('sms_to="720 205 2718"', "phone", "720 205 2718"),
    "e164 us": ("text +15037414214 when ready", "phone", "+15037414214"),
    "uk spaced": ("phone: +44 7562 089273", "phone", "+44 7562 089273"),
    "fr spaced": ("my number is +33 6 58 95 54 65", "phone", "+33 6 58 95 54 65"),
    "in dashed": ("TEL=+91-60517-21673", "phone", "+91-60517-21673"),
    "ssn dashed": ('ssn = "751-78-7876"', "us_ssn", "751-78-7876"),
    "ssn bare with label": ("Carlos's SSN 844153909", "us_ssn", "844153909"),
    "ssn in tax_id column": (
        "| id | tax_id |\n|----|----|\n| 1 | 774726063 |",
        "us_ssn",
        "774726063",
    ),
    "visa spaced": (
        "my card is 4957 5986 2343 4147, exp 04/26",
        "credit_card",
        "4957 5986 2343 4147",
    ),
    "card dashed": ('PAN = "6449-6727-8578-1487"', "credit_card", "6449-6727-8578-1487"),
    "iban spaced": ("iban=GB87 HBUK 8025 4960 7363 97", "iban", "GB87 HBUK 8025 4960 7363 97"),
    "iban compact": ('BANK_ACCOUNT="NL25RABO5465938935"', "iban", "NL25RABO5465938935"),
    "ipv4 public": ("client_ip=147.95.44.82", "ipv4", "147.95.44.82"),
    "ipv6 global": (
        "request came from 2a00:fc19:e286::33af:5f0e.",
        "ipv6",
        "2a00:fc19:e286::33af:5f0e",
    ),
    "dob iso": ("date_of_birth=1974-10-02", "date_of_birth", "1974-10-02"),
    "dob words": ('"date_of_birth": "January 10, 1980"', "date_of_birth", "January 10, 1980"),
    "dob in csv column": (
        'id,name,dob\n1,Ann,"October 27, 1941"\n',
        "date_of_birth",
        "October 27, 1941",
    ),
    "uk national mobile with label": ("mobile: 07700 900123", "phone", "07700 900123"),
    "uk national landline in prose": (
        "call me on 020 7946 0958 after six",
        "phone",
        "020 7946 0958",
    ),
    "uk trunk prefix in brackets": ("tel: +44 (0)20 7946 0958", "phone", "+44 (0)20 7946 0958"),
    "de short berlin number": ("Telefon: +49 30 901820", "phone", "+49 30 901820"),
    "fr national pairs": ("tél : 01 23 45 67 89", "phone", "01 23 45 67 89"),
    "url-encoded phone": ("?phone=%2B15037414214&ok=1", "phone", "%2B15037414214"),
    "url-encoded email": ("?to=nadia.walsh%40gmail.com&x=1", "email", "nadia.walsh%40gmail.com"),
    "dob day-month-year with dashes": ("DOB: 17-JUL-1957", "date_of_birth", "17-JUL-1957"),
    "street address": (
        "ship it to 7264 Sunset Ln, Apt 30C, Fresno, CA 93709",
        "street_address",
        None,
    ),
}

NEGATIVES = {
    "reserved email domain": "contact=alice@example.com or bob@team.test or x@y.invalid",
    "git remote": "git clone git@github.com:org/repo.git",
    "package pin": "pkg@1.2.3 and @media screen",
    "url credentials": "https://user:hunter2x@github.com/x",
    "fictional 555": "SUPPORT_PHONE=(612) 555-0173",
    "isbn shaped like a phone": 'ISBN = "508-633-0508"',
    "math": "x = 746-526-7466",
    "invalid exchange": '"formula": "(458) 151-1972"',
    "invalid ssn area": "ssn: 666-30-0586, 000-59-0820, 900-12-3456",
    "famous ssn": "ssn: 078-05-1120 and 123-45-6789",
    "test cards": "4111 1111 1111 1111 / 4242424242424242 / 5555 5555 5555 4444 / 378282246310005",
    "luhn invalid": "account_ref = 4045629893993859",
    "masked card": "charged to **** **** **** 8089",
    "doc iban": "IBAN DE89 3704 0044 0532 0130 00 and GB82WEST12345698765432",
    "bad iban checksum": "IBAN DE15 9349 7341 4943 4996 60",
    "private ip": "listen 192.168.141.75, 10.0.0.1, 100.75.250.113, 127.0.0.1, 192.0.2.190",
    "oid": "1.3.6.1.4.1.32746.5 and 2.5.4.37",
    "version": "upgrade from 1.8.7.5 to 10.0.21348.1729",
    "ipv6 local": "fe80::88d:e9dd:fe9f:c309 ::1 2001:db8::1f7 fd87:17ca:6295::5",
    "fingerprint": "2A:7D:EA:89:8B:8C:A5:BD:25:57:86:21:05:2D:3C:74:B0:1D:FE:B5",
    "non birth date": "start_date=1974-10-02, released on January 19, 2017",
    "timestamp": "UPDATED_AT=2024-10-05T02:18:19Z ts 1575039486",
    "uuid": "job 89a4e5c6-2ee9-4afb-a8c0-4dcfb0d8d925 failed",
    "clock time": "at 12:09:43 the job ran",
    "national number without a phone label": "order 07700 900123 shipped; build 0161 4960000",
    "national number too short": "phone ext 0123 45",
    "url-encoded reserved email": "?to=bob%40example.com",
    "dashed date outside birth context": "released 17-JUL-2017",
}


@pytest.fixture(scope="module")
def detector() -> pii.PiiDetector:
    built = pii.build(load_policy("default"), Services())
    assert built is not None
    return built


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(detector: pii.PiiDetector, name: str) -> None:
    text, kind, value = POSITIVES[name]
    hits = detector.scan(text)
    assert [h.kind for h in hits] == [kind], name
    if value is not None:
        assert text[hits[0].start : hits[0].end] == value


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_false_positive(detector: pii.PiiDetector, name: str) -> None:
    assert detector.scan(NEGATIVES[name]) == [], name


def test_types_and_allow_domains_are_policy() -> None:
    policy = load_policy(
        {"name": "p", "sensitive": {"pii": {"types": ["email"], "allow_domains": ["corp.io"]}}}
    )
    det = pii.build(policy, Services())
    assert det is not None
    event = Event(kind=EventKind.COMPLETION, text="a@corp.io b@gmail.com 147.95.44.82")
    assert [f.rule for f in det.detect(event, None)] == ["pii.email"]


def test_evidence_never_holds_the_value(detector: pii.PiiDetector) -> None:
    for text, _, _ in POSITIVES.values():
        for f in detector.detect(Event(kind=EventKind.COMPLETION, text=text), None):
            assert f.span is not None
            raw = text[f.span[0] : f.span[1]]
            assert raw not in (f.evidence or "") and raw not in f.message


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=12, max_size=18))
def test_luhn_check_digit_is_the_only_valid_one(digits: list[int]) -> None:
    body = "".join(map(str, digits))
    valid = [d for d in "0123456789" if luhn_ok(body + d)]
    assert len(valid) == 1


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_ssn_rules(digits: str) -> None:
    forbidden = (
        digits[:3] in ("000", "666")
        or digits[0] == "9"
        or digits[3:5] == "00"
        or digits[5:] == "0000"
    )
    if forbidden:
        assert not ssn_ok(digits)


def test_validators() -> None:
    assert card_ok("4957598623434147") and not card_ok("4957598623434148")
    assert iban_ok("GB87HBUK80254960736397") and not iban_ok("GB87HBUK80254960736398")


_PIECES = st.sampled_from(
    [
        "0", "1", "4", "5", "9", "19", "20", "555", "2024", " ", "-", ".", "/", "(", ")", "+",
        ":", "@", ",", "\n", "a", "Z", "GB", "DE", "x.io", "fe80", "March ", "May ", "3rd ",
        "Main St", " St, Austin, TX ", "_", "é", "١", "ǅ", "+1 ", "+44 ", "(503) ", "263-1892",
        "751-78-7876", "4957 5986 ", "2343 4147", "147.95.", "44.82", "2a02:59b4:", "::",
        "nadia@gmail.com", "@x.io", "1974-10-02", "07/17/1957", "July 28, 1979", "NL25RABO",
        "5465938935", "T", "12:00", "?", "\t",
    ]
)  # fmt: skip


@functools.cache
def _gates() -> tuple[tuple[Gated, HintSet], ...]:
    return tuple((Gated(r.pattern, r.gate), HintSet([r.hint])) for r in PII_RECOGNIZERS)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_gates_find_exactly_what_the_patterns_find(text: str) -> None:
    """The RE2 gate and hint only skip positions: the matches equal ``pattern.finditer``."""
    view = ascii_view(text)
    for rec, (gated, hint) in zip(PII_RECOGNIZERS, _gates(), strict=True):
        expected = [m.span() for m in rec.pattern.finditer(text)]
        assert [m.span() for m in gated.finditer(text, view)] == expected, rec.type
        if expected:
            assert hint.active(view) == [0], rec.type


def test_non_ascii_text_keeps_offsets(detector: pii.PiiDetector) -> None:
    text = "Ünïcødé — “mail” nadia_walsh@gmail.com, tel (503) 263-1892 ✓"
    found = {(h.kind, text[h.start : h.end]) for h in detector.scan(text)}
    assert found == {("email", "nadia_walsh@gmail.com"), ("phone", "(503) 263-1892")}


_V4_EDGES = [
    int(edge) + d
    for net in ("10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.0.0.0/29", "192.0.0.170/31")
    + ("198.18.0.0/15", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "169.254.0.0/16")
    for edge in (
        ipaddress.IPv4Network(net).network_address,
        ipaddress.IPv4Network(net).broadcast_address,
    )
    for d in (-1, 0, 1)
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(0, 2**32 - 1), st.sampled_from(_V4_EDGES)))
def test_ipv4_public_agrees_with_ipaddress(number: int) -> None:
    addr = ipaddress.IPv4Address(number % 2**32)
    assert ipv4_public(str(addr)) == (addr.is_global and not addr.is_multicast)
    assert not ipv4_public(str(addr).replace(".", ".0", 1) if number % 7 else str(addr) + ".1")
