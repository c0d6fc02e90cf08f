"""SQL text to action facts: query, write or admin; dumps, destructive and grant statements.

A string only counts as SQL when it has the shape of a statement (``SELECT ... FROM``,
``INSERT INTO``, ``UPDATE x SET``, ``DROP TABLE``...), so search queries such as "select
the best laptop" or "update on python 3.13" are left alone.
"""

from __future__ import annotations

import re

from aimds.rules.understanding.facts import Facts
from aimds.types import Severity

__all__ = ["analyze_sql", "looks_like_sql"]

_I = re.IGNORECASE | re.DOTALL
_OBJECTS = (
    r"(?:table|database|schema|index|view|user|role|login|function|procedure|trigger|"
    r"sequence|extension|type|materialized|temporary|temp|unique|or\s+replace|if|policy|"
    r"collection|keyspace|owned)"
)
_STATEMENT = re.compile(
    r"^\s*(?:"
    r"(?P<select>select\b.*?\bfrom\b|select\s+(?:\d|@@|\w+\s*\(|\*))"
    r"|(?P<with>with\s+(?:recursive\s+)?\w+(?:\s*\([^)]*\))?\s+as\s*\()"
    r"|(?P<insert>(?:insert|replace|upsert)\s+(?:into|ignore|or)\b)"
    r"|(?P<update>update\s+\S+\s+set\b)"
    r"|(?P<delete>delete\s+(?:\w+\s+)?from\b)"
    r"|(?P<merge>merge\s+into\b)"
    r"|(?P<drop>drop\s+" + _OBJECTS + r")"
    r"|(?P<truncate>truncate\s+(?:table\s+)?[\w.\"`\[]+)"
    r"|(?P<create>create\s+" + _OBJECTS + r")"
    r"|(?P<alter>alter\s+" + _OBJECTS + r")"
    r"|(?P<grant>(?:grant|revoke)\b.*?\b(?:on|to|from)\b)"
    r"|(?P<copy>copy\s+[\w.(\"]+.*?\b(?:to|from)\b)"
    r"|(?P<show>show\s+(?:tables|databases|columns|grants|create|variables|schemas|users|"
    r"processlist|index))"
    r"|(?P<describe>(?:describe|desc)\s+[\w.\"`]+\s*;?\s*$)"
    r"|(?P<pragma>pragma\s+\w)"
    r"|(?P<explain>explain\s+(?:analyze\s+)?(?:select|insert|update|delete|with))"
    r")",
    _I,
)
_COMMENTS = re.compile(r"/\*.*?\*/|--[^\n]*", re.DOTALL)
_WHERE = re.compile(r"\bwhere\b", re.IGNORECASE)
_LIMIT = re.compile(r"\b(?:limit|top|fetch\s+first)\s+\d", re.IGNORECASE)
_TABLES = re.compile(
    r"\b(?:from|join|into|update|table|truncate)\s+(?:if\s+(?:not\s+)?exists\s+)?"
    r"([\w.\"`\[\]]+)",
    re.IGNORECASE,
)
_SENSITIVE_TABLE = re.compile(
    r"(?:^|[._])(?:users?|accounts?|credentials?|passwords?|passwd|secrets?|tokens?|"
    r"api_?keys?|customers?|payments?|cards?|credit_cards?|employees?|members?|"
    r"auth\w*|sessions?|logins?|people|persons?|patients?|salar(?:y|ies)|pg_shadow|pg_authid)$",
    re.IGNORECASE,
)
_CREDENTIAL_TABLE = re.compile(r"^(?:pg_shadow|pg_authid|mysql\.user|sys\.sql_logins)$", re.I)
_SELECT_ALL = re.compile(r"^\s*select\s+(?:\*|[\w.]+\.\*)\s+from\b", re.IGNORECASE)
_OUTFILE = re.compile(r"\binto\s+(?:outfile|dumpfile)\b", re.IGNORECASE)
_COPY_TO = re.compile(r"^\s*copy\b.*\bto\b", _I)
_COPY_PROGRAM = re.compile(r"\bto\s+program\b|\bfrom\s+program\b|\bxp_cmdshell\b", re.I)
_FILE_READ = re.compile(r"\b(?:pg_read_file|pg_read_binary_file|load_file|lo_import)\s*\(", re.I)
_PRIV_GRANT = re.compile(
    r"\bgrant\s+(?:all|superuser|admin|dba|\w+\s+to\b)|\bsuperuser\b|\bcreate\s+(?:user|role|login)\b"
    r"|\balter\s+(?:user|role|login)\b",
    re.IGNORECASE,
)
_MAX_STATEMENTS = 16


def looks_like_sql(text: str) -> bool:
    """True when ``text`` starts with the shape of an SQL statement."""
    return _STATEMENT.match(_COMMENTS.sub(" ", text[:4096])) is not None


def _tables(statement: str, facts: Facts) -> list[str]:
    names = [m.group(1).strip('"`[]').lower() for m in _TABLES.finditer(statement)]
    for name in names:
        facts.resource("table:" + name)
    return names


def analyze_sql(text: str, facts: Facts) -> bool:
    """Add the facts of the SQL in ``text``; False (and nothing added) when it is not SQL."""
    cleaned = _COMMENTS.sub(" ", text[:65536])
    found = False
    for statement in cleaned.split(";")[:_MAX_STATEMENTS]:
        m = _STATEMENT.match(statement)
        if m is None:
            continue
        found = True
        _statement(m.lastgroup or "", statement, facts)
    return found


def _statement(kind: str, statement: str, facts: Facts) -> None:
    tables = _tables(statement, facts)
    has_where = _WHERE.search(statement) is not None
    if kind in ("select", "with", "show", "describe", "pragma", "explain"):
        facts.propose("db:query")
        if any(_CREDENTIAL_TABLE.match(t) for t in tables):
            facts.credential("database")
        whole = not has_where and not _LIMIT.search(statement)
        if (
            whole
            and _SELECT_ALL.match(statement)
            and any(_SENSITIVE_TABLE.search(t) for t in tables)
        ):
            facts.tag("database_dump")
            facts.propose("db:query", Severity.HIGH)
        if _OUTFILE.search(statement):
            facts.tag("database_dump")
            facts.propose("db:admin", Severity.HIGH)
    elif kind in ("insert", "merge"):
        facts.propose("db:write")
    elif kind == "update":
        facts.propose("db:write")
        if not has_where:
            facts.destroy(critical=False, type_id="db:write")
    elif kind == "delete":
        facts.propose("db:write")
        if not has_where:
            facts.destroy(critical=True, type_id="db:write")
    elif kind in ("drop", "truncate"):
        facts.destroy(critical=True, type_id="db:admin")
    elif kind in ("create", "alter", "grant"):
        facts.propose("db:admin")
        if _PRIV_GRANT.search(statement):
            facts.privilege()
            facts.propose("db:admin", Severity.HIGH)
    elif kind == "copy":
        if _COPY_TO.match(statement):
            facts.tag("database_dump")
            facts.propose("db:query", Severity.HIGH)
        else:
            facts.propose("db:write")
    if _COPY_PROGRAM.search(statement):
        facts.tag("code_exec")
        facts.propose("code:exec", Severity.CRITICAL)
    if _FILE_READ.search(statement):
        facts.propose("db:admin", Severity.HIGH)
