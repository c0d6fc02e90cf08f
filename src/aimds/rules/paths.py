"""Path boundaries: canonical paths, allow/deny globs and the table of sensitive places.

Every path an agent names is first brought to one canonical absolute form
(:func:`canonicalize_path`), so that no notation (``..``, ``//``, ``%2e%2e``, ``~``,
full-width Unicode, Windows separators, ``file://`` URLs, symlinks) can step around a
rule. :class:`PathRules` compiles allow/deny globs once; :func:`classify_path` tells
whether a path is a credential store or a system file, using :data:`SENSITIVE_PATHS`.

Glob syntax (compiled to RE2 at load time, so matching is linear):

- ``*`` matches within one path segment, ``**`` any number of segments (also none);
  ``?`` one character; ``[...]`` a character class.
- ``~`` and ``~user`` at the start are expanded like paths.
- A glob matching a directory also covers everything under it (``/etc`` covers
  ``/etc/shadow``).
- A glob without any ``/`` (``*.pem``, ``.env``) matches that name at any depth, like
  ``.gitignore`` entries; other relative globs are anchored at ``cwd``.
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import re2

from aimds.errors import InputError
from aimds.rules.openat2 import Openat2

__all__ = [
    "PERSISTENCE_PATHS",
    "PUBLIC_SYSTEM_INFO",
    "SENSITIVE_PATHS",
    "LexicalPath",
    "PathCheck",
    "PathRules",
    "SensitivePlace",
    "canonicalize_path",
    "classify_path",
    "glob_to_regex",
    "is_persistence_path",
    "is_public_system_info",
    "is_recovery_data",
    "resolve_path",
]

_MAX_DECODE_ROUNDS = 6
_MAX_PATH_CHARS = 8192
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:(?=[\\/]|$)")
_DOTDOT_BACKSLASH = re.compile(r"(?:^|\\)\.\.?(?:\\|$)")
# An absolute ASCII path with nothing to decode or normalise (the common case).
_PLAIN_ABSOLUTE = re.compile(r"^(?:/(?:[\w\-+@,=:]|\.(?=[\w\-+@,=:]))[\w.\-+@,=:]*)+$", re.ASCII)
# ASCII letters, digits and ``_.-+@,=/`` only: no percent-escape, backslash, drive letter
# or URL colon, ``~``, space or control character; NFKC leaves all of ASCII as it is.
_PLAIN_PATH = re.compile(r"^[\w.\-+@,=/]+\Z", re.ASCII)
_FILE_URL = re.compile(r"^file:(?://(?:localhost)?)?(?=/)", re.IGNORECASE)


def _decode(raw: str) -> str:
    """Percent-decode and NFKC-normalise until stable (bounded: layered encodings end).

    Percent-encoded bytes that are no valid UTF-8 (overlong ``%c0%af`` for ``/``, stray
    continuation bytes) are refused: no two readers agree on what they name."""
    text = raw
    for _ in range(_MAX_DECODE_ROUNDS):
        try:
            unquoted = unquote(text, errors="strict")
        except UnicodeDecodeError:
            raise InputError(
                "path: percent-encoded bytes are not valid UTF-8 (overlong or invalid); "
                "pass the path as plain text"
            ) from None
        decoded = unicodedata.normalize("NFKC", unquoted)
        if decoded == text:
            break
        text = decoded
    return text


def _windows_to_posix(path: str) -> str:
    """Backslashes become separators where the path looks like a Windows path (drive
    letters dropped, well-known folder names in their canonical case: Windows paths are
    case-insensitive, the sensitive-place globs are not)."""
    drive = _WINDOWS_DRIVE.match(path)
    if "\\" not in path and not drive:
        return path
    if drive or path.startswith("\\\\") or "/" not in path or _DOTDOT_BACKSLASH.search(path):
        if drive:
            path = path[drive.end() :] or "/"
        return windows_canonical_case(path.replace("\\", "/"))
    return path


_WINDOWS_NAMES = (
    "Windows", "System32", "SysWOW64", "config", "drivers", "Tasks", "Users", "Public",
    "AppData", "Roaming", "Local", "LocalLow", "Microsoft", "Protect", "Vault",
    "Program Files", "Program Files (x86)", "ProgramData", "Start Menu", "Programs", "Startup",
    "Google", "Chrome", "User Data", "Default", "Network", "Cookies", "Login Data", "Web Data",
    "Local State", "Mozilla", "Firefox", "Profiles", "NTDS", "Panther", "PSReadLine", "Temp",
    "SAM", "SECURITY", "SYSTEM", "SOFTWARE", "Edge", "BraveSoftware", "Brave-Browser",
    "ConsoleHost_history.txt", "ntds.dit", "Unattend.xml",
)  # fmt: skip
_WINDOWS_CASE = {name.lower(): name for name in _WINDOWS_NAMES}


def windows_canonical_case(path: str) -> str:
    """A converted Windows path in one case (Windows paths are case-insensitive): the
    well-known folder and file names as Windows writes them, every other name lowercase."""
    return "/".join(_WINDOWS_CASE.get(part.lower(), part.lower()) for part in path.split("/"))


def _expand_user(path: str, home: str) -> str:
    if not path.startswith("~"):
        return path
    head, sep, rest = path[1:].partition("/")
    if not head:
        base = home
    elif head == "root":
        base = "/root"
    else:
        base = "/home/" + head
    return base + sep + rest if sep else base


def _lexical_normpath(path: str) -> str:
    """Remove ``.``, ``..`` and duplicate slashes; never climb above ``/``."""
    parts: list[str] = []
    for part in path.split("/"):
        if not part or part == ".":
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def _absolute(raw: str, cwd: str, home: str) -> str:
    """Decoded, converted, absolute ``raw`` with ``.``/``..`` still in place (what the kernel
    would resolve); raises :class:`InputError` like :func:`canonicalize_path`.

    A plain path (:data:`_PLAIN_PATH`: most of what commands name) has nothing to decode,
    normalise, convert or expand, so only the working directory is joined to it; a property
    test holds this to :func:`_absolute_general`."""
    if len(raw) <= _MAX_PATH_CHARS and _PLAIN_PATH.match(raw):
        if raw.startswith("/"):
            return raw
        return _expand_user(cwd, home).rstrip("/") + "/" + raw
    return _absolute_general(raw, cwd, home)


def _absolute_general(raw: str, cwd: str, home: str) -> str:
    """:func:`_absolute` for any text: decode, reject control characters, convert
    ``file:`` URLs and Windows paths, expand ``~``, join to ``cwd``."""
    if len(raw) > _MAX_PATH_CHARS:
        raise InputError(f"path: {len(raw)} characters is longer than {_MAX_PATH_CHARS}")
    path = _decode(raw.strip())
    if _CONTROL.search(path):
        raise InputError("path: contains a NUL or control character; pass a plain path")
    path = _FILE_URL.sub("", path, count=1)
    if not path:
        raise InputError("path: is empty; pass a file or directory path")
    path = _windows_to_posix(path)
    path = _expand_user(path, home)
    if not path.startswith("/"):
        path = _expand_user(cwd, home).rstrip("/") + "/" + path
    return path


def canonicalize_path(
    raw: str,
    *,
    cwd: str = "/",
    home: str = "/root",
    resolve_symlinks: bool = True,
) -> str:
    """The absolute, canonical POSIX form of ``raw`` (case is preserved).

    Percent-encoding is decoded repeatedly (bounded), Unicode is NFKC-normalised,
    Windows-looking backslash paths and ``file://`` URLs are converted, ``~`` expanded,
    relative paths joined to ``cwd``. With ``resolve_symlinks`` existing symlinks are
    followed like ``os.path.realpath`` (so ``link/..`` means what the kernel means).

    Raises :class:`~aimds.errors.InputError` for NUL or control characters, an empty
    path or one longer than 8,192 characters; the message never repeats the path.
    """
    if not isinstance(raw, str):
        raise InputError(f"path: expected a string, got {type(raw).__name__}")
    if not resolve_symlinks and len(raw) < 1024 and _PLAIN_ABSOLUTE.match(raw):
        return raw
    path = _absolute(raw, cwd, home)
    if resolve_symlinks:
        path = resolve_path(path)
    return _lexical_normpath(path)


_O_PATH: int = getattr(os, "O_PATH", 0)
_MAX_MISSING = 16
_MISSING_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR})


def _kernel_path(path: str) -> str | None:
    """The kernel's canonical name of an existing ``path`` (all symlinks, ``..`` included):
    open it with ``O_PATH`` and read ``/proc/self/fd/N``. ``None`` where that fails."""
    try:
        fd = os.open(path, _O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return ""
    try:
        found = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""
    finally:
        os.close(fd)
    if not found.startswith("/") or found.endswith(" (deleted)"):
        return ""
    return found


def _absent(path: str) -> bool:
    """True when the last component of ``path`` does not exist, not even as a dangling link."""
    try:
        fd = os.open(path, _O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    os.close(fd)
    return False


_OPENAT2 = Openat2()


def resolve_path(path: str) -> str:
    """``os.path.realpath(path)`` (non-strict) for an absolute path, in a few system calls.

    A path that exists without any symlink on it, or whose walk meets a missing component
    (or a file used as a directory) before any symlink, with no ``..`` that could climb
    back, is answered by one ``openat2`` call (:class:`aimds.rules.openat2.Openat2`): a
    command naming a file it is about to create costs one system call. Otherwise, on
    Linux, the kernel resolves the longest existing prefix (three calls, whatever the
    depth); components below it that do not exist (not even as dangling links) cannot be
    symlinks and are appended as written.
    Anything unusual (``..`` below a missing component, no ``/proc``, permission errors)
    falls back to ``os.path.realpath``.
    """
    if not _O_PATH:
        return os.path.realpath(path)
    status = _OPENAT2.status(path)
    if status == 0:
        return _lexical_normpath(path)  # no symlink: ".." means what it says
    if status in _MISSING_ERRNOS and ".." not in path.split("/"):
        # the walk stopped at a missing component before meeting any symlink, and nothing
        # below a missing component exists: the path is as written (one call, not five)
        return _lexical_normpath(path)
    missing: list[str] = []
    current = path.rstrip("/") or "/"  # "link/" follows the link: asked as "link"
    for _ in range(_MAX_MISSING):
        found = _kernel_path(current)
        if found:
            if not missing:
                return found
            return found.rstrip("/") + "/" + "/".join(reversed(missing))
        if found is None and _absent(current):
            head, _, name = current.rstrip("/").rpartition("/")
            if name in ("..", ""):
                break
            if name != ".":
                missing.append(name)
            current = head.rstrip("/")
            if not current:  # nothing below "/" exists: the path is as written
                return "/" + "/".join(reversed(missing))
            continue
        break
    return os.path.realpath(path)


# --------------------------------------------------------------------------- globs


def glob_to_regex(glob: str) -> str:
    """Translate a path glob (``**``, ``*``, ``?``, ``[...]``) to an anchored RE2 pattern.

    The pattern also matches everything below a matched directory.
    """
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "*":
            if glob.startswith("**", i):
                after = i + 2
                while after < n and glob[after] == "*":
                    after += 1
                if after < n and glob[after] == "/":
                    out.append("(?:.*/)?")
                    after += 1
                else:
                    out.append(".*")
                i = after
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = glob.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = glob[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    return "^" + "".join(out) + "(?:/.*)?$"


def _absolute_glob(glob: str, *, cwd: str, home: str) -> str:
    glob = unicodedata.normalize("NFKC", glob.strip())
    glob = _expand_user(glob, home)
    if "/" not in glob.rstrip("/"):
        glob = "**/" + glob
    elif glob.startswith("**"):
        pass
    elif not glob.startswith("/"):
        glob = _expand_user(cwd, home).rstrip("/") + "/" + glob
    if glob.startswith("/"):
        # collapse duplicate slashes and ".." in the literal part, keep the wildcards
        glob = re.sub(r"/{2,}", "/", glob)
    glob = glob.rstrip("/") or "/"
    if glob.endswith("/**"):
        glob = glob[:-3] or "/"
    return glob


class _GlobSet:
    """Several globs compiled into one RE2 alternation (a fast yes/no without captures),
    plus one RE2 pattern per glob to tell which glob matched."""

    __slots__ = ("_each", "_globs", "_regex")

    def __init__(self, globs: Sequence[str], *, cwd: str, home: str) -> None:
        self._globs = tuple(globs)
        patterns = [glob_to_regex(_absolute_glob(g, cwd=cwd, home=home)) for g in self._globs]
        joined = "^(?:" + "|".join(p[1:-1] for p in patterns) + ")$"
        self._regex: Any = re2.compile(joined) if patterns else None
        self._each: tuple[Any, ...] = tuple(re2.compile(p) for p in patterns)

    def match_index(self, path: str) -> int | None:
        """Index of the first glob that matches ``path``."""
        if self._regex is None or self._regex.match(path) is None:
            return None
        if len(self._each) == 1:
            return 0
        for index, regex in enumerate(self._each):
            if regex.match(path) is not None:
                return index
        return None  # pragma: no cover - the alternation matched, so one glob does

    def match(self, path: str) -> str | None:
        index = self.match_index(path)
        return None if index is None else self._globs[index]


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class PathCheck:
    """The outcome of :meth:`PathRules.check`. ``path`` is canonical ("" if unusable)."""

    path: str
    allowed: bool
    matched: str | None
    reason: str

    def __init__(self, *, path: str, allowed: bool, matched: str | None, reason: str) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "allowed", allowed)
        object.__setattr__(self, "matched", matched)
        object.__setattr__(self, "reason", reason)


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class LexicalPath:
    """A path judged without the filesystem (see :meth:`PathRules.lexical`).

    ``absolute`` is the decoded absolute form with ``..`` still in place (what the kernel
    resolves); ``check`` judges the lexically canonical path; ``final`` is True when no
    symlink can change the outcome (the path is unusable, denied or outside the allowed
    globs: resolution could only make a denied path look allowed).
    """

    absolute: str
    check: PathCheck
    final: bool

    def __init__(self, *, absolute: str, check: PathCheck, final: bool) -> None:
        object.__setattr__(self, "absolute", absolute)
        object.__setattr__(self, "check", check)
        object.__setattr__(self, "final", final)


_PATH_CACHE_SIZE = 4096


class PathRules:
    """Allow/deny globs compiled once; thread-safe and reusable.

    Deny wins over allow. With a non-empty allow list anything not allowed is denied;
    an empty allow list allows everything not denied. Invalid paths are denied.

    A path is judged twice: first as written, canonicalised lexically (a pure function of
    the text, cached); a path denied there stays denied. A path allowed there is resolved
    (symlinks, ``..`` after a link) on every check, never from a cache, and the resolved
    path is judged again, so no path that resolves into a denied directory is allowed.
    """

    __slots__ = ("_allow", "_cwd", "_deny", "_has_allow", "_home", "_judge", "_lexical")

    def __init__(
        self,
        allow: Sequence[str],
        deny: Sequence[str],
        *,
        cwd: str = "/",
        home: str = "/root",
    ) -> None:
        for glob in (*allow, *deny):
            if not isinstance(glob, str) or not glob.strip():
                raise InputError("paths: every allow/deny glob must be a non-empty string")
        self._cwd = cwd
        self._home = home
        self._allow = _GlobSet(allow, cwd=cwd, home=home)
        self._deny = _GlobSet(deny, cwd=cwd, home=home)
        self._has_allow = bool(allow)
        self._lexical = functools.lru_cache(maxsize=_PATH_CACHE_SIZE)(self._lexical_uncached)
        self._judge = functools.lru_cache(maxsize=_PATH_CACHE_SIZE)(self._judge_canonical)

    def check(self, raw: str) -> PathCheck:
        """Judge one path as the agent wrote it. Never raises."""
        return self.resolve(self.lexical(raw))

    def lexical(self, raw: str) -> LexicalPath:
        """The filesystem-free judgement of ``raw`` (cached; never raises)."""
        if type(raw) is not str:
            return self._lexical_uncached(raw)
        return self._lexical(raw)

    def resolve(self, lexical: LexicalPath) -> PathCheck:
        """The final judgement: ``lexical.check`` unless symlinks lead elsewhere."""
        if lexical.final:
            return lexical.check
        try:
            resolved = resolve_path(lexical.absolute)
        except (OSError, ValueError) as exc:
            return _invalid(exc)
        if resolved == lexical.check.path:
            return lexical.check
        resolved = _lexical_normpath(resolved)
        if resolved == lexical.check.path:
            return lexical.check
        return self._judge(resolved)

    def _lexical_uncached(self, raw: str) -> LexicalPath:
        try:
            if not isinstance(raw, str):
                raise InputError(f"path: expected a string, got {type(raw).__name__}")
            absolute = _absolute(raw, self._cwd, self._home)
        except (InputError, OSError, ValueError) as exc:
            return LexicalPath(absolute="", check=_invalid(exc), final=True)
        check = self._judge(_lexical_normpath(absolute))
        return LexicalPath(absolute=absolute, check=check, final=not check.allowed)

    def _judge_canonical(self, path: str) -> PathCheck:
        denied = self._deny.match(path)
        if denied is not None:
            return PathCheck(path=path, allowed=False, matched=denied, reason="denied by glob")
        if not self._has_allow:
            return PathCheck(path=path, allowed=True, matched=None, reason="no deny glob matched")
        allowed = self._allow.match(path)
        if allowed is None:
            return PathCheck(
                path=path, allowed=False, matched=None, reason="outside every allowed glob"
            )
        return PathCheck(path=path, allowed=True, matched=allowed, reason="allowed by glob")


def _invalid(exc: Exception) -> PathCheck:
    return PathCheck(path="", allowed=False, matched=None, reason=f"invalid path: {exc}")


# --------------------------------------------------------------------- sensitive places


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class SensitivePlace:
    """One entry of :data:`SENSITIVE_PATHS`.

    ``glob`` uses the syntax above; entries starting with ``**/`` also match relative
    names (``.env``, ``config/.env.production``). ``exclude`` lists globs that take a path
    back out of this entry (``.env.example``). ``credential_store`` marks places whose
    content is a secret; other entries are system files.
    """

    glob: str
    kind: str
    credential_store: bool
    description: str
    exclude: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        glob: str,
        kind: str,
        credential_store: bool,
        description: str,
        exclude: tuple[str, ...] = (),
    ) -> None:
        object.__setattr__(self, "glob", glob)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "credential_store", credential_store)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "exclude", exclude)


def _c(glob: str, kind: str, description: str, *exclude: str) -> SensitivePlace:
    return SensitivePlace(
        glob=glob, kind=kind, credential_store=True, description=description, exclude=exclude
    )


def _s(glob: str, description: str) -> SensitivePlace:
    return SensitivePlace(glob=glob, kind="system", credential_store=False, description=description)


# Certificates (public by design): certificate names and certificate directories; a name
# with "key" or "priv" in it is matched as a key before these are consulted.
_CERTIFICATE_PEMS = (
    "**/*cert*.pem", "**/*chain*.pem", "**/*bundle*.pem", "**/ca.pem", "**/ca-*.pem",
    "**/ca_*.pem", "**/*-ca.pem", "**/*_ca.pem", "**/*crt*.pem", "**/*.crt.pem",
    "**/certs/**", "**/certificates/**", "/etc/ssl/certs/**", "/etc/pki/tls/certs/**",
    "/etc/pki/ca-trust/**", "/usr/share/ca-certificates/**", "/usr/local/share/ca-certificates/**",
)  # fmt: skip
_ENV_TEMPLATES = ("**/.env.example", "**/.env.sample", "**/.env.template", "**/.env.dist")

SENSITIVE_PATHS: tuple[SensitivePlace, ...] = (
    # cloud and cluster credentials
    _c("**/.aws/credentials", "aws", "AWS access keys"),
    _c("**/.aws/config", "aws", "AWS profiles and SSO settings"),
    _c("**/.aws/sso/cache/**", "aws", "AWS SSO tokens"),
    _c("**/.s3cfg", "aws", "s3cmd keys"),
    _c("**/.config/gcloud/**", "gcloud", "Google Cloud credentials"),
    _c("**/application_default_credentials.json", "gcloud", "Google ADC"),
    _c("**/.boto", "gcloud", "gsutil/boto keys"),
    _c("**/.azure/**", "azure", "Azure CLI tokens"),
    _c("**/.kube/config", "kube", "Kubernetes credentials"),
    _c("**/kubeconfig", "kube", "Kubernetes credentials"),
    _c("**/.kube/*.y*ml", "kube", "Kubernetes credentials"),
    _c("/var/run/secrets/**", "k8s_token", "Kubernetes service-account tokens"),
    _c("/run/secrets/**", "k8s_token", "mounted container secrets"),
    _c("**/.docker/config.json", "docker", "Docker registry logins"),
    _c("**/.terraform.d/credentials.tfrc.json", "terraform", "Terraform Cloud token"),
    _c("**/*.tfstate", "terraform", "Terraform state (holds secrets)"),
    _c("**/.vault-token", "vault", "HashiCorp Vault token"),
    _c("**/.config/rclone/rclone.conf", "cloud", "rclone remotes"),
    # ssh and keys
    _c("**/.ssh/id_*", "ssh", "SSH private key", "**/*.pub"),
    _c("**/.ssh/*key*", "ssh", "SSH key", "**/*.pub"),
    _c("**/.ssh/authorized_keys*", "ssh", "SSH authorised keys (persistence)"),
    _c("**/id_rsa*", "ssh", "SSH private key", "**/*.pub"),
    _c("**/id_dsa*", "ssh", "SSH private key", "**/*.pub"),
    _c("**/id_ecdsa*", "ssh", "SSH private key", "**/*.pub"),
    _c("**/id_ed25519*", "ssh", "SSH private key", "**/*.pub"),
    _c("/etc/ssh/ssh_host_*key", "ssh", "SSH host private key"),
    SensitivePlace(
        glob="**/.ssh/known_hosts*", kind="ssh", credential_store=False, description="SSH hosts"
    ),
    SensitivePlace(
        glob="**/.ssh/config", kind="ssh", credential_store=False, description="SSH settings"
    ),
    _c("**/.ssh", "ssh", "SSH directory (keys)", "**/.ssh/*.pub"),  # public keys are public
    _c("**/.aws", "aws", "AWS directory (keys)"),
    _c("**/.kube", "kube", "Kubernetes directory (credentials)"),
    _c("**/.gnupg/**", "gpg", "GnuPG keyring"),
    # A .pem file holds a key, a certificate or both: it is a key unless what is known of it
    # says certificate (a certificate name or directory, and no key word in the name)
    _c("**/*key*.pem", "private_key", "PEM private key"),
    _c("**/*priv*.pem", "private_key", "PEM private key"),
    _c(
        "**/*.pem",
        "private_key",
        "PEM key (or a certificate bundled with its key)",
        *_CERTIFICATE_PEMS,
    ),
    _c("**/*.key", "private_key", "private key"),
    _c("**/*.p12", "private_key", "PKCS#12 bundle"),
    _c("**/*.pfx", "private_key", "PKCS#12 bundle"),
    _c("**/*.jks", "private_key", "Java keystore"),
    _c("**/*.keystore", "private_key", "keystore"),
    # the guard's own state: service keys, audit log, approvals, pinned tools, policies;
    # read, it leaks keys; written, it disarms the guard (``aimds serve --data-dir .aimds``)
    _c("**/.aimds/**", "guard_state", "AIMDS data directory (keys, audit log, policies)"),
    _c("**/.aimds", "guard_state", "AIMDS data directory (keys, audit log, policies)"),
    # application secrets
    _c("**/.env", "env", "environment secrets"),
    _c("**/.env.*", "env", "environment secrets", *_ENV_TEMPLATES),
    _c("**/*.env", "env", "environment secrets"),
    _c("**/.envrc", "env", "direnv environment"),
    _c("/proc/*/environ", "env", "process environment"),
    _c("**/credentials.json", "app_secrets", "application credentials"),
    _c("**/client_secret*.json", "app_secrets", "OAuth client secret"),
    _c("**/service[-_]account*.json", "gcloud", "service-account key"),
    _c("**/secrets.y*ml", "app_secrets", "application secrets"),
    _c("**/secrets.json", "app_secrets", "application secrets"),
    _c("**/secrets.toml", "app_secrets", "application secrets"),
    _c("**/.streamlit/secrets.toml", "app_secrets", "application secrets"),
    _c("**/master.key", "app_secrets", "Rails master key"),
    _c("**/wp-config.php", "app_secrets", "WordPress database password"),
    # package registries and version control
    _c("**/.git-credentials", "git", "Git stored credentials"),
    _c("**/.config/gh/hosts.yml", "git", "GitHub CLI token"),
    _c("**/.config/hub", "git", "hub token"),
    _c("**/.netrc", "netrc", "netrc logins"),
    _c("**/_netrc", "netrc", "netrc logins"),
    _c("**/.pgpass", "database", "PostgreSQL passwords"),
    _c("**/.my.cnf", "database", "MySQL passwords"),
    _c("**/.npmrc", "package_registry", "npm token"),
    _c("**/.pypirc", "package_registry", "PyPI token"),
    _c("**/.cargo/credentials*", "package_registry", "crates.io token"),
    _c("**/.gem/credentials", "package_registry", "RubyGems key"),
    _c("**/.m2/settings.xml", "package_registry", "Maven server passwords"),
    # password stores, keychains, browsers
    _c("**/*.kdbx", "password_store", "KeePass database"),
    _c("**/.password-store/**", "password_store", "pass store"),
    _c("**/Library/Keychains/**", "password_store", "macOS keychain"),
    _c("**/.local/share/keyrings/**", "password_store", "GNOME keyring"),
    _c("**/logins.json", "password_store", "Firefox saved logins"),
    _c("**/key4.db", "password_store", "Firefox key database"),
    _c("**/Login Data", "password_store", "Chrome saved logins"),
    _c("**/.htpasswd", "password_file", "HTTP basic-auth passwords"),
    _c("**/Cookies", "browser", "browser cookies (session tokens)"),
    _c("**/cookies.sqlite", "browser", "Firefox cookies (session tokens)"),
    _c("**/Cookies.binarycookies", "browser", "Safari cookies (session tokens)"),
    _c("**/Web Data", "browser", "Chrome autofill and cards"),
    _c("**/Local State", "browser", "Chrome profile key (decrypts saved logins)"),
    # Windows credential stores (paths as converted: drive dropped, canonical case)
    _c("/Windows/System32/config/SAM*", "windows_hive", "Windows account hashes (SAM)"),
    _c("/Windows/System32/config/SECURITY*", "windows_hive", "LSA secrets hive"),
    _c("/Windows/System32/config/SYSTEM*", "windows_hive", "boot key hive (decrypts SAM)"),
    _c("/Windows/System32/config/RegBack/**", "windows_hive", "registry hive backups"),
    _c("**/ntds.dit", "windows_hive", "Active Directory database"),
    _c("**/AppData/*/Microsoft/credentials/**", "windows_credentials", "Credential Manager"),
    _c("**/AppData/*/Microsoft/Vault/**", "windows_credentials", "Windows Vault"),
    _c("**/AppData/Roaming/Microsoft/Protect/**", "windows_credentials", "DPAPI master keys"),
    _c("**/PSReadLine/ConsoleHost_history.txt", "history", "PowerShell history"),
    _c("**/Panther/Unattend.xml", "app_secrets", "Windows setup answer file (passwords)"),
    _c("**/Unattend.xml", "app_secrets", "Windows setup answer file (passwords)"),
    _c("**/.*_history", "history", "shell and client history (tokens typed on command lines)"),
    # system credential files
    _c("/etc/shadow*", "shadow", "password hashes"),
    _c("/etc/gshadow*", "shadow", "group password hashes"),
    _c("/etc/security/opasswd", "shadow", "old password hashes"),
    _c("/etc/sudoers*", "sudoers", "sudo rules"),
    # system files (not credential stores)
    _s("/etc/passwd", "user accounts"),
    _s("/etc/group", "groups"),
    _s("/etc/hosts", "host names"),
    _s("/etc/**", "system configuration"),
    _s("/boot/**", "boot files and kernels"),
    _s("/proc/**", "process and kernel information"),
    _s("/sys/**", "kernel interfaces"),
    _s("/dev/**", "devices"),
    _s("/bin/**", "system binaries"),
    _s("/sbin/**", "system binaries"),
    _s("/usr/bin/**", "system binaries"),
    _s("/usr/sbin/**", "system binaries"),
    _s("/usr/lib/**", "system libraries"),
    _s("/lib/**", "system libraries"),
    _s("/lib64/**", "system libraries"),
    _s("/var/spool/cron/**", "cron jobs"),
    _s("/var/www/**", "web server document root: what lands there is public, scripts run"),
    _s("/srv/www/**", "web server document root: what lands there is public, scripts run"),
    _s("/usr/share/nginx/html/**", "web server document root: what lands there is public"),
    _s("/var/run/docker.sock", "Docker daemon socket"),
    _s("/run/docker.sock", "Docker daemon socket"),
    _s("/Windows/**", "Windows system files"),
    _s("/Program Files/**", "installed programs"),
    _s("/Program Files (x86)/**", "installed programs"),
)


PUBLIC_SYSTEM_INFO: frozenset[str] = frozenset(
    {"/etc/os-release", "/usr/lib/os-release", "/etc/lsb-release", "/etc/issue",
     "/etc/issue.net", "/etc/debian_version", "/etc/redhat-release", "/etc/system-release",
     "/etc/fedora-release", "/etc/centos-release", "/etc/alpine-release", "/etc/arch-release",
     "/etc/timezone", "/etc/hostname", "/proc/cpuinfo", "/proc/meminfo", "/proc/version",
     "/proc/loadavg", "/proc/uptime"}
)  # fmt: skip
"""System files every user may read that say only what system this is (distribution and
release, CPU, memory, kernel version, time zone, host name): build scripts and install guides
read them. Reading one is no sensitive access (still ``recon``, which the behaviour room
counts); writing one stays a change to system files. Not here: ``/etc/passwd`` and
``/etc/group`` (who has accounts), ``/etc/hosts`` (the internal network's names),
``/etc/machine-id`` (a stable identifier), anything under ``/proc/<pid>`` (environments,
command lines)."""


_RELEASE_GLOB = re.compile(r"/etc/[\w.*?-]*(?:-release|_version)")


def is_public_system_info(path: str) -> bool:
    """Whether ``path`` is one of :data:`PUBLIC_SYSTEM_INFO`, or a glob that can only name a
    distribution's release files (``/etc/*-release``: whatever it expands to in ``/etc``
    ends in ``-release`` or ``_version``)."""
    return path in PUBLIC_SYSTEM_INFO or _RELEASE_GLOB.fullmatch(path) is not None


PERSISTENCE_PATHS: tuple[str, ...] = (
    "**/.bashrc", "**/.bash_profile", "**/.bash_login", "**/.bash_logout", "**/.profile",
    "**/.zshrc", "**/.zshenv", "**/.zprofile", "**/.zlogin", "**/.kshrc", "**/.cshrc",
    "**/.tcshrc", "**/.config/fish/config.fish", "**/.config/fish/conf.d/**",
    "**/.ssh/authorized_keys*", "**/.ssh/rc", "**/.ssh/environment",
    "**/.git/hooks/**", "**/.git/config", "**/.gitconfig", "**/.config/git/config",
    "**/.config/autostart/**", "**/.config/systemd/user/**", "**/Library/LaunchAgents/**",
    "**/Library/LaunchDaemons/**", "**/.xinitrc", "**/.xprofile", "**/.vimrc",
    "**/.pythonrc", "**/sitecustomize.py", "**/usercustomize.py", "**/*.pth",
    "/etc/profile", "/etc/profile.d/**", "/etc/bash.bashrc", "/etc/bashrc", "/etc/zshrc",
    "/etc/environment", "/etc/sudoers", "/etc/sudoers.d/**", "/etc/cron*", "/etc/cron*/**",
    "/etc/anacrontab", "/var/spool/cron/**", "/var/spool/at/**", "/etc/systemd/**",
    "/lib/systemd/system/**", "/usr/lib/systemd/system/**", "/etc/init.d/**", "/etc/rc.local",
    "/etc/rc*.d/**", "/etc/init/**", "/etc/xdg/autostart/**", "/etc/ld.so.preload",
    "/etc/update-motd.d/**", "/etc/pam.d/**", "/etc/passwd", "/etc/group",
    "**/Start Menu/Programs/Startup/**", "/Windows/System32/Tasks/**",
    "**/WindowsPowerShell/profile.ps1", "**/WindowsPowerShell/*_profile.ps1",
    "**/PowerShell/*profile.ps1",
)  # fmt: skip
"""Places where a written file runs again later (shell start-up files, SSH keys, git hooks,
cron, services, launch agents, sudoers, preloads): writing there is persistence. Reading
them is ordinary, so they are not :data:`SENSITIVE_PATHS` entries."""


def is_persistence_path(path: str, *, home: str = "/root") -> bool:
    """True when writing ``path`` (canonical absolute, or a relative name) plants
    something that runs later; see :data:`PERSISTENCE_PATHS`."""
    if not path:
        return False
    if path.startswith("~"):
        path = _expand_user(path, home)
    probe = path if path.startswith("/") else "/" + path
    return _persistence_regex().match(probe) is not None


def _persistence_regex() -> Any:
    if not _PERSISTENCE_CACHE:
        globs = [glob_to_regex(_absolute_glob(g, cwd="/", home="/root")) for g in PERSISTENCE_PATHS]
        _PERSISTENCE_CACHE.append(re.compile("|".join(f"(?:{g})" for g in globs)))
    return _PERSISTENCE_CACHE[0]


# Built on first use (not at import); the list holds one compiled pattern of our own globs.
_PERSISTENCE_CACHE: list[Any] = []


_WILD = re.compile(r"[*?\[]")
_LITERAL_RUN = re.compile(r"[^*?\[\]]+")


class _PlaceTable:
    """SENSITIVE_PATHS indexed for speed; first matching entry (not excluded) wins.

    Entries are found through the last segment of their glob: a literal segment is looked
    up in a dict by the path's segments, a wildcard segment through its longest literal
    run (``.pem``, ``id_``) as a substring. Only these few candidates are then matched
    with their own compiled pattern (our own table, so the stdlib engine is safe here).
    """

    __slots__ = (
        "_by_segment",
        "_excludes",
        "_needle_ids",
        "_needles",
        "_patterns",
        "_places",
        "_wrapped",
    )

    def __init__(self, places: Sequence[SensitivePlace]) -> None:
        self._places = tuple(places)
        self._patterns = tuple(
            re.compile(glob_to_regex(_absolute_glob(p.glob, cwd="/", home="/root"))) for p in places
        )
        self._excludes = tuple(
            tuple(
                re.compile(glob_to_regex(_absolute_glob(g, cwd="/", home="/root")))
                for g in p.exclude
            )
            for p in places
        )
        by_segment: dict[str, list[int]] = {}
        needles: list[tuple[str, int]] = []
        for index, place in enumerate(places):
            glob = _absolute_glob(place.glob, cwd="/", home="/root")
            last = glob.rstrip("/").rsplit("/", 1)[-1] or "/"
            if _WILD.search(last):
                runs = _LITERAL_RUN.findall(last) or [""]
                needles.append((max(runs, key=len), index))
            else:
                by_segment.setdefault(last, []).append(index)
        self._by_segment = {k: tuple(v) for k, v in by_segment.items()}
        # one RE2 set pass finds every entry whose literal run occurs in the path
        needle_set = re2.Set.SearchSet()
        for needle, _ in needles:
            needle_set.Add(re2.escape(needle))
        needle_set.Compile()
        # the extension's own match over UTF-8 (the wrapper's ``Match`` is an interpreted
        # call that encodes and calls it): one per path never classified before
        inner = getattr(needle_set, "_set", None)
        self._needles: Any = getattr(inner, "Match", None)
        self._wrapped: Any = needle_set.Match if self._needles is None else None
        self._needle_ids = tuple(index for _, index in needles)

    def classify(self, path: str) -> SensitivePlace | None:
        relative = not path.startswith("/")
        probe = "/" + path if relative else path
        candidates: set[int] | None = None
        by_segment = self._by_segment
        for segment in probe.split("/"):
            hit = by_segment.get(segment)
            if hit is not None:
                if candidates is None:
                    candidates = set(hit)
                else:
                    candidates.update(hit)
        wrapped = self._wrapped
        hits = self._needles(probe.encode("utf-8")) if wrapped is None else wrapped(probe)
        if hits:
            ids = self._needle_ids
            if candidates is None:
                candidates = set()
            candidates.update(ids[i] for i in hits)
        if candidates is None:
            return None  # most paths a new call names: no entry to match at all
        for index in sorted(candidates):
            place = self._places[index]
            if relative and not place.glob.startswith("**/"):
                continue
            if self._patterns[index].match(probe) is None:
                continue
            if any(ex.match(probe) for ex in self._excludes[index]):
                continue
            return place
        return None


_DEFAULT_HOME = "/root"


_RECOVERY_NAMES = frozenset({"backup", "backups", "snapshot", "snapshots", ".snapshots"})


def is_recovery_data(path: str) -> bool:
    """Whether deleting ``path`` destroys what a recovery needs: a backup or snapshot
    directory or anything in one, or a repository's history (``.git`` itself). Not a
    sensitive place to read or write, so everyday workspace cleanup rules do not cover its
    deletion (``rm -rf backups`` is no ``rm -rf build``; ATT&CK T1490)."""
    parts = [p.lower() for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts:
        return False
    if parts[-1] == ".git" or not _RECOVERY_NAMES.isdisjoint(parts):
        return True
    if "*" not in path and "?" not in path and "[" not in path:
        return False  # no wildcard part to try below
    # a wildcard written to reach one (``rm -rf back*``, ``rm -rf .gi?``) deletes it too; a
    # bare ``*`` names nothing in particular (``rm -rf build/*``)
    return any(
        fnmatch.fnmatchcase(name, part)
        for part in parts
        if part.strip("*?[]!") and ("*" in part or "?" in part or "[" in part)
        for name in (*_RECOVERY_NAMES, ".git")
    )


def classify_path(path: str, *, home: str = _DEFAULT_HOME) -> SensitivePlace | None:
    """The sensitive place ``path`` falls in, or ``None``.

    Works on canonical absolute paths and on relative names (``.env``, ``id_rsa``,
    ``config/.env.production``); relative names only match the anywhere-entries
    (``**/...``). ``~`` is expanded with ``home``. No filesystem access.

    Memoised: one call is judged by several readers (the shell program, the path
    boundary, the argument reader) and new calls mostly name the same few paths.
    """
    if type(path) is not str or len(path) > _CLASSIFY_CACHE_MAX_CHARS:
        return _classify_path(path, home)
    return _classify_cached(path, home)


def _classify_path(path: str, home: str) -> SensitivePlace | None:
    if not path:
        return None
    if path.startswith("~"):
        path = _expand_user(path, home)
    if "\\" in path:
        path = _windows_to_posix(path)
    if "//" in path or "/." in path or path.endswith("/"):
        if path.startswith("/"):
            path = _lexical_normpath(path)
        else:
            path = _lexical_normpath("/" + path)[1:] or "."
    return _table().classify(path)


def _table() -> _PlaceTable:
    return _TABLE_CACHE[0] if _TABLE_CACHE else _build_table()


def _build_table() -> _PlaceTable:
    table = _PlaceTable(SENSITIVE_PATHS)
    if not _TABLE_CACHE:
        _TABLE_CACHE.append(table)
    return _TABLE_CACHE[0]


# Built on first use (not at import); the list holds one immutable table.
_TABLE_CACHE: list[_PlaceTable] = []

_CLASSIFY_CACHE_MAX_CHARS = 512
# a pure function of its arguments and the immutable table: safe to share across threads
_classify_cached = functools.lru_cache(maxsize=4096)(_classify_path)
