"""Shell commands to action facts: what a command line reads, deletes, sends or escalates.

The grammar is tree-sitter's bash grammar (``tree-sitter-bash``), chosen over ``bashlex`` by
measurement: it parses a typical pipeline in about 5 µs where bashlex takes about 245 µs,
and it reads constructs bashlex rejects (``[[ ]]``, ``$(( ))``, ``case``) or mangles
(ANSI-C ``$'\\x72m'`` comes back from bashlex as the word ``$x72m``). Its syntax tree keeps
every word's quoting, so what a word *becomes* is decided here, statically:

- quotes, backslashes, ANSI-C strings, brace expansion (``{rm,-rf,/}``);
- ``$IFS``/``${IFS}`` (a space that splits words), ``$HOME``, ``$PWD`` and variables assigned
  earlier in the same command line (``X=rm; $X -rf /``), ``${X:-default}``;
- command substitutions whose output is known without running anything: ``echo``/``printf``
  of literals, piped through ``base64 -d``, ``base32 -d``, ``xxd -r -p`` or ``rev``.

Every simple command is then judged by :mod:`~aimds.rules.understanding.shell_programs`
(launchers such as ``sudo``, ``env``, ``busybox`` and ``xargs`` unwrapped; ``sh -c``,
``eval`` and interpreter ``-c``/``-e`` strings analysed recursively, to a bounded depth).
What cannot be known statically (a substituted or variable command name, ``eval`` of
computed text, undecodable data piped into a shell, input the parser rejects, nesting
past the depth bound) is the action type ``shell:opaque``: distrusted, never passed.

Commands without quotes or shell metacharacters skip the parser (a few microseconds):
for them every word is a literal and the only separator is whitespace, so splitting on
whitespace gives exactly the words the parser would. Nothing here raises or touches the
filesystem.
"""

from __future__ import annotations

import base64
import binascii
import re
import shlex
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aimds.errors import InputError
from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.shell_programs import (
    HANDLERS,
    Context,
    Session,
    SimpleCommand,
    embedded_commands,
    history_off,
    inline_code,
    run_written,
)
from aimds.types import ActionInfo

__all__ = ["analyze_command", "collect_code", "collect_command", "split_command"]

_MAX_DEPTH = 4
_MAX_CHARS = 16384
_MAX_COMMANDS = 64
_MAX_FIELDS = 256
_MAX_BRACES = 64
_MAX_OUTPUT = 8192

# Only letters, digits, blanks and punctuation that bash never treats specially (no quote,
# escape, expansion, glob, brace, tilde, assignment, redirection, operator or comment).
_PLAIN = re.compile(r"^[A-Za-z0-9 \t_./,:@%+-]*$")
_IFS_SPLIT = "\x00"
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_SPLITTER = re.compile(r"[\s\x00]+")
_BRACE = re.compile(r"\{([^{}]*,[^{}]*)\}")
_ANSI_ESCAPE = re.compile(
    r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)", re.DOTALL
)
_ANSI_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b",
                "E": "\x1b", "f": "\f", "v": "\v"}  # fmt: skip
_FORK_BOMB = re.compile(r"(\w+|:)\s*\(\)\s*\{[^}]*\|\s*[\w:]+\s*&[^}]*\}\s*;")

_STATEMENT_CONTAINERS = frozenset(
    {"program", "list", "subshell", "compound_statement", "do_group", "if_statement",
     "elif_clause", "else_clause", "while_statement", "for_statement",
     "c_style_for_statement", "case_statement", "case_item", "negated_command",
     "function_definition"}
)  # fmt: skip


# ------------------------------------------------------------------------ parser


# One tree-sitter parser per thread (a parser object is not safe to share). A plain
# ``threading.local()`` instance, not a subclass: compiled by mypyc, a subclass's declared
# attributes become native slots that every thread shares.
_PARSERS: Any = threading.local()


def _parse(text: str) -> Any:
    """The syntax tree of ``text``. The caller keeps the returned tree referenced for as
    long as it reads nodes (nodes point into the tree's memory), and the language object
    lives as long as its parser."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        import tree_sitter_bash
        from tree_sitter import Language, Parser

        _PARSERS.language = Language(tree_sitter_bash.language())
        parser = Parser(_PARSERS.language)
        _PARSERS.parser = parser
    # Non-ASCII characters are only ever word characters to bash; the grammar reads each as
    # one placeholder byte (tree-sitter-bash crashed on some multi-byte input under fuzzing),
    # so byte offsets stay character offsets into the original text.
    ascii_text = text if text.isascii() else _NON_ASCII.sub("_", text)
    return parser.parse(ascii_text.encode("ascii"))


# ------------------------------------------------------------------ word values


@dataclass(slots=True, init=False)
class _Word:
    """A word as it will be at run time: its fields, or its source text where computed."""

    value: str
    dynamic: bool = False
    fetched: bool = False  # a substitution whose commands download something

    def __init__(self, value: str, dynamic: bool = False, fetched: bool = False) -> None:
        self.value = value
        self.dynamic = dynamic
        self.fetched = fetched


def _decode_ansi(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        head = esc[0]
        try:
            if head == "x":
                return chr(int(esc[1:], 16))
            if head in "uU":
                return chr(int(esc[1:], 16))
            if head.isdigit():
                return chr(int(esc, 8) & 0xFF)
        except (ValueError, OverflowError):
            return esc
        if head == "c" and len(esc) == 2:
            return chr(ord(esc[1]) & 0x1F)
        return _ANSI_SIMPLE.get(head, esc)

    return _ANSI_ESCAPE.sub(one, body)


def _unescape_word(text: str) -> str:
    """Backslash removal in an unquoted word (``r\\m`` is ``rm``; ``\\<newline>`` joins)."""
    if "\\" not in text:
        return text
    return re.sub(r"\\(\n|.)", lambda m: "" if m.group(1) == "\n" else m.group(1), text)


def _unescape_double(text: str) -> str:
    if "\\" not in text:
        return text
    return re.sub(r"\\([\\$`\"\n])", lambda m: "" if m.group(1) == "\n" else m.group(1), text)


def _expand_braces(word: str) -> list[str]:
    """Brace expansion of comma lists (``{a,b}c`` -> ``ac bc``), bounded."""
    out = [word]
    for _ in range(8):
        changed = False
        nxt: list[str] = []
        for item in out:
            m = _BRACE.search(item)
            if m is None:
                nxt.append(item)
                continue
            changed = True
            for part in m.group(1).split(","):
                nxt.append(item[: m.start()] + part + item[m.end() :])
        out = nxt[:_MAX_BRACES]
        if not changed:
            break
    return out


# ------------------------------------------------------------------ the walker


@dataclass(slots=True, init=False)
class _Walker:
    """One walk over one command line (and its nested strings): state shared by all."""

    facts: Facts
    cwd: str
    home: str
    session: Session
    depth: int
    count: int = 0
    env: dict[str, str | None] = field(default_factory=dict)
    visit: Callable[[SimpleCommand], None] | None = None
    src: str = ""

    def __init__(
        self,
        facts: Facts,
        cwd: str,
        home: str,
        session: Session,
        depth: int,
        count: int = 0,
        env: dict[str, str | None] | None = None,
        visit: Callable[[SimpleCommand], None] | None = None,
        src: str = "",
    ) -> None:
        self.facts = facts
        self.cwd = cwd
        self.home = home
        self.session = session
        self.depth = depth
        self.count = count
        self.env = {} if env is None else env
        self.visit = visit
        self.src = src

    def _t(self, node: Any) -> str:
        """The original text of a node (offsets into the text that was parsed)."""
        return self.src[node.start_byte : node.end_byte]

    # ------------------------------------------------------------ entry

    def run(self, command: str) -> None:
        if self.depth > _MAX_DEPTH:
            _opaque(self.facts, "nesting too deep to follow")
            return
        text = _clean(command[:_MAX_CHARS])
        if len(command) > _MAX_CHARS:
            _opaque(self.facts, "command too long to read whole")
        if _PLAIN.match(text):  # (no parentheses or braces: no fork bomb either)
            argv = text.split()  # ASCII blanks only: exactly bash's word splitting here
            if argv:
                self._simple(SimpleCommand(argv=argv), [])
            return
        if _FORK_BOMB.search(text):
            self.facts.tag("fork_bomb")
            self.facts.destroy(critical=True, type_id="shell:exec")
        self.src = text
        try:
            tree = _parse(text)
            root = tree.root_node
        except (ValueError, RuntimeError, ImportError):
            _opaque(self.facts, "the shell parser is unavailable")
            return
        try:
            if root.has_error:
                _opaque(self.facts, "the command line does not parse")
                self._fallback(text)
                return
            self._statements(root)
        except RecursionError:
            _opaque(self.facts, "nesting too deep to follow")

    def _fallback(self, text: str) -> None:
        """Input the grammar rejects: still judged word by word, on top of being opaque."""
        for argv in _lex(text):
            self._simple(SimpleCommand(argv=argv), [])

    # ------------------------------------------------------------ statements

    def _statements(self, node: Any) -> None:
        for child in node.named_children:
            self._statement(child)

    def _statement(self, node: Any, redirects: tuple[Any, ...] = ()) -> None:
        kind = node.type
        if kind == "command":
            self._pipeline([(node, redirects)])
        elif kind == "pipeline":
            self._pipeline(self._pipeline_parts(node, redirects))
        elif kind == "redirected_statement":
            body = node.child_by_field_name("body")
            own = tuple(c for c in node.named_children if c is not body)
            if body is None:
                self._redirects_only(own)
                return
            tail = [
                c for r in own if r.type == "heredoc_redirect" for c in r.named_children
                if c.type in ("pipeline", "command", "list")
            ]  # fmt: skip
            if tail and body.type == "command":
                parts = [(body, own)]
                for extra in tail:
                    parts.extend(self._pipeline_parts(extra, ()))
                self._pipeline(parts)
            else:
                self._statement(body, redirects + own)
        elif kind == "variable_assignment":
            if _NAME.match(self._t(node)):
                self._assign(node)
            else:  # ``1=x`` is no assignment in POSIX shells but a command word
                cmd = SimpleCommand()
                self._add_word(cmd, node)
                self._pipeline_of([cmd])
        elif kind == "variable_assignments":
            for child in node.named_children:
                self._assign(child)
        elif kind == "declaration_command":
            for child in node.named_children:
                if child.type == "variable_assignment":
                    self._assign(child)
                elif child.type in ("command_substitution", "process_substitution"):
                    self._word(child, in_quotes=False)
        elif kind == "function_definition":
            self._function(node)
        elif kind == "for_statement":
            var = node.child_by_field_name("variable")
            if var is not None:
                self.env[self._t(var)] = None
            for child in node.named_children:
                if child.type == "do_group":
                    self._statements(child)
                elif child.type != "variable_name":
                    self._word(child, in_quotes=False)
        elif kind in ("while_statement", "if_statement", "elif_clause", "else_clause",
                      "case_statement", "case_item", "negated_command", "subshell",
                      "compound_statement", "do_group", "list", "program",
                      "c_style_for_statement", "test_command"):  # fmt: skip
            for child in node.named_children:
                if child.type in _STATEMENT_CONTAINERS or child.type in (
                    "command", "pipeline", "redirected_statement", "variable_assignment",
                    "declaration_command", "test_command", "function_definition",
                ):  # fmt: skip
                    self._statement(child)
                elif child.type in ("command_substitution", "process_substitution"):
                    self._word(child, in_quotes=False)
                else:
                    self._substitutions_in(child)
        elif kind == "unset_command":
            names = [self._t(c) for c in node.named_children]
            if any(history_off(name, None) for name in names):
                self.facts.destroy(critical=False, type_id="shell:exec")  # ``unset HISTFILE``
        elif kind in ("comment", "heredoc_body"):
            return
        else:
            self._substitutions_in(node)

    def _redirects_only(self, redirects: tuple[Any, ...]) -> None:
        cmd = SimpleCommand()
        self._apply_redirects(cmd, redirects)
        ctx = self._context([cmd])
        for target in cmd.reads:
            ctx.read(target)
        for target in cmd.writes:
            ctx.write(target)

    def _substitutions_in(self, node: Any) -> None:
        """Walk the commands inside any substitution below ``node``."""
        stack = [node]
        while stack:
            cur = stack.pop()
            if cur.type in ("command_substitution", "process_substitution"):
                self._inner(cur)
                continue
            stack.extend(cur.named_children)

    def _function(self, node: Any) -> None:
        name_node = node.child_by_field_name("name")
        name = self._t(name_node) if name_node is not None else ""
        body = node.child_by_field_name("body")
        if body is None:
            return
        calls_self = False
        stack = [body]
        while stack:
            cur = stack.pop()
            if cur.type == "command_name" and self._t(cur) == name:
                calls_self = True
            stack.extend(cur.named_children)
        source = self._t(body)
        if calls_self and ("|" in source or "&" in source):
            self.facts.tag("fork_bomb")
            self.facts.destroy(critical=True, type_id="shell:exec")
        self._statement(body)

    def _assign(self, node: Any) -> None:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        if name_node is None:
            return
        name = self._t(name_node)
        if value_node is None:
            self.env[name] = ""
            return
        word = self._word(value_node, in_quotes=True)
        self.env[name] = None if word.dynamic else word.value
        if name.upper() in ("PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "PROMPT_COMMAND"):
            self.facts.tag("code_exec")
        elif name in ("GIT_WORK_TREE", "GIT_DIR"):
            self.session.elsewhere = True  # git now works on another tree
        elif history_off(name, self.env[name]):
            self.facts.destroy(critical=False, type_id="shell:exec")  # ``HISTFILE=/dev/null``

    def _pipeline_parts(
        self, node: Any, redirects: tuple[Any, ...]
    ) -> list[tuple[Any, tuple[Any, ...]]]:
        parts: list[tuple[Any, tuple[Any, ...]]] = []
        for child in node.named_children:
            if child.type == "command":
                parts.append((child, ()))
            elif child.type == "redirected_statement":
                body = child.child_by_field_name("body")
                own = tuple(c for c in child.named_children if c is not body)
                if body is not None and body.type == "command":
                    parts.append((body, own))
                elif body is not None and body.type == "pipeline":
                    parts.extend(self._pipeline_parts(body, own))
                elif body is not None:
                    self._statement(body, own)
            elif child.type == "pipeline":
                parts.extend(self._pipeline_parts(child, ()))
            else:
                # ``(curl ...) | sh``: walk the group, and let the pipeline know which
                # programs feed it (stand-ins that are not judged again)
                self._statement(child)
                parts.append((child, ()))
        if parts and redirects:
            last, own = parts[-1]
            parts[-1] = (last, own + redirects)
        return parts

    # ------------------------------------------------------------ commands

    def _pipeline(self, parts: list[tuple[Any, tuple[Any, ...]]]) -> None:
        cmds: list[SimpleCommand] = []
        for node, redirects in parts:
            if node.type != "command":
                cmds.append(self._stand_in(node))
                continue
            cmd = self._command(node)
            self._apply_redirects(cmd, redirects)
            cmds.append(cmd)
        self._pipeline_of(cmds)

    def _stand_in(self, node: Any) -> SimpleCommand:
        names: list[str] = []
        stack = [node]
        while stack and len(names) < 16:
            cur = stack.pop()
            if cur.type == "command_name":
                names.append(self._t(cur))
            stack.extend(reversed(cur.named_children))
        return SimpleCommand(argv=names[:1] or ["("], stand_in=True)

    def _pipeline_of(self, cmds: list[SimpleCommand]) -> None:
        for left, right in zip(cmds, cmds[1:], strict=False):
            left.piped_out = True
            right.piped_in = True
            if right.stdin is None:
                right.stdin = _static_output(left)
        for cmd in cmds:
            self._simple(cmd, cmds)

    def _command(self, node: Any) -> SimpleCommand:
        if not _words_adjoin(node):
            # the grammar skipped characters (``rm$IFS-rf$IFS/`` loses a ``$``): read the
            # command with the fallback lexer instead, and distrust it
            _opaque(self.facts, "the grammar does not account for every character")
            cmd = SimpleCommand()
            for argv in _lex(self._t(node)):
                cmd.argv.extend(argv)
            return cmd
        cmd = SimpleCommand()
        for i, child in enumerate(node.children):
            fname = node.field_name_for_child(i)
            kind = child.type
            if kind == "variable_assignment":
                self._assign(child)
                value = self.env.get(self._t(child.child_by_field_name("name") or child))
                cmd.argv.append(self._t(child).split("=", 1)[0] + "=" + (value or ""))
                continue
            if kind in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                self._apply_redirects(cmd, (child,))
                continue
            if fname not in ("name", "argument") or not child.is_named:
                continue
            self._add_word(cmd, child)
            if len(cmd.argv) > _MAX_FIELDS:
                break
        return cmd

    def _add_word(self, cmd: SimpleCommand, node: Any) -> None:
        kind = node.type
        if kind == "command_name":
            inner = node.named_children
            if len(inner) == 1:
                node = inner[0]
                kind = node.type
        if kind == "variable_assignment":
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            word = self._word(value, in_quotes=True) if value is not None else _Word("")
            head = self._t(name) if name is not None else ""
            cmd.argv.append(head + "=" + word.value)
            return
        if kind == "word" and ("{" in self._t(node)):
            for piece in _expand_braces(self._t(node)):
                cmd.argv.append(_unescape_word(piece))
            return
        if (
            kind == "concatenation"
            and all(c.type == "word" for c in node.named_children)
            and "{" in self._t(node)
        ):
            for piece in _expand_braces(self._t(node)):
                cmd.argv.append(_unescape_word(piece))
            return
        word = self._word(node, in_quotes=False)
        if word.dynamic:
            cmd.argv.append(word.value)
            cmd.dynamic.add(word.value)
            if word.fetched:
                cmd.fetched.add(word.value)
            return
        if _IFS_SPLIT in word.value:
            cmd.argv.extend(f for f in _SPLITTER.split(word.value) if f)
        else:
            cmd.argv.append(word.value)

    def _apply_redirects(self, cmd: SimpleCommand, redirects: tuple[Any, ...]) -> None:
        for red in redirects:
            if red.type == "herestring_redirect":
                cmd.here_string = True
                targets = [c for c in red.named_children]
                if targets:
                    word = self._word(targets[-1], in_quotes=True)
                    cmd.stdin = None if word.dynamic else word.value + "\n"
                continue
            if red.type == "heredoc_redirect":
                cmd.here_string = True
                start = next((c for c in red.named_children if c.type == "heredoc_start"), None)
                body = next((c for c in red.named_children if c.type == "heredoc_body"), None)
                text = self._t(body) if body is not None else ""
                quoted = start is not None and self._t(start)[:1] in ("'", '"', "\\")
                if not quoted and ("$" in text or "`" in text):
                    if body is not None:
                        self._substitutions_in(body)
                    word_text = text if "$(" not in text and "`" not in text else None
                    cmd.stdin = word_text
                else:
                    cmd.stdin = text
                continue
            if red.type != "file_redirect":
                continue
            op = next((self._t(c) for c in red.children if not c.is_named), ">")
            dest = red.child_by_field_name("destination")
            if dest is None:
                continue
            word = self._word(dest, in_quotes=True)
            target = word.value
            if op in ("<", "<>"):
                cmd.reads.append(target)
                if word.dynamic:
                    cmd.dynamic.add(target)
                    if word.fetched:
                        cmd.fetched.add(target)
                if op == "<>":
                    cmd.writes.append(target)
            elif op in (">&", "<&", ">&-", "<&-") and (target.isdigit() or target == "-"):
                continue
            else:
                cmd.writes.append(target)

    # ------------------------------------------------------------ words

    def _word(self, node: Any, *, in_quotes: bool) -> _Word:
        kind = node.type
        if kind in ("word", "number", "extglob_pattern", "regex", "special_variable_name"):
            text = self._t(node)
            return _Word(text if in_quotes else _unescape_word(text))
        if kind == "raw_string":
            return _Word(self._t(node)[1:-1])
        if kind == "ansi_c_string":
            return _Word(_decode_ansi(self._t(node)[2:-1]))
        if kind in ("string", "translated_string"):
            parts: list[_Word] = []
            for child in node.named_children:
                if child.type == "string_content":
                    parts.append(_Word(_unescape_double(self._t(child))))
                else:
                    parts.append(self._word(child, in_quotes=True))
            return _join(parts, self._t(node))
        if kind == "concatenation":
            return _join([self._word(c, in_quotes=in_quotes) for c in node.named_children],
                         self._t(node))  # fmt: skip
        if kind in ("simple_expansion", "expansion"):
            return self._expansion(node, in_quotes=in_quotes)
        if kind in ("command_substitution", "process_substitution"):
            fetched = self._inner(node)
            if kind == "command_substitution":
                out = self._substituted(node)
                if out is not None:
                    value = out.rstrip("\n")
                    if not in_quotes:
                        value = self._ifs_split(value)
                    return _Word(value)
            return _Word(self._t(node), dynamic=True, fetched=fetched)
        if kind == "command_name":
            inner = node.named_children
            if len(inner) == 1:
                return self._word(inner[0], in_quotes=in_quotes)
            return _join([self._word(c, in_quotes=in_quotes) for c in inner], self._t(node))
        if kind == "arithmetic_expansion":
            self._substitutions_in(node)
            return _Word(self._t(node), dynamic=True)
        if kind == "brace_expression":
            return _Word(self._t(node))
        self._substitutions_in(node)
        return _Word(self._t(node), dynamic="$" in self._t(node) or "`" in self._t(node))

    def _expansion(self, node: Any, *, in_quotes: bool) -> _Word:
        text = self._t(node)
        names = [
            c for c in node.named_children if c.type in ("variable_name", "special_variable_name")
        ]
        if not names:
            self._substitutions_in(node)
            return _Word(text, dynamic=True)
        name = self._t(names[0])
        others = [c for c in node.named_children if c is not names[0]]
        value = self._variable(name)
        if others:
            ops = {self._t(c) for c in node.children if not c.is_named}
            if value is None and ops & {":-", "-", ":=", "="}:
                default = [c for c in others if c.type not in ("variable_name",)]
                if default:
                    word = self._word(default[-1], in_quotes=in_quotes)
                    return word
            if ops - {"${", "}"}:
                self._substitutions_in(node)
                return _Word(text, dynamic=True)
        if value is None:
            return _Word(text, dynamic=True)
        if not in_quotes:
            value = self._ifs_split(value) if value.strip() else _IFS_SPLIT
        return _Word(value)

    def _ifs_split(self, value: str) -> str:
        """Mark where an unquoted expansion splits: at blanks, or at the characters of an
        ``IFS`` assigned earlier in the command line (``IFS=,;c=rm,-rf,/;$c``)."""
        ifs = self.env.get("IFS")
        if ifs is None or "IFS" not in self.env:
            return _SPLITTER.sub(_IFS_SPLIT, value)
        if not ifs:
            return value
        return re.sub("[" + re.escape(ifs) + "]+", _IFS_SPLIT, value)

    def _variable(self, name: str) -> str | None:
        if name in self.env:
            return self.env[name]
        if name == "IFS":
            return " "
        if name == "HOME":
            return self.home
        if name == "PWD":
            return self.cwd
        return None

    def _inner(self, node: Any) -> bool:
        """Walk the commands of a substitution; True when one of them downloads."""
        before = self.session.downloads
        self._statements(node)
        return self.session.downloads > before

    def _substituted(self, node: Any) -> str | None:
        """The output of ``$(...)`` when it is known without running anything."""
        stmts = node.named_children
        if len(stmts) != 1:
            return None
        stmt = stmts[0]
        if stmt.type == "command":
            return _static_output(self._quiet_command(stmt))
        if stmt.type == "pipeline":
            out: str | None = None
            first = True
            decoded = False
            for part in stmt.named_children:
                if part.type != "command":
                    return None
                cmd = self._quiet_command(part)
                cmd.stdin = out
                if not first and out is None:
                    return None
                out = _static_output(cmd)
                decoded = decoded or (not first and bool(cmd.argv))
                first = False
            if decoded and out is not None:
                _opaque(self.facts, "decoded text becomes part of a command")
            return out
        return None

    def _quiet_command(self, node: Any) -> SimpleCommand:
        """A command's words without walking its substitutions again."""
        cmd = SimpleCommand()
        for i, child in enumerate(node.children):
            if node.field_name_for_child(i) in ("name", "argument") and child.is_named:
                scratch = _Walker(
                    facts=Facts("shell:exec"), cwd=self.cwd, home=self.home,
                    session=Session(), depth=self.depth, env=self.env, src=self.src,
                )  # fmt: skip
                scratch._add_word(cmd, child)
        return cmd

    # ------------------------------------------------------------ judging

    def _context(self, pipeline: list[SimpleCommand]) -> Context:
        return Context(
            facts=self.facts, cwd=self.session.cwd or self.cwd, home=self.home,
            recurse=self._recurse, pipeline=pipeline, session=self.session,
            recurse_code=self._recurse_code,
        )  # fmt: skip

    def _recurse(self, inner: str) -> None:
        _Walker(
            facts=self.facts, cwd=self.cwd, home=self.home, session=self.session,
            depth=self.depth + 1, env=dict(self.env),
        ).run(inner)  # fmt: skip

    def _recurse_code(self, code: str, language: str) -> None:
        if self.depth + 1 > _MAX_DEPTH:
            _opaque(self.facts, "nesting too deep to follow")
            return
        _code(code, language, self._context([]))

    def _simple(self, cmd: SimpleCommand, pipeline: list[SimpleCommand]) -> None:
        if cmd.stand_in:
            return
        if self.visit is not None:
            self.visit(cmd)
            return
        self.count += 1
        if self.count > _MAX_COMMANDS:
            if self.count == _MAX_COMMANDS + 1:
                _opaque(self.facts, "too many commands to read")
            return
        ctx = self._context(pipeline)
        for target in cmd.reads:
            if target in cmd.fetched:
                ctx.facts.tag("download_exec")
            ctx.read(target)
        for target in cmd.writes:
            ctx.write(target)
            found = ctx.place(target if "/" in target or target[:1] == "~" else "./" + target)
            if found is None:
                continue
            if any(c.argv and ctx.binary(c.argv[0]) in ("curl", "wget") for c in pipeline):
                self.session.downloaded.add(found[0])
            # what the file now holds, where known (``echo 'rm -rf /' > x.sh``), for a
            # later ``sh x.sh`` or ``./x.sh`` in the same line
            self.session.wrote(found[0], None if target in cmd.dynamic else _static_output(cmd))
        argv = cmd.argv
        if cmd.stdin is not None and "xargs" in (ctx.binary(a) for a in argv[:4]):
            argv = argv + cmd.stdin.split()[:_MAX_FIELDS]
        argv = ctx.unwrap(argv)
        if not argv:
            return
        if argv[0] in cmd.dynamic:
            ctx.facts.tag("code_exec")
            _opaque(ctx.facts, "the command name is computed at run time")
            return
        name = ctx.binary(argv[0])
        found = ctx.place(argv[0]) if "/" in argv[0] else None
        if (found is not None and self.session.fetched(found[0])) or (
            found is None and self.session.fetched_on_path(argv[0])
        ):
            ctx.facts.tag("download_exec", "code_exec")
        if found is not None and run_written(found[0], ctx):
            return
        embedded_commands(argv, cmd, ctx)
        handler = HANDLERS.get(name)
        if handler is not None:
            handler(argv, cmd, ctx)
        else:
            ctx.generic(argv, cmd)


_IFS_WORD = re.compile(r"\$\{IFS\}|\$IFS(?![A-Za-z0-9_])")


def _lex(text: str) -> list[list[str]]:
    """Simple commands by the stdlib POSIX lexer (operators as separators, ``$IFS`` as a
    space, brace lists expanded): the reading of last resort for what the grammar rejects."""
    lexer = shlex.shlex(_IFS_WORD.sub(" ", text), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:
        tokens = text.split()
    out: list[list[str]] = []
    argv: list[str] = []
    for token in [*tokens[: _MAX_FIELDS * 4], ";"]:
        if token and all(c in "();<>|&" for c in token):
            if argv:
                out.append(argv)
            argv = []
        elif "{" in token and "," in token:
            argv.extend(_expand_braces(token))
        else:
            argv.append(token)
    return out


def _words_adjoin(node: Any) -> bool:
    """True when only blanks lie between a command's parts (no character unaccounted for)."""
    raw: bytes = node.text or b""
    base = node.start_byte
    end = base
    for child in node.children:
        gap = raw[end - base : child.start_byte - base]
        if gap.strip() and gap.strip() != b"\\":
            return False
        end = child.end_byte
        if not child.is_named:
            return False  # a stray token (``prog ==0``) outside every word
        if child.type in ("command_name", "concatenation"):
            parts = child.children
            if child.type == "command_name" and len(parts) == 1:
                parts = parts[0].children if parts[0].type == "concatenation" else []
            if any(not part.is_named for part in parts):
                return False  # a stray ``$`` the grammar left out of every word
    return True


def _clean(text: str) -> str:
    """Lone surrogates (not encodable, so no parser or regex engine can read them) become
    U+FFFD; NUL ends a C string, so it becomes a space like any separator."""
    if text.isascii():
        return text.replace("\x00", " ") if "\x00" in text else text
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")


def _join(parts: list[_Word], source: str) -> _Word:
    if any(p.dynamic for p in parts):
        return _Word(source, dynamic=True, fetched=any(p.fetched for p in parts))
    return _Word("".join(p.value for p in parts))


def _opaque(facts: Facts, _why: str) -> None:
    facts.tag("opaque")
    facts.propose("shell:opaque")


# ------------------------------------------------------------ static evaluation

_DECODERS: dict[str, Callable[[str], bytes]] = {
    "base64": base64.b64decode,
    "base32": base64.b32decode,
}


def _static_output(cmd: SimpleCommand) -> str | None:
    """What a command prints when that is known without running it (or None)."""
    argv = cmd.argv
    if not argv or cmd.dynamic or cmd.reads:
        return None
    name = argv[0].rsplit("/", 1)[-1]
    args = argv[1:]
    if name == "echo":
        newline = "\n"
        escapes = False
        while args and re.fullmatch(r"-[neE]+", args[0]):
            newline = "" if "n" in args[0] else newline
            escapes = "e" in args[0] or escapes
            args = args[1:]
        out = " ".join(args)
        return (_decode_ansi(out) if escapes else out) + newline
    if name == "printf":
        if not args:
            return None
        fmt, values = _decode_ansi(args[0]), list(args[1:])
        return _printf(fmt, values)
    if name == "cat" and not args and cmd.stdin is not None:
        return cmd.stdin
    stdin = cmd.stdin
    if stdin is None:
        return None
    flags = {a for a in args if a.startswith("-")}
    if name in _DECODERS and flags & {"-d", "--decode", "-D", "-di", "-id"}:
        data = "".join(stdin.split())
        data += "=" * (-len(data) % (8 if name == "base32" else 4))
        try:
            raw = _DECODERS[name](data)
        except (binascii.Error, ValueError):
            return None
        return raw.decode("utf-8", "replace")[:_MAX_OUTPUT]
    if name == "xxd" and "-r" in flags and ("-p" in flags or "-ps" in flags):
        try:
            return bytes.fromhex("".join(stdin.split())).decode("utf-8", "replace")[:_MAX_OUTPUT]
        except ValueError:
            return None
    if name == "rev" and not args:
        return "\n".join(line[::-1] for line in stdin.split("\n"))
    if name == "tr" and len(args) == 2 and not flags:
        src, dst = _tr_set(args[0]), _tr_set(args[1])
        if src and dst:
            dst = dst + dst[-1] * (len(src) - len(dst))
            return stdin.translate(str.maketrans(src, dst[: len(src)]))
    return None


def _tr_set(spec: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            a, b = ord(spec[i]), ord(spec[i + 2])
            if b < a or b - a > 256:
                return ""
            out.extend(chr(c) for c in range(a, b + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


def _printf(fmt: str, values: list[str]) -> str | None:
    out: list[str] = []
    for _ in range(8):
        i = 0
        used = 0
        while i < len(fmt):
            ch = fmt[i]
            if ch != "%":
                out.append(ch)
                i += 1
                continue
            spec = fmt[i + 1 : i + 2]
            i += 2
            if spec == "%":
                out.append("%")
            elif spec in ("s", "b", "c", "d"):
                value = values.pop(0) if values else ""
                used += 1
                if spec == "b":
                    value = _decode_ansi(value)
                elif spec == "c":
                    value = value[:1]
                out.append(value)
            else:
                return None
        if not values or not used:
            break
    return "".join(out)[:_MAX_OUTPUT]


# ------------------------------------------------------------------ public API


def split_command(command: str) -> list[list[str]]:
    """The simple commands of a command line as resolved argument lists (the commands
    inside substitutions included)."""
    if not isinstance(command, str):
        raise InputError(f"command: expected a string, got {type(command).__name__}")
    out: list[list[str]] = []
    _Walker(
        facts=Facts("shell:exec"), cwd="/", home="/root", session=Session(), depth=0,
        visit=lambda cmd: out.append(list(cmd.argv)),
    ).run(command)  # fmt: skip
    return out


def collect_command(
    command: str, facts: Facts, *, cwd: str = "/", home: str = "/root", depth: int = 0
) -> None:
    """Add the facts of ``command`` to ``facts`` (used by the taxonomy classifier)."""
    if not isinstance(command, str) or not command.strip():
        return
    _Walker(facts=facts, cwd=cwd, home=home, session=Session(), depth=depth).run(command)


def analyze_command(command: str, *, cwd: str = "/", home: str = "/root") -> ActionInfo:
    """Classify one shell command line (base type ``shell:exec``). Never raises."""
    facts = Facts("shell:exec")
    if isinstance(command, str):
        collect_command(command, facts, cwd=cwd, home=home)
    return facts.to_info()


def _code(code: str, language: str, ctx: Context) -> None:
    inline_code(code, ctx, language=language)


def collect_code(
    code: str, facts: Facts, *, cwd: str = "/", home: str = "/root", language: str = "auto"
) -> None:
    """Add the facts of inline interpreter code (a code tool's argument). ``language``:
    what the tool's name says it runs (``javascript``, ``perl``...); ``auto``: Python unless
    it is plainly another language."""
    if not isinstance(code, str) or not code.strip():
        return
    walker = _Walker(facts=facts, cwd=cwd, home=home, session=Session(), depth=1)
    try:
        inline_code(_clean(code), walker._context([]), language=language)
    except RecursionError:
        _opaque(facts, "nesting too deep to follow")
