"""PowerShell to action facts, read with tree-sitter's PowerShell grammar.

Every command of a script (in pipelines, nested expressions and script blocks too) is taken
from the syntax tree with its name and arguments as they will be at run time: quotes,
backtick escapes, parameter prefixes (``-r`` for ``-Recurse``, ``-Path:x``), ``$HOME`` and
``$env:USERPROFILE``. Cmdlets and their aliases are then read as the POSIX programs that do
the same (``Remove-Item -Recurse C:\\`` is ``rm -r /``, ``Get-Content`` is ``cat``,
``Invoke-WebRequest -OutFile`` is ``curl -o``), so the families of
:mod:`~aimds.rules.understanding.shell_programs` judge them: one meaning, whatever the shell.
Native programs (``curl.exe``, ``schtasks``) go to the same handlers.

What cannot be known statically is opaque, as in the bash reader: a command name that is
computed (``& $x``, ``& ("Re"+"move-Item")``), ``Invoke-Expression`` of anything but a
literal, input the grammar rejects. Windows drive paths become POSIX paths (``C:\\`` is ``/``,
``C:\\Users\\bob`` a home directory).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aimds.rules.understanding.shell_programs import Context, run_argv
from aimds.rules.understanding.windows_cmd import posix_path
from aimds.types import Severity

__all__ = ["read_powershell"]

_MAX_CHARS = 16384
_MAX_COMMANDS = 64
_HOME_VARS = frozenset({"$home", "$env:userprofile", "$env:homepath", "${env:userprofile}"})
_SYSTEM_VARS = {"$env:systemroot": "C:\\Windows", "$env:windir": "C:\\Windows",
                "$env:programfiles": "C:\\Program Files", "$env:systemdrive": "C:",
                "$env:temp": "/tmp", "$env:tmp": "/tmp"}  # fmt: skip
# Switch parameters (no value) of the cmdlets read here; any other parameter takes a value.
_SWITCHES = frozenset(
    {"recurse", "force", "whatif", "confirm", "verbose", "debug", "passthru", "noprofile",
     "usebasicparsing", "nonewline", "append", "wait", "nonewwindow", "noninteractive",
     "raw", "asjob", "skipcertificatecheck", "file", "directory", "hidden", "name"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Cmdlet:
    """How a cmdlet reads as a POSIX program: ``program`` and the parameters that carry
    its operands (positional order first), the switches that become flags."""

    program: str
    operands: tuple[str, ...] = ("path", "literalpath")
    flags: tuple[tuple[str, str], ...] = ()
    values: tuple[tuple[str, str], ...] = ()  # parameter -> flag taking the value


def _aliases(names: str, cmdlet: _Cmdlet) -> dict[str, _Cmdlet]:
    return dict.fromkeys(names.split(), cmdlet)


_REMOVE = _Cmdlet("rm", flags=(("recurse", "-r"), ("force", "-f")))
_READ = _Cmdlet("cat")
_WRITE = _Cmdlet("tee", operands=("path", "literalpath", "filepath"))
_COPY = _Cmdlet("cp", operands=("path", "literalpath", "destination"))
_MOVE = _Cmdlet("mv", operands=("path", "literalpath", "destination"))
_LIST = _Cmdlet("ls")
_WEB = _Cmdlet(
    "curl",
    operands=("uri", "url"),
    values=(("outfile", "-o"), ("method", "-X"), ("body", "-d"), ("infile", "-T"),
            ("credential", "-u"), ("destination", "-o"), ("source", "--url")),
)  # fmt: skip
_CMDLETS: dict[str, _Cmdlet] = {
    **_aliases("remove-item ri rm rmdir rd del erase", _REMOVE),
    **_aliases("get-content gc cat type", _READ),
    **_aliases("set-content add-content ac out-file tee-object", _WRITE),
    **_aliases("copy-item cpi cp copy", _COPY),
    **_aliases("move-item mi mv move", _MOVE),
    **_aliases("get-childitem gci ls dir get-item gi", _LIST),
    **_aliases("invoke-webrequest iwr curl wget invoke-restmethod irm start-bitstransfer", _WEB),
}
_EVAL = frozenset({"invoke-expression", "iex"})
_START = frozenset({"start-process", "saps", "start", "invoke-item", "ii"})
_PERSIST = frozenset({"register-scheduledtask", "new-scheduledtask", "new-service",
                      "set-service", "register-wmievent", "set-wmiinstance"})  # fmt: skip
_AUTORUN = re.compile(r"currentversion[\\/]+(?:run|runonce|policies[\\/]+explorer[\\/]+run)\b|"
                      r"winlogon|image file execution options", re.IGNORECASE)  # fmt: skip
_REGISTRY_WRITE = frozenset({"new-itemproperty", "set-itemproperty", "sp", "new-item", "ni"})
_WIPE = frozenset({"format-volume", "clear-disk", "initialize-disk", "remove-partition"})
_POWER = frozenset({"stop-computer", "restart-computer"})
_ADMIN_GROUP = re.compile(r"administrators|domain admins|remote desktop users", re.IGNORECASE)


class _Parsers(threading.local):
    parser: Any = None
    language: Any = None


_PARSERS = _Parsers()


def _parse(text: str) -> Any:
    parser = _PARSERS.parser
    if parser is None:
        import tree_sitter_powershell
        from tree_sitter import Language, Parser

        _PARSERS.language = Language(tree_sitter_powershell.language())
        parser = Parser(_PARSERS.language)
        _PARSERS.parser = parser
    return parser.parse(text.encode("utf-8", "replace"))


@dataclass(slots=True)
class _Command:
    name: str
    computed: bool
    words: list[tuple[str, bool, bool]] = field(default_factory=list)  # text, dynamic, param


def read_powershell(code: str, ctx: Context) -> bool:
    """Add the facts of PowerShell ``code``; False when the grammar is unavailable."""
    text = code[:_MAX_CHARS]
    try:
        tree = _parse(text)
    except (ImportError, ValueError, RuntimeError):
        return False
    src = text.encode("utf-8", "replace")
    root = tree.root_node
    if root.has_error or len(code) > _MAX_CHARS:
        _opaque(ctx)
    for count, commands in enumerate(_pipelines(root, src)):
        if count >= _MAX_COMMANDS:
            _opaque(ctx)
            break
        _judge_pipeline(commands, ctx)
    return True


def _pipelines(root: Any, src: bytes) -> Iterator[list[_Command]]:
    """Every pipeline chain under ``root`` with its commands, inner ones included."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "pipeline_chain":
            commands = [_command(c, src) for c in node.named_children if c.type == "command"]
            if commands:
                yield commands
        stack.extend(reversed(node.named_children))


def _command(node: Any, src: bytes) -> _Command:
    name_node = node.child_by_field_name("command_name")
    computed = False
    if name_node is None:
        expr = next((c for c in node.named_children if c.type == "command_name_expr"), None)
        inner = expr.named_children[0] if expr is not None and expr.named_children else None
        if inner is not None and inner.type in ("command_name", "string_literal"):
            name, dynamic = _value(inner, src)
            computed = dynamic
        else:
            name, computed = (_text(expr, src) if expr is not None else ""), True
    else:
        name, computed = _value(name_node, src)
    cmd = _Command(name=name, computed=computed)
    elements = node.child_by_field_name("command_elements")
    for child in elements.named_children if elements is not None else ():
        if child.type == "command_argument_sep":
            continue
        if child.type == "command_parameter":
            cmd.words.append((_text(child, src), False, True))
        else:
            value, dynamic = _value(child, src)
            cmd.words.append((value, dynamic, False))
    return cmd


def _text(node: Any, src: bytes) -> str:
    return src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _value(node: Any, src: bytes) -> tuple[str, bool]:
    """What an argument is at run time, and whether it is computed (then its source)."""
    while node.type in ("array_literal_expression", "unary_expression") and node.named_children:
        if len(node.named_children) != 1:
            break
        node = node.named_children[0]
    text = _text(node, src)
    if node.type in ("generic_token", "command_name"):
        if "$" in text or "(" in text:
            return _expand(text)
        return _unescape(text), False
    if node.type == "string_literal":
        if text.startswith("'"):
            return text[1:-1].replace("''", "'"), False
        return _expand(_unescape(text[1:-1]))
    if node.type == "variable":
        return _expand(text)
    return text, True


def _expand(text: str) -> tuple[str, bool]:
    """``$HOME``/``$env:USERPROFILE`` and a few system variables at the start of a word;
    any other variable or subexpression makes it computed."""
    lower = text.lower()
    for var in sorted(_HOME_VARS | set(_SYSTEM_VARS), key=len, reverse=True):
        if lower.startswith(var) and not lower[len(var) : len(var) + 1].isalnum():
            rest = text[len(var) :]
            base = "~" if var in _HOME_VARS else _SYSTEM_VARS[var]
            return (base + rest, "$" in rest or "(" in rest)
    return text, True


def _unescape(text: str) -> str:
    """PowerShell's escape character is the backtick: `` r`m `` is ``rm``."""
    return re.sub(r"`(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r", "0": ""}.get(
        m.group(1), m.group(1)), text) if "`" in text else text  # fmt: skip


def _judge_pipeline(commands: list[_Command], ctx: Context) -> None:
    before: list[str] = []
    for cmd in commands:
        _judge(cmd, before, ctx)
        before.append(cmd.name.lower().removesuffix(".exe"))


def _judge(cmd: _Command, upstream: list[str], ctx: Context) -> None:
    name = cmd.name.lower().removesuffix(".exe")
    if cmd.computed or not name:
        ctx.facts.tag("code_exec")
        _opaque(ctx)
        return
    params, positional, dynamic = _bind(cmd)
    if name in _EVAL:
        ctx.facts.tag("code_exec")
        if set(upstream) & {"iwr", "irm", "invoke-webrequest", "invoke-restmethod", "curl",
                            "wget"}:  # fmt: skip
            ctx.facts.tag("download_exec")
            ctx.facts.propose("code:exec", Severity.CRITICAL)
            return
        code = params.get("command", positional[0] if positional else None)
        if code is None or code[1]:
            _opaque(ctx)
        else:
            read_powershell(code[0], ctx)
        return
    if name in _START:
        target = params.get("filepath", positional[0] if positional else None)
        if target is None or target[1]:
            _opaque(ctx)
            return
        if "runas" in (params.get("verb", ("", False))[0].lower(),):
            ctx.facts.privilege()
        args = params.get("argumentlist", positional[1] if len(positional) > 1 else None)
        program = posix_path(target[0])
        if "/" not in program and "." in program and not program.startswith("."):
            program = "./" + program  # ``Start-Process p.exe`` finds p.exe here too
        argv = [program, *(args[0].split() if args else [])]
        run_argv(argv, ctx, dynamic={a for a in argv if args and args[1] and a in args[0]})
        return
    values = [v for v, _ in [*params.values(), *positional]]
    if name in _PERSIST or (name in _REGISTRY_WRITE and any(_AUTORUN.search(v) for v in values)):
        ctx.facts.tag("persistence")
        ctx.facts.propose("shell:exec", Severity.HIGH)
        return
    if name in _WIPE:
        ctx.facts.tag("format_disk")
        ctx.facts.destroy(critical=True)
        return
    if name in _POWER:
        ctx.facts.destroy(critical=False, type_id="shell:exec")
        return
    if name in ("add-localgroupmember", "add-adgroupmember") and any(
        _ADMIN_GROUP.search(v) for v in values
    ):
        ctx.facts.privilege(critical=True)
        return
    cmdlet = _CMDLETS.get(name)
    if cmdlet is None:  # a native program (or a cmdlet without meaning here)
        words = [w if p else posix_path(w) for w, _d, p in cmd.words]
        run_argv([name, *words], ctx, dynamic=dynamic, piped_in=bool(upstream))
        return
    if cmdlet is _LIST and any(v.lower().rstrip("\\/") == "env:" for v in values):
        ctx.facts.recon()
        ctx.facts.credential("env")
        return
    argv = [cmdlet.program]
    argv += [flag for param, flag in cmdlet.flags if param in params]
    for param, flag in cmdlet.values:
        if param in params:
            value = params[param][0]
            argv += [flag, ("@" + posix_path(value)) if param == "infile" else posix_path(value)]
    operands = [params[p] for p in cmdlet.operands if p in params] + positional
    argv += [posix_path(v) for v, _ in operands]
    run_argv(argv, ctx, dynamic={posix_path(v) for v, d in operands if d}, piped_in=bool(upstream))


def _bind(
    cmd: _Command,
) -> tuple[dict[str, tuple[str, bool]], list[tuple[str, bool]], set[str]]:
    """Named parameters (lowercase full names where a prefix was given: ``-r`` is
    ``recurse``), positional arguments, and the computed words."""
    params: dict[str, tuple[str, bool]] = {}
    positional: list[tuple[str, bool]] = []
    dynamic: set[str] = set()
    words = cmd.words
    i = 0
    while i < len(words):
        text, computed, is_param = words[i]
        if computed:
            dynamic.add(text)
        if not is_param:
            positional.append((text, computed))
            i += 1
            continue
        name = _full_name(text.lstrip("-").rstrip(":").lower())
        if name in _SWITCHES or i + 1 >= len(words) or words[i + 1][2]:
            params[name] = ("", False)
            i += 1
            continue
        params[name] = (words[i + 1][0], words[i + 1][1])
        i += 2
    return params, positional, dynamic


_KNOWN = ("recurse", "force", "path", "literalpath", "filepath", "destination", "uri",
          "outfile", "method", "body", "infile", "argumentlist", "verb", "command",
          "credential", "value", "name", "itemtype")  # fmt: skip


def _full_name(prefix: str) -> str:
    """A parameter prefix as the full name it abbreviates (PowerShell accepts any
    unambiguous prefix: ``-r``, ``-rec``, ``-fo``); unknown prefixes stay as written."""
    if prefix in _KNOWN:
        return prefix
    hits = [k for k in _KNOWN if k.startswith(prefix)] if prefix else []
    return hits[0] if len(hits) >= 1 else prefix


def _opaque(ctx: Context) -> None:
    ctx.facts.tag("opaque")
    ctx.facts.propose("shell:opaque")
