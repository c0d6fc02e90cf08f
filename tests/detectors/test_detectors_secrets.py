"""Secrets detector: one table of named positives and named false positives per family."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.detectors import secrets
from aimds.detectors.sensitive_scan import MAX_DEPTH, Hit, resolve_overlaps
from aimds.detectors.sensitive_secret_rules import BUILTIN_RULES, SecretRule, compile_rules
from aimds.errors import ConfigError, PolicyError
from aimds.policy import load_policy
from aimds.types import Event, EventKind, Services, Severity

GH = "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"
AWS_SECRET = "KUYpgtbJxPHvqJlgjcsQmZr0YQeZzEAkS/ofaQmt"
PEM = (
    "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFFIHyfkFmLrBTr1ga3ORXW6Kinerk8zoeOBBsSklKgAoAoGCCqGSM49\n"  # noqa: E501
    "AwEHoUQDQgAEN72mfA/S3cGyhaC8hCgb/+0AC8NBRVdpsUAkK2q/x65+bp0y7UH7\n"
    "oq2SyDBC1W73+6WUeZG65BZ0Nt8azKwFDg==\n-----END EC PRIVATE KEY-----"
)

POSITIVES = {
    "aws key id in prose": (
        "my key AKIAKRZWYBPF4HPXEDN5 fails",
        "aws_access_key_id",
        "AKIAKRZWYBPF4HPXEDN5",
    ),
    "aws secret in dotenv": (
        f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n",
        "aws_secret_access_key",
        AWS_SECRET,
    ),
    "aws secret in prose": (
        f"and the AWS secret key is {AWS_SECRET}.",
        "aws_secret_access_key",
        AWS_SECRET,
    ),
    "github token with checksum": (f"GITHUB_TOKEN={GH}", "github_token", GH),
    "github token in clone url": (f"git clone https://{GH}@github.com/o/r", "github_token", GH),
    "gitlab pat": (
        'GL_TOKEN = "glpat-OsVO7KiYM0Eb6IEtRzaL"',
        "gitlab_pat",
        "glpat-OsVO7KiYM0Eb6IEtRzaL",
    ),
    "slack webhook": (
        "hook: https://hooks.slack.com/services/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",
        "slack_webhook",
        "https://hooks.slack.com/services/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",
    ),
    "stripe live key": (
        "stripe_key=sk_live_rh6ZaHtDaaazhRSTc3Ci65Jh",
        "stripe_key",
        "sk_live_rh6ZaHtDaaazhRSTc3Ci65Jh",
    ),
    "anthropic key": (
        "k=sk-ant-api03-fISTguYvq1luuAWpDJMOP5hebdI2vTA_eKw7vHmo7wcldWDCQo1yL6lTubSDM9h_sbUxdDxy6zMh7hxLrGY0qA7GxYjG1AA",
        "anthropic_key",
        "sk-ant-api03-fISTguYvq1luuAWpDJMOP5hebdI2vTA_eKw7vHmo7wcldWDCQo1yL6lTubSDM9h_sbUxdDxy6zMh7hxLrGY0qA7GxYjG1AA",
    ),
    "openai legacy key": (
        "openai_api_key: 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",
        "openai_key",
        "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",
    ),
    "google key in curl header": (
        "curl -H 'x-goog-api-key: AIzaSywWioeW7Q748JJlxTAO8j_9xZP4Bf4uPpu' https://x",
        "google_api_key",
        "AIzaSywWioeW7Q748JJlxTAO8j_9xZP4Bf4uPpu",
    ),
    "pem in json string": (json.dumps({"key": PEM}), "private_key", None),
    "pem in yaml block": (
        "tls:\n  key: |\n    " + PEM.replace("\n", "\n    ") + "\n",
        "private_key",
        None,
    ),
    "password in postgres url": (
        "DATABASE_URL=postgres://app:Wq9-zT4#kx@db.internal/x",
        "connection_string",
        "Wq9-zT4#kx",
    ),
    "password in yaml": ("db:\n  password: Pebble7133_\n", "password_assignment", "Pebble7133_"),
    "password as cli flag": (
        "mysql --password=Granite011% -h db",
        "password_assignment",
        "Granite011%",
    ),
    "password in json-escaped string": (
        '{"config": "{\\"db_password\\": \\"Cedar5328-x\\"}"}',
        "password_assignment",
        "Cedar5328-x",
    ),
    "password url-encoded": ("q=login&password%3DS3cr3t-Pa55%26", "password_assignment", None),
    "bearer token in header": (
        "-H 'Authorization: Bearer 9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a'",
        "generic_high_entropy_api_key",
        "9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a",
    ),
    "generic key in ini": (
        "[svc]\napi_key = osg6YXhXeesfm5uUp88DbeJ7Srrp0CJM\n",
        "generic_high_entropy_api_key",
        "osg6YXhXeesfm5uUp88DbeJ7Srrp0CJM",
    ),
    "query parameter ends at the next one": (
        "GET /v1/me?access_token=osg6YXhXeesfm5uUp88DbeJ7Srrp0CJM&page=2",
        "generic_high_entropy_api_key",
        "osg6YXhXeesfm5uUp88DbeJ7Srrp0CJM",
    ),
    "url-encoded query parameter": (
        "next=%2Fcb%3Fcode%3D1%26client_secret%3Dosg6YXhXeesfm5uUp88DbeJ7Srrp0CJM%26state%3Dx",
        "generic_high_entropy_api_key",
        "osg6YXhXeesfm5uUp88DbeJ7Srrp0CJM",
    ),
    "ampersand inside a key outside a url": (
        "my django secret key is _-m@qbt*62bq6_(mmn6ca-5r4*3a+f0@5mi2)w-_r0nt&h=k)s.",
        "generic_high_entropy_api_key",
        "_-m@qbt*62bq6_(mmn6ca-5r4*3a+f0@5mi2)w-_r0nt&h=k)s",
    ),
    "twilio sid and token": (
        'Client("ACa76d9dbc8e5762716229d40e2c9ad436", "906e52fdf25cc4c1ec46bee6265b59e4")',
        "twilio",
        "906e52fdf25cc4c1ec46bee6265b59e4",
    ),
    "sendgrid": (
        "SENDGRID_API_KEY=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",
        "sendgrid",
        None,
    ),
    "npm token in npmrc": (
        "//registry.npmjs.org/:_authToken=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",
        "npm_token",
        None,
    ),
    "hugging face": (
        "huggingface-cli login --token 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",
        "huggingface_token",
        None,
    ),
    "jwt": (
        "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4MzU1MzIiLCJpYXQiOjE3MjM0MDU4NTN9.RNbTsSXfKja3eNlKCSj83ISDcgXS5T82j-CLKF2LEoM",  # noqa: E501
        "jwt",
        None,
    ),
}

NEGATIVES = {
    "aws documentation key": "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "openai placeholder": "OPENAI_API_KEY=sk-...your-key-here",
    "github placeholder": "token: ghp_" + "x" * 36,
    "github bad checksum": "token: ghp_IsR5Gn9buOKlOah0BNOleVMrViFCnK1hlAkv",
    "env reference": 'api_key = os.environ["OPENAI_API_KEY"]',
    "shell expansion": "export PASSWORD='${DB_PASSWORD}'",
    "template secret": "token: {{ secrets.GITHUB_TOKEN }}",
    "angle placeholder": "password=<PASSWORD>",
    "masked": 'API_TOKEN="***"',
    "redacted": "secret: REDACTED",
    "doc url password": "postgres://user:password@localhost/dbname",
    "jwt.io sample": "jwt = eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",  # noqa: E501
    "stripe doc test key": "stripe_key: sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "stripe publishable": "publishable_key = pk_live_wvpXMx8tsTwnCcro3lFBOO2E",
    "azurite": "AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",  # noqa: E501
    "public key pem": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwEyT7EM7kSIjoOOLuoNn\n-----END PUBLIC KEY-----",  # noqa: E501
    "placeholder pem": "-----BEGIN RSA PRIVATE KEY-----\n<paste the contents of id_rsa>\n-----END RSA PRIVATE KEY-----",  # noqa: E501
    "ssh public key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMT+5+9lkZnF8OXZm3TyEvGWpbJqwkx6oHHXo3zHkufm deploy@bastion",  # noqa: E501
    "uuid behind key name": "IDEMPOTENCY_KEY=0d927520-219d-405f-be3f-26ba643fad4c",
    "git sha": "GIT_COMMIT=5377c0024d1fa23df50488fb0bddce1ef0e1e535",
    "sri hash": "CACHE_KEY=sha384-Oiz72Ic828UrpzNB7C/fMH8XrmqrX2IipFJ8eWFm7oUV7KeUj1oKMK3mIRx14kvP",
    "docker digest": "image: app@sha256:40196a24a5a1f59c7d97b68f6aa123fe0ad54ddc60cabffbe1403cb2022c512f",  # noqa: E501
    "credential words only": "MIN_PASSWORD_LENGTH=12\nTOKEN_TYPE=Bearer\nPASSWORD_HASHER=argon2id",
    "secret name": "Password secret name: prod/db/password",
    "prose about passwords": "Reset your password in settings; the token expires after 30 minutes.",
    "pwd is a directory": "PWD=/home/app/src",
    "python keyword": "try:\n    pass\nexcept Exception:\n    pass",
}


@pytest.fixture(scope="module")
def detector() -> secrets.SecretsDetector:
    built = secrets.build(load_policy("default"), Services())
    assert built is not None
    return built


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(detector: secrets.SecretsDetector, name: str) -> None:
    text, kind, value = POSITIVES[name]
    hits = detector.scan(text)
    assert [h.kind for h in hits] == [kind], name
    if value is not None:
        assert text[hits[0].start : hits[0].end] == value


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_false_positive(detector: secrets.SecretsDetector, name: str) -> None:
    assert detector.scan(NEGATIVES[name]) == [], name


def test_tool_args_are_scanned_with_their_key_as_context(detector: secrets.SecretsDetector) -> None:
    event = Event(
        kind=EventKind.TOOL_CALL,
        tool="http",
        args={"headers": {"authorization": f"token {GH}"}, "body": {"password": "Granite011%"}},
    )
    found = {f.details["arg_path"]: f for f in detector.detect(event, None)}
    assert set(found) == {"headers.authorization", "body.password"}
    auth = found["headers.authorization"]
    assert auth.span is not None and f"token {GH}"[auth.span[0] : auth.span[1]] == GH
    assert found["body.password"].span == (0, len("Granite011%"))


def test_evidence_and_messages_never_hold_the_secret(detector: secrets.SecretsDetector) -> None:
    for text, _, value in POSITIVES.values():
        event = Event(kind=EventKind.PROMPT, text=text)
        for f in detector.detect(event, None):
            raw = value or text[f.span[0] : f.span[1]] if f.span else text
            assert raw not in (f.evidence or "") and raw not in f.message
            assert raw not in repr(f.evidence)


def test_rule_table_proves_itself() -> None:
    bad_example = SecretRule(
        id="demo",
        description="d",
        regex=r"demo_[0-9]{4}",
        keywords=("demo_",),
        examples=("demo_12",),
    )
    with pytest.raises(ConfigError, match="example #0"):
        compile_rules([bad_example])
    dup = BUILTIN_RULES[1]
    with pytest.raises(ConfigError, match="twice"):
        compile_rules([dup, dup])
    with pytest.raises(ConfigError, match="does not compile"):
        compile_rules([SecretRule(id="broken", description="d", regex="(", keywords=())])


def test_custom_rules_come_from_policy_and_use_re2() -> None:
    policy = load_policy(
        {
            "name": "p",
            "sensitive": {
                "secrets": {
                    "custom": [
                        {
                            "id": "acme_token",
                            "regex": r"acme_[A-Za-z0-9]{24}",
                            "keywords": ["acme_"],
                            "examples": ["acme_AbCdEfGhIjKlMnOpQrStUvWx"],
                            "counterexamples": ["acme_short"],
                        }
                    ]
                }
            },
        }
    )
    det = secrets.build(policy, Services())
    assert det is not None
    assert [h.kind for h in det.scan("t=acme_Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2")] == ["acme_token"]
    broken = load_policy(
        {
            "name": "p",
            "sensitive": {
                "secrets": {"custom": [{"id": "x_tok", "regex": "x_[0-9]+", "examples": ["y"]}]}
            },
        }
    )
    with pytest.raises(PolicyError, match="example #0"):
        secrets.build(broken, Services())


def test_allow_list_and_disabled_types() -> None:
    policy = load_policy(
        {
            "name": "p",
            "sensitive": {"secrets": {"allow": [GH], "disabled_types": ["aws_access_key_id"]}},
        }
    )
    det = secrets.build(policy, Services())
    assert det is not None
    event = Event(kind=EventKind.PROMPT, text=f"{GH} AKIAKRZWYBPF4HPXEDN5")
    assert det.detect(event, None) == []


def test_url_encoded_carrier(detector: secrets.SecretsDetector) -> None:
    text = "next=" + urllib.parse.quote(f"token={GH}")
    assert [h.kind for h in detector.scan(text)] == ["github_token"]


def _small_scan_policy() -> secrets.SecretsDetector:
    built = secrets.build(
        load_policy({"name": "p", "sensitive": {"max_scan_chars": 1_000}}), Services()
    )
    assert built is not None
    return built


def test_text_beyond_the_scan_limit_is_reported_not_skipped() -> None:
    det = _small_scan_policy()
    inside = Event(kind=EventKind.PROMPT, text=f"GITHUB_TOKEN={GH}\n" + "x" * 900)
    assert [f.rule for f in det.detect(inside, None)] == ["secret.github_token"]
    beyond = Event(kind=EventKind.PROMPT, text="x" * 1_200 + f"\nGITHUB_TOKEN={GH}")
    (finding,) = det.detect(beyond, None)
    assert finding.rule == "input.too_large" and finding.severity is Severity.HIGH
    assert finding.details["chars"] == len(beyond.text) and GH not in finding.message


def test_tool_arguments_beyond_the_limits_are_reported() -> None:
    det = _small_scan_policy()
    wide = Event(kind=EventKind.TOOL_CALL, tool="t", args={"a": "x" * 800, "b": "y" * 800})
    assert [f.rule for f in det.detect(wide, None)] == ["input.too_large"]
    deep: dict[str, object] = {"password": "Granite011%"}
    for _ in range(MAX_DEPTH + 1):
        deep = {"k": deep}
    nested = Event(kind=EventKind.TOOL_CALL, tool="t", args=deep)
    assert [f.rule for f in det.detect(nested, None)] == ["input.too_large"]
    shallow = Event(kind=EventKind.TOOL_CALL, tool="t", args={"k": {"password": "Granite011%"}})
    assert [f.rule for f in det.detect(shallow, None)] == ["secret.password_assignment"]


def test_lone_surrogates_do_not_break_the_scan(detector: secrets.SecretsDetector) -> None:
    text = f"\ud800 token: {GH} \udfff"
    assert [h.kind for h in detector.scan(text)] == ["github_token"]


def _naive_overlaps(hits: list[Hit]) -> list[Hit]:
    taken: list[Hit] = []
    for hit in hits:
        if all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)
    return sorted((h for h in taken if h.report), key=lambda h: h.start)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12), st.booleans()), max_size=25))
def test_overlaps_keep_the_first_of_each_group(spans: list[tuple[int, int, bool]]) -> None:
    hits = [
        Hit(start=s, end=s + n, kind=f"k{i}", severity=Severity.HIGH, report=r)
        for i, (s, n, r) in enumerate(spans)
    ]
    assert resolve_overlaps(hits) == _naive_overlaps(hits)
