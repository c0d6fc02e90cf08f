"""cmd.exe command lines, and what Windows command lines share with PowerShell.

A cmd.exe line is split on ``&``, ``&&``, ``||`` and ``|`` outside quotes (``^`` escapes
dropped, ``%VAR%`` of a Windows session expanded); there is no maintained Python parser for
cmd, and its grammar is this small. Each command is read into what it does and *translated*
into the POSIX command line that does the same to the file system and network (``rd /s /q
C:\\Users`` is ``rm -rf /Users``, ``certutil -urlcache -f URL x.exe`` is ``curl -o x.exe
URL``): the POSIX reader (:mod:`~aimds.rules.understanding.shell`) judges that with its one
set of path, download-then-run and hard-rule logic. What has no POSIX counterpart (registry
Run keys, ``mshta URL``, ``reg save HKLM\\SAM``, turning off Defender or the firewall) is
added to the facts here.

Windows paths become POSIX paths the way :mod:`aimds.rules.paths` reads them (the drive
dropped, ``\\`` to ``/``, well-known folder names in one case: Windows paths are
case-insensitive).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from aimds.rules.paths import windows_canonical_case
from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.values import looks_like_cmd
from aimds.types import Severity

if TYPE_CHECKING:
    from aimds.rules.understanding.shell_programs import Context

__all__ = [
    "SECURITY_SERVICES",
    "cmd_command",
    "expand_env",
    "looks_like_cmd",
    "opaque",
    "quote_word",
    "read_cmd",
    "registry",
    "remote_code",
    "translate_cmd",
    "weaken",
    "windows_path",
]

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


_RUNNABLE = re.compile(r"\.(?:exe|com|bat|cmd|ps1|vbs|vbe|js|jse|wsf|hta|msi|scr|cpl)$", re.I)


def local_program(word: str) -> str:
    """A bare file name with a runnable extension as Windows runs it: from the current
    directory first (``a.exe`` is ``./a.exe``), so a download saved there is what runs."""
    return "./" + word if "/" not in word and _RUNNABLE.search(word) else word


def expand_env(word: str, pattern: re.Pattern[str]) -> str:
    def one(m: re.Match[str]) -> str:
        value = _ENV_PATHS.get(m.group(1).lower())
        return m.group(0) if value is None else value

    return pattern.sub(one, word)


def quote_word(word: str) -> str:
    """One POSIX shell word; a leading ``~`` stays a home."""
    if word == "~" or word.startswith("~/"):
        return "~" + (shlex.quote(word[1:]) if len(word) > 1 else "")
    return shlex.quote(word)


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
SECURITY_SERVICES = frozenset(
    {"windefend", "sense", "wdnissvc", "mpssvc", "eventlog", "wscsvc", "securityhealthservice",
     "bfe", "wuauserv"}
)  # fmt: skip


def registry(key: str, facts: Facts, *, write: bool) -> None:
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
        weaken(facts)
    facts.propose("fs:write", Severity.HIGH)


def weaken(facts: Facts) -> None:
    """A security control is turned off or weakened (antivirus, firewall, audit, UAC)."""
    facts.tag("security_weakening")
    facts.privilege(critical=False)


def remote_code(facts: Facts, url: str) -> None:
    """A program that fetches and runs code from a URL by itself (mshta, regsvr32 /i:)."""
    facts.resource(url[:512])
    facts.mark_outbound()
    facts.tag("download_exec", "code_exec")
    facts.propose("code:exec", Severity.CRITICAL)


def opaque(facts: Facts) -> None:
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


def translate_cmd(
    text: str, facts: Facts, run_posix: Callable[[str], None], *, depth: int = 0
) -> None:
    """Read a cmd.exe command line into ``facts``; ``run_posix`` judges the POSIX
    translation (one line for the whole input, so a download and its run are seen together)."""
    posix: list[str] = []
    for n, (words, _piped) in enumerate(_cmd_statements(expand_env(text[:_MAX_CHARS], _CMD_ENV))):
        if n >= _MAX_STATEMENTS:
            opaque(facts)
            break
        line = cmd_command(words, facts, run_posix, depth)
        if line:
            posix.append(line)
    if posix:
        run_posix(" ; ".join(posix))


def _switches(words: list[str]) -> set[str]:
    return {w[1:].lower().split(":", 1)[0] for w in words[1:] if w.startswith("/") and len(w) > 1}


def _operands(words: list[str]) -> list[str]:
    return [w for w in words[1:] if not (w.startswith("/") and len(w) <= 12 and "\\" not in w[1:])]


def cmd_command(
    words: list[str], facts: Facts, run_posix: Callable[[str], None], depth: int
) -> str | None:
    words = [w.strip('"') for w in words if w.strip('"') or w == '""']
    if not words:
        return None
    program = words[0].lower().replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".exe")
    switches = _switches(words)
    ops = [windows_path(w) for w in _operands(words)]
    lowered = [w.lower() for w in words[1:]]
    if program in ("del", "erase"):
        flag = "-rf" if "s" in switches else "-f"
        return "rm " + flag + " " + " ".join(quote_word(p) for p in ops)
    if program in ("rd", "rmdir"):
        flag = "-rf" if "s" in switches else "-d"
        return "rm " + flag + " " + " ".join(quote_word(p) for p in ops)
    if program in ("type", "more"):
        return "cat " + " ".join(quote_word(p) for p in ops)
    if program in ("copy", "xcopy", "robocopy"):
        return "cp -r " + " ".join(quote_word(p) for p in ops[:2])
    if program == "move":
        return "mv " + " ".join(quote_word(p) for p in ops[:2])
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
        weaken(facts)
        return None
    if program == "diskpart":
        facts.destroy(critical=True)
        return None
    if program == "certutil":
        url = next((w for w in words[1:] if "://" in w), None)
        if url is not None:
            out = [o for o in ops if "://" not in o]
            target = out[-1] if out else "certutil.out"
            return "curl -o " + quote_word(target) + " " + quote_word(url)
        if {"decode", "decodehex"} & switches and len(ops) >= 2:
            facts.tag("opaque")
            return "base64 -d " + quote_word(ops[0]) + " > " + quote_word(ops[1])
        return None
    if program == "bitsadmin" and "transfer" in switches:
        urls = [w for w in words[1:] if "://" in w]
        out = [o for o in ops if "://" not in o and o.startswith("/")]
        if urls:
            return (
                "curl -o " + quote_word(out[-1] if out else "bits.out") + " " + quote_word(urls[0])
            )
        return None
    if program == "mshta" or (program == "regsvr32" and any("://" in w for w in words)):
        url = next((w.split(":", 1)[1] if w.lower().startswith("/i:") else w
                    for w in words[1:] if "://" in w), None)  # fmt: skip
        if url is not None:
            remote_code(facts, url)
        else:
            facts.tag("code_exec")
            facts.propose("code:exec", Severity.HIGH)
        return None
    if program == "rundll32":
        joined = " ".join(words[1:]).lower()
        if "javascript:" in joined or "://" in joined:
            remote_code(facts, joined)
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
            registry(key, facts, write=True)
        elif sub == "query":
            registry(key, facts, write=False)
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
        if lowered[1] in SECURITY_SERVICES:
            weaken(facts)
        return None
    if program in ("net", "net1"):
        sub = lowered[0] if lowered else ""
        if sub in ("user", "localgroup", "group") and "add" in switches:
            facts.privilege(critical=True)
        elif sub == "stop" and len(lowered) > 1 and lowered[1] in SECURITY_SERVICES:
            weaken(facts)
        elif sub in ("user", "localgroup", "group", "accounts", "share", "view", "session"):
            facts.recon()
        return None
    if (
        program == "netsh"
        and "firewall" in " ".join(lowered)
        and ("off" in lowered or "disable" in lowered or "allowedprogram" in lowered)
    ):
        weaken(facts)
        return None
    if program in ("wevtutil", "auditpol") and (
        {"cl", "clear-log"} & set(lowered) or "clear" in switches or "remove" in switches
    ):
        weaken(facts)  # erasing event logs or audit policy: covering tracks
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
            translate_cmd(" ".join(rest), facts, run_posix, depth=depth + 1)
        return None
    if program in ("powershell", "pwsh"):
        return shlex.join([program, *words[1:]])  # the POSIX reader knows its flags
    if program == "start":
        started = next((w for w in ops if w), None)
        return quote_word(local_program(started)) if started else None
    if program in ("cscript", "wscript", "msiexec"):
        target = next((w for w in words[1:] if not w.startswith("/")), "")
        if "://" in target:
            remote_code(facts, target)
            return None
        return quote_word(windows_path(target)) if target else None
    # any other program: its own name (a file just downloaded, run) and its path operands
    return " ".join(
        quote_word(local_program(windows_path(w)) if n == 0 else windows_path(w))
        for n, w in enumerate(words)
    )


def read_cmd(text: str, ctx: Context) -> None:
    """Add the facts of a cmd.exe line to ``ctx`` (its POSIX translation runs through
    ``ctx.recurse``, sharing what earlier commands downloaded)."""
    translate_cmd(text, ctx.facts, ctx.recurse)
