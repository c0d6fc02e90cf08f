"""PowerShell code, parsed with tree-sitter-powershell, read into what it does.

Cmdlets and their aliases (``rm``, ``iwr``, ``iex``...) are resolved, parameters by any
unambiguous prefix (``-r``, ``-fo``), backtick escapes outside quotes dropped, ``$env:``
and ``$HOME`` expanded. Each command is translated into the POSIX line that does the same
(``Remove-Item -Recurse C:\\`` is ``rm -rf /``; ``iwr URL -OutFile f; Start-Process f`` is
``curl -o f URL; ./f``), judged by the one POSIX reader; registry, Defender, firewall,
scheduled tasks, local users and credential cmdlets are added as facts. Native programs
(``certutil``, ``rundll32``...) are read as cmd.exe runs them
(:mod:`~aimds.rules.understanding.windows_cmd`). A command whose name is computed (``& $p``,
``iex $x``) is opaque.
"""

from __future__ import annotations

import re
import shlex
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.windows_cmd import (
    SECURITY_SERVICES,
    cmd_command,
    expand_env,
    local_program,
    opaque,
    quote_word,
    registry,
    translate_cmd,
    weaken,
    windows_path,
)
from aimds.types import Severity

if TYPE_CHECKING:
    from aimds.rules.understanding.shell_programs import Context

__all__ = ["read_powershell"]

_MAX_CHARS = 16384
_MAX_STATEMENTS = 256
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
            inner = _PS_HOME.sub("~", expand_env(inner, _PS_ENV))
            return inner.replace("`", ""), "$" in inner or "(" in inner
        return inner, False
    expanded = _PS_HOME.sub("~", expand_env(_unescape(text), _PS_ENV))
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


def translate_powershell(
    code: str, facts: Facts, run_posix: Callable[[str], None], *, depth: int = 0
) -> bool:
    """Read PowerShell code into ``facts``; ``run_posix`` judges the POSIX translation."""
    text = code[:_MAX_CHARS]
    if _SECRET_TYPES.search(text):
        facts.credential("windows_credentials")
    try:
        tree = _ps_parse(text)
    except (ValueError, RuntimeError, ImportError):
        opaque(facts)
        return False
    src = text if text.isascii() else _NON_ASCII.sub("_", text)
    if tree.root_node.has_error:
        # the grammar rejects comma lists of command arguments (``rm .\bin, .\obj``):
        # as separate arguments they mean the same to us
        spaced = _ARG_COMMA.sub(" ", src)
        retry = _ps_parse(spaced)
        if retry.root_node.has_error:
            opaque(facts)
        else:
            tree, src = retry, spaced
    posix: list[str] = []
    for n, pipeline in enumerate(_ps_commands(src, tree.root_node)):
        if n >= _MAX_STATEMENTS:
            opaque(facts)
            break
        for cmd in pipeline:
            line = _ps_command(cmd, facts, run_posix, depth)
            if line:
                posix.append(line)
    if posix:
        run_posix(" ; ".join(posix))
    return True


def _paths_of(cmd: _PsCommand) -> list[str]:
    found = [v for p, v in cmd.params.items() if v is not None and p in _PARAM_PATH]
    found += [v for p, v in cmd.params.items() if v is not None and len(p) >= 3
              and any(name.startswith(p) for name in ("-path", "-literalpath"))]  # fmt: skip
    found += cmd.args
    return [windows_path(v) for v in dict.fromkeys(found) if v]


def _isregistry(path: str) -> bool:
    return bool(re.match(r"^(?:HK(?:LM|CU|CR|U|CC)|Registry::|HKEY_)", path, re.IGNORECASE))


def _ps_command(
    cmd: _PsCommand, facts: Facts, run_posix: Callable[[str], None], depth: int
) -> str | None:
    name = cmd.name
    if not name or name.startswith(("$", "(", "[")):
        opaque(facts)  # the command itself is computed: ``& $p``, ``. (expr)``
        return None
    raw_paths = [v for v in [*cmd.params.values(), *cmd.args] if v]
    if name in _REGISTRY_WRITE and any(_isregistry(p) for p in raw_paths):
        for key in (p for p in raw_paths if _isregistry(p)):
            registry(key, facts, write=True)
        return None
    paths = _paths_of(cmd)
    if name == "remove-item":
        if not paths and cmd.piped:
            source = cmd.piped[0]
            if source.name == "get-childitem":
                root = (_paths_of(source) or ["."])[0]
                paths = [root]
        if cmd.dynamic and not paths:
            opaque(facts)
            return None
        recursive = _flag(cmd, "-recurse", shortest=1) or bool(cmd.piped)
        return "rm " + ("-rf " if recursive else "-f ") + " ".join(quote_word(p) for p in paths)
    if name in _READ:
        return "cat " + " ".join(quote_word(p) for p in paths) if paths else None
    if name in _WRITE:
        target = _param(cmd, "-path", "-filepath", "-literalpath") or (cmd.args[:1] or [""])[0]
        return "echo > " + quote_word(windows_path(target)) if target else None
    if name in ("copy-item", "move-item"):
        verb = "cp -r" if name == "copy-item" else "mv"
        positional = iter(cmd.args)
        src = _param(cmd, "-path", "-literalpath") or next(positional, None)
        dst = _param(cmd, "-destination") or next(positional, None)
        ops = [windows_path(v) for v in (src, dst) if v]
        return verb + " " + " ".join(quote_word(p) for p in ops[:2])
    if name in _FETCH:
        url = _param(cmd, "-uri", "-source") or next((a for a in cmd.args if "://" in a), None)
        if url is None:
            return None
        out = _param(cmd, "-outfile", "-destination")
        method = (_param(cmd, "-method") or "").upper()
        body = _param(cmd, "-body", "-infile")
        posix = "curl "
        if body is not None or method in ("POST", "PUT", "PATCH"):
            posix += "-d " + quote_word(body or "@-") + " "
        if out:
            posix += "-o " + quote_word(windows_path(out)) + " "
        return posix + quote_word(url)
    if name == "invoke-expression":
        fetched = any(c.name in _FETCH for c in cmd.piped) or any(
            _FETCH_IN_TEXT.search(a) for a in cmd.args
        )
        if fetched:
            facts.tag("download_exec", "code_exec")
            facts.propose("code:exec", Severity.CRITICAL)
        elif cmd.dynamic or cmd.piped or not cmd.args:
            opaque(facts)
        elif depth < 4:
            translate_powershell(" ".join(cmd.args), facts, run_posix, depth=depth + 1)
        return None
    if name in ("start-process", "invoke-item"):
        target = _param(cmd, "-filepath") or (cmd.args[:1] or [""])[0]
        arguments = _param(cmd, "-argumentlist")
        if not target:
            return None
        program = target.lower().rsplit("\\", 1)[-1].removesuffix(".exe")
        if program in ("cmd", "powershell", "pwsh") and arguments:
            if program == "cmd":
                translate_cmd(arguments, facts, run_posix, depth=depth + 1)
                return None
            return shlex.join([program, *shlex.split(arguments, posix=False)])
        return quote_word(local_program(windows_path(target)))
    if name in _DISK:
        facts.tag("format_disk")
        facts.destroy(critical=True)
        return None
    if name in ("set-mppreference", "add-mppreference"):
        if any(p.startswith(("-disable", "-exclusion")) for p in cmd.params) or any(
            p.startswith("-disable") for p in cmd.params
        ):
            weaken(facts)
        return None
    if name in ("stop-service", "set-service", "remove-service") and any(
        a.lower() in SECURITY_SERVICES for a in [*cmd.args, *filter(None, cmd.params.values())]
    ):
        weaken(facts)
        return None
    if name in ("set-netfirewallprofile", "disable-netfirewallrule") or (
        name == "clear-eventlog" or name == "remove-eventlog"
    ):
        weaken(facts)
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
    if name in ("get-childitem", "get-item") and any(
        p.lower().rstrip("\\/:*") == "env" for p in raw_paths
    ):
        facts.credential("env")  # ``Get-ChildItem Env:``: every variable, secrets included
        return None
    if name in ("get-childitem", "get-item", "test-path", "resolve-path"):
        return "ls " + " ".join(quote_word(p) for p in paths) if paths else None
    if name in ("powershell", "pwsh"):
        return shlex.join([name, *(w.strip("'\"") for w in cmd.words)])
    if "-" in name:
        return None  # another cmdlet: nothing the rules judge
    # a native program (cmd, rundll32, certutil, rm.exe...): read as cmd.exe would run it
    return cmd_command([name, *cmd.words], facts, run_posix, depth)


def read_powershell(text: str, ctx: Context) -> bool:
    """Add the facts of PowerShell code to ``ctx``; False when the parser is unavailable."""
    return translate_powershell(text, ctx.facts, ctx.recurse)
