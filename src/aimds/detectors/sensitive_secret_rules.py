"""The table of secret signatures: data, compiled and checked once when a detector is built.

A :class:`SecretRule` finds a credential by its format. ``regex`` has a named group ``v``
(the secret's span) or else the whole match is the secret; ``keywords`` are lowercase
substrings one of which must occur in the text for the rule to run (the pre-filter);
``validator`` checks structure or checksum; ``min_entropy`` rejects low-entropy look-alikes.
Each rule proves itself at load: it matches every example and no counterexample.

Credentials that only a name reveals (passwords, generic API keys, AWS secret keys, Azure
storage keys, Twilio auth tokens) are found by :mod:`aimds.detectors.sensitive_assign`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aimds.detectors import sensitive_validators as val
from aimds.detectors.sensitive_values import PUBLIC_SAMPLES, is_placeholder
from aimds.errors import ConfigError
from aimds.types import Severity

__all__ = ["BUILTIN_RULES", "CompiledRule", "SecretRule", "compile_rules"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SecretRule:
    id: str
    description: str
    type: str = ""
    """The kind of credential (finding rule ``secret.<type>``); defaults to ``id``."""
    regex: str
    keywords: tuple[str, ...]
    min_entropy: float = 0.0
    validator: Callable[[str], bool] | None = None
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    severity: Severity = Severity.HIGH
    prefix: int = 0
    """How many leading characters are a public prefix that evidence may show."""

    @property
    def kind(self) -> str:
        return self.type or self.id


@dataclass(frozen=True, slots=True, kw_only=True)
class CompiledRule:
    rule: SecretRule
    pattern: Any
    keywords: tuple[str, ...] = field(default=())

    def values(self, text: str) -> list[tuple[int, int, str, bool]]:
        """``(start, end, value, valid)`` for every match; ``valid`` False for look-alikes.

        Invalid matches are kept so that other recognisers leave the span alone (a public
        sample token must not come back as a "generic high-entropy key").
        """
        out = []
        for m in self.pattern.finditer(text):
            if "v" in self.pattern.groupindex and m.group("v") is not None:
                start, end = m.span("v")
            else:
                start, end = m.span()
                if not _starts_token(text, start):
                    continue
            value = text[start:end]
            out.append((start, end, value, self.accepts(value, m.group(0))))
        return out

    def accepts(self, value: str, whole: str) -> bool:
        rule = self.rule
        if value in PUBLIC_SAMPLES or whole in PUBLIC_SAMPLES or val.repeated(value):
            return False
        if is_placeholder(value):
            return False
        if rule.min_entropy and val.entropy(value) < rule.min_entropy:
            return False
        return rule.validator is None or rule.validator(whole)


_T = r"(?![A-Za-z0-9_\-])"  # token end
_WORDISH = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _starts_token(text: str, start: int) -> bool:
    """Nothing token-like right before ``start`` (a ``%3D`` escape counts as a boundary)."""
    if start == 0 or text[start - 1] not in _WORDISH:
        return True
    return start >= 3 and text[start - 3] == "%"


_S = ""  # token start: checked in Python (a leading look-behind would defeat re's literal scan)


def _pem(whole: str) -> bool:
    m = re.match(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----", whole)
    kind = m.group(1).strip() if m else ""
    body = whole[m.end() : whole.rfind("-----END")] if m else ""
    return val.pem_private_key_ok(body, kind)


def _not_jwt_sample(whole: str) -> bool:
    return val.jwt_ok(whole) and "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c" not in whole


BUILTIN_RULES: tuple[SecretRule, ...] = (
    SecretRule(
        id="private_key",
        description="PEM private key (RSA, EC, DSA, PKCS#8, OpenSSH) with a decodable body",
        regex=r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]{0,16000}?-----END \1PRIVATE KEY-----",  # noqa: E501
        keywords=("private key-----",),
        validator=_pem,
        severity=Severity.CRITICAL,
        examples=(
            "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFFIHyfkFmLrBTr1ga3ORXW6Kinerk8zoeOBBsSklKgAoAoGCCqGSM49\n"  # noqa: E501
            "AwEHoUQDQgAEN72mfA/S3cGyhaC8hCgb/+0AC8NBRVdpsUAkK2q/x65+bp0y7UH7\n"
            "oq2SyDBC1W73+6WUeZG65BZ0Nt8azKwFDg==\n-----END EC PRIVATE KEY-----",
        ),
        counterexamples=(
            "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\n    REDACTED\n    -----END PRIVATE KEY-----",
            "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwEyT7EM7kSIjoOOLuoNn\n-----END PUBLIC KEY-----",  # noqa: E501
        ),
    ),
    SecretRule(
        id="aws_access_key_id",
        description="AWS access key id (AKIA/ASIA...)",
        regex=_S + r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}" + _T,
        keywords=("akia", "asia", "abia", "acca", "a3t"),
        min_entropy=2.8,
        examples=("AKIAKRZWYBPF4HPXEDN5", "key AKIAY6LVFGKQBWOZ26G6 here"),
        counterexamples=("AKIAIOSFODNN7EXAMPLE", "AKIAXXXXXXXXXXXXXXXX"),
        prefix=4,
    ),
    SecretRule(
        id="github_token",
        description="GitHub token (ghp_/gho_/ghu_/ghs_/ghr_ with CRC32 checksum)",
        regex=_S + r"gh[pousr]_[A-Za-z0-9]{36}" + _T,
        keywords=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        validator=val.base62_crc32_ok,
        examples=("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",),
        counterexamples=("ghp_" + "x" * 36, "ghp_IsR5Gn9buOKlOah0BNOleVMrViFCnK1hlAkv"),
        prefix=4,
    ),
    SecretRule(
        id="github_fine_grained_pat",
        type="github_token",
        description="GitHub fine-grained personal access token (github_pat_)",
        regex=_S + r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}" + _T,
        keywords=("github_pat_",),
        min_entropy=4.0,
        examples=(
            "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",
        ),
        counterexamples=("github_pat_" + "x" * 22 + "_" + "x" * 59,),
        prefix=11,
    ),
    SecretRule(
        id="gitlab_pat",
        description="GitLab personal/project/group access token",
        regex=_S + r"gl(?:pat|dt|ptt|rt|oas)-[A-Za-z0-9_\-]{20,64}" + _T,
        keywords=("glpat-", "gldt-", "glptt-", "glrt-", "gloas-"),
        min_entropy=3.0,
        examples=("glpat-DUjQoZO3gy6Nq9H4EDzA",),
        counterexamples=("glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-<your-token-here>"),
        prefix=6,
    ),
    SecretRule(
        id="slack_token",
        description="Slack bot/user/app token",
        regex=_S + r"xox[abposr]-(?:[0-9]{1,2}-)?[0-9]{8,14}-[0-9A-Za-z\-]{8,}[0-9A-Za-z]" + _T,
        keywords=("xox",),
        min_entropy=3.0,
        examples=(
            "xoxb-753695729568-4165008224035-JD5GTcU5lZJIRywFY5sCBLvv",
            "xoxa-2-049828247944-010918164007-6169127277155-e5d56bf50935635b90482ce0a724e9fb",
        ),
        counterexamples=(
            "xoxb-your-token",
            "xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
        ),
        prefix=5,
    ),
    SecretRule(
        id="slack_webhook",
        description="Slack incoming webhook URL",
        regex=r"https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,12}/[A-Za-z0-9]{16,48}"
        + _T,
        keywords=("hooks.slack.com",),
        min_entropy=3.0,
        examples=(
            "https://hooks.slack.com/services/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",
        ),
        counterexamples=(
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        ),
        prefix=33,
    ),
    SecretRule(
        id="stripe_key",
        description="Stripe live secret or restricted key",
        regex=_S + r"[sr]k_live_[A-Za-z0-9]{20,247}" + _T,
        keywords=("k_live_",),
        min_entropy=3.0,
        examples=("sk_live_rh6ZaHtDaaazhRSTc3Ci65Jh",),
        counterexamples=("pk_live_wvpXMx8tsTwnCcro3lFBOO2E", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"),
        prefix=8,
    ),
    SecretRule(
        id="stripe_test_key",
        type="stripe_key",
        description="Stripe test key (never a finding; claims its span)",
        regex=_S + r"[sp]k_test_[A-Za-z0-9]{20,247}" + _T,
        keywords=("k_test_",),
        validator=lambda v: v not in PUBLIC_SAMPLES and v.startswith("sk_"),
        examples=("sk_test_51HMJgst2E1kUBniiVYmX47SeJ0Fwfa7Qb6ZYK8S3Lun",),
        counterexamples=("sk_test_4eC39HqLyjWDarjtT1zdp7dc", "pk_test_T8VEJJH2qB1rbcqBJk3TqEuT"),
        severity=Severity.MEDIUM,
        prefix=8,
    ),
    SecretRule(
        id="stripe_publishable_key",
        description="Stripe publishable key: public by design, claims its span only",
        regex=_S + r"pk_live_[A-Za-z0-9]{20,247}" + _T,
        keywords=("pk_live_",),
        validator=lambda v: False,
        counterexamples=("pk_live_wvpXMx8tsTwnCcro3lFBOO2E",),
    ),
    SecretRule(
        id="anthropic_key",
        description="Anthropic API key",
        regex=_S + r"sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{80,110}AA" + _T,
        keywords=("sk-ant-",),
        min_entropy=4.0,
        examples=(
            "sk-ant-api03-fISTguYvq1luuAWpDJMOP5hebdI2vTA_eKw7vHmo7wcldWDCQo1yL6lTubSDM9h_sbUxdDxy6zMh7hxLrGY0qA7GxYjG1AA",
        ),
        counterexamples=("sk-ant-api03-" + "x" * 93 + "AA",),
        prefix=13,
    ),
    SecretRule(
        id="openai_key",
        description="OpenAI API key (legacy, project, service-account, admin)",
        regex=_S
        + r"sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_\-]{16,200}T3BlbkFJ[A-Za-z0-9_\-]{16,200}"  # noqa: E501
        + _T,
        keywords=("t3blbkfj",),
        min_entropy=4.0,
        examples=("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",),
        counterexamples=("sk-xxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxx",),
        prefix=3,
    ),
    SecretRule(
        id="openai_project_key",
        type="openai_key",
        description="OpenAI project key without the legacy marker",
        regex=_S + r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,250}" + _T,
        keywords=("sk-proj-", "sk-svcacct-", "sk-admin-"),
        min_entropy=4.0,
        examples=("sk-proj-IQSPE1yS5mwG8zoaIiQemjvuSAUnkIfSnGhIlkdhezNoFiXEnrNZyCag",),
        counterexamples=("sk-proj-your-key-here-your-key-here-your-key-here",),
        prefix=8,
    ),
    SecretRule(
        id="google_api_key",
        description="Google API key",
        regex=_S + r"AIza[0-9A-Za-z_\-]{35}" + _T,
        keywords=("aiza",),
        min_entropy=3.5,
        examples=("AIzaSywWioeW7Q748JJlxTAO8j_9xZP4Bf4uPpu",),
        counterexamples=("AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",),
        prefix=4,
    ),
    SecretRule(
        id="azure_storage_key",
        description="Azure storage account key in a connection string",
        regex=r"(?i:AccountKey)\s*=\s*(?P<v>[A-Za-z0-9+/]{86}==)",
        keywords=("accountkey",),
        min_entropy=4.5,
        examples=(
            "AccountName=a;AccountKey=vCnMXICHCh5YBzOer3G/1dW3K6EvbmyYGkrvRxNIjjDjJ+yXTkD7O6QzwyTTZJNy65cP2mBRC5gfkrFpPNvyMw==;",
        ),
        counterexamples=(
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        ),
    ),
    SecretRule(
        id="azurite_emulator_key",
        type="azure_storage_key",
        description="The Azurite emulator's published key: claims its span only",
        regex=r"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        keywords=("eby8vdm02x",),
        validator=lambda v: False,
    ),
    SecretRule(
        id="twilio_api_key",
        type="twilio",
        description="Twilio API key SID",
        regex=_S + r"SK[0-9a-fA-F]{32}" + _T,
        keywords=("sk",),
        min_entropy=3.0,
        examples=("SKc459044591397d804ae92e2bc9f971db",),
        counterexamples=("SK00000000000000000000000000000000",),
        prefix=2,
    ),
    SecretRule(
        id="twilio_auth_token",
        type="twilio",
        description="Twilio auth token next to its account SID",
        regex=r"AC[0-9a-f]{32}[\"']?\s*[,:]\s*[\"']?(?P<v>[0-9a-f]{32})\b",
        keywords=("ac",),
        min_entropy=3.0,
        examples=('("ACa76d9dbc8e5762716229d40e2c9ad436", "906e52fdf25cc4c1ec46bee6265b59e4")',),
    ),
    SecretRule(
        id="sendgrid",
        description="SendGrid API key",
        regex=_S + r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}" + _T,
        keywords=("sg.",),
        min_entropy=4.0,
        examples=("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",),
        counterexamples=("SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",),
        prefix=3,
    ),
    SecretRule(
        id="npm_token",
        description="npm access token",
        regex=_S + r"npm_[A-Za-z0-9]{36}" + _T,
        keywords=("npm_",),
        min_entropy=3.5,
        examples=("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",),
        counterexamples=("npm_" + "x" * 36,),
        prefix=4,
    ),
    SecretRule(
        id="huggingface_token",
        description="Hugging Face access token",
        regex=_S + r"hf_[A-Za-z]{34}" + _T,
        keywords=("hf_",),
        min_entropy=3.5,
        examples=("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",),
        counterexamples=("hf_" + "x" * 34,),
        prefix=3,
    ),
    SecretRule(
        id="jwt",
        description="JSON Web Token whose header and payload decode to JSON",
        regex=_S + r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{0,1024}" + _T,
        keywords=("eyj",),
        validator=_not_jwt_sample,
        examples=(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4MzU1MzIiLCJpYXQiOjE3MjM0MDU4NTMsImV4cCI6MTcyMzQwNjc1Mywic2NvcGUiOiJyZWFkIHdyaXRlIn0.RNbTsSXfKja3eNlKCSj83ISDcgXS5T82j-CLKF2LEoM",
        ),
        counterexamples=(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
            "eyJhbGciOi...",
        ),
        prefix=3,
    ),
    SecretRule(
        id="connection_string",
        description="Password inside a database or broker URL (scheme://user:password@host)",
        regex=r"://[^:/\s@\"'<>]{0,64}:(?P<v>[^@\s\"'/<>]{1,128})@[^\s/\"'<>:@]{1,253}",
        keywords=("://",),
        validator=lambda whole: True,
        examples=("postgres://app:S3cret-99@db.internal/x", "redis://:Granite011x@cache:6379/0"),
        counterexamples=(
            "postgres://user:password@localhost/dbname",
            "postgres://username:<PASSWORD>@db/<db>",
            "mongodb://postgres:password@db/x",
            "redis://<user>:<password>@<host>/my",
            "postgres://u:${DB_PASSWORD}@db/x",
        ),
        severity=Severity.HIGH,
    ),
)


def compile_rules(
    rules: Sequence[SecretRule], *, compile_fn: Callable[[str], Any] | None = None
) -> tuple[CompiledRule, ...]:
    """Compile and prove a table. Raises :class:`ConfigError` naming the rule at fault.

    ``compile_fn`` compiles a pattern (built-ins use :func:`re.compile`; rules from a policy
    use RE2 so they run in linear time).
    """
    compile_fn = compile_fn or re.compile
    out: list[CompiledRule] = []
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ConfigError(f"secret rule id {rule.id!r} is defined twice; ids must be unique")
        seen.add(rule.id)
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,63}", rule.id):
            raise ConfigError(f"secret rule id {rule.id!r}: use lowercase letters, digits and '_'")
        try:
            pattern = compile_fn(rule.regex)
        except (re.error, ValueError) as exc:
            raise ConfigError(f"secret rule {rule.id!r}: regex does not compile ({exc})") from None
        compiled = CompiledRule(
            rule=rule, pattern=pattern, keywords=tuple(k.lower() for k in rule.keywords)
        )
        for i, example in enumerate(rule.examples):
            if not any(ok for *_, ok in compiled.values(example)):
                raise ConfigError(
                    f"secret rule {rule.id!r}: example #{i} is not detected; fix the rule"
                )
        for i, counter in enumerate(rule.counterexamples):
            if any(ok for *_, ok in compiled.values(counter)):
                raise ConfigError(
                    f"secret rule {rule.id!r}: counterexample #{i} is detected; fix the rule"
                )
        out.append(compiled)
    return tuple(out)
