"""SQL text to action facts, read with sqlglot in several dialects.

What a text does is decided on sqlglot's syntax trees, never on keywords found in the text:

* every statement counts (stacked ``SELECT 1; DROP TABLE x``), and so does every node in it
  (a ``DELETE`` inside a CTE, a file-reading function in a subquery);
* a text is parsed as PostgreSQL first; when it holds characters whose meaning differs
  between dialects (see ``_DIALECT_SENSITIVE``: backslash escapes, ``#``, ``--x`` and nested
  ``/* */`` comments, ``"``, ``||``, ``!``...), PostgreSQL cannot read it or reads it only as
  a raw command, it is parsed as MySQL, T-SQL, SQLite and generic SQL too, and the facts of
  every reading are added up: an attacker cannot hide a statement in what one dialect takes
  for a comment or a string. Where the dialects disagree on whether the text parses at all,
  each piece between semicolons is read as well;
* MySQL executable comments (``/*! DROP TABLE x */``) are read both as comments and as code;
* text that no dialect can parse, and dynamic SQL (``EXEC(@sql)``, ``PREPARE``, ``DO``
  blocks, stored procedures), is ``db:opaque``: it cannot be judged statically.

The security meaning lives in :func:`_statement` and its helpers: DDL, writes without a
``WHERE`` or with an always-true one (``1=1``, ``x=x``, ``OR 1``) are destructive; a keyed
write is an ordinary ``db:write``; grants, user and role changes and role switches are
privilege changes; command execution and server-side file access are ``db:exec`` and
``db:file``; a sensitive table read whole is a ``database_dump``.

Readings are cached by text (bounded LRU), so a repeated statement costs a dict lookup; text
that has no statement keyword at the start of any statement never reaches the parser.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

import re2

from aimds.rules.understanding.facts import Facts
from aimds.types import Severity

__all__ = ["DUMP_ROWS", "analyze_sql", "is_sensitive_table", "looks_like_sql"]

_MAX_CHARS = 16384  # longer SQL is opaque: five dialects cost up to ~40 us a character
_CACHED_CHARS = 8192
_CACHE_SIZE = 2048
_MAX_STATEMENTS = 64
_DUMP_ROWS = 10000  # a LIMIT above this reads a table whole
DUMP_ROWS = _DUMP_ROWS
"""Rows from which a read of a table (a LIMIT, a search's size) takes it whole."""
_MAX_DEPTH = 3  # dynamic SQL (EXEC 'string') read recursively this deep
_PRIMARY = "postgres"
_DIALECTS = ("mysql", "tsql", "sqlite", "")  # "" is sqlglot's generic dialect

_STATEMENT_WORDS = frozenset(
    """select with insert update delete merge upsert replace drop create alter truncate grant
    revoke deny set exec execute call copy load show describe desc explain pragma values table
    do declare begin start commit rollback end use attach detach vacuum analyze reindex cluster
    lock unlock prepare deallocate handler rename optimize checkpoint listen notify reset
    discard refresh comment security import export backup restore shutdown kill flush purge
    install uninstall bulk open fetch close savepoint release reassign go if while print
    waitfor dbcc reconfigure setuser revert""".split()  # noqa: SIM905 - a word table
)
# What may precede the first word of a statement: blanks, parentheses, comments, and the
# opening of a MySQL executable comment (whose content counts as code). Linear: one way to
# match each alternative, nothing after it that can fail.
_LEADING = re.compile(r"(?:\s|\(|--[^\n]*|#[^\n]*|/\*[mM]?!\d*|/\*[^*]*\*+(?:[^/*][^*]*\*+)*/)*")
_WORD = re.compile(r"[A-Za-z_][\w$]*")
_SYSTEM_PROCEDURE = re2.compile(r"(?i)^(?:xp|sp)_\w+$")
_EXECUTABLE_COMMENT = re2.compile(r"(?s)/\*[mM]?!\d*(.*?)\*/")
# Where dialects read the same characters differently: backslash escapes, `#` comments,
# backticks and brackets, `$` quoting, `@` variables, `"` (a string in MySQL: WHERE "1"),
# nested `/* */`, `--x` (a comment only with a blank after it in MySQL: 5 --1 is 5 - -1),
# `||` and `&&` (OR and AND in MySQL), `!` (NOT in MySQL), ODBC `{` escapes.
_DIALECT_SENSITIVE = re.compile(r'[\\#`\[$@"{]|/\*|--\S|\|\||&&|![^=]')

# What cannot be parsed is still searched for the server-side features that must never pass
# (only to make a verdict stronger: these run on text no parser could read).
_OPAQUE_MARKERS = (
    (re2.compile(r"(?i)\binto\s+(?:out|dump)file\b|\bload\s+data\b|\bbulk\s+insert\b|"
                 r"\bopen(?:rowset|datasource)\b|\bload_file\s*\(|\bpg_read_(?:binary_)?file\b|"
                 r"\blo_(?:import|export)\b|\battach\s+(?:database\s+)?'"), "db:file"),
    (re2.compile(r"(?i)\bxp_\w+|\bsp_(?:configure|oacreate|execute_external_script)\b|"
                 r"\bto\s+program\b|\bfrom\s+program\b|\bsoname\b|\bsys_(?:exec|eval)\b|"
                 r"\bload_extension\b|\bdblink"), "db:exec"),
)  # fmt: skip

_SENSITIVE_TABLE = re2.compile(
    r"(?i)(?:^|[._])(?:users?|accounts?|credentials?|passwords?|passwd|secrets?|tokens?|"
    r"api_?keys?|customers?|payments?|cards?|credit_cards?|employees?|members?|"
    r"auth\w*|sessions?|logins?|people|persons?|patients?|salar(?:y|ies)|pg_shadow|pg_authid)$"
)
_CREDENTIAL_TABLES = frozenset(
    {"pg_shadow", "pg_authid", "pg_user_mapping", "pg_user_mappings", "mysql.user",
     "sys.sql_logins", "sys.syslogins", "master.sys.sql_logins", "sys.credentials",
     "dba_users", "sys.user$", "information_schema.user_privileges"}
)  # fmt: skip
_CREDENTIAL_COLUMNS = frozenset(
    {"password", "passwd", "pwd", "password_hash", "hashed_password", "passhash", "pass_hash",
     "pwd_hash", "secret", "client_secret", "secret_key", "api_key", "apikey", "private_key",
     "access_token", "refresh_token", "auth_token", "session_token", "otp_secret",
     "totp_secret", "mfa_secret", "authentication_string", "rolpassword", "passwd_hash"}
)  # fmt: skip
# The same named for what it unlocks (``stripe_api_key``, ``db_password``, ``github_token``)
_QUALIFIED_CREDENTIAL = re2.compile(
    r"^[a-z0-9]+(?:_[a-z0-9]+)*_(?:password|passwd|secret|secret_key|client_secret|api_?key"
    r"|private_key|access_token|refresh_token|auth_token)$"
    r"|^(?:github|gh|gitlab|slack|stripe|npm|pypi|discord|telegram|twilio|sendgrid|openai"
    r"|anthropic|hf|huggingface|bot|bearer|oauth|personal_access|deploy)_tokens?$"
)
_FLAG_PREFIXES = ("is_", "has_", "requires_", "needs_")  # ``requires_password``: a flag
# Columns that name the row of a key-value table (settings, options, secrets by name)
_KEY_COLUMNS = frozenset({"key", "name", "k", "setting", "param", "parameter", "variable",
                          "option", "config", "secret", "var"})  # fmt: skip
_KEY_SEPARATORS = re2.compile(r"[.\-\s/:]+")
# Columns that hold the secret itself in a table whose name says it stores credentials
# (``api_tokens.token``, ``secrets.value``); elsewhere (``vocab.token``) they are data.
_SECRET_VALUE_COLUMNS = frozenset({"token", "tokens", "key", "key_value", "secret_value",
                                   "value", "hash", "plaintext", "token_value"})  # fmt: skip
_SECRET_STORE_TABLE = re2.compile(
    r"(?i)(?:^|[._])(?:api_?|access_|auth_|refresh_|personal_access_|oauth_)?"
    r"(?:tokens?|keys?|secrets?|credentials?|passwords?)$"
)
_PRIVILEGE_COLUMNS = frozenset(
    {"role", "roles", "user_role", "is_admin", "admin", "is_superuser", "superuser",
     "is_staff", "permissions", "privileges", "access_level", "rolsuper", "is_root",
     "super_priv", "grant_priv", "file_priv"} | _CREDENTIAL_COLUMNS
)  # fmt: skip
_EXEC_FUNCTIONS = frozenset(
    {"xp_cmdshell", "sys_exec", "sys_eval", "dblink", "dblink_exec", "dblink_connect",
     "dblink_send_query", "load_extension", "sp_oacreate", "sp_oamethod", "pg_reload_conf",
     "lo_compat_privileges", "utl_http.request", "dbms_java.runjava", "dbms_scheduler.create_job"}
)  # fmt: skip
_FILE_FUNCTIONS = frozenset(
    {"pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_file_write",
     "pg_file_rename", "pg_file_unlink", "lo_import", "lo_export", "load_file", "readfile",
     "writefile", "openrowset", "opendatasource", "openquery", "edit", "utl_file.fopen"}
)  # fmt: skip
# Tables whose rows are who may do what: adding or changing a row grants (a membership in
# ``admins`` is a privilege, however the row is written)
_PRIVILEGE_TABLES = re2.compile(
    r"^(?:admins?|administrators?|superusers?|sudoers|roles?|user_?roles?|role_?(?:members?|"
    r"memberships?|assignments?|bindings?)|permissions?|user_?permissions?|grants?|acls?|"
    r"group_?members(?:hips?)?|staff|operators?|moderators?|owners?)$"
)
# Columns that say where money goes: changing them redirects payments (invoice fraud)
_PAYMENT_ROUTE_COLUMNS = frozenset(
    {"iban", "bic", "swift", "swift_code", "account_number", "bank_account", "routing_number",
     "sort_code", "payout_account", "payee_account", "beneficiary_account", "wallet_address",
     "bank_details", "payment_details", "remit_to"}
)  # fmt: skip
_PRIVILEGED_VALUES = frozenset({"admin", "administrator", "superuser", "root", "owner", "sysadmin"})
_ROLE_SETTINGS = frozenset({"role", "session_authorization", "session authorization"})
_ROLE_PREFIXES = ("role", "session authorization", "session role", "local role", "password",
                  "session characteristics")  # fmt: skip
_UNTRUSTED_LANGUAGES = re2.compile(
    r"(?i)^(?:c|internal|plpythonu|plpython2u|plpython3u|plperlu|pltclu|plsh|plr|pljava|"
    r"pllua|plluau|plv8|plrust|java|python|javascript|js|r)$"
)
_EXEC_PROCEDURES = re2.compile(
    r"(?i)^(?:xp_\w+|sp_configure|sp_oa\w+|sp_execute_external_script|sp_addextendedproc|"
    r"sp_add_job\w*|sp_start_job|sp_makewebtask|sp_serveroption|sp_addlinkedserver|"
    r"sp_addlinkedsrvlogin|sp_send_dbmail)$"
)
_PRIVILEGE_PROCEDURES = re2.compile(
    r"(?i)^(?:sp_addsrvrolemember|sp_addrolemember|sp_addlogin|sp_adduser|sp_grantlogin|"
    r"sp_grantdbaccess|sp_password|sp_changedbowner|sp_droplogin|sp_dropuser|sp_defaultdb|"
    r"sp_change_users_login|sp_setapprole)$"
)
_READ_COMMANDS = frozenset(
    {"SHOW", "DESCRIBE", "DESC", "EXPLAIN", "USE", "BEGIN", "START", "COMMIT", "ROLLBACK",
     "END", "SAVEPOINT", "RELEASE", "VACUUM", "ANALYZE", "CHECKPOINT", "LISTEN", "NOTIFY",
     "DISCARD", "DEALLOCATE", "RESET", "PRINT", "CLOSE", "FETCH", "OPTIMIZE", "REINDEX"}
)  # fmt: skip
_EXPLAIN_OPTIONS = frozenset(
    {"ANALYZE", "ANALYSE", "VERBOSE", "EXTENDED", "PARTITIONS", "QUERY", "PLAN", "FOR",
     "FORMAT=JSON", "FORMAT=TREE", "FORMAT=TRADITIONAL"}
)  # fmt: skip
_EXPLAIN_OPTIONS_LIST = re.compile(r"^\s*\([^)]*\)")
_PRIVILEGE_OBJECTS = re2.compile(r"(?i)^\s*(?:user|role|login|group|application\s+role)\b")


# --------------------------------------------------------------------------- public


def looks_like_sql(text: str) -> bool:
    """True when ``text`` reads as SQL in some dialect (search phrases such as "select the
    best laptop" or "update on python 3.13" do not)."""
    reading = _reading(text)
    return reading is not None and reading.recognised


def analyze_sql(text: str, facts: Facts) -> bool:
    """Add the facts of the SQL in ``text``; False (and nothing added) when no statement of
    it starts with an SQL keyword. SQL that no dialect can read is added as ``db:opaque``."""
    reading = _reading(text)
    if reading is None:
        return False
    reading.apply(facts)
    return True


# -------------------------------------------------------------------------- reading


class _Reading:
    """The facts of one SQL text, recorded once and replayed onto each call's Facts."""

    __slots__ = ("_ops", "opaque", "recognised")

    def __init__(self) -> None:
        self._ops: list[Callable[[Facts], None]] = []
        self.recognised = False
        self.opaque = False

    def apply(self, facts: Facts) -> None:
        for op in self._ops:
            op(facts)
        if self.opaque:  # last: an understood part of equal risk names the type
            facts.propose("db:opaque", Severity.HIGH)

    def propose(self, type_id: str, risk: Severity | None = None) -> None:
        self.recognised = True
        self._ops.append(lambda f: f.propose(type_id, risk))

    def tag(self, *tags: str) -> None:
        self._ops.append(lambda f: f.tag(*tags))

    def resource(self, value: str) -> None:
        self._ops.append(lambda f: f.resource(value))

    def destroy(self, *, critical: bool, type_id: str) -> None:
        self.recognised = True
        self._ops.append(lambda f: f.destroy(critical=critical, type_id=type_id))

    def privilege(self, *, critical: bool = False) -> None:
        self.recognised = True
        self._ops.append(lambda f: f.privilege(critical=critical))

    def credential(self) -> None:
        self.recognised = True
        self._ops.append(lambda f: f.credential("database"))

    def execute(self) -> None:
        """Runs a program or foreign code on the database server."""
        self.tag("code_exec")
        self.propose("db:exec", Severity.CRITICAL)

    def file(self, path: str | None = None) -> None:
        """Reads or writes a file on the database server."""
        if path and path.startswith(("/", "\\\\")) or path and path[1:3] in (":\\", ":/"):
            self.resource(path)
        self.propose("db:file", Severity.HIGH)

    def make_opaque(self) -> None:
        self.opaque = True


def _reading(text: str) -> _Reading | None:
    if not isinstance(text, str):
        return None
    if len(text) > _CACHED_CHARS:
        return _read_candidate(text)
    return _cached_reading(text)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _cached_reading(text: str) -> _Reading | None:
    return _read_candidate(text)


def _read_candidate(text: str) -> _Reading | None:
    return _read(text) if _is_candidate(text[:_MAX_CHARS]) else None


def _is_candidate(text: str) -> bool:
    """Some would-be statement (the text's start or a piece after a ';', which may be inside
    a string: an over-approximation) begins with an SQL keyword or a system procedure."""
    pieces = text.split(";")
    if len(pieces) > _MAX_STATEMENTS:
        return True  # too many to look at one by one: let the parsers judge
    for piece in pieces:
        m = _WORD.match(piece, _LEADING.match(piece).end())  # type: ignore[union-attr]
        if m is not None:
            word = m.group()
            if word.lower() in _STATEMENT_WORDS or _SYSTEM_PROCEDURE.match(word):
                return True
    return False


def _read(text: str, depth: int = 0) -> _Reading:
    out = _Reading()
    if len(text) > _MAX_CHARS:
        out.make_opaque()
        text = text[:_MAX_CHARS]
    _read_into(text, out, depth)
    return out


def _read_into(text: str, out: _Reading, depth: int) -> None:
    variants = [text]
    if "!" in text and _EXECUTABLE_COMMENT.search(text):
        variants.append(_EXECUTABLE_COMMENT.sub(r" \1 ", text))
    for variant in variants:
        trees, unanimous = _parse(variant)
        if trees:
            _statements(trees, out, depth)
        else:  # no dialect reads the text: distrust it
            _unreadable(variant, out)
        if not unanimous and ";" in variant:
            # Dialects disagree on where strings and comments end (or none reads it): read
            # every piece between semicolons too, an over-approximation of what may run.
            pieces = variant.split(";")
            if len(pieces) > _MAX_STATEMENTS:
                out.make_opaque()
                continue
            for piece in pieces:
                if _is_candidate(piece):
                    _statements(_parse(piece)[0], out, depth)


def _unreadable(text: str, out: _Reading) -> None:
    """Text no dialect can parse is opaque; what its statements start with, and the
    server-side features it names, can still make it stronger (never weaker). Only the
    server-side features make it count as SQL for :func:`looks_like_sql` (prose such as
    "DROP TABLE syntax in postgres" starts with a keyword too)."""
    recognised = out.recognised
    out.make_opaque()
    if " owner to " in " ".join(text.lower().split()) + " ":
        out.privilege()
    for piece in text.split(";")[:_MAX_STATEMENTS]:
        words = _WORD.findall(piece, _LEADING.match(piece).end())[:2]  # type: ignore[union-attr]
        first = words[0].upper() if words else ""
        second = words[1].upper() if len(words) > 1 else ""
        if first in ("GRANT", "REVOKE", "DENY", "REASSIGN", "SETUSER") or (
            first in ("CREATE", "ALTER", "DROP") and second in ("USER", "ROLE", "LOGIN")
        ):
            out.privilege()
        elif first in ("DROP", "TRUNCATE", "RENAME"):
            out.destroy(critical=False, type_id="db:admin")
    out.recognised = recognised
    for marker, type_id in _OPAQUE_MARKERS:
        if marker.search(text):
            out.execute() if type_id == "db:exec" else out.file()


def _statements(trees: list[Any], out: _Reading, depth: int) -> None:
    for statement in trees:
        try:
            _statement(statement, out, depth)
        except Exception:  # noqa: BLE001 - a tree we cannot read is not understood
            out.make_opaque()


def _parse(text: str) -> tuple[list[Any], bool]:
    """Every statement of every dialect's reading of ``text`` (empty: none could read it),
    and whether every dialect tried could read it."""
    first = _parse_as(_PRIMARY, text)
    plain = first is not None and not _DIALECT_SENSITIVE.search(text)
    if plain and first is not None and not any(_is_command(s) for s in first):
        return first, True
    found = list(first or ())
    unanimous = first is not None
    for dialect in _DIALECTS:
        statements = _parse_as(dialect, text)
        if statements is None:
            unanimous = False
        else:
            found.extend(statements)
    return found, unanimous


def _parse_as(dialect: str, text: str) -> list[Any] | None:
    parse = _parser(dialect)
    try:
        statements = parse(text)
    except Exception:  # noqa: BLE001 - any parser failure means "this dialect cannot read it"
        return None
    return [s for s in statements if s is not None]


def _is_command(tree: Any) -> bool:
    from sqlglot import exp

    return isinstance(tree, exp.Command)


@functools.cache
def _parser(dialect: str) -> Callable[[str], list[Any]]:
    """A parse function for ``dialect`` that stays silent: sqlglot logs warnings quoting the
    SQL (a fallback to a generic command, a malformed JSON path), and scanned text must never
    reach a log. Our own dialect instance, so no one else's sqlglot changes."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ErrorLevel, ParseError

    d = type(Dialect.get_or_raise(dialect))()
    d.STRICT_JSON_PATH_SYNTAX = False  # keep a malformed JSON path as a string, silently
    quiet = type("QuietParser", (d.parser_class,), {"_warn_unsupported": lambda self: None})

    def parse(text: str) -> list[Any]:
        tokens = d.tokenize(text)
        try:
            return list(quiet(dialect=d, error_level=ErrorLevel.RAISE).parse(tokens, text))
        except ParseError:
            if not any(token.comments for token in tokens):
                raise
        # A comment inside a keyword pair (GROUP /* x */ BY) defeats the parser: read the
        # tokens this dialect saw, comments left out (to SQL, a comment is a blank).
        bare = " ".join(text[token.start : token.end + 1] for token in tokens)
        return list(quiet(dialect=d, error_level=ErrorLevel.RAISE).parse(d.tokenize(bare), bare))

    return parse


# ------------------------------------------------------------------------ statements


def _statement(tree: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    top = tree
    if isinstance(top, exp.Command):
        _command(top, out, depth)
    elif not isinstance(top, _KNOWN_TOPS()):
        out.make_opaque()
        # T-SQL runs a bare procedure name at the start of a batch (``xp_cmdshell 'dir'``)
        for ident in top.find_all(exp.Identifier):
            if _SYSTEM_PROCEDURE.match(str(ident.this)):
                _procedure(str(ident.this).lower(), (), out, depth)
    for node in tree.walk():
        handler = _HANDLERS().get(type(node))
        if handler is not None:
            handler(node, out, depth)
        elif isinstance(node, exp.Func):
            _function(node, out, depth)


@functools.cache
def _KNOWN_TOPS() -> tuple[type, ...]:  # noqa: N802 - a constant built on first use
    from sqlglot import exp

    return (
        exp.Query, exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Drop, exp.TruncateTable,
        exp.Alter, exp.Create, exp.Grant, exp.Revoke, exp.Copy, exp.Set, exp.Execute,
        exp.Command, exp.Transaction, exp.Commit, exp.Rollback, exp.Use, exp.Show,
        exp.Describe, exp.Pragma, exp.Cache, exp.Uncache, exp.Analyze, exp.Attach, exp.Detach,
        exp.Kill, exp.LoadData, exp.Values, exp.Subquery, exp.Paren, exp.Comment,
        exp.Semicolon,
    )  # fmt: skip


@functools.cache
def _HANDLERS() -> dict[type, Callable[[Any, _Reading, int], None]]:  # noqa: N802
    from sqlglot import exp

    return {
        exp.Select: _select,
        exp.Table: _table,
        exp.Insert: _insert,
        exp.Update: _update,
        exp.Delete: _delete,
        exp.Merge: _merge,
        exp.Drop: _drop,
        exp.TruncateTable: lambda n, o, d: o.destroy(critical=True, type_id="db:admin"),
        exp.Alter: _alter,
        exp.Create: _create,
        exp.Grant: lambda n, o, d: o.privilege(critical=True),
        exp.Revoke: lambda n, o, d: o.privilege(),
        exp.Copy: _copy,
        exp.Set: _set,
        exp.Execute: _execute,
        exp.ExecuteSql: _execute,
        exp.Pragma: _pragma,
        exp.Attach: lambda n, o, d: o.file(_literal(n.this) if n.this else None),
        exp.Kill: lambda n, o, d: o.destroy(critical=False, type_id="db:admin"),
        exp.LoadData: lambda n, o, d: o.file(),
        exp.Show: lambda n, o, d: o.propose("db:query"),
        exp.Describe: lambda n, o, d: o.propose("db:query"),
        exp.Use: lambda n, o, d: o.propose("db:query"),
        exp.Transaction: lambda n, o, d: o.propose("db:query"),
        exp.Commit: lambda n, o, d: o.propose("db:query"),
        exp.Rollback: lambda n, o, d: o.propose("db:query"),
        exp.Analyze: lambda n, o, d: o.propose("db:query"),
        exp.Comment: lambda n, o, d: o.propose("db:admin"),
        exp.Into: _into,
    }


# ----------------------------------------------------------------------------- reads


def _credential_name(name: str) -> bool:
    """Whether a column name, or a key of a key-value table, names a credential."""
    return name in _CREDENTIAL_COLUMNS or (
        _QUALIFIED_CREDENTIAL.search(name) is not None and not name.startswith(_FLAG_PREFIXES)
    )


def _key_column(name: str) -> bool:
    return name in _KEY_COLUMNS or name.endswith(("_key", "_name"))


def _names_a_credential(where: Any) -> bool:
    """A key-value lookup of a credential: a key or name column compared with a string that
    names one (``key = 'github_token'``, ``option_name IN ('smtp_password')``)."""
    from sqlglot import exp

    for test in where.find_all(exp.EQ, exp.In):
        column = test.this if isinstance(test.this, exp.Column) else test.expression
        if not isinstance(column, exp.Column) or not _key_column(column.name.lower()):
            continue
        values = test.expressions if isinstance(test, exp.In) else [test.this, test.expression]
        for value in values:
            if isinstance(value, exp.Literal) and value.is_string:
                key = _KEY_SEPARATORS.sub("_", value.this.strip().lower())
                if _credential_name(key):
                    return True
    return False


def _name(table: Any) -> str:
    parts = [table.args.get(k) for k in ("catalog", "db", "this")]
    return ".".join(p.name.lower() for p in parts if p is not None and hasattr(p, "name"))


def _table(node: Any, out: _Reading, depth: int) -> None:
    name = _name(node)
    if not name:
        return
    out.resource("table:" + name)
    short = name.rsplit(".", 1)[-1]
    if name in _CREDENTIAL_TABLES or short in ("pg_shadow", "pg_authid", "sql_logins", "syslogins"):
        out.credential()


def _select(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    out.propose("db:query")
    columns = node.expressions
    secret_store: bool | None = None  # whether a table read here stores credentials
    for column in columns:
        target = column.this if isinstance(column, exp.Alias) else column
        if isinstance(target, exp.Star):
            name = "*"  # every column, the secret among them
        elif isinstance(target, exp.Column):
            name = "*" if isinstance(target.this, exp.Star) else target.name.lower()
        else:
            continue
        if name in _CREDENTIAL_COLUMNS or (
            _QUALIFIED_CREDENTIAL.search(name) and not name.startswith(_FLAG_PREFIXES)
        ):
            out.credential()
        elif name in _SECRET_VALUE_COLUMNS or name == "*":
            if secret_store is None:
                source = node.args.get("from_") or node.args.get("from")
                read = _direct_tables(source, node.args.get("joins") or ())
                secret_store = any(_SECRET_STORE_TABLE.search(_name(t)) for t in read)
            if secret_store:
                out.credential()  # ``SELECT token FROM api_tokens``, copied anywhere
    where = node.args.get("where")
    if where is not None and not all(_aggregate(c) for c in columns) and _names_a_credential(where):
        out.credential()  # ``SELECT value FROM settings WHERE key = 'github_token'``
    whole = (where is None or _always_true(where.this)) and not any(
        node.args.get(k) for k in ("fetch", "group", "top")
    )
    limit = node.args.get("limit")
    if limit is not None:
        rows = _constant(limit.expression)
        whole = whole and isinstance(rows, float) and rows > _DUMP_ROWS
    if not whole:
        return
    source = node.args.get("from_") or node.args.get("from")
    tables = [t for t in _direct_tables(source, node.args.get("joins") or ())]
    if not any(_SENSITIVE_TABLE.search(_name(t)) for t in tables):
        return
    if all(_aggregate(c) for c in columns):
        return
    out.tag("database_dump")
    out.propose("db:query", Severity.HIGH)


def is_sensitive_table(name: str) -> bool:
    """Whether a table (or search index) named so holds people, accounts or secrets
    (``users``, ``app.customers``, ``credentials``): read whole, it is a dump."""
    return _SENSITIVE_TABLE.search(name) is not None


def _direct_tables(source: Any, joins: Any) -> Iterator[Any]:
    from sqlglot import exp

    for part in (source, *joins):
        if part is not None and isinstance(part.this, exp.Table):
            yield part.this


def _aggregate(column: Any) -> bool:
    from sqlglot import exp

    target = column.this if isinstance(column, exp.Alias) else column
    return isinstance(target, exp.AggFunc | exp.Literal)


def _into(node: Any, out: _Reading, depth: int) -> None:
    """``SELECT ... INTO new_table`` (T-SQL, PostgreSQL) creates a table with the result."""
    out.propose("db:write")


def _function(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    name = str(node.this if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
    if isinstance(node.parent, exp.Dot) and isinstance(node.parent.this, exp.Column | exp.Var):
        name = node.parent.this.name.lower() + "." + name
    if name in _EXEC_FUNCTIONS:
        out.execute()
    elif name in _FILE_FUNCTIONS:
        args = node.expressions or [node.this]
        out.file(_literal(args[0]) if args else None)
    elif name == "set_config" and node.expressions:
        if (_literal(node.expressions[0]) or "").lower() in _ROLE_SETTINGS:
            out.privilege(critical=True)
    elif name in ("pg_terminate_backend", "pg_cancel_backend"):
        out.destroy(critical=False, type_id="db:admin")


def _literal(node: Any) -> str | None:
    from sqlglot import exp

    if isinstance(node, exp.Literal | exp.National) and node.is_string:
        return str(node.this)
    if isinstance(node, exp.National | exp.RawString | exp.Identifier | exp.Var):
        return str(node.this)
    return None


# ---------------------------------------------------------------------------- writes


def _written(node: Any, out: _Reading) -> None:
    """The target table of a write: a credential or privilege table is a privilege change."""
    from sqlglot import exp

    target = node.this
    while isinstance(target, exp.Schema | exp.Alias):
        target = target.this
    if isinstance(target, exp.Table):
        name = _name(target)
        if name in _CREDENTIAL_TABLES or name.startswith(("mysql.", "pg_catalog.", "sys.")):
            out.privilege(critical=True)
        elif _PRIVILEGE_TABLES.match(name.rpartition(".")[2].strip('"`[]')):
            out.privilege()


def _routes_payments(columns: set[str], out: _Reading) -> None:
    """Writing a payment route (IBAN, account number, wallet) decides where money goes."""
    if columns & _PAYMENT_ROUTE_COLUMNS:
        out.tag("payment_route")
        out.propose("payment:transfer", Severity.HIGH)


def _assigned(assignments: Any) -> set[str]:
    from sqlglot import exp

    return {
        item.this.name.lower()
        for item in assignments or ()
        if isinstance(item, exp.EQ) and isinstance(item.this, exp.Column)
    }


def _sets_privilege(assignments: Any) -> bool:
    from sqlglot import exp

    for item in assignments or ():
        column = item.this if isinstance(item, exp.EQ) else None
        if isinstance(column, exp.Column) and column.name.lower() in _PRIVILEGE_COLUMNS:
            return True
    return False


def _insert(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    out.propose("db:write")
    _written(node, out)
    if node.args.get("overwrite"):
        out.destroy(critical=False, type_id="db:write")
    schema = node.this
    if isinstance(schema, exp.Schema):
        names = {c.name.lower() for c in schema.expressions if hasattr(c, "name")}
        values = {str(v.this).lower() for v in node.find_all(exp.Literal) if v.is_string}
        if names & _PRIVILEGE_COLUMNS and values & _PRIVILEGED_VALUES:
            out.privilege()
        _routes_payments(names, out)
    if isinstance(node.this, exp.Directory):
        out.file()


def _update(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    out.propose("db:write")
    if isinstance(node.parent, exp.When):
        return  # MERGE ... WHEN MATCHED THEN UPDATE: _merge judges it
    _written(node, out)
    if _every_row(node):
        out.destroy(critical=False, type_id="db:write")
    if _sets_privilege(node.expressions):
        out.privilege()
    _routes_payments(_assigned(node.expressions), out)


def _delete(node: Any, out: _Reading, depth: int) -> None:
    out.propose("db:write")
    _written(node, out)
    if _every_row(node):
        out.destroy(critical=True, type_id="db:write")


def _every_row(node: Any) -> bool:
    """An UPDATE/DELETE reaches every row: no WHERE, an always-true one, or one keyed on the
    table's own unrestricted keys (``WHERE id IN (SELECT id FROM same_table)``)."""
    where = node.args.get("where")
    if where is None:
        return True
    target = _target_name(node)
    return where.this is not None and _truth(where.this, target) is True


def _target_name(node: Any) -> str:
    from sqlglot import exp

    target = node.this
    while isinstance(target, exp.Schema | exp.Alias):
        target = target.this
    return _name(target) if isinstance(target, exp.Table) else ""


def _merge(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    out.propose("db:write")
    _written(node, out)
    whens = node.args.get("whens")
    everything = _always_true(node.args.get("on"))
    for when in whens.expressions if whens is not None else ():
        then = when.args.get("then")
        deletes = isinstance(then, exp.Var) and then.name.upper() == "DELETE"
        updates = isinstance(then, exp.Update)
        if deletes and (everything or when.args.get("source")):
            out.destroy(critical=True, type_id="db:write")
        elif updates and everything and when.args.get("condition") is None:
            out.destroy(critical=False, type_id="db:write")
        if updates and _sets_privilege(then.expressions):
            out.privilege()
        if updates:
            _routes_payments(_assigned(then.expressions), out)


# ------------------------------------------------------------------------------- ddl


def _drop(node: Any, out: _Reading, depth: int) -> None:
    kind = str(node.args.get("kind") or "").upper()
    if kind in ("USER", "ROLE", "LOGIN", "GROUP"):
        out.privilege()
    out.destroy(critical=kind != "COLUMN", type_id="db:admin")


def _alter(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    out.propose("db:admin")
    kind = str(node.args.get("kind") or "").upper()
    if kind in ("USER", "ROLE", "LOGIN"):
        out.privilege(critical=True)
    for action in node.args.get("actions") or ():
        # dropping, renaming or retyping a column or partition loses or breaks data
        if isinstance(action, exp.Drop | exp.RenameColumn | exp.AlterRename | exp.AlterColumn) or (
            type(action).__name__ == "DropPartition"
        ):
            out.destroy(critical=False, type_id="db:admin")


def _create(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    kind = str(node.args.get("kind") or "").upper()
    properties = node.args.get("properties")
    props = properties.expressions if properties is not None else ()
    if kind in ("FUNCTION", "PROCEDURE", "TRIGGER", "EXTENSION", "MACRO"):
        for prop in props:
            if isinstance(prop, exp.LanguageProperty) and _UNTRUSTED_LANGUAGES.match(
                prop.name or str(prop.this)
            ):
                out.execute()
        if kind == "EXTENSION":
            out.execute()
    if kind in ("USER", "ROLE", "LOGIN"):
        out.privilege()
    if kind == "TABLE" and any(isinstance(p, exp.TemporaryProperty) for p in props):
        out.propose("db:write")
        return
    out.propose("db:admin")
    if node.args.get("replace"):
        out.destroy(critical=False, type_id="db:admin")


# ------------------------------------------------------------------ server and session


def _copy(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    files = node.args.get("files") or ()
    reading_in = bool(node.args.get("kind"))  # COPY t FROM ...
    for target in files:
        word = target.name.upper() if isinstance(target, exp.Identifier | exp.Var) else ""
        if word == "PROGRAM":
            out.execute()
        elif word in ("STDIN", "STDOUT"):
            if reading_in:
                out.propose("db:write")
            else:
                out.tag("database_dump")
                out.propose("db:query", Severity.HIGH)
        else:
            out.file(_literal(target))
            if not reading_in:
                out.tag("database_dump")
    if not files:
        out.make_opaque()


def _set(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    out.propose("db:query")
    for item in node.expressions:
        inner = item.this if isinstance(item, exp.SetItem) else item
        left = inner.this if isinstance(inner, exp.EQ) else inner
        name = _sql(left).lower() if isinstance(left, exp.Expression) else str(left).lower()
        kind = str(item.args.get("kind") or "").upper() if isinstance(item, exp.SetItem) else ""
        if name in _ROLE_SETTINGS or name.startswith(_ROLE_PREFIXES) or "password" in name:
            out.privilege(critical=True)
        elif kind in ("GLOBAL", "PERSIST", "PERSIST_ONLY") or name.startswith("@@global"):
            out.propose("db:admin", Severity.HIGH)
            if "log_file" in name or "secure_file" in name or "plugin_dir" in name:
                out.file()


def _pragma(node: Any, out: _Reading, depth: int) -> None:
    from sqlglot import exp

    if isinstance(node.this, exp.EQ) or "=" in _sql(node):
        out.propose("db:admin")
    else:
        out.propose("db:query")


def _execute(node: Any, out: _Reading, depth: int) -> None:
    """T-SQL ``EXEC proc args`` / ``EXEC('dynamic sql')``."""
    from sqlglot import exp

    target = node.this
    if isinstance(target, exp.Table):
        _procedure(_name(target), node.expressions, out, depth)
        return
    _dynamic([target], out, depth)


def _procedure(name: str, args: Any, out: _Reading, depth: int) -> None:
    short = name.rsplit(".", 1)[-1]
    if _EXEC_PROCEDURES.match(short):
        out.execute()
    elif _PRIVILEGE_PROCEDURES.match(short):
        out.privilege(critical=True)
    elif short == "sp_executesql":
        _dynamic(list(args or ())[:1], out, depth)
    else:  # a stored procedure: what it does is not in the text
        out.make_opaque()


def _dynamic(parts: list[Any], out: _Reading, depth: int) -> None:
    """SQL built at run time: read it when it is a plain literal, else it is opaque."""
    from sqlglot import exp

    if not parts:
        out.make_opaque()
        return
    texts: list[str] = []
    for part in parts:
        inner = part
        while isinstance(inner, exp.Subquery | exp.Paren | exp.Table) and inner.this is not None:
            inner = inner.this
        folded = _constant(inner)
        if isinstance(folded, str):
            texts.append(folded)
        elif isinstance(inner, exp.National | exp.Identifier):
            texts.append(str(inner.this))
        else:  # a variable or an expression: known only at run time
            out.make_opaque()
            return
    if depth >= _MAX_DEPTH:
        out.make_opaque()
        return
    for text in texts:
        _read_into(text, out, depth + 1)


def _command(node: Any, out: _Reading, depth: int) -> None:
    """A statement sqlglot keeps as raw text (``GRANT`` in some dialects, ``SET ROLE``,
    ``CREATE USER``, ``EXECUTE AS``...): its keyword and the first words after it decide."""
    word = str(node.this).upper()
    rest_node = node.args.get("expression")
    raw = rest_node if isinstance(rest_node, str) else getattr(rest_node, "name", "")
    rest = _without_comments(raw)
    head = rest.split(None, 1)[0].upper() if rest else ""
    lowered = rest.lower()
    if word in ("GRANT", "REVOKE", "DENY", "REASSIGN", "SECURITY", "SETUSER"):
        out.privilege(critical=word in ("GRANT", "SETUSER"))
    elif word in ("CREATE", "ALTER", "DROP", "RENAME") and _PRIVILEGE_OBJECTS.match(rest):
        out.privilege(critical=word != "DROP" or head != "USER")
        if word == "DROP":
            out.destroy(critical=False, type_id="db:admin")
    elif word == "ALTER" and " owner to " in f" {lowered} ":
        out.privilege()
    elif word == "RENAME":
        out.destroy(critical=False, type_id="db:admin")
    elif word == "SET" or (word == "RESET" and head == "ROLE"):
        compact = " ".join(lowered.split())
        if compact.startswith(_ROLE_PREFIXES) or (
            compact.startswith(("local ", "session ")) and "role" in compact.split()[1:2]
        ):
            out.privilege(critical=True)
        elif compact.startswith(("global", "persist", "@@global")):
            out.propose("db:admin", Severity.HIGH)
        else:
            out.propose("db:query")
    elif word in ("EXECUTE", "EXEC") and head == "AS":
        out.privilege(critical=True)
    elif word in ("EXECUTE", "EXEC") and rest:
        _procedure(rest.split(None, 1)[0].strip('[]"`').lower(), (), out, depth)
    elif word == "ALTER" and head == "SYSTEM":
        if "_command" in lowered or "shared_preload" in lowered:
            out.execute()
        else:
            out.propose("db:admin", Severity.HIGH)
    elif word == "CREATE" and (
        head in ("EXTENSION", "LANGUAGE") or "soname" in lowered or "language c" in lowered
    ):
        out.execute()
    elif word in ("LOAD", "ATTACH", "BULK", "BACKUP", "RESTORE", "IMPORT", "EXPORT"):
        out.execute() if word == "LOAD" and not lowered.startswith("data") else out.file()
    elif word in ("REPLACE", "UPSERT") and head == "INTO" and depth < _MAX_DEPTH:
        _read_into("INSERT " + rest, out, depth + 1)  # an insert that replaces by key
    elif word in ("INSTALL", "UNINSTALL"):
        out.execute()
    elif word in ("SHUTDOWN", "KILL", "FLUSH", "PURGE", "DBCC", "RECONFIGURE"):
        out.destroy(critical=word == "SHUTDOWN", type_id="db:admin")
    elif word in ("EXPLAIN", "DESCRIBE", "DESC"):
        _explained(rest, out, depth)
    elif word in _READ_COMMANDS:
        out.propose("db:query")
    elif word in ("LOCK", "UNLOCK"):
        out.propose("db:write")
    elif _SYSTEM_PROCEDURE.match(word):
        _procedure(word.lower(), (), out, depth)
    else:
        out.make_opaque()
    for marker, type_id in _OPAQUE_MARKERS:
        if marker.search(rest):
            out.execute() if type_id == "db:exec" else out.file()


def _explained(rest: str, out: _Reading, depth: int) -> None:
    """``EXPLAIN ANALYZE`` runs the statement it explains (PostgreSQL, MySQL): read it."""
    out.propose("db:query")
    words = _EXPLAIN_OPTIONS_LIST.sub("", rest).split()
    while words and words[0].upper() in _EXPLAIN_OPTIONS:
        words.pop(0)
    inner = " ".join(words)
    if inner and depth < _MAX_DEPTH and _is_candidate(inner):
        _read_into(inner, out, depth + 1)


def _without_comments(text: str) -> str:
    """The words of a raw command tail as the tokenizer sees them (comments dropped)."""
    from sqlglot.dialects.dialect import Dialect

    try:
        tokens = Dialect.get_or_raise(_PRIMARY).tokenize(text)
    except Exception:  # noqa: BLE001 - untokenizable: keep the raw text
        return text.strip()
    return " ".join(text[token.start : token.end + 1] for token in tokens)


# ------------------------------------------------------------------------ tautologies

_Value = float | str | None
_UNKNOWN = object()


def _always_true(condition: Any) -> bool:
    """True when a WHERE/ON condition holds for every row: ``1=1``, ``'a'='a'``, ``x=x``,
    ``TRUE``, ``1``, ``... OR 1=1``, ``x LIKE '%'``, ``1 IN (1, 2)``, ``EXISTS (SELECT 1)``."""
    return condition is not None and _truth(condition) is True


def _truth(node: Any, target: str = "") -> bool | None:  # noqa: PLR0911, PLR0912
    """True, False, or None (depends on the row); ``target``: the table being written."""
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Not):
        inner = _truth(node.this, target)
        return None if inner is None else not inner
    if isinstance(node, exp.And):
        a, b = _truth(node.this, target), _truth(node.expression, target)
        return False if False in (a, b) else (True if a is True and b is True else None)
    if isinstance(node, exp.Or):
        a, b = _truth(node.this, target), _truth(node.expression, target)
        return True if True in (a, b) else (False if a is False and b is False else None)
    if isinstance(node, exp.Exists):
        query = node.this
        return True if isinstance(query, exp.Select) and not query.args.get("from_") else None
    if isinstance(node, exp.Like | exp.ILike):
        pattern, value = _constant(node.expression), _constant(node.this)
        if isinstance(pattern, str) and pattern and set(pattern) == {"%"}:
            return True
        if isinstance(pattern, str) and isinstance(value, str):
            regex = "".join(
                ".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern
            )
            return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL) is not None
        return None
    if isinstance(node, exp.In):
        left = node.this
        options = node.expressions
        if target and _all_keys_of(node.args.get("query"), target):
            return True
        if any(_same(left, o) for o in options):
            return True
        value = _constant(left)
        if value is not _UNKNOWN and options:
            values = [_constant(o) for o in options]
            if _UNKNOWN not in values:
                return any(_equal(value, v) for v in values)
        return None
    if isinstance(node, exp.Between):
        v = _constant(node.this)
        lo, hi = _constant(node.args.get("low")), _constant(node.args.get("high"))
        if isinstance(v, float) and isinstance(lo, float) and isinstance(hi, float):
            return lo <= v <= hi
        return True if _same(node.this, node.args.get("low")) else None
    if isinstance(node, exp.Binary) and type(node).__name__ in _COMPARISONS:
        return _compare(type(node).__name__, node.this, node.expression)
    value = _constant(node)
    if value is _UNKNOWN:
        return None
    if value is None:
        return False
    if isinstance(value, float):
        return value != 0
    try:
        return float(value) != 0
    except ValueError:
        return None


def _all_keys_of(query: Any, target: str) -> bool:
    """``query`` selects from ``target`` itself with nothing restricting the rows."""
    from sqlglot import exp

    select = query.this if isinstance(query, exp.Subquery) else query
    if not isinstance(select, exp.Select) or select.args.get("limit") is not None:
        return False
    where = select.args.get("where")
    if where is not None and not _always_true(where.this):
        return False
    source = select.args.get("from_") or select.args.get("from")
    return (
        source is not None and isinstance(source.this, exp.Table) and (_name(source.this) == target)
    )


_COMPARISONS = {"EQ", "NEQ", "GT", "GTE", "LT", "LTE", "NullSafeEQ", "Is", "Glob"}


def _compare(op: str, left: Any, right: Any) -> bool | None:
    if op == "Glob":
        pattern = _constant(right)
        return True if isinstance(pattern, str) and pattern and set(pattern) == {"*"} else None
    a, b = _constant(left), _constant(right)
    if a is _UNKNOWN or b is _UNKNOWN:
        if _same(left, right):
            return op in ("EQ", "GTE", "LTE", "NullSafeEQ", "Is")
        return None
    if op == "Is":
        return a is None if b is None else None
    if a is None or b is None:
        return (a is None and b is None) if op == "NullSafeEQ" else False
    if op in ("EQ", "NullSafeEQ"):
        return _equal(a, b)
    if op == "NEQ":
        return not _equal(a, b)
    x, y = _comparable(a, b)
    return bool({"GT": x > y, "GTE": x >= y, "LT": x < y, "LTE": x <= y}[op])


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, float) != isinstance(b, float):
        try:
            return float(a), float(b)
        except ValueError:
            return str(a).lower(), str(b).lower()
    return (a.lower(), b.lower()) if isinstance(a, str) else (a, b)


def _equal(a: Any, b: Any) -> bool:
    x, y = _comparable(a, b)
    return bool(x == y)


def _same(left: Any, right: Any) -> bool:
    """Two expressions that are the same text (identifiers compared case-insensitively)."""
    from sqlglot import exp

    if not isinstance(left, exp.Expression) or not isinstance(right, exp.Expression):
        return False
    if left.find(exp.Func, exp.Subquery, exp.Select) is not None:
        return False  # random() = random() is not always true
    return _sql(left).lower() == _sql(right).lower()


def _sql(node: Any) -> str:
    """A node as SQL text, without the generator's warnings (they would quote the text)."""
    from sqlglot.errors import ErrorLevel

    return str(node.sql(dialect=_PRIMARY, unsupported_level=ErrorLevel.IGNORE))


def _constant(node: Any) -> Any:  # noqa: PLR0911
    """The value of a constant expression (float, str or None for NULL), or _UNKNOWN."""
    from sqlglot import exp

    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    if isinstance(node, exp.Literal):
        if node.is_string:
            return str(node.this)
        try:
            return float(str(node.this))
        except ValueError:
            return _UNKNOWN
    if isinstance(node, exp.Boolean):
        return 1.0 if node.this else 0.0
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Neg):
        inner = _constant(node.this)
        return -inner if isinstance(inner, float) else _UNKNOWN
    if isinstance(node, exp.Add | exp.Sub | exp.Mul):
        a, b = _constant(node.this), _constant(node.expression)
        if isinstance(a, float) and isinstance(b, float):
            if isinstance(node, exp.Add):
                return a + b
            return a - b if isinstance(node, exp.Sub) else a * b
        if isinstance(node, exp.Add) and isinstance(a, str) and isinstance(b, str):
            return a + b  # T-SQL concatenation
        return _UNKNOWN
    if isinstance(node, exp.DPipe):
        a, b = _constant(node.this), _constant(node.expression)
        if isinstance(a, str) and isinstance(b, str):
            return a + b
    return _UNKNOWN
