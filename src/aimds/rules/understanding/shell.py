"""Shell commands to action facts: what a command line reads, deletes, sends or escalates.

:func:`analyze_command` splits a command line into simple commands (pipelines, ``;``,
``&&``, ``||``, ``&``, subshells, ``$(...)``, backticks, ``<(...)``), unwraps launchers
(``sudo``, ``env X=Y``, ``nohup``, ``timeout``, ``xargs``, ``bash -c``/``sh -c``, ``eval``,
absolute binary paths) and judges each command by meaning: credential stores read
(via :data:`~aimds.rules.paths.SENSITIVE_PATHS`), destructive operations, data sent out,
reconnaissance and privilege changes. It never raises and never touches the filesystem.

Commands without quotes or shell metacharacters skip ``shlex`` entirely (the common case
costs a few microseconds); nesting is bounded.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from aimds.errors import InputError
from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.shell_programs import HANDLERS, Context, SimpleCommand, inline_code
from aimds.types import ActionInfo

__all__ = ["analyze_command", "collect_code", "collect_command", "split_command"]

_MAX_DEPTH = 4
_MAX_CHARS = 16384
_MAX_COMMANDS = 64

_PLAIN = re.compile(r"^[^'\"\\`$()<>|;&\n]*$")
_SUBST = re.compile(r"\$\(([^()]*)\)|`([^`]*)`|[<>]\(([^()]*)\)")
_TOKEN = re.compile(
    r"\d*(?:>>|>&|&>>|&>|>\||<<<|<<-?|<>|[<>])|\|\||\|&|&&|;;|[;|&()\n]|[^\s;|&()<>]+"
)
_REDIRECT = re.compile(r"^\d*(>>|>&|&>>|&>|>\||<<<|<<-?|<>|<|>)$")
_SEPARATORS = frozenset({";", "&&", "||", "&", "\n", "(", ")", ";;"})
_PIPES = frozenset({"|", "|&"})
_FORK_BOMB = re.compile(r"(\w+|:)\s*\(\)\s*\{[^}]*\|\s*[\w:]+\s*&[^}]*\}\s*;")


@dataclass(slots=True)
class _Pipeline:
    commands: list[SimpleCommand] = field(default_factory=list)


_OPERATOR = r"\d*(?:>>|>&|&>>|&>|>\||<<<|<<-?|<>|[<>])|\|\||\|&|&&|;;|[;|&()\n]"
# possessive quantifiers: no backtracking, so a long line with an odd quote stays linear
_WORD = r"""(?:[^\s;|&()<>'"]|'[^']*+'|"[^"]*+")++"""
_QUOTED_TOKEN = re.compile(_OPERATOR + "|" + _WORD)
_QUOTED_LINE = re.compile(r"(?:[^\S\n]*+(?:" + _OPERATOR + "|" + _WORD + r"))*+\s*+")
_QUOTES = re.compile("'([^']*)'|\"([^\"]*)\"")


def _unquote(m: re.Match[str]) -> str:
    return m.group(1) if m.group(1) is not None else m.group(2)


def _tokens(text: str) -> list[str]:
    if "\\" not in text and _QUOTED_LINE.fullmatch(text):
        # balanced quotes, no escapes: quotes only group words (the common quoted case)
        return [
            _QUOTES.sub(_unquote, tok) if "'" in tok or '"' in tok else tok
            for tok in _QUOTED_TOKEN.findall(text)
        ]
    if "'" in text or '"' in text or "\\" in text:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = ""
        try:
            return list(lexer)
        except ValueError:
            pass  # unbalanced quotes: fall back to the plain tokenizer
    return _TOKEN.findall(text)


def _extract_substitutions(text: str, inner: list[str]) -> str:
    """Replace ``$(...)``, backticks and ``<(...)`` by a placeholder; collect their text."""
    for _ in range(8):
        found = False

        def keep(m: re.Match[str]) -> str:
            nonlocal found
            found = True
            inner.append(m.group(1) or m.group(2) or m.group(3) or "")
            return " __subst__ "

        text = _SUBST.sub(keep, text)
        if not found:
            break
    return text


def _pipelines(tokens: list[str]) -> list[_Pipeline]:
    pipelines: list[_Pipeline] = []
    current = _Pipeline()
    cmd = SimpleCommand()
    pending: str | None = None
    for tok in tokens:
        if pending is not None:
            if pending in ("<", "<>"):
                cmd.reads.append(tok)
            elif pending == "<<<":
                cmd.here_string = True
            elif pending.startswith("<<"):
                pass  # heredoc delimiter
            elif pending == ">&" and (tok.isdigit() or tok == "-"):
                pass
            else:
                cmd.writes.append(tok)
            pending = None
            continue
        if tok in _SEPARATORS or tok in _PIPES:
            if cmd.argv or cmd.reads or cmd.writes:
                current.commands.append(cmd)
            if tok in _PIPES:
                cmd = SimpleCommand(piped_in=True)
                continue
            if current.commands:
                pipelines.append(current)
            current = _Pipeline()
            cmd = SimpleCommand()
            continue
        m = _REDIRECT.match(tok)
        if m is not None:
            if cmd.argv and cmd.argv[-1].isdigit() and len(cmd.argv) > 1:
                cmd.argv.pop()
            pending = m.group(1)
            continue
        cmd.argv.append(tok)
        if len(cmd.argv) > 256:
            break
    if cmd.argv or cmd.reads or cmd.writes:
        current.commands.append(cmd)
    if current.commands:
        pipelines.append(current)
    for pipeline in pipelines:
        for left, right in zip(pipeline.commands, pipeline.commands[1:], strict=False):
            left.piped_out = True
            right.piped_in = True
    return pipelines


def split_command(command: str) -> list[list[str]]:
    """The simple commands of a command line as argument lists (substitutions included)."""
    if not isinstance(command, str):
        raise InputError(f"command: expected a string, got {type(command).__name__}")
    out: list[list[str]] = []
    _walk(command, 0, lambda cmd, _pipe: out.append(list(cmd.argv)))
    return out


def _walk(
    command: str,
    depth: int,
    visit: Callable[[SimpleCommand, list[SimpleCommand]], None],
) -> None:
    if depth > _MAX_DEPTH or not command:
        return
    text = command[:_MAX_CHARS]
    if _PLAIN.match(text):
        argv = text.split()
        if argv:
            cmd = SimpleCommand(argv=argv)
            visit(cmd, [cmd])
        return
    inner: list[str] = []
    if "$(" in text or "`" in text or "<(" in text or ">(" in text:
        text = _extract_substitutions(text, inner)
    count = 0
    for pipeline in _pipelines(_tokens(text)):
        for cmd in pipeline.commands:
            count += 1
            if count > _MAX_COMMANDS:
                return
            visit(cmd, pipeline.commands)
    for sub in inner:
        _walk(sub, depth + 1, visit)


def collect_command(
    command: str, facts: Facts, *, cwd: str = "/", home: str = "/root", depth: int = 0
) -> None:
    """Add the facts of ``command`` to ``facts`` (used by the taxonomy classifier)."""
    if not isinstance(command, str) or not command.strip():
        return
    if _FORK_BOMB.search(command):
        facts.destroy(critical=True, type_id="shell:exec")

    def recurse(inner: str) -> None:
        collect_command(inner, facts, cwd=cwd, home=home, depth=depth + 1)

    def visit(cmd: SimpleCommand, pipeline: list[SimpleCommand]) -> None:
        ctx = Context(facts=facts, cwd=cwd, home=home, recurse=recurse, pipeline=pipeline)
        _analyze_simple(cmd, ctx)

    _walk(command, depth, visit)


def _analyze_simple(cmd: SimpleCommand, ctx: Context) -> None:
    for target in cmd.reads:
        ctx.read(target)
    for target in cmd.writes:
        ctx.write(target)
    argv = ctx.unwrap(cmd.argv)
    if not argv:
        return
    name = ctx.binary(argv[0])
    handler = HANDLERS.get(name)
    if handler is not None:
        handler(argv, cmd, ctx)
    else:
        ctx.generic(argv, cmd)


def analyze_command(command: str, *, cwd: str = "/", home: str = "/root") -> ActionInfo:
    """Classify one shell command line (base type ``shell:exec``). Never raises."""
    facts = Facts("shell:exec")
    if isinstance(command, str):
        collect_command(command, facts, cwd=cwd, home=home)
    return facts.to_info()


def collect_code(code: str, facts: Facts, *, cwd: str = "/", home: str = "/root") -> None:
    """Add the facts of inline interpreter code (paths it opens, env dumps, network use)."""
    if not isinstance(code, str) or not code.strip():
        return

    def recurse(inner: str) -> None:
        collect_command(inner, facts, cwd=cwd, home=home, depth=1)

    ctx = Context(facts=facts, cwd=cwd, home=home, recurse=recurse, pipeline=[])
    inline_code(code, ctx)
