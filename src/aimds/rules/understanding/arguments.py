"""Tool arguments to action facts: commands, code, SQL, URLs, paths, recipients, logins.

Arguments are read twice:

* **by name**: a tool the name tables do not know is still classified when it takes
  ``command``, ``url`` + ``method``, ``sql``, ``path`` + ``content``, ``to`` + ``body``,
  ``username`` + ``password``; the key says which role a value plays (source or destination
  of a copy, the request URL, the recipients);
* **by content**: every string, nested in dicts and lists too (bounded), is tested for what
  it is by its shape (:func:`~aimds.rules.understanding.values.value_shape`: path, URL,
  host, e-mail, SQL, shell command, Python code, secret reference) and analysed as such,
  whatever its name, so ``{"p": "/etc/shadow"}``, ``{"q": "DROP TABLE users"}`` or
  ``{"code": "curl … | sh"}`` mean what they say.

Reading by content only ever adds: the facts of a content-detected value are collected
apart and joined to the call's when they matter (a sensitive path, a denied host, a
destructive or privileged command, anything of high risk) or when the value is what the
tool works on (SQL to a database tool, a command to a shell tool, a path to a file tool).
So an argument can make a call stricter, never laxer. Prose (``message``, ``body``,
``description``…) and file contents being written are data: they are not read as commands,
SQL or code. Secret references are never read as hosts or paths.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from collections.abc import Iterator, Mapping
from typing import Any

from aimds.rules.network import parse_destination
from aimds.rules.paths import (
    SensitivePlace,
    canonicalize_path,
    is_persistence_path,
    is_recovery_data,
)
from aimds.rules.understanding.action_types import UNKNOWN_TYPE
from aimds.rules.understanding.environment import (
    SETTER_WORDS,
    VARIABLE_MAP_KEYS,
    hijacking_variables,
)
from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.formulas import read_formula
from aimds.rules.understanding.globs import locate_place
from aimds.rules.understanding.keys import ACCOUNT_KEY_TAG, ENCRYPT_WORDS, account_keys
from aimds.rules.understanding.nosql import (
    analyze_mongo_filter,
    analyze_nosql,
    analyze_search_request,
)
from aimds.rules.understanding.operations import operation_command
from aimds.rules.understanding.records import carries_personal_records
from aimds.rules.understanding.settings import (
    ACCOUNT_WORDS,
    SETTINGS_WORDS,
    changes_account_recovery,
    grants_privilege,
    switches_protection_off,
)
from aimds.rules.understanding.shell import collect_code, collect_command
from aimds.rules.understanding.shell_programs import HANDLERS, carries_data, url_facts
from aimds.rules.understanding.sql import analyze_sql, looks_like_sql
from aimds.rules.understanding.tools import (
    FILE_VERBS,
    name_executes,
    name_hosts_commands,
    name_language,
    name_uses_key,
    name_verb,
    name_words,
)
from aimds.rules.understanding.uploads import referenced_files
from aimds.rules.understanding.values import (
    looks_like_cmd,
    looks_like_code,
    looks_like_command,
    looks_like_powershell,
    looks_like_sql_statement,
    value_shape,
)
from aimds.rules.understanding.workflows import (
    autorun_commands,
    is_workflow_path,
    sends_secret,
    unread_autorun,
    workflow_steps,
)
from aimds.types import Severity

__all__ = ["ArgReader"]

_COMMAND_KEYS = (
    "command",
    "cmd",
    "commands",
    "shell_command",
    "bash_command",
    "cmdline",
    "command_line",
    "script",
    "input",
)  # fmt: skip (the last two: shell tools only)
_CODE_KEYS = ("code", "source_code", "python", "script", "js", "javascript", "expression",
              "program", "snippet", "cell", "function")  # fmt: skip
_URL_KEYS = ("url", "uri", "href", "link", "endpoint", "target_url", "webhook_url", "webhook",
             "website", "site", "base_url", "page_url", "urls")  # fmt: skip
_METHOD_KEYS = ("method", "http_method", "verb", "request_method")
_BODY_KEYS = ("body", "data", "json", "payload", "form", "files", "content", "json_body",
              "form_data", "request_body")  # fmt: skip
_QUERY_KEYS = ("params", "query_params", "querystring")
_SQL_KEYS = ("sql", "query", "statement", "sql_query", "stmt")
_PATH_KEYS = ("path", "file", "file_path", "filepath", "filename", "file_name", "paths", "dir",
              "directory", "dirname", "folder", "target", "target_path", "location", "files",
              "source", "src", "destination", "dst", "dest", "old_path", "new_path",
              "source_path", "destination_path")  # fmt: skip
_SOURCE_KEYS = frozenset({"source", "src", "old_path", "source_path"})
_DEST_KEYS = frozenset({"destination", "dst", "dest", "new_path", "destination_path"})
_WRITE_KEYS = ("content", "contents", "text", "new_str", "new_string", "edits", "file_text",
               "patch", "diff", "append", "data")  # fmt: skip
_CWD_KEYS = ("cwd", "workdir", "working_dir", "working_directory")
# Arguments of a shell tool that configure the run rather than say what runs.
_SHELL_SETTING_KEYS = frozenset(
    {"timeout", "timeout_s", "timeout_ms", "shell", "env", "environment", "user", "restart",
     "background", "is_background", "stdin_open", "tty", "encoding", "language", "lang"}
)  # fmt: skip
# Shell builtins that SQL also has as keywords (``set -x VAR 1`` in fish, ``set -e``): a shell
# tool's line starting with one is a command, not a statement.
_SHELL_BUILTINS = frozenset({"set", "export", "unset", "declare", "alias", "source", "cd"})
# Arguments that only describe the call to a human (a shell tool's "why").
_PROSE_ONLY_KEYS = frozenset(
    {"description", "summary", "title", "reason", "explanation", "comment", "note", "label",
     "purpose", "intent"}
)  # fmt: skip
_RECIPIENT_KEYS = ("to", "cc", "bcc", "recipients", "recipient", "emails", "email_to", "to_email",
                   "to_address", "to_addresses", "channel", "channel_id", "chat_id", "phone",
                   "phone_number", "number")  # fmt: skip
_MESSAGE_KEYS = ("body", "text", "message", "content", "subject", "html", "attachments",
                 "blocks", "markdown", "msg")  # fmt: skip
_ATTACHMENT_KEYS = ("attachments", "attachment", "attach", "files")
_USER_KEYS = ("username", "user", "login", "email", "account", "user_name", "userid", "user_id")
_AMOUNT_KEYS = ("amount", "amount_cents", "sum", "value")
_PAYEE_KEYS = ("to", "recipient", "account", "iban", "destination", "payee", "to_account",
               "beneficiary", "destination_account")  # fmt: skip
_TARGET_KEYS = ("host", "hostname", "server", "service", "domain", "site", "url", "uri",
                "endpoint", "login_url", "auth_url", "base_url", "address", "realm", "target",
                "instance", "tenant", "app", "application", "provider", "registry")  # fmt: skip
_PASSWORD = re.compile(r"pass(?:word|wd|phrase)?$|^pwd$|password", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s<>,;]+@([^@\s<>,;]+\.[^@\s<>,;]+)$")
_ANGLE = re.compile(r"<([^<>]+)>")
# a repository given as a URL (``https://host/x.git``, ``ssh://...``) or scp-like
# (``git@host:owner/x.git``), not as the name of a configured remote
_REPO_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)
_WIDE = frozenset({"/", "/root", "/home", "/etc", "/var/log", "/proc", "/var", "/sys"})
_EDITOR_WRITE = frozenset({"create", "str_replace", "insert", "undo_edit", "write", "edit"})
_MAX_VALUES = 32
# Reading by content: bounds, and the keys whose strings are data, not instructions.
_MAX_DEPTH = 6
_LOCATE_CACHE = 4096
_MAX_STRINGS = 128
_PROSE_KEYS = frozenset(
    {
        "body", "text", "message", "msg", "html", "markdown", "subject", "title", "description",
        "summary", "comment", "comments", "note", "notes", "prompt", "question", "instructions",
        "caption", "reason", "label", "content", "contents", "file_text", "new_str", "old_str",
        "new_string", "old_string", "patch", "diff", "append", "blocks", "system",
        "system_prompt", "answer", "reply", "response", "feedback", "review", "alt", "placeholder"
    }
)  # fmt: skip
_DATA_KEYS = frozenset(
    {
        "content", "contents", "file_text", "new_str", "old_str", "new_string", "old_string",
        "patch", "diff", "append", "data"
    }
)  # fmt: skip
_NOT_HOST_KEYS = frozenset(
    {
        "version", "ver", "id", "uuid", "sha", "hash", "checksum", "digest", "etag", "tag",
        "revision", "rev", "build", "release"
    }
)  # fmt: skip
# The categories whose tools execute what they are given (commands, SQL, code).
_EXEC_CATEGORIES = frozenset(
    {"shell", "code", "db", "unknown", "net", "browser", "agent", "vcs", "identity", "secrets",
     "payment"}
)  # fmt: skip
# Tools whose arguments are data sent somewhere to be looked up (a search for "/etc/shadow"
# or "10.0.0.1" touches neither): only a whole URL is read from them.
_DATA_CATEGORIES = frozenset({"search", "memory"})
_NATURAL = {"sql": "db", "command": "shell", "code": "code"}
_REDIS_WORDS = frozenset({"redis", "valkey", "keydb"})
_MONGO_WORDS = frozenset({"mongo", "mongodb", "mongosh", "documentdb"})
_STORE_WORDS = _REDIS_WORDS | _MONGO_WORDS
_FORMULA_MARKS = frozenset("=+-@")
_SEARCH_ENGINE_WORDS = frozenset({"elasticsearch", "opensearch", "elastic"})
_QUIET_TAGS = frozenset({"outbound", "code_exec"})
_QUIET_KINDS = frozenset({"public", "hostname", "documentation"})


def _relative_uri(value: str) -> bool:
    """A scheme-less ``uri`` whose first segment is no host name (``docs/intro.md``,
    ``./notes.txt``, ``/srv/a.txt``): a path. A dotted name (``host.example/x``), a port
    (``localhost:8080/x``), a protocol-relative ``//host/x``, a bare name and a one-label
    host the network rules single out (``metadata/...``, ``localhost/...``) stay hosts."""
    if "/" not in value or "://" in value or value.startswith("//"):
        return False
    head = value.split("/", 1)[0]
    if head in ("", ".", "..", "~"):
        return True
    if "." in head or ":" in head or "\\" in head:
        return False
    dest = parse_destination("https://" + head)
    return dest is not None and dest.kind == "private"


def _strings(value: Any) -> Iterator[str]:
    """Strings in a value: itself, the items of a list, ``email``/``address``/``path`` of dicts."""
    if value is None:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value[:_MAX_VALUES]:
            if isinstance(item, str):
                yield item
            elif isinstance(item, Mapping):
                for key in ("email", "address", "path", "id", "name"):
                    if isinstance(item.get(key), str):
                        yield item[key]
                        break
    elif isinstance(value, Mapping):
        for key in ("email", "address", "path"):
            if isinstance(value.get(key), str):
                yield value[key]
                break


def _present(args: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    for key in keys:
        if key in args:
            value = args[key]
            if value is not None and value != "" and value != [] and value != {}:
                return True
    return False


class ArgReader:
    """Reads the arguments of one call into facts; holds only settings, so thread-safe."""

    __slots__ = ("_cwd", "_home", "_internal", "_located")

    def __init__(self, *, cwd: str, home: str, internal_domains: tuple[str, ...]) -> None:
        self._cwd = cwd
        self._home = home
        self._internal = internal_domains
        self._located = functools.lru_cache(maxsize=_LOCATE_CACHE)(self._locate)

    def read(self, tool: str, base: str, raw: Mapping[str, Any], facts: Facts) -> None:
        args = {str(k).lower(): v for k, v in list(raw.items())[:64]}
        category = base.partition(":")[0]
        cwd = next((v for k in _CWD_KEYS if isinstance(v := args.get(k), str) and v), self._cwd)
        if category == "unknown" and (line := operation_command(tool, raw)) is not None:
            # ``docker_run {"image": ...}``: judged as the command line it amounts to
            collect_command(line, facts, cwd=cwd, home=self._home)
            facts.propose("shell:exec")
        if category in ("shell", "unknown", "code", "identity"):
            self._commands(args, category, facts, cwd, tool)
        if category in ("code", "unknown", "browser") or base == "code:exec":
            keys: tuple[str, ...] = (
                _CODE_KEYS + ("query", "input", "tool_input") if category == "code" else _CODE_KEYS
            )
            if category == "unknown" and name_language(tool) != "auto":
                # a tool named for a language (``node``, ``ruby``, ``rscript``) runs the
                # program it is given under ``source`` or ``input`` too (not a file name)
                keys = keys + _LANGUAGE_SOURCE_KEYS
            for key in keys:
                value = args.get(key)
                if key in _LANGUAGE_SOURCE_KEYS and not _program_text(value):
                    continue
                if isinstance(value, str) and (category != "unknown" or key != "function"):
                    if (
                        category == "unknown"
                        and name_language(tool) == "auto"
                        and value_shape(value) == "command"
                        and not looks_like_code(value)
                    ):
                        break  # a command line under "script": read as one by content below
                    language = name_language(tool)
                    collect_code(value, facts, cwd=cwd, home=self._home, language=language)
                    facts.propose("code:exec")
                    break
        self._sql(args, category, facts, tool)
        self._urls(args, tool, base, category, facts)
        self._paths(args, tool, base, category, facts, cwd)
        if category in ("fs", "vcs", "unknown"):
            self._workflows(args, facts, cwd)
        self._recipients(args, base, category, facts)
        self._login(args, base, category, facts)
        self._content(raw, tool, base, category, facts, cwd)
        words = frozenset(name_words(tool))
        if category == "unknown" and name_uses_key(tool) and not words.isdisjoint(ENCRYPT_WORDS):
            self._key_account(args, facts)
        if category == "unknown" and _present(args, _AMOUNT_KEYS) and _present(args, _PAYEE_KEYS):
            facts.propose("payment:transfer")
        elif base == "payment:refund" and _present(args, _PAYEE_KEYS):
            # a refund goes back to whoever paid; one told where to send the money is a
            # transfer to a payee the call chooses
            facts.propose("payment:transfer")
        if not SETTINGS_WORDS.isdisjoint(words) and switches_protection_off(raw):
            facts.tag("protection_off")  # auth.enabled=false, mfa off, TLS verify off
        if not ACCOUNT_WORDS.isdisjoint(words):
            if changes_account_recovery(raw):
                # a profile or settings change of the e-mail, phone, password or MFA an account
                # is recovered through: whoever controls the new value controls the account
                facts.propose("identity:user_admin")
            if grants_privilege(raw):
                facts.privilege()  # ``update_user_profile {"role": "admin"}``
        setter = not SETTER_WORDS.isdisjoint(words)
        if (setter or not VARIABLE_MAP_KEYS.isdisjoint(args)) and any(
            hijacking_variables(args, setter=setter)
        ):
            facts.tag("persistence", "code_exec")  # LD_PRELOAD, PATH...: code that runs later
        if "has_payload" in facts.tags:
            payloads = list(_payloads(args))
            if any(map(carries_personal_records, payloads)):
                facts.tag("personal_records")  # a table of people leaving, whoever receives it
            self._uploaded_files(payloads, facts, cwd)
        elif facts.outbound or category == "unknown":
            # a send whose URL sits under an odd name (``http_post {"target": ...}``), or a
            # tool no table knows (``post_json``), may send what it is given: a file its
            # values name to be read in their place is read
            self._uploaded_files(list(_payloads(args)), facts, cwd)
        if facts.type == "vcs:push" and any(
            isinstance(v, str) and _REPO_URL.match(v.strip()) for v in list(args.values())[:64]
        ):
            facts.tag("unnamed_remote")  # a push tool given where to push, not a remote name

    def _key_account(self, args: dict[str, Any], facts: Facts) -> None:
        """A key service told to encrypt under a key named with its account (a key ARN): the
        ciphertext is readable wherever that account is, ours or not (see ``keys.py``). A
        signature carries no data, so signing is not asked."""
        for value in list(args.values())[:_MAX_VALUES]:
            for account in account_keys(value) if isinstance(value, str) else ():
                facts.resource(account)
                facts.tag(ACCOUNT_KEY_TAG)  # judged by the classifier (own accounts)

    def _uploaded_files(self, payloads: list[str], facts: Facts, cwd: str) -> None:
        """Files a send's body names for the client to read and send in its place
        (``"body": "@/etc/passwd"``, ``<contents of ~/.ssh/id_rsa>``, ``{{file:/p}}``): the
        call reads them, and what it sends is computed when it runs."""
        for text in payloads:
            for value in referenced_files(text):
                try:
                    path = canonicalize_path(value, cwd=cwd, home=self._home,
                                             resolve_symlinks=False)  # fmt: skip
                except ValueError:
                    facts.tag("sensitive_path")
                    continue
                place = locate_place(path)
                facts.path_read(path, place)
                facts.tag("computed_payload")
                if place is not None and place.credential_store:
                    facts.credential(place.kind)

    def _formula(self, value: str, facts: Facts) -> None:
        """A spreadsheet formula among the values (data, for every other reader): a fetch
        reaches the network when the sheet computes, with the sheet's own cells in the URL
        when it is built from them; a DDE call runs a program."""
        formula = read_formula(value)
        if formula is None:
            return
        if formula.runs_program:
            facts.tag("code_exec", "opaque")
            facts.propose("shell:opaque")
        if formula.fetches:
            for url in formula.urls:
                dest = parse_destination(url)
                if dest is not None:
                    facts.resource(dest.host)
            facts.propose("net:http_get")
            facts.mark_outbound(payload=formula.computed or not formula.urls)

    # ------------------------------------------------------------ commands

    def _commands(
        self, args: dict[str, Any], category: str, facts: Facts, cwd: str, tool: str = ""
    ) -> None:
        # a shell tool runs whatever it is given as shell, "code" included; a PowerShell
        # tool (``powershell_run``, ``pwsh``) runs it as PowerShell
        keys = _COMMAND_KEYS + _CODE_KEYS if category == "shell" else _COMMAND_KEYS
        powershell = name_language(tool) == "powershell"
        for key in keys:
            if key in ("script", "input") and category != "shell":
                continue
            if not self._command_value(args.get(key), facts, cwd, powershell=powershell):
                continue
            if category == "unknown":
                facts.propose("shell:exec")
            return
        if category == "shell":
            # a shell tool runs what it is given whatever the argument is called
            # (``{"text": ...}``, ``{"line": ...}``, ``{"run": [...]}``): every other
            # top-level string or list of strings is read as a command line, settings and
            # prose aside
            for key, value in list(args.items())[:_MAX_VALUES]:
                if key in _CWD_KEYS or key in _SHELL_SETTING_KEYS or key in _PROSE_ONLY_KEYS:
                    continue
                self._command_value(value, facts, cwd, powershell=powershell)

    def _command_value(self, value: Any, facts: Facts, cwd: str, *, powershell: bool) -> bool:
        """Read one argument as the command line it is; False when it is none."""
        if isinstance(value, str) and value.strip() and powershell:
            collect_code(value, facts, cwd=cwd, home=self._home, language="powershell")
        elif isinstance(value, str) and value.strip():
            collect_command(value, facts, cwd=cwd, home=self._home)
            self._windows(value, facts, cwd)
        elif isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
            items = [str(v) for v in value[:_MAX_VALUES]]
            if len(items) > 1 and not any(" " in v for v in items[:1]):
                collect_command(shlex.join(items), facts, cwd=cwd, home=self._home)
            else:
                for item in items:
                    collect_command(item, facts, cwd=cwd, home=self._home)
        else:
            return False
        return True

    def _windows(self, value: str, facts: Facts, cwd: str) -> None:
        """A command line is also read as what a Windows shell would run, where it reads as
        PowerShell or ``cmd.exe`` (a tool rarely says which shell it has)."""
        if looks_like_powershell(value):
            collect_code(value, facts, cwd=cwd, home=self._home, language="powershell")
        if looks_like_cmd(value):
            collect_code(value, facts, cwd=cwd, home=self._home, language="cmd")

    # ----------------------------------------------------------------- sql

    def _sql(self, args: dict[str, Any], category: str, facts: Facts, tool: str = "") -> None:
        if category not in ("db", "unknown", "shell", "code", "net"):
            return
        if category == "db" and self._nosql(args, tool, facts):
            return
        for key in _SQL_KEYS:
            value = args.get(key)
            if not isinstance(value, str):
                continue
            if category == "db" or looks_like_sql(value):
                analyze_sql(value, facts)
                return
        if category == "db":
            # a database tool runs its statement whatever the argument is called ("q",
            # "text"): the first string that starts like SQL is read, and SQL no dialect
            # understands (EXECUTE IMMEDIATE, BACKUP … TO DISK) is db:opaque, not ignored
            # (prose such as a "comment" only when some dialect reads it: "Update the
            # numbers" is no statement)
            for key, value in list(args.items())[:_MAX_VALUES]:
                if not isinstance(value, str) or (key in _PROSE_KEYS and not looks_like_sql(value)):
                    continue
                if analyze_sql(value, facts):
                    return

    def _nosql(self, args: dict[str, Any], tool: str, facts: Facts) -> bool:
        """A Redis or MongoDB tool's text (``FLUSHALL``, ``db.users.drop()``) and Mongo
        filters; MongoDB shell calls are recognised in any database tool. True: read."""
        words = set(name_words(tool))
        if not words.isdisjoint(_SEARCH_ENGINE_WORDS):
            analyze_search_request(args, facts)  # the query DSL, not SQL
            return True
        redis = not words.isdisjoint(_REDIS_WORDS)
        mongo = not words.isdisjoint(_MONGO_WORDS)
        read = False
        for _key, value in list(args.items())[:_MAX_VALUES]:
            if isinstance(value, str) and (redis or "db." in value or value.startswith("db[")):
                read = analyze_nosql(value, facts) or read
            elif mongo and isinstance(value, Mapping):
                analyze_mongo_filter(value, facts)
        return read

    # ---------------------------------------------------------------- urls

    def _urls(
        self, args: dict[str, Any], tool: str, base: str, category: str, facts: Facts
    ) -> None:
        verb = name_verb(tool) if category == "unknown" else None
        files = verb in ("read", "list") and any(
            _relative_uri(u) for u in _strings(args.get("uri"))
        )
        urls = [
            u
            for key in _URL_KEYS
            if key in args
            for u in _strings(args[key])
            # a local file (``file:///x``, or a file tool's ``uri`` without a scheme:
            # ``read_file {"uri": "Dockerfile"}``) is read as a path by content
            if u[:8].lower() != "file:///"
            and (category != "fs" or "://" in u)
            and not (files and key == "uri" and _relative_uri(u))
        ][:_MAX_VALUES]
        if files and verb is not None:
            # ``read {"uri": "docs/intro.md"}``: a bare read verb given a relative path is
            # a file read (the path is read by content), not a request to a host "docs"
            facts.propose(FILE_VERBS[verb])
        if not urls:
            return
        method = next((v.upper() for k in _METHOD_KEYS if isinstance(v := args.get(k), str)), None)
        body = _present(args, _BODY_KEYS)
        if method is None:
            if base == "net:http_post" or (body and category in ("net", "unknown")):
                method = "POST"
            else:
                method = "GET"
        for url in urls:
            url_facts(url if "://" in url else "https://" + url, facts, method=method)
        query = next((v for k in _QUERY_KEYS if isinstance(v := args.get(k), Mapping)), None)
        if query and any(isinstance(v, str) and carries_data(v) for v in query.values()):
            facts.mark_outbound(payload=True)
        if category not in ("net", "unknown", "search"):
            return
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            facts.propose("net:http_post")
            if body or method != "DELETE":
                facts.mark_outbound(payload=body)
        elif category == "unknown":
            facts.propose("net:http_get")

    # --------------------------------------------------------------- paths

    def _paths(
        self, args: dict[str, Any], tool: str, base: str, category: str, facts: Facts, cwd: str
    ) -> None:
        if category not in ("fs", "unknown", "email", "message", "vcs", "search"):
            return
        mode = base.partition(":")[2] if category == "fs" else "read"
        editor = args.get("command")
        if category == "fs" and isinstance(editor, str):
            mode = "write" if editor.lower() in _EDITOR_WRITE else "read"
        elif (
            category == "unknown"
            and _present(args, _WRITE_KEYS)
            and (_present(args, _PATH_KEYS) or name_verb(tool) == "write")
        ):
            # content and a place (or a name that writes): a file write; a tool named "run"
            # given only "text" is no file write, it stays unknown
            mode = "write"
            facts.propose("fs:write")
        elif category == "unknown" and _present(args, _PATH_KEYS):
            verb = name_verb(tool)  # "read", "open", "cat" with a path: a file read
            if verb is not None:
                mode = verb
                facts.propose(FILE_VERBS[verb])
        keys = _PATH_KEYS if category in ("fs", "unknown") else _ATTACHMENT_KEYS
        if mode == "delete" and self._workspace_only(args, keys, cwd):
            # deleting files of the work area is everyday work, as ``rm build/x.log`` is in
            # a shell: a change inside the workspace, not the destructive type
            facts.settle("fs:write")
            mode = "write"
        for key in keys:
            if key in args:
                for value in _strings(args[key]):
                    self._path(value, key, mode, category, facts, cwd)

    def _workflows(self, args: dict[str, Any], facts: Facts, cwd: str) -> None:
        """A CI workflow written (whole or in part) is judged by the shell steps it will
        run: a step that sends a secret out as data reads the CI secrets into a send. A
        file that makes commands run here on their own (install scripts, folder-open tasks)
        is judged by those commands, planted to run later."""
        for path, content in _written_files(args):
            if unread_autorun(path, content):
                facts.tag("persistence")
                continue
            for command in autorun_commands(path, content):
                scratch = Facts("shell:exec")
                collect_command(command, scratch, cwd=cwd, home=self._home)
                # what it does, not what cannot be read of it: a hook sourcing its helper
                # (``. "$(dirname "$0")/_/husky.sh"``) is the usual template
                if not scratch.tags <= _QUIET_TAGS | {"opaque"}:
                    _join(scratch, facts)
                    facts.tag("persistence")
            if not is_workflow_path(path):
                continue
            for step in workflow_steps(content):
                scratch = Facts("shell:exec")
                collect_command(step, scratch, cwd=cwd, home=self._home)
                if sends_secret(step, scratch.tags, scratch.outbound):
                    facts.credential("ci_secrets")
                    facts.mark_outbound(payload=True)
                    return

    def _workspace_only(self, args: dict[str, Any], keys: tuple[str, ...], cwd: str) -> bool:
        """Whether every path argument lies strictly inside the working directory (not the
        directory itself, not the filesystem root) and is no sensitive place."""
        root = cwd.rstrip("/")
        if not root:
            return False
        found = False
        for key in keys:
            for value in _strings(args[key]) if key in args else ():
                try:
                    path = canonicalize_path(value, cwd=cwd, home=self._home,
                                             resolve_symlinks=False)  # fmt: skip
                except ValueError:
                    return False
                if (
                    not path.startswith(root + "/")
                    or locate_place(path) is not None
                    or is_recovery_data(path)
                ):
                    return False
                found = True
        return found

    def _path(self, value: str, key: str, mode: str, category: str, facts: Facts, cwd: str) -> None:
        if not value:
            return
        if "://" in value and not value.lower().startswith("file:"):
            if category == "unknown" and key in _DEST_KEYS and value_shape(value) == "url":
                # an unknown tool told to deliver its output to a URL sends it there
                # (``crm_export_contacts {"destination": "https://..."}``): no ordinary record
                facts.mark_outbound(payload=True)
            return
        value = value.strip("\r\n")
        if "\n" in value:
            # several lines under a path-like name: code, a diagram or document source, or a
            # list of paths; each line or word shaped like a path is judged as one (code is
            # read as code by content), the rest is text
            words = [w for line in value.splitlines() for w in (line.strip(), *line.split())]
            for word in dict.fromkeys(words[: _MAX_VALUES * 4]):
                if value_shape(word) == "path":
                    self._path(word, key, mode, category, facts, cwd)
            return
        try:
            path = canonicalize_path(value, cwd=cwd, home=self._home, resolve_symlinks=False)
        except ValueError:
            facts.tag("sensitive_path")
            return
        absolute = value.startswith(("/", "~", "file:", "\\", "%")) or cwd != "/"
        place = locate_place(path if absolute else value.removeprefix("./"))
        if key in _SOURCE_KEYS and mode in ("write", "delete"):
            facts.path_read(path, place)
            if mode == "write" and place is not None:
                facts.propose("fs:write", facts.risk)
            return
        if mode == "delete":
            facts.path_delete(path, place, recursive=False)
        elif mode == "write" or key in _DEST_KEYS:
            facts.path_write(path, place)
        elif mode == "list":
            facts.path_read(path, place, listing=True)
            if path in _WIDE:
                facts.recon()
        else:
            facts.path_read(path, place)
            if category == "unknown" and place is not None and place.credential_store:
                facts.credential(place.kind)

    # ---------------------------------------------------------- recipients

    def _recipients(self, args: dict[str, Any], base: str, category: str, facts: Facts) -> None:
        if category not in ("email", "message", "unknown"):
            return
        recipients: list[str] = []
        for key in _RECIPIENT_KEYS:
            if key not in args:
                continue
            for value in _strings(args[key]):
                for part in re.split(r"[,;]", value):
                    part = part.strip()
                    angle = _ANGLE.search(part)
                    if angle is not None:
                        part = angle.group(1).strip()
                    if part:
                        recipients.append(part)
        if not recipients:
            return
        emails = [r for r in recipients if _EMAIL.match(r)]
        payload = _present(args, _MESSAGE_KEYS)
        if category == "unknown":
            if not (emails and payload):
                return
            facts.propose("email:send")
        if category == "email" and facts.type.startswith("email:read"):
            return
        for r in recipients:
            facts.resource(r.lower() if "@" in r else r)
        if base == "email:draft":
            return  # a draft names its recipients but sends nothing
        facts.mark_outbound(payload=payload)
        for address in emails:
            m = _EMAIL.match(address)
            domain = m.group(1).lower() if m else ""
            if not any(domain == d or domain.endswith("." + d) for d in self._internal):
                facts.tag("external_recipient")
                break

    # --------------------------------------------------------------- login

    def _login(self, args: dict[str, Any], base: str, category: str, facts: Facts) -> None:
        if base == "identity:login":
            facts.tag("auth_attempt")
            _login_target(args, facts)
            return
        has_password = any(_PASSWORD.search(k) for k in args)
        if has_password and (_present(args, _USER_KEYS) or category in ("unknown", "identity")):
            if base == "identity:user_admin":
                return
            facts.tag("auth_attempt")
            _login_target(args, facts)
            if category == "unknown":
                facts.propose("identity:login")

    # ---------------------------------------------------------- by content

    def _content(
        self, raw: Mapping[str, Any], tool: str, base: str, category: str, facts: Facts, cwd: str
    ) -> None:
        """Every string of the arguments, read for what its shape says it is."""
        verb = name_verb(tool) if category == "unknown" else None
        # an unknown tool whose name says it runs things (``sandbox_exec``) runs the
        # command, SQL or code it is given: that is what it does, judged as such
        runs = category == "unknown" and name_executes(tool)
        # a tool that runs what it is given, or is named as a place where commands run
        # (``container_exec``, ``devbox``), runs its ``text`` or ``input`` too: only what
        # merely describes the call to a human (``description``, ``reason``) is prose there
        prose = (
            _PROSE_ONLY_KEYS if runs or (category == "unknown" and name_hosts_commands(tool))
            else _PROSE_KEYS
        )
        named = _named_shapes(category)
        store = not _STORE_WORDS.isdisjoint(name_words(tool))
        for key, value, top in _walk(raw):
            if value[:1] in _FORMULA_MARKS:
                self._formula(value, facts)  # read whatever the key: cells are data
            if top and key in _URL_KEYS and "://" in value and value[:8].lower() != "file:///":
                continue  # read as the call's URL by name
            if (key in prose or key in _DATA_KEYS or category in _DATA_CATEGORIES) and (
                key in _DATA_KEYS or "://" not in value or " " in value.strip()
            ):
                continue  # text and data: only a whole URL in prose counts (a destination)
            # a shell tool runs a line that starts with a shell program as shell, even when
            # it also reads as SQL ("kill 4242"); a program the shell reader knows makes it a
            # command whatever the argument is called ("setcap ..." under "argv"). As written:
            # the shell is case-sensitive, so "TRUNCATE TABLE t" runs no ``truncate``.
            program = _program_as_written(value)
            shell_line = (category == "shell" or runs) and (
                program in HANDLERS or program in _SHELL_BUILTINS
            )
            if top and key in named.get("command", ()) and " " in value.strip():
                # read as a command by name; what that misses is SQL ("DROP TABLE" as a command)
                sql = not shell_line and looks_like_sql_statement(value)
                shape: str | None = "sql" if sql else None
            else:
                shape = value_shape(value)
                if shell_line and shape in (None, "sql"):
                    shape = "command"
                elif runs and shape is None and " " in value.strip():
                    shape = "command"  # a command line for a tool that runs ("jq '.x' f")
            if shape == "command" and category == "unknown" and name_language(tool) != "auto":
                shape = "code"  # a tool named for a language (``perl``) runs it, not a shell
            if (
                shape == "command"
                and top
                and key in named.get("code", ())
                and (name_language(tool) != "auto" or looks_like_code(value))
            ):
                continue  # read as code of a known language by name ("x => x" is no redirection)
            if shape is None or shape == "secret_ref" or (top and key in named.get(shape, ())):
                continue  # nothing to read, or already read by its name
            if shape == "sql" and store:
                continue  # a Redis or MongoDB tool's text: read in its own language above
            if shape in _NATURAL:
                if key in prose or category not in _EXEC_CATEGORIES:
                    continue
                self._executable(shape, value, category, facts, cwd, runs=runs, tool=tool)
            elif key in _DATA_KEYS:
                continue
            elif shape == "url":
                self._content_url(value, category, facts)
            elif shape == "email":
                if category in ("email", "message", "unknown") and key not in _PROSE_KEYS:
                    facts.resource(value.lower())
            else:
                if shape in ("host", "name") and key not in _NOT_HOST_KEYS:
                    self._content_host(value, facts)
                # a bare file name under a path argument (``remove {"path": "build.log"}``)
                # was judged by name, workspace included: not again as a path by content
                if (
                    shape in ("path", "name")
                    and key not in _PROSE_KEYS
                    and not (top and key in named.get("path", ()))
                ):
                    self._content_path(value, base, category, verb, facts, cwd)

    def _executable(
        self,
        shape: str,
        value: str,
        category: str,
        facts: Facts,
        cwd: str,
        *,
        runs: bool,
        tool: str,
    ) -> None:
        """A command, SQL or code found by content: analysed apart, joined when it matters
        or when it is what the tool runs (SQL to a database tool...)."""
        natural = _NATURAL[shape]
        scratch = Facts({"sql": "db:query", "command": "shell:exec", "code": "code:exec"}[shape])
        if shape == "sql":
            analyze_sql(value, scratch)
        elif shape == "command":
            collect_command(value, scratch, cwd=cwd, home=self._home)
            self._windows(value, scratch, cwd)
        else:
            collect_code(value, scratch, cwd=cwd, home=self._home, language=name_language(tool))
        for resource in scratch.resources:
            facts.resource(resource)
        quiet = scratch.tags <= _QUIET_TAGS and scratch.risk < (
            Severity.CRITICAL if shape == "code" else Severity.HIGH
        )
        # an unknown tool whose name says commands run there (``devbox``, ``ops_tool``)
        # given a command line is judged as that shell call: a quiet one ("du -sh *") is
        # everyday shell work; any other unknown tool stays unknown (it may do more)
        hosts = category == "unknown" and shape == "command" and name_hosts_commands(tool)
        if category == natural or not quiet or runs or hosts:
            _join(scratch, facts)

    def _content_url(self, value: str, category: str, facts: Facts) -> None:
        if category in ("net", "browser"):
            url_facts(value, facts)  # a request tool with its URL under an odd name
            return
        scratch = Facts(UNKNOWN_TYPE)
        url_facts(value, scratch)
        if parse_destination(value) is not None:
            facts.resource(value.strip())  # judged by the network boundaries, like any URL
        if not scratch.tags <= _QUIET_TAGS | {"has_payload", "auth_attempt"}:
            facts.tag(*(scratch.tags - {"outbound", "has_payload", "auth_attempt"}))
            facts.bump(scratch.risk)
            if scratch.type != UNKNOWN_TYPE:
                facts.propose(scratch.type, scratch.risk)

    def _content_host(self, value: str, facts: Facts) -> None:
        """A bare host or address: named for the boundaries only when it is a place the
        network rules care about (private, loopback, metadata...), never a public name."""
        dest = parse_destination(value)
        if dest is None or dest.kind in _QUIET_KINDS:
            return
        facts.resource(dest.host)
        if dest.kind == "metadata":
            facts.recon()

    def _content_path(
        self, value: str, base: str, category: str, verb: str | None, facts: Facts, cwd: str
    ) -> None:
        """A path found by content: a sensitive place always counts; any other path only
        for tools that work on files (or whose bare verb name does: ``read``, ``open``)."""
        text = value.strip()
        located = self._located(text, cwd) if len(text) <= 1024 else self._locate(text, cwd)
        if located is None:
            return
        path, place = located
        if not path:  # an unusable absolute path (overlong UTF-8...): the boundaries refuse it
            facts.resource(text)
            return
        filelike = category == "fs" or verb is not None
        if place is None and not filelike:
            if category == "unknown" and is_persistence_path(path):
                # a tool no table knows that names a file which runs later (``~/.bashrc``,
                # ``.git/hooks/pre-commit``) may write it: as for a write, persistence
                facts.path_write(path, None)
            return
        if category == "fs":
            mode = base.partition(":")[2]
        else:
            mode = verb or "read"
            if verb is not None:
                facts.propose(FILE_VERBS[verb])
        if mode == "delete":
            facts.path_delete(path, place, recursive=False)
        elif mode == "write":
            facts.path_write(path, place)
        elif mode == "list":
            facts.path_read(path, place, listing=True)
        else:
            facts.path_read(path, place)

    def _locate(self, text: str, cwd: str) -> tuple[str, SensitivePlace | None] | None:
        """The canonical path of ``text`` and the sensitive place it is in; ``("", None)``
        for an unusable absolute path, ``None`` for an unusable relative one. A pure function
        of its arguments (no filesystem), so cached."""
        absolute = text.startswith(("/", "~", "file:", "\\", "%", "$")) or text[1:3] in (
            ":\\",
            ":/",
        )
        try:
            path = canonicalize_path(text, cwd=cwd, home=self._home, resolve_symlinks=False)
        except ValueError:
            return ("", None) if absolute else None
        place = locate_place(path if absolute else text.removeprefix("./"), self._home)
        if place is None and not absolute:
            place = locate_place(path, self._home)  # relative to the working directory
        return path, place


@functools.lru_cache(maxsize=32)
def _named_shapes(category: str) -> dict[str, frozenset[str]]:
    """Per shape, the argument names the by-name readers already analyse as that shape for
    tools of ``category`` (the content reader skips them rather than read them twice)."""
    out: dict[str, frozenset[str]] = {"url": frozenset(_URL_KEYS)}
    if category in ("shell", "unknown", "code", "identity"):
        keys = _COMMAND_KEYS if category == "shell" else _COMMAND_KEYS[:-2]
        out["command"] = frozenset(keys)  # as _commands reads them
    if category in ("code", "unknown", "browser"):
        out["code"] = frozenset(_CODE_KEYS + ("query", "input", "tool_input"))
    if category in ("db", "unknown", "shell", "code", "net"):
        out["sql"] = frozenset(_SQL_KEYS)
    if category in ("fs", "unknown"):
        out["path"] = frozenset(_PATH_KEYS)
    return out


def _join(scratch: Facts, facts: Facts) -> None:
    """Join the facts of one content-detected value to the call's."""
    facts.tag(*scratch.tags)
    if scratch.destructive:
        facts.destructive = True
    if scratch.outbound:
        facts.mark_outbound()
    if scratch.auth_target is not None:
        facts.login_target(scratch.auth_target)
    facts.propose(scratch.type, scratch.risk)


def _written_files(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(path, content)`` of the files a call writes: its own path and content arguments,
    and those of each file in a list (``push_files {"files": [{"path", "content"}]}``)."""
    items: list[Mapping[str, Any]] = [args]
    for value in list(args.values())[:_MAX_VALUES]:
        if isinstance(value, list):
            items.extend(v for v in value[:_MAX_VALUES] if isinstance(v, Mapping))
    for item in items:
        path = next((v for k in _PATH_KEYS if isinstance(v := item.get(k), str)), None)
        if path is None:
            continue
        for key in _WRITE_KEYS:
            if isinstance(content := item.get(key), str):
                yield path, content


_LANGUAGE_SOURCE_KEYS = ("source", "src", "input")


def _program_text(value: Any) -> bool:
    """Whether a ``source``/``input`` value is a program's text rather than a file to run:
    several lines or a call, and not shaped like a path."""
    return (
        isinstance(value, str)
        and ("\n" in value.strip() or "(" in value)
        and value_shape(value) != "path"
    )


def _program_as_written(text: str) -> str:
    """The first word of a command line, case kept, without a directory (``/bin/kill``)."""
    words = text.split(None, 1)
    return words[0].rsplit("/", 1)[-1] if words else ""


def _payloads(args: Mapping[str, Any]) -> Iterator[str]:
    """The strings a send carries: every argument but its recipients and destination."""
    for key, value in list(args.items())[:64]:
        if key in _RECIPIENT_KEYS or key in _URL_KEYS:
            continue
        if isinstance(value, str):
            yield value
        elif isinstance(value, (list, dict)):
            try:
                yield json.dumps(value)[:200_000]
            except (TypeError, ValueError):
                continue  # not JSON-shaped (sets, objects): nothing to read as records


def _walk(args: Mapping[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """``(innermost key, string, top)`` for every string in ``args``, breadth first, bounded.

    ``top``: the string sits where the by-name readers look (a top-level value or an item of
    a top-level list); a key nested in a dict (``{"request": {"url": ...}}``) is read by
    content only, so its name must not make the content reader skip it."""
    queue: list[tuple[str, Any, int, bool]] = [
        (str(k).lower(), v, 0, True) for k, v in list(args.items())[:64]
    ]
    count = 0
    for key, value, depth, top in queue:
        if count >= _MAX_STRINGS:
            return
        if isinstance(value, str):
            count += 1
            yield key, value, top
        elif depth >= _MAX_DEPTH:
            continue
        elif isinstance(value, Mapping):
            queue.extend((str(k).lower(), v, depth + 1, False) for k, v in list(value.items())[:64])
        elif isinstance(value, list | tuple):
            items = value[:_MAX_VALUES]
            argv = _argv_line(items)
            if argv is not None:  # ``{"argv": ["rm", "-rf", "/"]}``: one command, not words
                count += 1
                yield key, argv, top and depth == 0
            queue.extend((key, v, depth + 1, top and depth == 0) for v in items)


def _argv_line(items: list[Any] | tuple[Any, ...]) -> str | None:
    """A list of strings that is an argument vector (its first item names a program, as
    ``subprocess`` and ``execve`` take them), as one command line; else ``None``."""
    if len(items) < 2 or not all(isinstance(i, str) for i in items):
        return None
    head = items[0].strip()
    if not head or any(c.isspace() for c in head) or not looks_like_command(head):
        return None
    return shlex.join(items)


def _login_target(args: dict[str, Any], facts: Facts) -> None:
    """The host or service a login goes to, from the first argument that names one."""
    for key in _TARGET_KEYS:
        value = args.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        dest = parse_destination(value) if "://" in value or "." in value else None
        facts.login_target(dest.host if dest is not None else value.strip().lower(), explicit=True)
        return
