"""What a string argument *is*, by its shape alone: the first step of reading by content.

:func:`value_shape` answers with one of :data:`SHAPES` (or ``None`` for plain text), whatever
the argument is called, so ``{"p": "/etc/shadow"}``, ``{"q": "DROP TABLE users"}`` and
``{"code": "curl … | sh"}`` are read for what they hold. The tests are ordered from the most
to the least specific and are cheap (a character test or an anchored regex first; ``ast``
only for text that could be Python). They decide *what to analyse*, never a verdict:
the analysis (paths, URLs, shell, SQL, Python) is the parsers' job in the sibling modules.

False positives are avoided by shape, not by name: prose has spaces between words and no
shell structure; a relative name is a path only with a separator or a file extension;
Python is Python only if ``ast`` parses it and it calls or imports something.
"""

from __future__ import annotations

import ast
import functools
import re
from urllib.parse import unquote

from aimds.rules.understanding.network import is_secret_reference
from aimds.rules.understanding.sql import looks_like_sql

__all__ = [
    "SHAPES",
    "looks_like_cmd",
    "looks_like_code",
    "looks_like_command",
    "looks_like_powershell",
    "looks_like_sql_statement",
    "value_shape",
]

SHAPES = frozenset({"secret_ref", "url", "email", "path", "host", "name", "sql", "command", "code"})
"""Every shape :func:`value_shape` reports. ``name``: a single dotted word that may be a host
or a file name (``config.yaml``, ``10.0.0.1.nip.io``); read as both."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]{0,40}://\S+$")
_EMAIL = re.compile(r"^[^@\s<>,;:/]+@[^@\s<>,;:/]+\.[A-Za-z]{2,}$")
_ABSOLUTE = re.compile(
    r"^(?:/|~(?:/|$)|~[\w.-]+/|[A-Za-z]:[\\/]|\\\\|%[A-Za-z_]+%[\\/]|\$\{?HOME\b)"
)
_RELATIVE = re.compile(r"^(?:\.{1,2}[\\/])?[\w.@+~-]+(?:[\\/][\w.@+~ -]+)*[\\/]?$")
_FILE_NAME = re.compile(
    r"^\.?[\w@+-][\w.@+-]*\.[A-Za-z0-9]{1,10}$|^\.[\w-]+$|^(?:Dockerfile|Makefile|Procfile|"
    r"Gemfile|Rakefile|Vagrantfile|Jenkinsfile|LICENSE|README|id_rsa|id_ed25519|id_ecdsa)$"
)
_HOST = re.compile(
    r"^\[?[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\]?(?::\d{1,5})?$"  # IPv6 (two colons at least)
    r"|^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z0-9-]*\.?(?::\d{1,5})?$"  # name.tld
)
_QUAD = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?$")
_SHELL_SYNTAX = re.compile(
    r"\$\(|`[^`]+`|\$\{?IFS|\|\s*(?:ba|z|da|k)?sh\b|&&|\|\||(?<![<>=-])>{1,2}\s*[/~\w$]|<\(|"
    r"\$'\\x|\bsh\s+-c\b|;\s*[\w$\"'\\]|\(\)\s*\{"
)
_PROGRAMS = frozenset(
    {
        "rm", "rmdir", "mv", "cp", "dd", "mkfs", "wipefs", "shred", "truncate", "chmod", "chown",
        "chgrp", "chattr", "sudo", "su", "doas", "bash", "sh", "zsh", "dash", "ksh", "fish",
        "csh", "tcsh", "busybox", "env", "nohup", "timeout", "xargs", "exec", "eval", "source",
        "nice", "python", "python2", "python3", "perl", "ruby", "node", "nodejs", "deno", "bun",
        "php", "lua", "pwsh", "powershell", "osascript", "curl", "wget", "nc", "ncat", "netcat",
        "socat", "ssh", "scp", "sftp", "rsync", "telnet", "ftp", "tftp", "nmap", "cat", "tac",
        "less", "more", "head", "tail", "grep", "egrep", "rg", "find", "locate", "ls", "tree",
        "stat", "file", "strings", "xxd", "od", "base64", "base32", "openssl", "gpg", "tar",
        "zip", "unzip", "gzip", "gunzip", "7z", "git", "docker", "podman", "kubectl", "helm",
        "crontab", "at", "atq", "systemctl", "service", "launchctl", "useradd", "usermod",
        "userdel", "groupadd", "passwd", "chpasswd", "visudo", "kill", "pkill", "killall",
        "shutdown", "reboot", "halt", "poweroff", "init", "iptables", "ufw", "mount", "umount",
        "fdisk", "parted", "apt", "apt-get", "yum", "dnf", "apk", "brew", "pip", "pip3", "npm",
        "npx", "yarn", "pnpm", "gem", "cargo", "go", "make", "cmake", "gcc", "cc", "awk", "gawk",
        "sed", "tee", "touch", "mkdir", "ln", "install", "printenv", "export", "set", "unset",
        "whoami", "id", "uname", "hostname", "ifconfig", "ip", "netstat", "ss", "ps", "lsof",
        "mysql", "psql", "sqlite3", "mongo", "mongosh", "redis-cli", "aws", "gcloud", "az",
        "terraform", "ansible", "ansible-playbook", "vault", "op", "security", "sc", "reg", "cmd",
        "schtasks", "icacls", "certutil", "bitsadmin", "net", "wmic", "lwp-download",
        "lwp-request", "aria2c", "axel", "du", "df", "echo", "printf", "which", "sort", "uniq",
        "wc", "cut", "diff", "jq", "gh", "glab", "pytest", "tox", "ruff", "mypy", "black",
        "eslint", "tsc", "mvn", "gradle", "dotnet", "rustc", "uv", "poetry", "pipenv"
    }
)  # fmt: skip
# The words an SQL statement can start with: a cheap gate before the SQL reader's own test.
_SQL_START = re.compile(
    r"^\s*(?:--|/\*|\(|#|(?:select|insert|update|delete|drop|create|alter|truncate|grant|"
    r"revoke|with|merge|replace|upsert|exec|execute|call|set|copy|begin|commit|rollback|"
    r"explain|show|use|load|declare|attach|detach|pragma|vacuum|analyze|lock|unlock|rename|"
    r"values|table|do|reset|comment|refresh|reindex|cluster|savepoint|release|prepare|"
    r"deallocate|handler|import|flush|kill|optimize|describe|desc|start|end|abort|discard|"
    r"checkpoint|security|listen|notify|unlisten|reassign|sp_\w+|xp_\w+|dbcc|backup|restore|"
    r"bulk|openrowset|go)\b)",
    re.IGNORECASE,
)
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=\S*$")
_MAX_SHAPE = 65536
_CACHE_CHARS = 256
_MAX_LINE_PATH = 4096


def _first_program(text: str) -> str:
    """The program word a command line starts with (after ``VAR=value`` assignments)."""
    for word in text.split(None, 8)[:8]:
        if _ASSIGNMENT.match(word):
            continue
        word = word.strip("\"'({")
        return word.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    return ""


def looks_like_command(text: str) -> bool:
    """True when ``text`` has the shape of a shell command line: it starts with a known
    program (or a path to one) or uses shell-only syntax (substitution, pipes into a shell,
    ``&&``, redirections, ``${IFS}``, ANSI-C quoting)."""
    head = text.lstrip()[:512]
    if not head:
        return False
    program = _first_program(head)
    if (
        program in _PROGRAMS
        or program.partition(".")[0] in _PROGRAMS
        or (program.endswith((".sh", ".bash", ".py", ".pl", ".ps1")) and " " in head)
    ):
        return True
    if head.startswith(("./", "/")) and " " in head.split("\n", 1)[0]:
        return True
    return _SHELL_SYNTAX.search(text[:4096]) is not None


# A PowerShell statement: a Verb-Noun cmdlet, the aliases that fetch and evaluate, or
# PowerShell-only syntax (``$env:X``, ``[System.…]``), at the start of a statement.
_PS_VERBS = (
    "Get", "Set", "New", "Remove", "Invoke", "Start", "Stop", "Copy", "Move", "Add", "Clear",
    "Out", "Write", "Test", "Import", "Export", "Register", "Format", "Restart", "Expand",
    "Compress", "Select", "Where", "ForEach", "Measure", "Sort", "Resolve", "Enable", "Disable",
    "Install", "Update", "Send", "Convert", "ConvertTo", "ConvertFrom",
)  # fmt: skip
_PS_ALIASES = ("iex", "iwr", "irm")
_POWERSHELL = re.compile(
    r"(?:^|[;|{(]|\n)\s*(?:&\s*)?(?:(?:" + "|".join(_PS_VERBS) + ")"
    r"-[A-Z][A-Za-z]+|" + "|".join(_PS_ALIASES) + r")\b|\$env:[A-Za-z_]|\[System\.",
    re.IGNORECASE,
)
_PS_VERB_WORDS = frozenset(v.lower() for v in _PS_VERBS)  # for the first-word gate below


def looks_like_powershell(text: str) -> bool:
    """True when ``text`` holds a PowerShell statement (read as PowerShell too, whatever
    the tool says it runs: a Windows agent's ``shell`` runs PowerShell)."""
    head = text[:4096]
    if _ONE_STATEMENT.search(head) is None:
        if head.isascii():  # (non-ASCII letters may match ASCII ones ignoring case)
            word = _first_word(head).lower()
            verb, dash, _ = word.partition("-")
            if not (dash and verb in _PS_VERB_WORDS) and word[:3] not in _PS_ALIASES:
                return False  # no cmdlet or alias starts the line
        return _POWERSHELL.match(head) is not None
    return _POWERSHELL.search(head) is not None


# A line ``cmd.exe`` would run: a built-in or Windows program with its ``/x`` switches, a
# ``%VARIABLE%``, or a drive path.
_CMD_SWITCHED = (
    "rd", "rmdir", "del", "erase", "format", "xcopy", "robocopy", "certutil", "bitsadmin",
    "copy", "move", "type", "dir", "start", "call",
)  # fmt: skip
# programs only Windows has: a line starting with one is cmd.exe whatever else it holds
_CMD_ONLY_WINDOWS = (
    "reg", "mshta", "regsvr32", "rundll32", "wmic", "vssadmin", "bcdedit", "wbadmin",
    "schtasks", "cmdkey", "vaultcmd", "wevtutil", "icacls", "takeown", "cipher", "netsh",
    "diskpart", "esentutl", "ntdsutil", "cscript", "wscript", "msiexec", "auditpol",
    "systeminfo", "findstr",
)  # fmt: skip
_CMD_DRIVE_READERS = ("type", "more", "copy", "move", "del", "erase", "rd", "rmdir")
_CMD_LINE = re.compile(
    r"(?:^|[&|(]\s*)(?:@?(?:" + "|".join(_CMD_SWITCHED) + r"|cmd(?:\.exe)?)\s+[^&|\n]*?/[A-Za-z?]|"
    r"(?:certutil|bitsadmin)(?:\.exe)?\s|format\s+[A-Za-z]:|cmd(?:\.exe)?\s+/[ckCK]\b|"
    r"net\s+(?:user|localgroup|group)\s)"
    r"|%[A-Za-z_]+%"
    r"|(?:^|[&|(]\s*)@?(?:" + "|".join(_CMD_ONLY_WINDOWS) + r")(?:\.exe)?\b"
    r"|(?:^|[&|(]\s*)@?(?:" + "|".join(_CMD_DRIVE_READERS) + r")\s+\"?[A-Za-z]:\\",
    re.IGNORECASE,
)
# the words a line matching at its start begins with (after an optional ``@``)
_CMD_FIRST_WORDS = frozenset(
    (*_CMD_SWITCHED, "cmd", "net", *_CMD_ONLY_WINDOWS, *_CMD_DRIVE_READERS)
)
_LEADING_NAME = re.compile(r"@?(\w*)")


def looks_like_cmd(text: str) -> bool:
    """True when ``text`` reads as a ``cmd.exe`` line (read so too, whatever the tool)."""
    head = text[:4096]
    if _ONE_STATEMENT.search(head) is None:
        if head.isascii():
            lead = _LEADING_NAME.match(_first_word(head))
            if lead is None or lead.group(1).lower() not in _CMD_FIRST_WORDS:
                return False  # no built-in or Windows program starts the line
        return _CMD_LINE.match(head) is not None
    return _CMD_LINE.search(head) is not None


def _first_word(text: str) -> str:
    words = text.split(None, 1)
    return words[0] if words else ""


# Every match of ``_POWERSHELL`` and ``_CMD_LINE`` starts at the start of the text, after a
# statement break (``;``, ``|``, ``{``, ``(``, ``&``, a newline), or at ``$`` (``$env:``),
# ``[`` (``[System.``) or ``%`` (``%VAR%``). A text with none of these can only match at
# its start: ``match`` answers as ``search`` would, without trying every position, and in
# ASCII text only when the first word is a cmdlet, alias or program of the pattern (most
# command lines, read on every call never seen before, need no regex at all).
_ONE_STATEMENT = re.compile(r"[;|{(&\n$\[%]")


def looks_like_sql_statement(text: str) -> bool:
    """True when ``text`` starts like an SQL statement (a cheap first-word gate, then the SQL
    reader's own test)."""
    return _SQL_START.match(text) is not None and looks_like_sql(text)


def looks_like_code(text: str) -> bool:
    """True when ``text`` is Python that does something: ``ast`` parses it and it imports
    or calls (a bare name, a number or ``a/b`` is not code)."""
    if len(text) > _MAX_SHAPE or not ("(" in text or "import " in text):
        return False
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(node, ast.Call | ast.Import | ast.ImportFrom) for node in ast.walk(tree))


def looks_like_source(text: str) -> bool:
    """True when a multi-line ``text`` is a program or a document, not a list of paths: what
    a ``source`` argument holds when it is code (Python definitions, assignments, calls) or
    the text of a diagram or page (``sequenceDiagram\nA->>B: hi``), not a file name. Paths
    written inside such a text are for the taxonomy to find (it reads them word by word)."""
    value = text.strip()
    if "\n" not in value or len(value) > _MAX_SHAPE:
        return False
    try:
        tree = ast.parse(value)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    if tree is not None and (
        any(not isinstance(node, ast.Expr) for node in tree.body) or looks_like_code(value)
    ):
        return True
    return any(
        line.strip() and value_shape(line) != "path" for line in value.splitlines()[:_MAX_LINES]
    )


_MAX_LINES = 256


def value_shape(text: str) -> str | None:
    """What ``text`` (a whole argument value) is: one of :data:`SHAPES`, or ``None``.

    A pure function of the text; short values (header values, methods, file names recur
    across calls) are answered from a bounded cache."""
    return _cached_shape(text) if len(text) <= _CACHE_CHARS else _shape(text)


def _shape(text: str) -> str | None:
    value = text.strip()
    if not value or len(value) > _MAX_SHAPE:
        return None
    if value.isalnum():  # one plain word ("GET", "ls", "Dockerfile"): a command, a file, nothing
        if value.lower() in _PROGRAMS:
            return "command"
        return "path" if _FILE_NAME.match(value) else None
    if is_secret_reference(value):
        return "secret_ref"
    one_line = "\n" not in value and len(value) <= _MAX_LINE_PATH
    if one_line and "%" in value and " " not in value:
        decoded = unquote(value)  # ``%2Fetc%2Fshadow``: the path readers decode it too
        if decoded != value and _shape(decoded) in ("path", "url"):
            return "path" if _shape(decoded) == "path" else "url"
    if one_line and " " not in value:
        if _URL.match(value):
            return "path" if value[:7].lower() == "file://" else "url"
        if _EMAIL.match(value):
            return "email"
        if _QUAD.match(value) or (value.count(":") > 1 and _HOST.match(value)):
            return "host"
        if _ABSOLUTE.match(value):
            return "path"
        # one dotted word: a host or a file name before anything else ("ssh.example.com")
        hostish = _HOST.match(value) is not None
        pathish = bool(
            ("/" in value or "\\" in value or _FILE_NAME.match(value)) and _RELATIVE.match(value)
        )
        if hostish:
            return "name" if pathish else "host"
        if pathish:
            return "path"
    if looks_like_sql_statement(value):
        return "sql"
    if one_line and _ABSOLUTE.match(value) and not looks_like_command(value):
        return "path"  # an absolute path with spaces ("/Users/me/My Documents/x")
    if looks_like_code(value):
        return "code"  # Python that parses is Python, even where a line reads like shell ("a; b")
    if looks_like_command(value) or looks_like_powershell(value) or looks_like_cmd(value):
        return "command"
    return None


_cached_shape = functools.lru_cache(maxsize=8192)(_shape)
