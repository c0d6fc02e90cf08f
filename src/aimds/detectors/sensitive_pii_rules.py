"""PII recognisers: a pattern, a validator and context words per type, as one table.

Each recogniser proposes candidates with a regex; its ``check`` validates the value
(checksums, ranges, reserved values) against its context (the key, label or table column
before it, see :mod:`aimds.detectors.sensitive_context`) and returns a confidence, or
``None`` to drop it. Context words raise confidence; "negative" context (``isbn``, ``sku``,
``version``...) drops look-alikes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aimds.detectors import sensitive_validators as val
from aimds.detectors.sensitive_context import column_header, context_before, context_parts

__all__ = ["PII_RECOGNIZERS", "PiiRecognizer"]

Check = Callable[[str, str, int, int], "float | None"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PiiRecognizer:
    type: str
    pattern: Any
    """Proposes candidates (``re``: look-arounds and back-references allowed). Its consuming
    part matches ASCII only, so the gate can run on an ASCII copy of the text."""
    gate: str
    """RE2 syntax: matches at every position where ``pattern`` can match (``pattern``
    without its look-arounds and back-references). ``pattern`` runs only where the gate
    matches, so text without candidates costs one linear RE2 pass instead of a
    backtracking scan."""
    hint: str
    """RE2 syntax, tiny: occurs in every match. The hints of all recognisers run as one
    RE2 set (one pass for all of them) to pick the recognisers worth gating. Kept small
    so the set's DFA stays small."""
    check: Check
    lead: frozenset[str] = frozenset()
    """Characters that may not come right before a match (checked in Python: a leading
    look-behind would stop ``re`` from skipping ahead to candidate characters)."""
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()


def _ctx(text: str, start: int) -> str:
    return context_before(text, start)


# -- e-mail ---------------------------------------------------------------------------

_RESERVED_DOMAINS = ("example.com", "example.org", "example.net", "localhost")
_RESERVED_TLDS = (".test", ".example", ".invalid", ".localhost", ".local")
_FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "css", "py", "ts"})


def _email(text: str, value: str, start: int, end: int) -> float | None:
    value = value.replace("%40", "@")  # URL-encoded carriers (``?to=ann%40mail.com``)
    domain = value.rpartition("@")[2].lower()
    if domain in _RESERVED_DOMAINS or domain.endswith(_RESERVED_TLDS):
        return None
    if any(domain.endswith("." + d) for d in _RESERVED_DOMAINS):
        return None
    if domain.rpartition(".")[2] in _FILE_TLDS:
        return None
    if start > 0 and text[start - 1] in ":/":
        return None  # the user part of a URL (scheme://user:password@host)
    if (
        end < len(text)
        and text[end] == ":"
        and end + 1 < len(text)
        and text[end + 1] not in " \t\n"
    ):
        return None  # git@github.com:org/repo.git
    return 0.9


# -- phone ----------------------------------------------------------------------------

_PHONE_WORDS = re.compile(
    r"phone|mobil|cell|tel\b|tel:|call|text|sms|fax|whatsapp|contact|reach|number|dial|mob\b|"
    r"telefon|handy|portable|rufnummer|t[ée]l[ée]\b|tél\b"
)
_PHONE_NOT = re.compile(
    r"isbn|sku|\bpart|model|order|tracking|invoice|serial|\bref\b|expr|formula|result|version|"
    r"\bbuild|\bzip|postal|\bssn|social|\btax|account|routing|iban|\bcard|\bpan\b|\bip\b|addr|"
    r"(?:\b|_)id[\"']?\s*[:=]|"
    r"(?:^|[^a-z])[a-z]\s*=\s*$|[-+*/^]\s*$"
)
_NANP = re.compile(r"\D*(?:1\D*)?([2-9]\d\d)\D*([2-9]\d\d)\D*(\d{4})\D*")


def _nanp_ok(area: str, exchange: str, line: str) -> bool:
    if area[1:] == "11" or exchange[1:] == "11" or area[1] == "9":
        return False
    return not (exchange == "555" and line.startswith("01"))


_CC_LENGTHS = {"44": (12, 13), "49": (10, 14), "33": (11, 11), "91": (12, 12)}


def _national(digits: str, ctx: str) -> float | None:
    """A number in national notation (trunk prefix 0: UK ``07700 900123``, ``020 7946 0958``,
    DE ``030 901820``, FR ``01 23 45 67 89``): no country code to check it against, so it
    counts only under a phone label."""
    if not 9 <= len(digits) <= 11 or digits[1] == "0" or not _PHONE_WORDS.search(ctx):
        return None
    return 0.8


def _phone(text: str, value: str, start: int, end: int) -> float | None:
    header, near = context_parts(text, start)
    ctx = f"{header} | {near}"
    if _PHONE_NOT.search(near[-24:]) or (header and _PHONE_NOT.search(header)):
        return None
    if re.search(r"isbn|sku|model|part[_ ]?n", ctx):
        return None
    if value[:3] in ("%2B", "%2b"):
        value = "+" + value[3:]  # URL-encoded carriers
    if value.startswith("+"):
        value = value.replace("(0)", "", 1)  # the trunk prefix some write: +44 (0)20 ...
    digits = re.sub(r"\D", "", value)
    if value.startswith("0"):
        return _national(digits, ctx)
    if value.startswith("+"):
        if digits.startswith("1"):
            m = _NANP.fullmatch(value[1:])
            if len(digits) != 11 or m is None or not _nanp_ok(*m.groups()):
                return None
        else:
            lo, hi = _CC_LENGTHS.get(digits[:2], (9, 15))
            if not lo <= len(digits) <= hi or digits[2:3] == "0":
                return None
        return 0.9 if _PHONE_WORDS.search(ctx) else 0.75
    m = _NANP.fullmatch(value)
    if m is None or len(digits) not in (10, 11) or not _nanp_ok(*m.groups()):
        return None
    if len(digits) == 11 and digits[0] != "1":
        return None
    if "." in value and not _PHONE_WORDS.search(ctx):
        return None  # 287.876.6785 reads as a code more often than as a number
    return 0.85 if _PHONE_WORDS.search(ctx) else 0.6


# -- national identifiers, cards, bank accounts ----------------------------------------

_SSN_WORDS = re.compile(r"ssn|social|security|tax[_ ]?id|taxpayer|\btin\b|itin|sozial")
_SSN_NOT = re.compile(r"phone|tel|mobile|fax|isbn|order|part|sku|zip|model|routing|ref")


def _ssn(text: str, value: str, start: int, end: int) -> float | None:
    digits = re.sub(r"\D", "", value)
    if not val.ssn_ok(digits):
        return None
    ctx = _ctx(text, start)
    if _SSN_WORDS.search(ctx):
        return 0.95
    if len(digits) == 9 and value.isdigit():
        return None  # nine bare digits are an SSN only when labelled as one
    if _SSN_NOT.search(ctx[-24:]):
        return None
    return 0.7


_TEST_CARDS = frozenset(
    {
        "4111111111111111", "4242424242424242", "5555555555554444", "378282246310005",
        "371449635398431", "4012888888881881", "6011111111111117", "6011000990139424",
        "2223003122003222", "5105105105105100", "4000056655665556", "5200828282828210",
        "3056930009020004", "36227206271667", "3566002020360505", "6200000000000005",
        "378734493671000", "30569309025904", "38520000023237", "3530111333300000",
        "5019717010103742", "4222222222222", "4000000000000002", "4000000000000077",
        "4000000000009995", "4000002500003155", "5454545454545454", "4444333322221111",
        "4917610000000000", "6011601160116611", "4007000000027", "5425233430109903",
        "2222420000001113", "4263982640269299", "6011000000000004", "370000000000002",
    }
)  # fmt: skip


_IBAN_BEFORE = re.compile(r"[A-Z]{2}\d\d(?: [A-Z0-9]{4})+ $")


def _card(text: str, value: str, start: int, end: int) -> float | None:
    digits = re.sub(r"\D", "", value)
    if digits in _TEST_CARDS or not val.card_ok(digits) or val.repeated(digits):
        return None
    if _IBAN_BEFORE.search(text[max(0, start - 40) : start]):
        return None  # the middle of a spaced IBAN
    return 0.9


_DOC_IBANS = frozenset(
    {
        "DE89370400440532013000", "GB82WEST12345698765432", "GB29NWBK60161331926819",
        "FR1420041010050500013M02606", "NL91ABNA0417164300", "IT60X0542811101000000123456",
        "ES9121000418450200051332", "CH9300762011623852957", "BE68539007547034",
        "AT611904300234573201", "PL61109010140000071219812874", "SE4550000000058398257466",
        "DK5000400440116243", "FI2112345600000785", "NO9386011117947", "PT50000201231234567890154",
        "IE29AIBK93115212345678", "LU280019400644750000", "GB33BUKB20201555555555",
        "ES7921000813610123456789", "FR7630006000011234567890189", "DE75512108001245126199",
    }
)  # fmt: skip


def _iban(text: str, value: str, start: int, end: int) -> float | None:
    compact = value.replace(" ", "")
    if compact in _DOC_IBANS or not val.iban_ok(compact):
        return None
    return 0.95


# -- network addresses ----------------------------------------------------------------

_VERSION_WORDS = re.compile(
    r"version|upgrade|release|build|mozilla|\bv$|oid|schema|sdk|firmware|ver\b"
)
_IP_WORDS = re.compile(r"\bip|addr|host|client|remote|from|server|peer|source|whitelist|ban|block")


_OID_PREFIXES = ("2.5.4.", "2.5.29.", "1.3.6.", "1.2.840.", "2.16.840.", "0.9.2342.")


def _ipv4(text: str, value: str, start: int, end: int) -> float | None:
    if value.startswith(_OID_PREFIXES):
        return None  # X.500 / ASN.1 object identifiers
    parts = value.split(".")
    if any(len(p) > 1 and p[0] == "0" for p in parts) or not val.ipv4_public(value):
        return None
    ctx = _ctx(text, start)
    if _VERSION_WORDS.search(ctx[-32:]):
        return None
    has_words = _IP_WORDS.search(ctx) is not None
    if all(int(p) < 10 for p in parts) and not has_words:
        return None  # 1.8.7.5 is far likelier a version than an address
    return 0.85 if has_words else 0.7


def _ipv6(text: str, value: str, start: int, end: int) -> float | None:
    if value.count(":") < 2 or not val.ipv6_public(value):
        return None
    return 0.85


# -- dates of birth, addresses --------------------------------------------------------

_BIRTH = re.compile(
    r"\bdob\b|d\.o\.b|birth|born|bday|b-day|geburts|naissance|nacimiento|date_of_b|dateofb|\bné[e]?\b"
)
_MONTHS = (
    r"(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)


def _dob(text: str, value: str, start: int, end: int) -> float | None:
    lo = max(0, start - 40)
    near = text[max(text.rfind("\n", lo, start) + 1, lo) : start].lower()
    if _BIRTH.search(near):
        return 0.9
    header = column_header(text, start)  # only when the line itself says nothing
    return 0.9 if header and _BIRTH.search(header.lower()) else None


def _address(text: str, value: str, start: int, end: int) -> float | None:
    return 0.8


_MONTH_HINT = (
    r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"(?:,?[ \-/](?:19|20)[0-9]{2}| [0-9])"
)
"""Every month-name date: a month and a year after it, or a month and its day."""

_STREET_TYPES = (
    r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane|Dr|Drive|Ct|Court|Way|Pl|Place|"
    r"Ter|Terrace|Cir|Circle|Pkwy|Parkway|Hwy|Highway|Sq|Square|Trl|Trail|Loop|Row|Run)"
)

_WORD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
_LEAD_NUM = frozenset(_WORD + ".-+/")
_E = r"(?![\w\-/]|\.\d)"
_E_GATE = r"(?:[^\w\-/.]|\.[^0-9]|\.?$)"
"""``_E`` as RE2 can run it: the character after a match (or the end of the text).

Gates end in the positive form of their pattern's trailing look-ahead, so that a
candidate the look-ahead would reject (``2024-05-01T12:00``) costs no ``re`` call."""

_EMAIL = (
    r"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}(?:@|%40)"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)
_ADDRESS = (
    r"[0-9]{1,6} (?:[A-Z][a-z]+ ){1,3}" + _STREET_TYPES + r"\.?"
    r"(?:,? (?:Apt|Unit|Suite|Ste|#)\.? ?#?[A-Za-z0-9\-]{1,6})?"
    r", [A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2}, [A-Z]{2} [0-9]{5}(?:-[0-9]{4})?"
)
_IBAN = r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?"
_SSN = r"(?:[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{3} [0-9]{2} [0-9]{4}|[0-9]{9})"
_PHONE = (
    r"(?:(?:\+|%2[Bb])[0-9]{1,3}(?:[ .\-]?\(?[0-9]{1,5}\)?){1,6}"
    r"|0[1-9][0-9]{0,3}(?:[ \-/]?[0-9]{2,8}){1,4}"
    r"|(?:1[ .\-])?(?:\([0-9]{3}\)[ ]?|[0-9]{3}[ .\-])[0-9]{3}[ .\-][0-9]{4})"
)
_IPV4 = r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"
_IPV6 = r"(?:[0-9A-Fa-f]{1,4}:|:)(?:[0-9A-Fa-f]{0,4}:){1,6}[0-9A-Fa-f]{0,4}"
_DATE = (
    r"(?:(?:19|20)[0-9]{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12][0-9]|3[01])"
    r"|(?:0?[1-9]|[12][0-9]|3[01])[-/.](?:0?[1-9]|[12][0-9]|3[01])[-/.](?:19|20)[0-9]{2}"
    r"|" + _MONTHS + r"\.? [0-9]{1,2}(?:st|nd|rd|th)?,? (?:19|20)[0-9]{2}"
    r"|[0-9]{1,2}(?:st|nd|rd|th)?[ \-/]" + _MONTHS + r"\.?,?[ \-/](?:19|20)[0-9]{2})"
)

PII_RECOGNIZERS: tuple[PiiRecognizer, ...] = (
    PiiRecognizer(
        type="email",
        pattern=re.compile(_EMAIL + r"(?![A-Za-z0-9\-])"),
        gate=_EMAIL + r"(?:[^A-Za-z0-9\-]|$)",
        hint=r"(?:@|%40)[A-Za-z0-9]",
        check=_email,
        lead=frozenset(_WORD + ".%+-"),
        examples=("nadia_walsh@gmail.com",),
        counterexamples=(
            "bob@example.com",
            "git@github.com:org/repo.git",
            "pkg@1.2.3",
            "a@b.test",
            "to=bob%40example.com",
        ),
    ),
    PiiRecognizer(
        type="street_address",
        pattern=re.compile(_ADDRESS + r"(?![0-9])"),
        gate=_ADDRESS + r"(?:[^0-9]|$)",
        hint=r", [A-Z]{2} [0-9]{5}",
        check=_address,
        lead=frozenset(_WORD + "-"),
        examples=("7264 Sunset Ln, Apt 30C, Fresno, CA 93709",),
    ),
    PiiRecognizer(
        type="credit_card",
        pattern=re.compile(
            r"(?:[0-9]{4}([ \-]?)[0-9]{4}\1[0-9]{4}\1[0-9]{1,7}"
            r"|3[47][0-9]{2}([ \-]?)[0-9]{6}\2[0-9]{5})" + _E
        ),
        gate=(
            r"(?:[0-9]{4}[ \-]?[0-9]{4}[ \-]?[0-9]{4}[ \-]?[0-9]{1,7}"
            r"|3[47][0-9]{2}[ \-]?[0-9]{6}[ \-]?[0-9]{5})" + _E_GATE
        ),
        hint=r"[0-9]{4}[ \-]?[0-9]{4}",
        check=_card,
        lead=_LEAD_NUM,
        examples=("4957 5986 2343 4147",),
        counterexamples=("4111 1111 1111 1111", "5555 5555 5555 4444", "4957 5986 2343 4148"),
    ),
    PiiRecognizer(
        type="iban",
        pattern=re.compile(_IBAN + r"(?![A-Za-z0-9])"),
        gate=_IBAN + r"(?:[^A-Za-z0-9]|$)",
        hint=r"[A-Z]{2}[0-9]{2}",
        check=_iban,
        lead=frozenset(_WORD),
        examples=("GB87 HBUK 8025 4960 7363 97", "NL25RABO5465938935"),
        counterexamples=("DE89 3704 0044 0532 0130 00", "DE15 9349 7341 4943 4996 60"),
    ),
    PiiRecognizer(
        type="us_ssn",
        pattern=re.compile(_SSN + _E),
        gate=_SSN + _E_GATE,
        hint=r"[0-9]{3}[ \-]?[0-9]{2}",
        check=_ssn,
        lead=_LEAD_NUM,
        examples=("ssn: 751-78-7876", "SSN 844153909"),
        counterexamples=(
            "ssn: 000-59-0820",
            "ssn: 666-98-0303",
            "ssn: 123-45-6789",
            "id 844153909",
        ),
    ),
    PiiRecognizer(
        type="phone",
        pattern=re.compile(_PHONE + _E),
        gate=_PHONE + _E_GATE,
        hint=r"(?:\+|%2[Bb])[0-9]|[0-9]{3}[ .\-][0-9]{4}|0[1-9][0-9]{0,3}[ \-/]?[0-9]{2}",
        check=_phone,
        lead=_LEAD_NUM,
        examples=(
            "phone: +1 210 696 5584",
            "tel (503) 263-1892",
            "+447860839375",
            "+33 6 58 95 54 65",
            "mobile: 07700 900123",
            "tel: +44 (0)20 7946 0958",
            "phone=%2B15037414214",
        ),
        counterexamples=(
            "(612) 555-0173",
            "x = 746-526-7466",
            "ISBN 287.876.6785",
            "(458) 151-1972",
            "order 07700 900123",
            "07700 900123",
        ),
    ),
    PiiRecognizer(
        type="ipv4",
        pattern=re.compile(_IPV4 + r"(?![\w]|\.\d)"),
        gate=_IPV4 + r"(?:[^\w.]|\.[^0-9]|\.?$)",
        hint=r"[0-9]\.[0-9]{1,3}\.[0-9]",
        check=_ipv4,
        lead=frozenset(_WORD + "."),
        examples=("client_ip=147.95.44.82",),
        counterexamples=(
            "192.168.1.5",
            "100.75.250.113",
            "upgrade from 1.8.7.5",
            "1.3.6.1.4.1.32746.5",
        ),
    ),
    PiiRecognizer(
        type="ipv6",
        pattern=re.compile(_IPV6 + r"(?![\w:]|\.\w)"),
        gate=_IPV6 + r"(?:[^\w:.]|\.[^\w]|\.?$)",
        hint=r":[0-9A-Fa-f]{0,4}:",
        check=_ipv6,
        lead=frozenset(_WORD + ":."),
        examples=("2405:210f:c6cc:eafa:b09:6199:bcfb:4fe", "2a02:59b4:25d0:c6b1:8d39::"),
        counterexamples=("2001:db8::1f7", "fe80::88d:e9dd:fe9f:c309", "::1", "fd87:17ca:6295::5"),
    ),
    PiiRecognizer(
        type="date_of_birth",
        pattern=re.compile(_DATE + r"(?![\w/\-]|\.\d)"),
        gate=_DATE + _E_GATE,
        hint=r"[0-9][-/.][0-9]{1,2}[-/.][0-9]|" + _MONTH_HINT,
        check=_dob,
        lead=frozenset(_WORD + "/.-"),
        examples=(
            "date_of_birth=1974-10-02",
            "DOB: July 28, 1979",
            "born on 3 May 1980",
            "DOB: 17-JUL-1957",
        ),
        counterexamples=("start_date=1974-10-02", "released on January 19, 2017"),
    ),
)
