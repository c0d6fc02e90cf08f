"""Windows command lines: PowerShell (parsed with tree-sitter-powershell) and cmd.exe.

Both are read into what they do and *translated* into the POSIX command line that does the
same to the file system and network (``Remove-Item -Recurse C:\\Users`` is ``rm -rf
/Users``, ``certutil -urlcache -f URL x.exe`` is ``curl -o x.exe URL``), which the POSIX
reader (:mod:`~aimds.rules.understanding.shell`) then judges with its one set of path,
download-then-run and hard-rule logic. What has no POSIX counterpart (registry Run keys,
``mshta URL``, ``reg save HKLM\\SAM``, turning off Defender) is added to the facts here.

Windows paths become POSIX paths the way :mod:`aimds.rules.paths` reads them (the drive
dropped, ``\\`` to ``/``), with the well-known folder names in their canonical case
(Windows paths are case-insensitive: ``c:\\windows\\system32`` is ``/Windows/System32``).
What is computed at run time (a variable as the command, ``iex $x``, ``& $cmd``) is opaque.
"""

from __future__ import annotations

import re
import shlex
import threading
from collections.abc import Callable, Iterator
from typing import Any

from aimds.rules.paths import windows_canonical_case
from aimds.rules.understanding.facts import Facts
from aimds.types import Severity

__all__ = ["looks_windows", "read_cmd", "read_powershell", "windows_path"]

_MAX_CHARS = 16384
_MAX_STATEMENTS = 256

# ----------------------------------------------------------------------- paths

_DRIVE = re.compile(r"^[A-Za-z]:(?:[\\/]|$)")
# Environment variables of a Windows session, as POSIX paths (``~``: the user's home).
_ENV_PATHS = {
    "userprofile": "~", "home": "~", "homepath": "~", "appdata": "~/AppData/Roaming",
    "localappdata": "~/AppData/Local", "temp": "~/AppData/Local/Temp",
    "tmp": "~/AppData/Local/Temp", "systemroot": "/Windows", "windir": "/Windows",
    "systemdrive": "", "programdata": "/ProgramData", "allusersprofile": "/ProgramData",
    "programfiles": "/Program Files", "programfiles(x86)": "/Program Files (x86)",
    "public": "/Users/Public", "comspec": "/Windows/System32/cmd.exe",
}  # fmt: skip


def windows_path(word: str) -> str:
    """``word`` as the POSIX path the rules read, when it is a Windows path; else as is."""
    if not _DRIVE.match(word) and "\\" not in word:
        return word
    path = word[2:] if _DRIVE.match(word) else word
    path = path.replace("\\", "/")
    if _DRIVE.match(word) and not path.startswith("/"):
        path = "/" + path
    return windows_canonical_case(path) or "/"


def _expand_env(word: str, pattern: re.Pattern[str]) -> str:
    def one(m: re.Match[str]) -> str:
        value = _ENV_PATHS.get(m.group(1).lower())
        return m.group(0) if value is None else value

    return pattern.sub(one, word)


def _q(word: str) -> str:
    """One POSIX shell word; a leading ``~`` stays a home."""
    if word == "~" or word.startswith("~/"):
        return "~" + (shlex.quote(word[1:]) if len(word) > 1 else "")
    return shlex.quote(word)


# ------------------------------------------------------------------- detection

_CMDLET = re.compile(
    r"(?:^|[;|&({]\s*)(?:Get|Set|New|Remove|Invoke|Start|Stop|Add|Clear|Copy|Move|Out|Import|"
    r"Export|Register|Enable|Disable|Format|Expand|Restart|Rename|ConvertFrom|ConvertTo|"
    r"Install|Mount|Test|Write|Select|Where|ForEach)-[A-Za-z]+\b",
    re.IGNORECASE,
)
_PS_SIGNS = re.compile(
    r"\$env:|\biex\b|\biwr\b|\birm\b|\[(?:System\.|Convert\]|IO\.|Net\.)|-EncodedCommand\b|"
    r"\bHK(?:LM|CU|CR|U):",
    re.IGNORECASE,
)
_CMD_PROGRAMS = frozenset(
    {"del", "erase", "rd", "rmdir", "reg", "certutil", "mshta", "regsvr32", "rundll32",
     "bitsadmin", "wmic", "vssadmin", "bcdedit", "wbadmin", "schtasks", "cmdkey", "vaultcmd",
     "wevtutil", "icacls", "takeown", "cipher", "robocopy", "xcopy", "netsh", "sc", "format",
     "cmd", "start", "type", "copy", "move", "net", "net1", "findstr", "auditpol", "attrib",
     "whoami", "systeminfo", "msiexec", "cscript", "wscript", "diskpart", "esentutl", "ntdsutil"}
)  # fmt: skip
# Programs only Windows has: a line starting with one is cmd.exe whatever else it holds.
_WINDOWS_ONLY = frozenset(
    {"del", "erase", "rd", "reg", "certutil", "mshta", "regsvr32", "rundll32", "bitsadmin",
     "wmic", "vssadmin", "bcdedit", "wbadmin", "schtasks", "cmdkey", "vaultcmd", "wevtutil",
     "icacls", "takeown", "cipher", "robocopy", "xcopy", "netsh", "diskpart", "esentutl",
     "ntdsutil", "cscript", "wscript", "msiexec", "auditpol", "systeminfo", "findstr"}
)  # fmt: skip
_WIN_SIGNS = re.compile(r"(?:^|[\s\"'=(])[A-Za-z]:\\|%[A-Za-z_()]+%|\bHK(?:LM|CU|CR|U)\\", re.I)


def looks_windows(text: str) -> str | None:
    """``powershell`` or ``cmd`` when a command line is plainly one of them (a cmdlet, a
    Windows-only program with ``/switches``, a drive path, ``%VAR%``), else ``None``."""
    if _CMDLET.search(text) or _PS_SIGNS.search(text):
        return "powershell"
    first = text.lstrip().split(None, 1)
    program = first[0].lower().removesuffix(".exe") if first else ""
    if program in _WINDOWS_ONLY or (
        program in _CMD_PROGRAMS and (_WIN_SIGNS.search(text) or re.search(r"\s/\w", text))
    ):
        return "cmd"
    if _WIN_SIGNS.search(text):
        return "cmd"
    return None


# --------------------------------------------------------------- shared meaning

# Registry keys whose values start programs (persistence) and keys that hold security
# settings (turning them is weakening a control or reaching for credentials).
_RUN_KEYS = re.compile(
    r"\\(?:Run|RunOnce|RunServices|RunOnceEx)(?:\\|$)|\\Winlogon(?:\\|$)|Image File Execution "
    r"Options|\\Services\\|AppInit_DLLs|\\Explorer\\Shell Folders|\\Environment(?:\\|$)|"
    r"\\Command Processor(?:\\|$)|\\Policies\\Explorer\\Run|\\Active Setup\\",
    re.IGNORECASE,
)
_SECURITY_KEYS = re.compile(
    r"\\Control\\Lsa|Windows Defender|\\SecurityProviders\\|WDigest|\\Policies\\System|"
    r"\\FirewallPolicy|EnableLUA|\\Terminal Server|SafeBoot",
    re.IGNORECASE,
)
_HIVES = re.compile(r"^(?:HKLM|HKEY_LOCAL_MACHINE)\\(?:SAM|SECURITY|SYSTEM)\b", re.IGNORECASE)
_SECURITY_SERVICES = frozenset(
    {"windefend", "sense", "wdnissvc", "mpssvc", "eventlog", "wscsvc", "securityhealthservice",
     "bfe", "wuauserv"}
)  # fmt: skip


def _registry(key: str, facts: Facts, *, write: bool) -> None:
    normalized = key.replace("/", "\\").replace(":\\", "\\").replace("Registry::", "")
    facts.resource(normalized[:256])
    if not write:
        if re.search(r"Winlogon", normalized, re.I):
            facts.credential("windows_registry", Severity.HIGH)  # DefaultPassword lives there
        return
    if _RUN_KEYS.search(normalized):
        facts.tag("persistence")
        facts.propose("fs:write", Severity.HIGH)
    if _SECURITY_KEYS.search(normalized):
        _weaken(facts)
    facts.propose("fs:write", Severity.HIGH)


def _weaken(facts: Facts) -> None:
    """A security control is turned off or weakened (antivirus, firewall, audit, UAC)."""
    facts.tag("security_weakening")
    facts.privilege(critical=False)


def _remote_code(facts: Facts, url: str) -> None:
    """A program that fetches and runs code from a URL by itself (mshta, regsvr32 /i:)."""
    facts.resource(url[:512])
    facts.mark_outbound()
    facts.tag("download_exec", "code_exec")
    facts.propose("code:exec", Severity.CRITICAL)


def _opaque(facts: Facts) -> None:
    facts.tag("opaque")
    facts.propose("shell:opaque", Severity.HIGH)


# ------------------------------------------------------------------------- cmd.exe

_CMD_ENV = re.compile(r"%([A-Za-z_()0-9]+)%")
_CMD_SPLIT = re.compile(r"\s*(?:&&|\|\||&|\|)\s*")


def _cmd_statements(text: str) -> Iterator[tuple[list[str], bool]]:
    """The commands of a cmd.exe line: (words, piped into), quotes kept together."""
    text = text.replace("^", "")  # cmd's escape character only escapes the next one
    current: list[str] = []
    word: list[str] = []
    quoted = False
    piped = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "&|":
            if word:
                current.append("".join(word))
                word = []
            if current:
                yield current, piped
            piped = ch == "|" and text[i + 1 : i + 2] != "|"
            current = []
            while i + 1 < len(text) and text[i + 1] in "&|":
                i += 1
        elif not quoted and ch.isspace():
            if word:
                current.append("".join(word))
                word = []
        else:
            word.append(ch)
        i += 1
    if word:
        current.append("".join(word))
    if current:
        yield current, piped


def read_cmd(text: str, facts: Facts, run_posix: Callable[[str], None], *, depth: int = 0) -> None:
    """Read a cmd.exe command line into ``facts``; ``run_posix`` judges the POSIX
    translation (one line for the whole input, so a download and its run are seen together)."""
    posix: list[str] = []
    for n, (words, _piped) in enumerate(_cmd_statements(_expand_env(text[:_MAX_CHARS], _CMD_ENV))):
        if n >= _MAX_STATEMENTS:
            _opaque(facts)
            break
        line = _cmd_command(words, facts, run_posix, depth)
        if line:
            posix.append(line)
    if posix:
        run_posix(" ; ".join(posix))


def _switches(words: list[str]) -> set[str]:
    return {w[1:].lower().split(":", 1)[0] for w in words[1:] if w.startswith("/") and len(w) > 1}


def _operands(words: list[str]) -> list[str]:
    return [w for w in words[1:] if not (w.startswith("/") and len(w) <= 12 and "\\" not in w[1:])]


def _cmd_command(
    words: list[str], facts: Facts, run_posix: Callable[[str], None], depth: int
) -> str | None:
    words = [w.strip('"') for w in words if w.strip('"') or w == '""']
    if not words:
        return None
    program = words[0].lower().rsplit("\\", 1)[-1].removesuffix(".exe")
    switches = _switches(words)
    ops = [windows_path(w) for w in _operands(words)]
    lowered = [w.lower() for w in words[1:]]
    if program in ("del", "erase"):
        flag = "-rf" if "s" in switches else "-f"
        return "rm " + flag + " " + " ".join(_q(p) for p in ops)
    if program in ("rd", "rmdir"):
        flag = "-rf" if "s" in switches else "-d"
        return "rm " + flag + " " + " ".join(_q(p) for p in ops)
    if program in ("type", "more"):
        return "cat " + " ".join(_q(p) for p in ops)
    if program in ("copy", "xcopy", "robocopy"):
        return "cp -r " + " ".join(_q(p) for p in ops[:2])
    if program == "move":
        return "mv " + " ".join(_q(p) for p in ops[:2])
    if program == "format":
        facts.tag("format_disk")
        facts.destroy(critical=True)
        return None
    if program == "cipher" and "w" in switches:
        facts.destroy(critical=True)
        return None
    if program in ("vssadmin", "wbadmin") and "delete" in lowered:
        facts.destroy(critical=True)  # shadow copies and backups: the ransomware prelude
        return None
    if program == "wmic" and "shadowcopy" in lowered and "delete" in lowered:
        facts.destroy(critical=True)
        return None
    if program == "bcdedit" and ("recoveryenabled" in lowered or "bootstatuspolicy" in lowered):
        _weaken(facts)
        return None
    if program == "diskpart":
        facts.destroy(critical=True)
        return None
    if program == "certutil":
        url = next((w for w in words[1:] if "://" in w), None)
        if url is not None:
            out = [o for o in ops if "://" not in o]
            target = out[-1] if out else "certutil.out"
            return "curl -o " + _q(target) + " " + _q(url)
        if {"decode", "decodehex"} & switches and len(ops) >= 2:
            facts.tag("opaque")
            return "base64 -d " + _q(ops[0]) + " > " + _q(ops[1])
        return None
    if program == "bitsadmin" and "transfer" in switches:
        urls = [w for w in words[1:] if "://" in w]
        out = [o for o in ops if "://" not in o and o.startswith("/")]
        if urls:
            return "curl -o " + _q(out[-1] if out else "bits.out") + " " + _q(urls[0])
        return None
    if program == "mshta" or (program == "regsvr32" and any("://" in w for w in words)):
        url = next((w.split(":", 1)[1] if w.lower().startswith("/i:") else w
                    for w in words[1:] if "://" in w), None)  # fmt: skip
        if url is not None:
            _remote_code(facts, url)
        else:
            facts.tag("code_exec")
            facts.propose("code:exec", Severity.HIGH)
        return None
    if program == "rundll32":
        joined = " ".join(words[1:]).lower()
        if "javascript:" in joined or "://" in joined:
            _remote_code(facts, joined)
        elif "comsvcs" in joined and "minidump" in joined:
            facts.credential("lsass", Severity.CRITICAL)  # a dump of LSASS memory
        else:
            facts.tag("code_exec")
            facts.propose("code:exec", Severity.HIGH)
        return None
    if program == "reg":
        sub = lowered[0] if lowered else ""
        key = words[2] if len(words) > 2 else ""
        if sub in ("save", "export") and _HIVES.match(key):
            facts.credential("windows_hive", Severity.CRITICAL)
        elif sub in ("add", "delete", "import", "restore", "load"):
            _registry(key, facts, write=True)
        elif sub == "query":
            _registry(key, facts, write=False)
        return None
    if program == "esentutl" or program == "ntdsutil":
        facts.credential("windows_hive", Severity.CRITICAL)
        return None
    if program in ("schtasks", "at") and ("create" in switches or program == "at"):
        facts.tag("persistence")
        facts.propose("fs:write", Severity.HIGH)
        return None
    if program == "sc" and lowered[:1] and lowered[0] in ("create", "config"):
        facts.tag("persistence")
        facts.propose("fs:write", Severity.HIGH)
        return None
    if program == "sc" and lowered[:1] and lowered[0] in ("stop", "delete") and len(lowered) > 1:
        if lowered[1] in _SECURITY_SERVICES:
            _weaken(facts)
        return None
    if program in ("net", "net1"):
        sub = lowered[0] if lowered else ""
        if sub in ("user", "localgroup", "group") and "add" in switches:
            facts.privilege(critical=True)
        elif sub == "stop" and len(lowered) > 1 and lowered[1] in _SECURITY_SERVICES:
            _weaken(facts)
        elif sub in ("user", "localgroup", "group", "accounts", "share", "view", "session"):
            facts.recon()
        return None
    if (
        program == "netsh"
        and "firewall" in " ".join(lowered)
        and ("off" in lowered or "disable" in lowered or "allowedprogram" in lowered)
    ):
        _weaken(facts)
        return None
    if program in ("wevtutil", "auditpol") and (
        {"cl", "clear-log"} & set(lowered) or "clear" in switches or "remove" in switches
    ):
        _weaken(facts)  # erasing event logs or audit policy: covering tracks
        return None
    if program in ("cmdkey", "vaultcmd") and {"list", "listcreds"} & switches:
        facts.credential("windows_credentials")
        return None
    if program == "findstr" and any("pass" in w for w in lowered):
        facts.credential("files")
        return None
    if program in ("icacls", "takeown") and any(w.startswith("/Windows") for w in ops):
        facts.privilege(critical=True)
        return None
    if program in ("whoami", "systeminfo", "ipconfig", "tasklist", "qwinsta", "nltest"):
        facts.recon()
        return None
    if program == "cmd":
        rest = [w for w in words[1:] if w.lower() not in ("/c", "/k", "/q", "/s")]
        if depth < 4 and rest:
            read_cmd(" ".join(rest), facts, run_posix, depth=depth + 1)
        return None
    if program in ("powershell", "pwsh"):
        return shlex.join([program, *words[1:]])  # the POSIX reader knows its flags
    if program == "start":
        started = next((w for w in ops if w), None)
        return _q(started) if started else None
    if program in ("cscript", "wscript", "msiexec"):
        target = next((w for w in words[1:] if not w.startswith("/")), "")
        if "://" in target:
            _remote_code(facts, target)
            return None
        return _q(windows_path(target)) if target else None
    # any other program: its own name (a file just downloaded, run) and its path operands
    return " ".join(_q(windows_path(w)) for w in words)


# --------------------------------------------------------------------- PowerShell


class _Parsers(threading.local):
    parser: Any = None
    language: Any = None


_PARSERS = _Parsers()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PS_ENV = re.compile(r"\$env:([A-Za-z_()0-9]+)", re.IGNORECASE)
_PS_HOME = re.compile(r"\$home\b|^~(?=[\\/]|$)", re.IGNORECASE)
# A comma between two command arguments, outside quotes (quotes are rare around them).
_ARG_COMMA = re.compile(r"(?<=[\w\\/.\"'])\s*,\s*(?=[\w\\/.~$\"'])")

_ALIASES = {
    "rm": "remove-item", "del": "remove-item", "erase": "remove-item", "rd": "remove-item",
    "rmdir": "remove-item", "ri": "remove-item", "gc": "get-content", "cat": "get-content",
    "type": "get-content", "sc": "set-content", "ac": "add-content", "cp": "copy-item",
    "copy": "copy-item", "cpi": "copy-item", "mv": "move-item", "move": "move-item",
    "mi": "move-item", "iwr": "invoke-webrequest", "curl": "invoke-webrequest",
    "wget": "invoke-webrequest", "irm": "invoke-restmethod", "iex": "invoke-expression",
    "saps": "start-process", "start": "start-process", "ni": "new-item", "ii": "invoke-item",
    "gci": "get-childitem", "ls": "get-childitem", "dir": "get-childitem",
    "sls": "select-string", "icm": "invoke-command", "sp": "set-itemproperty",
    "select": "select-object", "where": "where-object", "?": "where-object",
    "foreach": "foreach-object", "%": "foreach-object", "sort": "sort-object",
    "group": "group-object", "measure": "measure-object", "ft": "format-table",
    "fl": "format-list", "echo": "write-output", "write": "write-output",
    "cd": "set-location", "sl": "set-location", "chdir": "set-location",
    "pwd": "get-location", "gl": "get-location", "mkdir": "new-item", "md": "new-item",
    "kill": "stop-process", "spps": "stop-process", "ps": "get-process",
    "gps": "get-process", "sleep": "start-sleep", "tee": "tee-object",
    "diff": "compare-object", "compare": "compare-object", "cls": "clear-host",
    "clear": "clear-host", "history": "get-history", "h": "get-history", "gi": "get-item",
    "gp": "get-itemproperty", "gm": "get-member", "oh": "out-host", "ipmo": "import-module",
}  # fmt: skip
_FETCH = frozenset({"invoke-webrequest", "invoke-restmethod", "start-bitstransfer"})
_FETCH_IN_TEXT = re.compile(
    r"\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring|downloaddata|"
    r"net\.webclient|start-bitstransfer)\b",
    re.IGNORECASE,
)
_READ = frozenset({"get-content", "select-string", "import-csv", "import-clixml",
                   "get-filehash", "format-hex"})  # fmt: skip
_WRITE = frozenset({"set-content", "add-content", "out-file", "new-item", "export-csv"})
_DISK = frozenset({"format-volume", "clear-disk", "initialize-disk", "remove-partition",
                   "remove-volume"})  # fmt: skip
_REGISTRY_WRITE = frozenset({"set-itemproperty", "new-itemproperty", "remove-itemproperty",
                             "new-item", "remove-item", "set-item"})  # fmt: skip
_CREDENTIAL_CMDLETS = re.compile(
    r"^(?:get-storedcredential|invoke-mimikatz|get-gpppassword|get-lsasecret|"
    r"invoke-kerberoast|get-vaultcredential|out-minidump)$"
)
# Parameters that take no value: what follows them is an argument (``rm -r -fo C:\``).
_SWITCHES = (
    "-recurse",
    "-force",
    "-confirm",
    "-whatif",
    "-verbose",
    "-usebasicparsing",
    "-nonewwindow",
    "-wait",
    "-passthru",
    "-noprofile",
    "-append",
)
_PARAM_PATH = ("-path", "-literalpath", "-filepath", "-destination", "-pspath", "-lp")
_SECRET_TYPES = re.compile(
    r"PasswordVault|NetworkCredential|ProtectedData\]::Unprotect|Get-Credential", re.IGNORECASE
)


def _ps_parse(text: str) -> Any:
    parser = _PARSERS.parser
    if parser is None:
        import tree_sitter_powershell
        from tree_sitter import Language, Parser

        _PARSERS.language = Language(tree_sitter_powershell.language())
        parser = Parser(_PARSERS.language)
        _PARSERS.parser = parser
    ascii_text = text if text.isascii() else _NON_ASCII.sub("_", text)  # as for bash
    return parser.parse(ascii_text.encode("ascii"))


def _nodes(node: Any, kind: str) -> Iterator[Any]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == kind:
            yield current
        stack.extend(reversed(current.children))


class _PsCommand:
    __slots__ = ("args", "dynamic", "name", "params", "piped", "words")

    def __init__(self, name: str) -> None:
        self.name = name
        self.params: dict[str, str | None] = {}
        self.args: list[str] = []
        self.words: list[str] = []  # every element as written, in order (native programs)
        self.dynamic = False
        self.piped: list[_PsCommand] = []


_ESCAPED = re.compile(r"`(.)", re.DOTALL)


def _unescape(word: str) -> str:
    """PowerShell's backtick outside quotes: the next character stands for itself (the
    special sequences such as `` `n `` mean something only inside double quotes)."""
    return _ESCAPED.sub(r"\1", word) if "`" in word else word


def _literal(src: str, node: Any) -> tuple[str, bool]:
    """The value of an argument node and whether it is computed at run time."""
    text = src[node.start_byte : node.end_byte].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        if text[0] == '"':
            inner = _PS_HOME.sub("~", _expand_env(inner, _PS_ENV))
            return inner.replace("`", ""), "$" in inner or "(" in inner
        return inner, False
    expanded = _PS_HOME.sub("~", _expand_env(_unescape(text), _PS_ENV))
    dynamic = expanded.startswith(("$", "(", "[", "@(")) and expanded not in ("$true", "$false")
    return expanded, dynamic


def _ps_commands(src: str, root: Any) -> Iterator[list[_PsCommand]]:
    """The pipelines of a PowerShell script as lists of commands (nested blocks too)."""
    for chain in _nodes(root, "pipeline_chain"):
        out: list[_PsCommand] = []
        for child in chain.children:
            if child.type != "command":
                continue
            name_node = child.child_by_field_name("command_name")
            if name_node is None:
                # ``& $x`` / ``. (expr)``: the command is computed
                cmd = _PsCommand("")
                cmd.dynamic = True
                out.append(cmd)
                continue
            # the backtick escapes the next character, which a name reads as itself:
            # ``R`em`ove-Item`` is ``Remove-Item``
            raw = _unescape(src[name_node.start_byte : name_node.end_byte]).strip().strip("'\"")
            name = raw.lower().rsplit("\\", 1)[-1].removesuffix(".exe")
            cmd = _PsCommand(_ALIASES.get(name, name))
            if raw.startswith("$") or raw.startswith("("):
                cmd.dynamic = True
            elements = child.child_by_field_name("command_elements")
            pending: str | None = None
            for element in elements.children if elements is not None else ():
                if element.type == "command_argument_sep":
                    continue
                cmd.words.append(src[element.start_byte : element.end_byte])
                if element.type == "command_parameter":
                    param = _unescape(src[element.start_byte : element.end_byte]).lower()
                    param = param.rstrip(":")
                    cmd.params[param] = None
                    pending = param
                    continue
                value, dynamic = _literal(src, element)
                if (
                    pending is not None
                    and cmd.params.get(pending) is None
                    and not any(switch.startswith(pending) for switch in _SWITCHES)
                ):
                    cmd.params[pending] = value
                else:
                    cmd.args.append(value)
                if dynamic:
                    cmd.dynamic = True
                pending = None
            out.append(cmd)
        for i, cmd in enumerate(out):
            cmd.piped = out[:i]
        if out:
            yield out


def _param(cmd: _PsCommand, *names: str) -> str | None:
    """A parameter's value by any unambiguous prefix PowerShell accepts."""
    for given, value in cmd.params.items():
        for name in names:
            if len(given) >= 3 and name.startswith(given) and value is not None:
                return value
    return None


def _flag(cmd: _PsCommand, name: str, shortest: int = 2) -> bool:
    return any(len(p) >= shortest + 1 and name.startswith(p) for p in cmd.params)


def read_powershell(
    code: str, facts: Facts, run_posix: Callable[[str], None], *, depth: int = 0
) -> None:
    """Read PowerShell code into ``facts``; ``run_posix`` judges the POSIX translation."""
    text = code[:_MAX_CHARS]
    if _SECRET_TYPES.search(text):
        facts.credential("windows_credentials")
    try:
        tree = _ps_parse(text)
    except (ValueError, RuntimeError, ImportError):
        _opaque(facts)
        return
    src = text if text.isascii() else _NON_ASCII.sub("_", text)
    if tree.root_node.has_error:
        # the grammar rejects comma lists of command arguments (``rm .\bin, .\obj``):
        # as separate arguments they mean the same to us
        spaced = _ARG_COMMA.sub(" ", src)
        retry = _ps_parse(spaced)
        if retry.root_node.has_error:
            _opaque(facts)
        else:
            tree, src = retry, spaced
    posix: list[str] = []
    for n, pipeline in enumerate(_ps_commands(src, tree.root_node)):
        if n >= _MAX_STATEMENTS:
            _opaque(facts)
            break
        for cmd in pipeline:
            line = _ps_command(cmd, facts, run_posix, depth)
            if line:
                posix.append(line)
    if posix:
        run_posix(" ; ".join(posix))


def _paths_of(cmd: _PsCommand) -> list[str]:
    found = [v for p, v in cmd.params.items() if v is not None and p in _PARAM_PATH]
    found += [v for p, v in cmd.params.items() if v is not None and len(p) >= 3
              and any(name.startswith(p) for name in ("-path", "-literalpath"))]  # fmt: skip
    found += cmd.args
    return [windows_path(v) for v in dict.fromkeys(found) if v]


def _is_registry(path: str) -> bool:
    return bool(re.match(r"^(?:HK(?:LM|CU|CR|U|CC)|Registry::|HKEY_)", path, re.IGNORECASE))


def _ps_command(
    cmd: _PsCommand, facts: Facts, run_posix: Callable[[str], None], depth: int
) -> str | None:
    name = cmd.name
    if not name or name.startswith(("$", "(", "[")):
        _opaque(facts)  # the command itself is computed: ``& $p``, ``. (expr)``
        return None
    raw_paths = [v for v in [*cmd.params.values(), *cmd.args] if v]
    if name in _REGISTRY_WRITE and any(_is_registry(p) for p in raw_paths):
        for key in (p for p in raw_paths if _is_registry(p)):
            _registry(key, facts, write=True)
        return None
    paths = _paths_of(cmd)
    if name == "remove-item":
        if not paths and cmd.piped:
            source = cmd.piped[0]
            if source.name == "get-childitem":
                root = (_paths_of(source) or ["."])[0]
                paths = [root]
        if cmd.dynamic and not paths:
            _opaque(facts)
            return None
        recursive = _flag(cmd, "-recurse", shortest=1) or bool(cmd.piped)
        return "rm " + ("-rf " if recursive else "-f ") + " ".join(_q(p) for p in paths)
    if name in _READ:
        return "cat " + " ".join(_q(p) for p in paths) if paths else None
    if name in _WRITE:
        target = _param(cmd, "-path", "-filepath", "-literalpath") or (cmd.args[:1] or [""])[0]
        return "echo > " + _q(windows_path(target)) if target else None
    if name in ("copy-item", "move-item"):
        verb = "cp -r" if name == "copy-item" else "mv"
        positional = iter(cmd.args)
        src = _param(cmd, "-path", "-literalpath") or next(positional, None)
        dst = _param(cmd, "-destination") or next(positional, None)
        ops = [windows_path(v) for v in (src, dst) if v]
        return verb + " " + " ".join(_q(p) for p in ops[:2])
    if name in _FETCH:
        url = _param(cmd, "-uri", "-source") or next((a for a in cmd.args if "://" in a), None)
        if url is None:
            return None
        out = _param(cmd, "-outfile", "-destination")
        method = (_param(cmd, "-method") or "").upper()
        body = _param(cmd, "-body", "-infile")
        posix = "curl "
        if body is not None or method in ("POST", "PUT", "PATCH"):
            posix += "-d " + _q(body or "@-") + " "
        if out:
            posix += "-o " + _q(windows_path(out)) + " "
        return posix + _q(url)
    if name == "invoke-expression":
        fetched = any(c.name in _FETCH for c in cmd.piped) or any(
            _FETCH_IN_TEXT.search(a) for a in cmd.args
        )
        if fetched:
            facts.tag("download_exec", "code_exec")
            facts.propose("code:exec", Severity.CRITICAL)
        elif cmd.dynamic or cmd.piped or not cmd.args:
            _opaque(facts)
        elif depth < 4:
            read_powershell(" ".join(cmd.args), facts, run_posix, depth=depth + 1)
        return None
    if name in ("start-process", "invoke-item"):
        target = _param(cmd, "-filepath") or (cmd.args[:1] or [""])[0]
        arguments = _param(cmd, "-argumentlist")
        if not target:
            return None
        program = target.lower().rsplit("\\", 1)[-1].removesuffix(".exe")
        if program in ("cmd", "powershell", "pwsh") and arguments:
            if program == "cmd":
                read_cmd(arguments, facts, run_posix, depth=depth + 1)
                return None
            return shlex.join([program, *shlex.split(arguments, posix=False)])
        return _q(windows_path(target))
    if name in _DISK:
        facts.tag("format_disk")
        facts.destroy(critical=True)
        return None
    if name in ("set-mppreference", "add-mppreference"):
        if any(p.startswith(("-disable", "-exclusion")) for p in cmd.params) or any(
            p.startswith("-disable") for p in cmd.params
        ):
            _weaken(facts)
        return None
    if name in ("stop-service", "set-service", "remove-service") and any(
        a.lower() in _SECURITY_SERVICES for a in [*cmd.args, *filter(None, cmd.params.values())]
    ):
        _weaken(facts)
        return None
    if name in ("set-netfirewallprofile", "disable-netfirewallrule") or (
        name == "clear-eventlog" or name == "remove-eventlog"
    ):
        _weaken(facts)
        return None
    if name in ("new-localuser", "add-localgroupmember", "add-adgroupmember", "set-localuser"):
        facts.privilege(critical=True)
        return None
    if name in ("register-scheduledtask", "new-scheduledtask", "new-service",
                "register-wmievent", "set-wmiinstance"):  # fmt: skip
        facts.tag("persistence")
        facts.propose("fs:write", Severity.HIGH)
        return None
    if name in ("stop-computer", "restart-computer"):
        return "shutdown -h now"
    if _CREDENTIAL_CMDLETS.match(name):
        facts.credential("windows_credentials", Severity.CRITICAL)
        return None
    if name in ("get-childitem", "get-item", "test-path", "resolve-path"):
        return "ls " + " ".join(_q(p) for p in paths) if paths else None
    if name in ("powershell", "pwsh"):
        return shlex.join([name, *(w.strip("'\"") for w in cmd.words)])
    if "-" in name:
        return None  # another cmdlet: nothing the rules judge
    # a native program (cmd, rundll32, certutil, rm.exe...): read as cmd.exe would run it
    return _cmd_command([name, *cmd.words], facts, run_posix, depth)
