"""Windows ``cmd.exe`` command lines to action facts.

There is no maintained parser of ``cmd.exe`` syntax for Python, and the syntax is small: a
line is split at unquoted ``&``, ``&&``, ``||``, ``|`` and parentheses, a word ends at an
unquoted blank, ``"`` quotes, ``^`` escapes the next character and ``%NAME%`` expands a
variable. So this module holds that splitting (and nothing more of the grammar), then reads
the built-ins and Windows programs as the POSIX programs that do the same, judged by
:mod:`~aimds.rules.understanding.shell_programs`: ``rd /s /q C:\\`` is ``rm -r /``, ``del /s``
a recursive delete, ``format D:`` formats a disk, ``certutil -urlcache -f URL x.exe`` and
``bitsadmin /transfer`` download, ``set`` dumps the environment, ``cmd /c`` and ``start``
run what they are given. A variable other than the user's and system folders is computed at
run time: a command named by one is opaque.
"""

from __future__ import annotations

import re

from aimds.rules.understanding.shell_programs import Context, run_argv
from aimds.rules.understanding.values import looks_like_cmd

__all__ = ["looks_like_cmd", "posix_path", "read_cmd"]

_MAX_CHARS = 16384
_MAX_COMMANDS = 64
_DRIVE = re.compile(r"^[A-Za-z]:(?:[\\/]|$)")
_VARIABLE = re.compile(r"%([A-Za-z_][A-Za-z0-9_()]*)%")
_KNOWN_VARIABLES = {
    "userprofile": "~", "homepath": "~", "home": "~", "systemroot": "C:\\Windows",
    "windir": "C:\\Windows", "programfiles": "C:\\Program Files", "programdata": "C:\\ProgramData",
    "systemdrive": "C:", "homedrive": "", "temp": "/tmp", "tmp": "/tmp", "appdata": "~\\AppData",
    "localappdata": "~\\AppData\\Local",
}  # fmt: skip
_SWITCH = re.compile(r"^/[A-Za-z?]{1,12}(?::\S*)?$")
_RUNNABLE = (".exe", ".bat", ".cmd", ".com", ".ps1", ".vbs", ".msi", ".scr")


def read_cmd(text: str, ctx: Context, *, depth: int = 0) -> None:
    """Add the facts of a ``cmd.exe`` line."""
    if depth > 4:
        _opaque(ctx)
        return
    for count, words in enumerate(_commands(text[:_MAX_CHARS])):
        if count >= _MAX_COMMANDS:
            _opaque(ctx)
            return
        _judge(words, ctx, depth)


def _commands(text: str) -> list[list[tuple[str, bool]]]:
    """Simple commands as words ``(text, computed)``: quotes removed, ``^`` escapes
    applied, variables expanded."""
    out: list[list[tuple[str, bool]]] = []
    words: list[tuple[str, bool]] = []
    word: list[str] = []
    started = quoted = False
    i = 0

    def end_word() -> None:
        nonlocal started
        if started:
            words.append(_expand("".join(word)))
        word.clear()
        started = False

    while i < len(text):
        c = text[i]
        if c == "^" and i + 1 < len(text) and not quoted:
            word.append(text[i + 1])
            started = True
            i += 2
            continue
        if c == '"':
            quoted = not quoted
            started = True
        elif not quoted and c in "&|()\n":
            end_word()
            if words:
                out.append(words)
            words = []
        elif not quoted and c in " \t":
            end_word()
        else:
            word.append(c)
            started = True
        i += 1
    end_word()
    if words:
        out.append(words)
    return out


def _expand(word: str) -> tuple[str, bool]:
    computed = False

    def one(m: re.Match[str]) -> str:
        nonlocal computed
        known = _KNOWN_VARIABLES.get(m.group(1).lower())
        if known is None:
            computed = True
            return m.group(0)
        return known

    return _VARIABLE.sub(one, word), computed


def posix_path(word: str) -> str:
    """A Windows path as the POSIX path the path readers know: ``C:\\x`` is ``/x``,
    backslashes are separators (URLs are left alone)."""
    if _DRIVE.match(word):
        return "/" + word[2:].replace("\\", "/").lstrip("/")
    return word.replace("\\", "/") if "\\" in word and "://" not in word else word


def _judge(words: list[tuple[str, bool]], ctx: Context, depth: int) -> None:
    name, computed = words[0]
    if "\\" not in name and "/" not in name and name.lower().endswith(_RUNNABLE):
        # ``a.exe`` runs a.exe from the working directory (a download, a written script)
        run_argv(["./" + name, *(w for w, _ in words[1:])], ctx)
        return
    name = name.lstrip("@").lower().removesuffix(".exe").rsplit("\\", 1)[-1]
    args = [w for w, _ in words[1:]]
    dynamic = {posix_path(w) for w, d in words[1:] if d}
    switches = {a.lower() for a in args if _SWITCH.match(a)}
    operands = [posix_path(a) for a in args if not _SWITCH.match(a)]
    if computed:
        ctx.facts.tag("code_exec")
        _opaque(ctx)
        return
    if name == "cmd":
        rest = next((i for i, a in enumerate(args) if a.lower() in ("/c", "/k", "/r")), None)
        if rest is not None:
            read_cmd(" ".join(args[rest + 1 :]), ctx, depth=depth + 1)
        return
    if name in ("rd", "rmdir", "del", "erase"):
        recursive = "/s" in switches
        run_argv(["rm", *(["-r"] if recursive else []), *operands], ctx, dynamic=dynamic)
        return
    if name == "format" and operands:
        ctx.facts.tag("format_disk")
        ctx.facts.destroy(critical=True)
        return
    if name == "set" and not operands:
        run_argv(["printenv"], ctx)
        return
    if name in ("certutil", "bitsadmin"):
        urls = [a for a in args if "://" in a]
        files = [posix_path(a) for a in operands if "://" not in a and not a.startswith("-")]
        target = ["-o", files[-1]] if files and name == "certutil" or len(files) > 1 else []
        if urls:
            run_argv(["curl", *target, *urls], ctx)
        elif name == "certutil" and {"-decode", "-decodehex"} & {a.lower() for a in args}:
            ctx.facts.tag("code_exec")
            _opaque(ctx)
        return
    program = {"type": "cat", "copy": "cp", "xcopy": "cp", "robocopy": "cp", "move": "mv",
               "ren": "mv", "dir": "ls"}.get(name)  # fmt: skip
    if program is not None:
        run_argv([program, *operands], ctx, dynamic=dynamic)
        return
    if name in ("start", "call"):
        rest_words = [w for w in operands if not w.startswith('"')]
        if rest_words:
            run_argv([posix_path(rest_words[0]), *rest_words[1:]], ctx, dynamic=dynamic)
        return
    if name == "net" and len(args) >= 2:
        verb = args[0].lower()
        if (
            verb == "localgroup"
            and re.search(r"admin", args[1], re.IGNORECASE)
            and "/add" in switches
        ):
            ctx.facts.privilege(critical=True)
        elif verb == "user" and ({"/add", "/delete"} & switches):
            run_argv(["useradd", args[1]], ctx)
        return
    run_argv([name, *args], ctx, dynamic=dynamic)


def _opaque(ctx: Context) -> None:
    ctx.facts.tag("opaque")
    ctx.facts.propose("shell:opaque")
