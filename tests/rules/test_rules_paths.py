"""Path canonicalisation, allow/deny globs and the sensitive-place table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.errors import InputError
from aimds.rules.paths import SENSITIVE_PATHS, PathRules, canonicalize_path, classify_path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/etc//./shadow/", "/etc/shadow"),
        ("%2e%2e/%2e%2e/etc/passwd", "/etc/passwd"),
        ("%252e%252e/etc", "/etc"),
        ("..%2F..%2Fetc%2Fshadow", "/etc/shadow"),
        ("／ｅｔｃ／ｓｈａｄｏｗ", "/etc/shadow"),
        ("~/.ssh/id_rsa", "/root/.ssh/id_rsa"),
        ("~alice/.aws/credentials", "/home/alice/.aws/credentials"),
        ("file:///etc/hosts", "/etc/hosts"),
        ("file://localhost/etc/hosts", "/etc/hosts"),
        ("C:\\Users\\bob\\.ssh\\id_rsa", "/Users/bob/.ssh/id_rsa"),
        ("..\\..\\etc\\passwd", "/etc/passwd"),
        ("/../../../../etc", "/etc"),
        ("src/App.py", "/work/src/App.py"),
    ],
)
def test_canonicalize_path_removes_every_notation(raw: str, expected: str) -> None:
    assert canonicalize_path(raw, cwd="/work", resolve_symlinks=False) == expected


@pytest.mark.parametrize("raw", ["/etc/canary\x00wd", "a\nb", "%00", "", "x" * 9000])
def test_canonicalize_path_rejects_control_characters_without_echoing(raw: str) -> None:
    with pytest.raises(InputError) as info:
        canonicalize_path(raw)
    assert "canary" not in str(info.value)


def test_canonicalize_path_follows_symlinks(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (tmp_path / "link").symlink_to(secret)
    assert canonicalize_path(str(tmp_path / "link" / "x")) == str(secret / "x")
    # "link/.." means what the kernel means: the parent of the link's target
    (secret / "inner").mkdir()
    (tmp_path / "deep").symlink_to(secret / "inner")
    assert canonicalize_path(str(tmp_path / "deep" / ".." / "y")) == str(secret / "y")


def test_rules_deny_wins_and_directories_cover_children() -> None:
    rules = PathRules(["/workspace/**", "~/proj"], ["/etc", "**/.env", "*.pem"], cwd="/workspace")
    assert rules.check("src/app.py").allowed
    assert rules.check("~/proj/notes.md").allowed
    shadow = rules.check("../etc/shadow")
    assert not shadow.allowed and shadow.matched == "/etc" and shadow.path == "/etc/shadow"
    assert not rules.check("sub/dir/.env").allowed
    assert not rules.check("certs/server.pem").allowed
    outside = rules.check("/tmp/x")
    assert not outside.allowed and outside.matched is None
    assert rules.check("/workspace/.envrc").allowed  # .env glob does not match .envrc


def test_rules_empty_allow_list_allows_what_is_not_denied() -> None:
    rules = PathRules([], ["/etc"])
    assert rules.check("/home/u/file").allowed
    assert not rules.check("/etc").allowed
    assert rules.check("/etcetera/x").allowed  # a prefix of a segment is not the directory


def test_rules_single_star_stays_in_one_segment() -> None:
    rules = PathRules(["/data/*/public"], [])
    assert rules.check("/data/a/public/file").allowed
    assert not rules.check("/data/a/b/public").allowed


def test_rules_invalid_path_is_denied_not_raised() -> None:
    check = PathRules(["/**"], []).check("/tmp/\x00x")
    assert not check.allowed and check.path == "" and "\x00" not in check.reason


def test_rules_symlink_into_denied_dir_is_denied(tmp_path: Path) -> None:
    denied = tmp_path / "denied"
    denied.mkdir()
    (denied / "key").write_text("x")
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "innocent").symlink_to(denied)
    rules = PathRules([str(tmp_path / "**")], [str(denied)])
    assert not rules.check(str(tmp_path / "work" / "innocent" / "key")).allowed
    assert not rules.check(str(tmp_path / "work" / "innocent")).allowed
    assert rules.check(str(tmp_path / "work" / "other")).allowed


@pytest.mark.parametrize(
    ("path", "kind", "credential"),
    [
        ("~/.aws/credentials", "aws", True),
        ("/home/dev/.aws/config", "aws", True),
        ("/root/.ssh/id_ed25519", "ssh", True),
        ("id_rsa", "ssh", True),
        ("/home/a/.ssh/authorized_keys", "ssh", True),
        (".env", "env", True),
        ("config/.env.production", "env", True),
        ("/srv/app/.env.local", "env", True),
        ("~/.kube/config", "kube", True),
        ("~/.docker/config.json", "docker", True),
        ("/etc/shadow", "shadow", True),
        ("/etc/sudoers.d/90-cloud", "sudoers", True),
        ("~/.git-credentials", "git", True),
        ("~/.netrc", "netrc", True),
        ("~/.pgpass", "database", True),
        ("/root/.bash_history", "history", True),  # red team: tokens typed on command lines
        ("~/.psql_history", "history", True),
        ("~/.config/gcloud/application_default_credentials.json", "gcloud", True),
        ("/home/x/.azure/accessTokens.json", "azure", True),
        ("deploy/tls/server.key", "private_key", True),
        ("vault.kdbx", "password_store", True),
        ("app/credentials.json", "app_secrets", True),
        ("k8s/secrets.yaml", "app_secrets", True),
        ("/proc/1/environ", "env", True),
        ("/var/run/secrets/kubernetes.io/serviceaccount/token", "k8s_token", True),
        ("/etc/passwd", "system", False),
        ("/etc/nginx/nginx.conf", "system", False),
        ("/proc/cpuinfo", "system", False),
        ("/boot/vmlinuz", "system", False),
    ],
)
def test_classify_path_finds_sensitive_places(path: str, kind: str, credential: bool) -> None:
    place = classify_path(path)
    assert place is not None
    assert (place.kind, place.credential_store) == (kind, credential)


@pytest.mark.parametrize(
    "path",
    [
        ".env.example",
        "/workspace/app/.env.sample",
        "config/.env.template",
        "README.md",
        "/workspace/app/src/cart.py",
        "docs/environment.md",
        "etc/passwd",  # relative: not the system file
        "/home/u/project/keys.py",
        "/root/project/main.go",
        "docs/history.md",
        "src/history_view.py",
    ],
)
def test_classify_path_leaves_ordinary_files_alone(path: str) -> None:
    assert classify_path(path) is None


def test_public_key_is_not_a_credential() -> None:
    # public keys are public: reading one (to install a deploy key) is no sensitive read
    assert classify_path("~/.ssh/id_rsa.pub") is None
    assert classify_path("/home/u/.ssh/id_ed25519.pub") is None
    place = classify_path("~/.ssh/id_rsa")
    assert place is not None and place.credential_store


def test_sensitive_table_is_consistent() -> None:
    globs = [p.glob for p in SENSITIVE_PATHS]
    assert len(globs) == len(set(globs))
    assert all(p.kind and p.description for p in SENSITIVE_PATHS)


# ------------------------------------------------------------ property: notations

_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _percent(text: str, draw: st.DrawFn) -> str:
    return "".join(f"%{ord(c):02x}" if draw(st.booleans()) else c for c in text)


@st.composite
def _obfuscated(draw: st.DrawFn, target: list[str]) -> str:
    parts: list[str] = []
    for segment in target:
        noise = draw(st.sampled_from(["", "./", "x/../", "/", "./x/../"]))
        parts.append(noise + segment)
    path = "/".join(parts)
    prefix = draw(st.sampled_from(["/", "//", "/../", "~/../../", "/./", "/x/y/../../"]))
    path = prefix + path
    if draw(st.booleans()):
        path += "/"
    style = draw(st.sampled_from(["plain", "percent", "double", "fullwidth", "slash"]))
    if style == "percent":
        path = _percent(path, draw)
    elif style == "double":
        path = _percent(path, draw).replace("%", "%25")
    elif style == "fullwidth":
        path = _fullwidth(path)
    elif style == "slash":
        path = path.replace("/", "%2F")
    return path


@settings(max_examples=200, deadline=None)
@given(data=st.data(), tail=st.lists(_SEGMENT, min_size=0, max_size=3))
def test_no_notation_escapes_a_denied_directory(data: st.DataObject, tail: list[str]) -> None:
    rules = PathRules(["/**"], ["/etc", "/root/.ssh"])
    base = data.draw(st.sampled_from([["etc"], ["root", ".ssh"]]))
    raw = data.draw(_obfuscated(base + tail))
    check = rules.check(raw)
    assert not check.allowed, (raw, check)


@settings(max_examples=100, deadline=None)
@given(tail=st.lists(_SEGMENT, min_size=1, max_size=3))
def test_symlinked_notation_is_denied(
    tmp_path_factory: pytest.TempPathFactory, tail: list[str]
) -> None:
    root = tmp_path_factory.getbasetemp() / "symlinks"
    denied = root / "denied"
    if not denied.exists():
        denied.mkdir(parents=True)
        (root / "alias").symlink_to(denied)
    rules = PathRules([str(root / "**")], [str(denied)])
    raw = os.path.join(str(root), "alias", *tail)
    assert not rules.check(raw).allowed


@pytest.mark.parametrize(
    "path",
    [
        "/etc/letsencrypt/live/example.com/privkey.pem",
        "deploy/tls/server.pem",  # ambiguous: a key unless known otherwise
        "/srv/app/key.pem",
        "certs/server-key.pem",  # a key name wins over a certificate directory
        "certs/private.pem",
        "/home/u/.config/app/client.pem",
    ],
)
def test_a_pem_file_is_a_key_unless_known_to_be_a_certificate(path: str) -> None:
    place = classify_path(path)
    assert place is not None and place.kind == "private_key" and place.credential_store, path


@pytest.mark.parametrize(
    "path",
    [
        "certs/server.pem",
        "/srv/app/certificates/api.pem",
        "deploy/tls/fullchain.pem",
        "deploy/tls/chain.pem",
        "ca.pem",
        "/srv/app/client-cert.pem",
        "/opt/bundle/ca-bundle.pem",
        "/usr/local/share/ca-certificates/corp.pem",
    ],
)
def test_a_certificate_pem_is_no_private_key(path: str) -> None:
    place = classify_path(path)
    assert place is None or not place.credential_store, (path, place)


@pytest.mark.parametrize("path", ["/var/log/syslog", "/var/log/nginx/error.log", "/var/log"])
def test_logs_are_no_sensitive_place_to_read(path: str) -> None:
    # reading logs is everyday debugging; changing them is destructive (the shell reader)
    assert classify_path(path) is None
