"""Tool arguments to action facts: commands, code, SQL, URLs, paths, recipients, logins.

Arguments are read by meaning (their key and the shape of their value), so a tool the
name tables do not know is still classified when it takes ``command``, ``url`` +
``method``, ``sql``, ``path`` + ``content``, ``to`` + ``body``, ``username`` + ``password``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from typing import Any

from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.shell_programs import url_facts
from aimds.rules.understanding.sql import analyze_sql, looks_like_sql
from aimds.rules.network import parse_destination
from aimds.rules.paths import canonicalize_path, classify_path
from aimds.rules.understanding.shell import collect_code, collect_command

__all__ = ["ArgReader"]

_COMMAND_KEYS = ("command", "cmd", "commands", "shell_command", "bash_command", "cmdline",
                 "command_line", "script", "input")  # fmt: skip
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
_DATA_VALUE = re.compile(r"[A-Za-z0-9+/=_\-.~%:]{16,}")
_WIDE = frozenset({"/", "/root", "/home", "/etc", "/var/log", "/proc", "/var", "/sys"})
_EDITOR_WRITE = frozenset({"create", "str_replace", "insert", "undo_edit", "write", "edit"})
_MAX_VALUES = 32


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

    __slots__ = ("_cwd", "_home", "_internal")

    def __init__(self, *, cwd: str, home: str, internal_domains: tuple[str, ...]) -> None:
        self._cwd = cwd
        self._home = home
        self._internal = internal_domains

    def read(self, tool: str, base: str, raw: Mapping[str, Any], facts: Facts) -> None:
        args = {str(k).lower(): v for k, v in list(raw.items())[:64]}
        category = base.partition(":")[0]
        cwd = next((v for k in _CWD_KEYS if isinstance(v := args.get(k), str) and v), self._cwd)
        if category in ("shell", "unknown", "code", "identity"):
            self._commands(args, category, facts, cwd)
        if category in ("code", "unknown", "browser") or base == "code:exec":
            keys = (
                _CODE_KEYS + ("query", "input", "tool_input") if category == "code" else _CODE_KEYS
            )
            for key in keys:
                value = args.get(key)
                if isinstance(value, str) and (category != "unknown" or key != "function"):
                    collect_code(value, facts, cwd=cwd, home=self._home)
                    facts.propose("code:exec")
                    break
        self._sql(args, category, facts)
        self._urls(args, base, category, facts)
        self._paths(args, base, category, facts, cwd)
        self._recipients(args, category, facts)
        self._login(args, base, category, facts)
        if category == "unknown" and _present(args, _AMOUNT_KEYS) and _present(args, _PAYEE_KEYS):
            facts.propose("payment:transfer")

    # ------------------------------------------------------------ commands

    def _commands(self, args: dict[str, Any], category: str, facts: Facts, cwd: str) -> None:
        for key in _COMMAND_KEYS:
            if key in ("script", "input") and category != "shell":
                continue
            value = args.get(key)
            if isinstance(value, str) and value.strip():
                collect_command(value, facts, cwd=cwd, home=self._home)
            elif (
                isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value)
            ):
                items = [str(v) for v in value[:_MAX_VALUES]]
                if len(items) > 1 and not any(" " in v for v in items[:1]):
                    collect_command(shlex.join(items), facts, cwd=cwd, home=self._home)
                else:
                    for item in items:
                        collect_command(item, facts, cwd=cwd, home=self._home)
            else:
                continue
            if category == "unknown":
                facts.propose("shell:exec")
            return

    # ----------------------------------------------------------------- sql

    def _sql(self, args: dict[str, Any], category: str, facts: Facts) -> None:
        if category not in ("db", "unknown", "shell", "code", "net"):
            return
        for key in _SQL_KEYS:
            value = args.get(key)
            if not isinstance(value, str):
                continue
            if category == "db" or looks_like_sql(value):
                analyze_sql(value, facts)
                return

    # ---------------------------------------------------------------- urls

    def _urls(self, args: dict[str, Any], base: str, category: str, facts: Facts) -> None:
        urls = [u for key in _URL_KEYS if key in args for u in _strings(args[key])][:_MAX_VALUES]
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
        if query and any(
            isinstance(v, str) and _DATA_VALUE.search(v) and any(c.isdigit() for c in v)
            for v in query.values()
        ):
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
        self, args: dict[str, Any], base: str, category: str, facts: Facts, cwd: str
    ) -> None:
        if category not in ("fs", "unknown", "email", "message", "vcs", "search"):
            return
        mode = base.partition(":")[2] if category == "fs" else "read"
        editor = args.get("command")
        if category == "fs" and isinstance(editor, str):
            mode = "write" if editor.lower() in _EDITOR_WRITE else "read"
        elif category == "unknown" and _present(args, _WRITE_KEYS):
            mode = "write"
            facts.propose("fs:write")
        keys = _PATH_KEYS if category in ("fs", "unknown") else _ATTACHMENT_KEYS
        for key in keys:
            if key in args:
                for value in _strings(args[key]):
                    self._path(value, key, mode, category, facts, cwd)

    def _path(self, value: str, key: str, mode: str, category: str, facts: Facts, cwd: str) -> None:
        if not value or "://" in value and not value.lower().startswith("file:"):
            return
        try:
            path = canonicalize_path(value, cwd=cwd, home=self._home, resolve_symlinks=False)
        except ValueError:
            facts.tag("sensitive_path")
            return
        absolute = value.startswith(("/", "~", "file:", "\\", "%")) or cwd != "/"
        place = classify_path(path if absolute else value.removeprefix("./"))
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

    def _recipients(self, args: dict[str, Any], category: str, facts: Facts) -> None:
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


def _login_target(args: dict[str, Any], facts: Facts) -> None:
    """The host or service a login goes to, from the first argument that names one."""
    for key in _TARGET_KEYS:
        value = args.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        dest = parse_destination(value) if "://" in value or "." in value else None
        facts.login_target(dest.host if dest is not None else value.strip().lower(), explicit=True)
        return
