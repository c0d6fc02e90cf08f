"""Python code to action facts, read with :mod:`ast` (never executed).

:func:`analyze_python` walks every call in the code and judges it by meaning:

- shell strings given to ``os.system``, ``os.popen``, ``subprocess.*``, ``pty.spawn`` (lists
  are joined as argv) go to the shell analysis, so ``rm -rf /`` is the same in Python;
- ``os.chmod``/``os.fchmod`` with a setuid or setgid bit is a privilege change;
- ``eval``/``exec``/``compile`` of anything but a literal: decoded data
  (``base64.b64decode``, ``codecs.decode``, ``bytes.fromhex``, ``zlib``) is opaque, downloaded
  text (``urlopen(...).read()``, ``requests.get(...).text``) is download-and-execute;
- ``requests.post``/``put``/``patch``, ``urllib`` requests with ``data``, ``smtplib``,
  ``ftplib``: data sent out;
- ``open``/``pathlib.Path`` of literal paths: reads and writes (credential stores, persistence
  places), ``shutil.rmtree``/``os.remove`` as deletes;
- a socket that is connected and then duplicated onto stdin/stdout (``os.dup2``) or handed
  to a shell: a reverse shell; ``os.fork`` inside ``while True``: a fork bomb;
- ``os.environ`` dumped whole: the environment's secrets read.

Names are resolved through imports (``import subprocess as sp``, ``from os import system``,
``__import__('os')``); a call whose target is computed (``getattr(os, name)``) with a
non-literal name is opaque. Ordinary data work (pandas, numpy, matplotlib) adds nothing.
"""

from __future__ import annotations

import ast
import re
import shlex
from typing import TYPE_CHECKING

from aimds.types import Severity

if TYPE_CHECKING:
    from aimds.rules.understanding.shell_programs import Context

__all__ = ["analyze_python"]

_MAX_CODE = 65536
_MAX_NODES = 20000
_ESCAPE_ATTRIBUTES = frozenset(
    {"__subclasses__", "__globals__", "__builtins__", "__bases__", "__mro__", "__code__",
     "__closure__", "__getattribute__"}
)  # fmt: skip
_INTERACTIVE_SHELL = re.compile(r"^(?:/(?:usr/)?bin/)?(?:ba|z|k|da|c|tc|fi)?sh(?:\s+-i)?\s*$")

# Methods that return kept credentials (AWS SDKs, the system keyring, Google auth).
_CREDENTIAL_METHODS = frozenset(
    {"get_credentials", "get_frozen_credentials", "get_password", "get_credential",
     "get_secret_value", "access_secret_version"}
)  # fmt: skip
# Calls that open the file (or list the files) their first argument names.
_FILE_OPENERS = frozenset(
    {"sqlite3.connect", "shelve.open", "dbm.open", "glob.glob", "glob.iglob", "os.listdir",
     "os.scandir", "tarfile.open", "zipfile.ZipFile", "pandas.read_csv", "pandas.read_json"}
)  # fmt: skip
_SHELL_CALLS = frozenset(
    {"os.system", "os.popen", "os.popen2", "os.popen3", "subprocess.run", "subprocess.call",
     "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
     "subprocess.getoutput", "subprocess.getstatusoutput", "commands.getoutput",
     "pty.spawn", "os.execl", "os.execlp", "os.execv", "os.execvp", "os.execve", "os.spawnl",
     "os.spawnlp", "os.spawnv", "os.spawnvp", "os.posix_spawn", "os.posix_spawnp",
     "asyncio.create_subprocess_shell", "asyncio.create_subprocess_exec", "sh.Command",
     "plumbum.local", "pexpect.spawn", "pexpect.run"}
)  # fmt: skip
_EXEC_CALLS = frozenset({"eval", "exec", "compile", "builtins.eval", "builtins.exec",
                         "execfile", "runpy.run_path", "runpy.run_module"})  # fmt: skip
_DECODE_CALLS = frozenset(
    {"base64.b64decode", "base64.b32decode", "base64.b16decode", "base64.a85decode",
     "base64.b85decode", "base64.decodebytes", "base64.urlsafe_b64decode", "codecs.decode",
     "bytes.fromhex", "binascii.unhexlify", "binascii.a2b_base64", "zlib.decompress",
     "gzip.decompress", "bz2.decompress", "lzma.decompress", "marshal.loads", "pickle.loads",
     "bytearray.fromhex"}
)  # fmt: skip
_FETCH_CALLS = frozenset(
    {"urllib.request.urlopen", "urllib.urlopen", "urllib2.urlopen", "requests.get",
     "requests.request", "httpx.get", "urllib.request.urlretrieve", "urllib.urlretrieve",
     "requests.Session.get", "http.client.HTTPConnection", "http.client.HTTPSConnection"}
)  # fmt: skip
_SEND_CALLS = frozenset(
    {"requests.post", "requests.put", "requests.patch", "httpx.post", "httpx.put",
     "httpx.patch", "smtplib.SMTP", "smtplib.SMTP_SSL", "ftplib.FTP", "paramiko.SSHClient",
     "socket.create_connection", "aiohttp.ClientSession"}
)  # fmt: skip
_COPY_CALLS = frozenset({"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree",
                         "shutil.move", "os.rename", "os.replace"})  # fmt: skip
_DELETE_CALLS = frozenset({"shutil.rmtree", "os.remove", "os.unlink", "os.rmdir",
                           "os.removedirs"})  # fmt: skip
_CHMOD_CALLS = frozenset({"os.chmod", "os.fchmod", "os.lchmod"})


def analyze_python(code: str, ctx: Context) -> bool:
    """Add the facts of Python ``code`` to ``ctx``; False when it is not Python."""
    try:
        tree = ast.parse(code[:_MAX_CODE])
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    try:
        _Reader(ctx).read(tree)
    except RecursionError:
        ctx.facts.tag("opaque")
        ctx.facts.propose("shell:opaque")
    return True


class _Reader:
    __slots__ = ("aliases", "connected", "ctx", "dup2", "shell_spawn", "strings")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.aliases: dict[str, str] = {}
        self.strings: dict[str, str] = {}
        self.connected = False
        self.dup2 = False
        self.shell_spawn = False

    # ------------------------------------------------------------ names

    def name(self, node: ast.AST) -> str | None:
        """Dotted name of a callable, resolved through imports (``sp.run`` is
        ``subprocess.run``)."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.name(node.value)
            return f"{base}.{node.attr}" if base is not None else None
        if isinstance(node, ast.Call):
            func = self.name(node.func)
            if func in ("__import__", "importlib.import_module") and node.args:
                return self.spelled(node.args[0])
            if func == "getattr" and len(node.args) >= 2:
                base = self.name(node.args[0])
                attr = self.spelled(node.args[1], owner=base)
                if base is not None and attr is not None:
                    return f"{base}.{attr}"
        if isinstance(node, ast.Subscript) and _is_namespace(node.value):
            # ``os.__dict__['system']``, ``vars(os)[...]``, ``globals()[...]``
            base = self.name(_namespace_owner(node.value))
            key = self.spelled(node.slice, owner=base or "builtins")
            if key is not None:
                return f"{base}.{key}" if base else key
            self.opaque()
        return None

    def spelled(self, node: ast.AST, *, owner: str | None = None) -> str | None:
        """The value of a name given as a string (a module to import, an attribute to
        fetch). Spelled out as one literal it is what it says. Built from literals
        (``'sys' + 'tem'``, ``''.join(...)``, a decoded string) it is a name hidden on
        purpose: resolved, and opaque too. Unknown (a variable), it is opaque when it
        fetches from a module that runs things (``getattr(os, name)``)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        value = self.const(node)
        if value is not None or (owner or "").partition(".")[0] in _RUNNING_MODULES:
            self.opaque()
        return value

    def const(self, node: ast.AST | None) -> str | None:
        """The value of a string expression built only from literals (or None)."""
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return node.value
            if isinstance(node.value, bytes):
                return node.value.decode("utf-8", "replace")
            return None
        if isinstance(node, ast.Name):
            return self.strings.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.const(node.left), self.const(node.right)
            return left + right if left is not None and right is not None else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    inner = self.const(value.value)
                    if inner is None:
                        return None
                    parts.append(inner)
                else:
                    part = self.const(value)
                    if part is None:
                        return None
                    parts.append(part)
            return "".join(parts)
        if isinstance(node, ast.Subscript) and self.name(node.value) == "os.environ":
            return _home_variable(self.const(node.slice))  # os.environ['HOME']
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.const(e) for e in node.elts]
            if all(i is not None for i in items):
                return shlex.join([i for i in items if i is not None])
            return None
        if isinstance(node, ast.Call):
            func = self.name(node.func)
            if func in ("base64.b64decode", "base64.standard_b64decode") and node.args:
                raw = self.const(node.args[0])
                if raw is not None:
                    import base64
                    import binascii

                    try:
                        return base64.b64decode(raw + "=" * (-len(raw) % 4)).decode(
                            "utf-8", "replace"
                        )
                    except (binascii.Error, ValueError):
                        return None
            if func in ("os.path.expanduser", "os.path.expandvars") and node.args:
                return self.const(node.args[0])  # ``~`` is resolved by the path reader
            if func in ("os.getenv", "os.environ.get") and node.args:
                return _home_variable(self.const(node.args[0]))
            if func == "os.path.join" and node.args:
                pieces = [self.const(a) for a in node.args]
                if all(p is not None for p in pieces):
                    import posixpath

                    return posixpath.join(*(p for p in pieces if p is not None))
                return None
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("decode", "encode"):
                return self.const(node.func.value)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "join" and node.args:
                sep = self.const(node.func.value)
                arg = node.args[0]
                if sep is not None and isinstance(arg, ast.List | ast.Tuple):
                    items = [self.const(e) for e in arg.elts]
                    if all(i is not None for i in items):
                        return sep.join(i for i in items if i is not None)
        return None

    # ------------------------------------------------------------ walk

    def read(self, tree: ast.AST) -> None:
        for count, node in enumerate(ast.walk(tree)):
            if count >= _MAX_NODES:
                self.opaque()
                break
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.aliases[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
                found = self.iterated(node.iter)  # ``for p in glob.glob('/**'): os.remove(p)``
                if found is not None:
                    self.strings[node.target.id] = found
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                value = self.const(node.value)
                if isinstance(target, ast.Name) and value is not None:
                    self.strings[target.id] = value
                elif isinstance(target, ast.Name):
                    func = self.name(node.value)
                    if func is not None and isinstance(
                        node.value, ast.Attribute | ast.Name | ast.Call
                    ):
                        self.aliases[target.id] = func
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self.call(node)
            elif isinstance(node, ast.While) and _is_true(node.test):
                if any(
                    isinstance(n, ast.Call) and self.name(n.func) in ("os.fork", "os.forkpty")
                    for n in ast.walk(node)
                ):
                    self.ctx.facts.tag("fork_bomb")
                    self.ctx.facts.destroy(critical=True, type_id="code:exec")
            elif isinstance(node, ast.Attribute) and node.attr in _ESCAPE_ATTRIBUTES:
                # reaching classes and globals through dunders (``().__class__.__base__
                # .__subclasses__()``) is how sandboxed code finds Popen: what it then calls
                # cannot be read
                self.opaque()
        if self.connected and (self.dup2 or self.shell_spawn):
            self.ctx.facts.tag("reverse_shell", "code_exec")
            self.ctx.facts.mark_outbound(payload=True)
            self.ctx.facts.propose("net:connect", Severity.CRITICAL)
        self.environ(tree)

    def environ(self, tree: ast.AST) -> None:
        """``os.environ`` used whole (printed, copied, sent), not ``os.environ['X']``."""
        parents: dict[int, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and self.name(node) == "os.environ":
                parent = parents.get(id(node))
                if isinstance(parent, ast.Subscript) or (
                    isinstance(parent, ast.Attribute)
                    and parent.attr in ("get", "setdefault", "pop", "update")
                ):
                    continue
                if isinstance(parent, ast.Compare | ast.Assign):
                    continue
                if isinstance(parent, ast.keyword) and parent.arg == "env":
                    continue
                self.ctx.facts.credential("env")
                return

    def opaque(self) -> None:
        self.ctx.facts.tag("opaque")
        self.ctx.facts.propose("shell:opaque")

    def call(self, node: ast.Call) -> None:
        func = self.name(node.func)
        ctx = self.ctx
        if isinstance(node.func, ast.Attribute) and node.func.attr in _CREDENTIAL_METHODS:
            # ``boto3.Session().get_credentials()``, ``keyring.get_password(...)``: a
            # library hands out the credentials it keeps, whatever the receiver is called
            ctx.facts.credential("sdk")
            return
        if isinstance(node.func, ast.Attribute) and isinstance(
            node.func.value, ast.Call | ast.BinOp | ast.Name
        ):
            self.path_method(node.func.attr, node.func.value)
        # ``system``/``popen`` of an object no import names (``libc = ctypes.CDLL(None)``,
        # ``ctypes.CDLL(None).system(b'...')``) runs a shell command like ``os.system``
        foreign = func is None or func.partition(".")[0] not in self.aliases
        if func is None or (foreign and func not in _SHELL_CALLS):
            if isinstance(node.func, ast.Call) and self.name(node.func.func) == "getattr":
                self.opaque()
                return
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("system", "popen"):
                func = "os." + node.func.attr
            elif func is None:
                return
        first = node.args[0] if node.args else None
        if func in _SHELL_CALLS or func.startswith("subprocess."):
            if func.startswith("subprocess.") and func not in _SHELL_CALLS:
                return
            ctx.facts.tag("code_exec")
            if func in ("pty.spawn",) or func.startswith("os.exec") or func.startswith("os.spawn"):
                self.shell_spawn = True
            command = self.const(first) if first is not None else None
            if func == "pty.spawn" and command is not None and _INTERACTIVE_SHELL.match(command):
                self.opaque()  # an interactive shell on a terminal: what it runs is unseen
            if func.startswith(("os.exec", "os.spawn")) and len(node.args) > 1:
                tail = node.args[1:]
                if func.startswith("os.spawn"):
                    tail = tail[1:]  # the mode comes first
                if len(tail) == 1 and isinstance(tail[0], ast.List | ast.Tuple):
                    command = self.const(tail[0])  # execv(path, [argv...])
                else:
                    rest = [self.const(a) for a in tail]
                    if rest and all(isinstance(r, str) for r in rest):
                        command = shlex.join([r for r in rest if isinstance(r, str)])
            if first is None:
                for kw in node.keywords:
                    if kw.arg == "args":
                        command = self.const(kw.value)
            if command is not None:
                if command.split()[:1] and command.split()[0].rsplit("/", 1)[-1] in (
                    "sh", "bash", "zsh", "dash"
                ) and len(command.split()) <= 2:  # fmt: skip
                    self.shell_spawn = True
                ctx.recurse(command)
            else:
                self.opaque()
            return
        if func in _EXEC_CALLS:
            self.exec_call(node)
            return
        if func in ("pickle.loads", "pickle.load", "marshal.loads", "dill.loads",
                    "cloudpickle.loads", "shelve.open"):  # fmt: skip
            ctx.facts.tag("code_exec")
            if self.const(first) is None:
                self.opaque()  # unpickling unknown data runs whatever it names
            return
        if func in _CHMOD_CALLS and len(node.args) >= 2:
            mode = node.args[1]
            bits = _int_value(mode)
            path = self.const(first)
            if bits is None or bits & 0o6000:
                ctx.facts.privilege(critical=bits is not None)
            if path is not None:
                found = ctx.place(path)
                if found is not None:
                    ctx.facts.path_write(*found)
            ctx.facts.propose("fs:write")
            return
        if func in ("os.setuid", "os.setgid", "os.seteuid", "os.setresuid"):
            ctx.facts.privilege()
            return
        if func in _COPY_CALLS and len(node.args) >= 2:
            src, dst = self.const(node.args[0]), self.const(node.args[1])
            if src is not None and dst is not None:  # read as ``cp``: both places count
                verb = "mv" if func == "shutil.move" else "cp"
                ctx.recurse(shlex.join([verb, "-r", src, dst]))
            return
        if func in _DELETE_CALLS:
            path = self.const(first)
            if path is None:
                return
            argv = ["rm", "-rf" if func in ("shutil.rmtree", "os.removedirs") else "-f", path]
            ctx.recurse(shlex.join(argv))
            return
        if func in ("socket.socket.connect", "connect") or (
            func.endswith(".connect") and not func.startswith(("sqlite3", "psycopg", "pymysql"))
        ):
            if first is not None and isinstance(first, ast.Tuple):
                self.connected = True
                host = self.const(first.elts[0]) if first.elts else None
                ctx.facts.mark_outbound()
                ctx.facts.propose("net:connect")
                if host:
                    ctx.facts.resource(host)
            return
        if func == "socket.create_connection":
            self.connected = True
        if func in ("os.dup2", "dup2"):
            self.dup2 = True
            return
        if func in _SEND_CALLS or (
            func in ("urllib.request.urlopen", "urllib.request.Request")
            and (len(node.args) > 1 or any(k.arg == "data" for k in node.keywords))
        ):
            ctx.facts.mark_outbound(payload=True)
            ctx.facts.propose("net:http_post")
            self.url_arg(first, "POST")
            return
        if func in _FETCH_CALLS:
            ctx.facts.mark_outbound()
            ctx.facts.propose("net:http_get")
            self.url_arg(first, "GET")
            return
        if func in _FILE_OPENERS and first is not None:
            # a database file or a listing pattern opens what it names (a browser's cookie
            # store through ``sqlite3.connect``, ``glob.glob('/home/*/.ssh/id_*')``)
            path = self.const(first)
            if path is not None:
                self.touch(path, write=False)
            return
        if func in ("open", "io.open", "builtins.open", "codecs.open") and first is not None:
            path = self.const(first)
            if path is None:
                return
            open_mode = self.const(node.args[1]) if len(node.args) > 1 else None
            for kw in node.keywords:
                if kw.arg == "mode":
                    open_mode = self.const(kw.value)
            self.touch(path, write=bool(open_mode and set(open_mode) & set("wax+")))
            return

    def path_value(self, node: ast.AST) -> str | None:
        """The path a ``pathlib`` expression of literals names: ``Path('a', 'b')``,
        ``Path.home()`` (``~``), ``p / 'x'``, ``p.joinpath('x', 'y')``, ``p.expanduser()``."""
        import posixpath

        if isinstance(node, ast.Name):
            return self.strings.get(node.id)  # a path bound earlier (a loop over a listing)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left, right = self.path_value(node.left), self.const(node.right)
            return posixpath.join(left, right) if left is not None and right is not None else None
        if not isinstance(node, ast.Call):
            return None
        func = self.name(node.func)
        if func in _PATH_TYPES:
            parts = [self.const(a) for a in node.args]
            if parts and all(p is not None for p in parts):
                return posixpath.join(*(p for p in parts if p is not None))
            return None
        if func in tuple(f"{t}.home" for t in _PATH_TYPES):
            return "~"
        if isinstance(node.func, ast.Attribute):
            base = self.path_value(node.func.value)
            if base is None:
                return None
            if node.func.attr == "joinpath":
                rest = [self.const(a) for a in node.args]
                if all(r is not None for r in rest):
                    return posixpath.join(base, *(r for r in rest if r is not None))
            elif node.func.attr in ("expanduser", "resolve", "absolute"):
                return base
        return None

    def iterated(self, node: ast.AST) -> str | None:
        """What a loop over a directory listing of literals stands for: a glob of what it
        lists (``glob.glob('/**')`` and ``Path('/').rglob('*')`` are ``/*``), so that an
        action on the loop variable is judged on the place listed."""
        if not isinstance(node, ast.Call):
            return None
        func = self.name(node.func)
        first = self.const(node.args[0]) if node.args else None
        if func in ("glob.glob", "glob.iglob"):
            pattern = first
        elif func in ("os.listdir", "os.scandir"):
            pattern = (first or ".").rstrip("/") + "/*"
        elif isinstance(node.func, ast.Attribute) and node.func.attr in (
            "glob", "rglob", "iterdir"
        ):  # fmt: skip
            base = self.path_value(node.func.value)
            pattern = None if base is None else base.rstrip("/") + "/" + (first or "*")
        else:
            return None
        if pattern is None:
            return None
        return pattern.split("**", 1)[0].rstrip("/") + "/*" if "**" in pattern else pattern

    def path_method(self, attr: str, target: ast.AST) -> None:
        """``Path('x').read_text()``, ``.write_text()``, ``.unlink()``..."""
        if attr not in ("read_text", "read_bytes", "write_text", "write_bytes", "open",
                        "unlink", "rmdir", "chmod"):  # fmt: skip
            return
        path = self.path_value(target)
        if path is None:
            return
        if attr in ("unlink", "rmdir"):
            self.ctx.recurse(shlex.join(["rm", "-f", path]))
        else:
            self.touch(path, write=attr.startswith("write") or attr == "chmod")

    def touch(self, path: str, *, write: bool) -> None:
        if path.startswith("~"):
            path = self.ctx.home.rstrip("/") + path[1:]
        if write:
            self.ctx.write(path)
        else:
            self.ctx.read(path)

    def url_arg(self, node: ast.AST | None, method: str) -> None:
        url = self.const(node) if node is not None else None
        if url and "://" in url:
            from aimds.rules.understanding.shell_programs import url_facts

            url_facts(url, self.ctx.facts, method=method)

    def exec_call(self, node: ast.Call) -> None:
        ctx = self.ctx
        ctx.facts.tag("code_exec")
        first = node.args[0] if node.args else None
        code = self.const(first)
        if code is not None:
            decoded = first is not None and any(
                isinstance(n, ast.Call) and self.name(n.func) in _DECODE_CALLS
                for n in ast.walk(first)
            )
            if decoded:  # hidden on purpose: read it, and let a human see it too
                self.opaque()
            if not analyze_python(code, ctx):
                self.opaque()
            return
        kinds = (
            {self.name(n.func) for n in ast.walk(first) if isinstance(n, ast.Call)}
            if first
            else set()
        )
        fetched = any(k in _FETCH_CALLS or (k or "").endswith((".urlopen", ".get")) for k in kinds)
        if fetched:
            ctx.facts.tag("download_exec")
            ctx.facts.propose("code:exec", Severity.CRITICAL)
            return
        self.opaque()


_PATH_TYPES = ("pathlib.Path", "Path", "pathlib.PosixPath")


# Modules whose attributes run programs, code or connections.
_RUNNING_MODULES = frozenset(
    {"os", "posix", "nt", "subprocess", "builtins", "pty", "socket", "ctypes", "shutil",
     "importlib", "sys", "commands", "pexpect", "runpy", "code", "marshal", "pickle"}
)  # fmt: skip


def _home_variable(name: str | None) -> str | None:
    """``~`` for the variables that hold the user's home directory (else unknown)."""
    return "~" if name in ("HOME", "USERPROFILE") else None


def _is_namespace(node: ast.AST) -> bool:
    """``X.__dict__``, ``vars(X)``, ``globals()``, ``locals()``, ``__builtins__``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "__dict__"
    if isinstance(node, ast.Name):
        return node.id == "__builtins__"
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("vars", "globals", "locals")
    )


def _namespace_owner(node: ast.AST) -> ast.AST:
    if isinstance(node, ast.Attribute):
        return node.value
    if isinstance(node, ast.Call) and node.args:
        return node.args[0]
    return ast.Name(id="builtins")


def _is_true(test: ast.AST) -> bool:
    return isinstance(test, ast.Constant) and bool(test.value) is True


def _int_value(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _int_value(node.left), _int_value(node.right)
        return left | right if left is not None and right is not None else None
    if isinstance(node, ast.Attribute) and node.attr.startswith("S_"):
        import stat

        value = getattr(stat, node.attr, None)
        return value if isinstance(value, int) else None
    return None
