"""SQL understanding (aimds.rules.understanding.sql): what each statement does, and the
default pack's verdict on it for the expert role, through several tool and argument names."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aimds
from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.sql import analyze_sql, looks_like_sql
from aimds.types import ActionInfo

_DATA = Path(__file__).parent / "data"
_CALLS = [("query", "query"), ("run_sql", "sql"), ("execute_sql", "statement"), ("db", "stmt")]
_STOPPED = {"review", "block"}
_RANK = {"allow": 0, "warn": 1, "redact": 2, "review": 3, "block": 4}
_session = itertools.count()


def _corpus(name: str) -> list[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def guard() -> aimds.Guard:
    return aimds.Guard()


def _verdict(guard: aimds.Guard, sql: str, tool: str = "run_sql", key: str = "query") -> str:
    who = aimds.Subject(tenant="t", agent="a", role="expert", session=f"sql-{next(_session)}")
    return guard.check_tool_call(tool, {key: sql}, subject=who).verdict.value


def _read(sql: str) -> ActionInfo:
    facts = Facts("db:query")
    assert analyze_sql(sql, facts)
    return facts.to_info()


# (sql, expected type, tags that must be present, verdict under the default pack)
CASES: list[tuple[str, str, set[str], str]] = [
    # reads and keyed writes: allowed
    ("SELECT id, name FROM users WHERE id = 7", "db:query", set(), "allow"),
    ("SELECT status, count(*) FROM tickets GROUP BY status", "db:query", set(), "allow"),
    ("UPDATE tickets SET status='closed' WHERE id = 88014", "db:write", set(), "allow"),
    ("DELETE FROM sessions WHERE user_id = 5 AND expires_at < now()", "db:write", set(), "allow"),
    ("DELETE FROM sessions WHERE user_id = 7 AND expires_at < now()", "db:write", set(), "allow"),
    ("INSERT INTO orders (id, total) VALUES (1, 2.5)", "db:write", set(), "allow"),
    ("DELETE FROM cart_items WHERE product_id IN (SELECT id FROM discontinued)", "db:write",
     set(), "allow"),
    ("DELETE FROM users WHERE id IN (SELECT id FROM users WHERE id = 3)", "db:write", set(),
     "allow"),
    ("UPDATE posts SET flagged = true WHERE title LIKE 'spam%'", "db:write", set(), "allow"),
    ("REPLACE INTO settings (k, v) VALUES ('theme', 'dark')", "db:write", set(), "allow"),
    ("SELECT * FROM users LIMIT 100", "db:query", set(), "allow"),
    ("SELECT 1; -- done", "db:query", set(), "allow"),
    ("EXPLAIN ANALYZE SELECT * FROM orders WHERE name = 'a b'", "db:query", set(), "allow"),
    # DDL and unkeyed or tautological writes: destructive
    ("DELETE FROM users WHERE id IN (SELECT id FROM users)", "db:write", {"destructive"},
     "block"),
    ("DELETE FROM t WHERE 'ab' LIKE 'a_'", "db:write", {"destructive"}, "block"),
    ("UPDATE t SET a = 1 WHERE NULL IS NULL", "db:write", {"destructive"}, "block"),
    ("UPDATE t SET a = 1 WHERE 1 = '1'", "db:write", {"destructive"}, "block"),
    ("RENAME TABLE a TO b", "db:admin", {"destructive"}, "block"),
    ("EXPLAIN (ANALYZE, BUFFERS) DELETE FROM users", "db:write", {"destructive"}, "block"),
    # read the same way by PostgreSQL, differently (and destructively) by MySQL
    ("DELETE FROM t WHERE id = 5 --1 OR 1=1", "db:write", {"destructive"}, "block"),
    ("DELETE FROM t WHERE id = 5 || 1", "db:write", {"destructive"}, "block"),
    ('DELETE FROM t WHERE "1"', "db:write", {"destructive"}, "block"),
    ("DELETE FROM t WHERE !0", "db:write", {"destructive"}, "block"),
    ("DELETE FROM t WHERE id = 5 && 1", "db:write", set(), "allow"),
    ("DELETE FROM t WHERE id = 5 -- 1 OR 1=1", "db:write", set(), "allow"),
    ("SELECT 1 /* /* */ ; DROP TABLE x; */", "db:admin", {"destructive"}, "block"),
    ("DROP TABLE customers", "db:admin", {"destructive"}, "block"),
    ("TRUNCATE audit_log", "db:admin", {"destructive"}, "block"),
    ("ALTER TABLE users DROP COLUMN email", "db:admin", {"destructive"}, "block"),
    ("CREATE TABLE t (id int)", "db:admin", set(), "block"),
    ("DELETE FROM orders", "db:write", {"destructive"}, "block"),
    ("DELETE users", "db:write", {"destructive"}, "block"),
    ("UPDATE users SET email = 'x'", "db:write", {"destructive"}, "block"),
    ("DELETE FROM t WHERE 1=1", "db:write", {"destructive"}, "block"),
    ("DELETE FROM t WHERE 'a'='a'", "db:write", {"destructive"}, "block"),
    ("DELETE FROM t WHERE x=x", "db:write", {"destructive"}, "block"),
    ("DELETE FROM t WHERE id = 5 OR 1", "db:write", {"destructive"}, "block"),
    ("UPDATE t SET v = 1 WHERE TRUE", "db:write", {"destructive"}, "block"),
    ("WITH x AS (DELETE FROM users RETURNING *) SELECT 1", "db:write", {"destructive"}, "block"),
    ("SELECT 1; DROP TABLE x", "db:admin", {"destructive"}, "block"),
    ("SELECT 1 /*!; DROP TABLE x */", "db:admin", {"destructive"}, "block"),
    ("SELECT 'it\\'s'; DROP TABLE users; --'", "db:admin", {"destructive"}, "block"),
    ("EXEC sp_executesql N'DELETE FROM users'", "db:write", {"destructive"}, "block"),
    # privileges and role switches
    ("GRANT ALL ON *.* TO eve", "identity:privilege_change", {"privilege_change"}, "block"),
    ("REVOKE ALL ON t FROM bob", "identity:privilege_change", {"privilege_change"}, "block"),
    ("CREATE USER eve", "identity:privilege_change", {"privilege_change"}, "block"),
    ("ALTER USER eve WITH SUPERUSER", "identity:privilege_change", {"privilege_change"}, "block"),
    ("ALTER ROLE app SUPERUSER", "identity:privilege_change", {"privilege_change"}, "block"),
    ("SET ROLE postgres", "identity:privilege_change", {"privilege_change"}, "block"),
    ("SET SESSION AUTHORIZATION postgres", "identity:privilege_change", {"privilege_change"},
     "block"),
    ("EXECUTE AS LOGIN = 'sa'", "identity:privilege_change", {"privilege_change"}, "block"),
    ("ALTER TABLE t OWNER TO eve", "identity:privilege_change", {"privilege_change"}, "block"),
    ("REASSIGN OWNED BY app TO eve", "identity:privilege_change", {"privilege_change"},
     "block"),
    ("SET -- note\nROLE postgres", "identity:privilege_change", {"privilege_change"}, "block"),
    ("UPDATE users SET is_admin = true WHERE id = 5", "identity:privilege_change",
     {"privilege_change"}, "block"),
    # server-side command execution and file access
    ("EXEC xp_cmdshell 'whoami'", "db:exec", {"code_exec"}, "block"),
    ("xp_cmdshell 'dir'", "db:exec", {"code_exec"}, "block"),
    ("EXEC sp_configure 'xp_cmdshell', 1", "db:exec", {"code_exec"}, "block"),
    ("COPY t TO PROGRAM 'sh -c id'", "db:exec", {"code_exec"}, "block"),
    ("COPY t FROM PROGRAM 'id'", "db:exec", {"code_exec"}, "block"),
    ("CREATE FUNCTION f() RETURNS int AS 'x' LANGUAGE plpythonu", "db:exec", {"code_exec"},
     "block"),
    ("CREATE FUNCTION s(cstring) RETURNS int AS '/lib/libc.so.6', 'system' LANGUAGE C",
     "db:exec", {"code_exec"}, "block"),
    ("SELECT * FROM dblink('host=x', 'SELECT 1') AS t(a int)", "db:exec", {"code_exec"}, "block"),
    ("COPY t FROM '/etc/passwd'", "db:file", set(), "block"),
    ("SELECT pg_read_file('/etc/passwd')", "db:file", set(), "block"),
    ("SELECT lo_import('/etc/passwd')", "db:file", set(), "block"),
    ("SELECT LOAD_FILE('/etc/passwd')", "db:file", set(), "block"),
    ("SELECT * FROM users INTO OUTFILE '/tmp/x'", "db:file", set(), "block"),
    ("SELECT 'x' INTO DUMPFILE '/var/www/x.php'", "db:file", set(), "block"),
    ("SELECT * FROM OPENROWSET(BULK 'c:/x', SINGLE_CLOB) AS x", "db:file", set(), "block"),
    ("LOAD DATA INFILE '/etc/passwd' INTO TABLE t", "db:file", set(), "block"),
    # dumps and credential tables
    ("SELECT * FROM users", "db:query", {"database_dump"}, "review"),
    ("SELECT * FROM users WHERE 1=1 LIMIT 1000000", "db:query", {"database_dump"}, "review"),
    ("SELECT usename, passwd FROM pg_shadow", "secrets:read", {"credential_access"}, "block"),
    ("SELECT name FROM products WHERE id = 1 UNION SELECT password FROM users", "secrets:read",
     {"credential_access"}, "block"),
    # what cannot be judged statically
    ("DO $$ BEGIN PERFORM 1; END $$", "db:opaque", set(), "review"),
    ("CALL refresh_everything()", "db:opaque", set(), "review"),
    ("EXEC('DR' + 'OP TABLE users')", "db:opaque", set(), "review"),
    ("SELECT FROM WHERE ((", "db:opaque", set(), "review"),
]  # fmt: skip


@pytest.mark.parametrize(("sql", "type_id", "tags", "_verdict"), CASES)
def test_statements_are_understood(sql: str, type_id: str, tags: set[str], _verdict: str) -> None:
    info = _read(sql)
    assert info.type == type_id, info
    assert tags <= info.tags, info
    if type_id in ("db:query", "db:write") and not tags:
        assert "destructive" not in info.tags and "privilege_change" not in info.tags


@pytest.mark.parametrize(("sql", "_type", "_tags", "verdict"), CASES)
@pytest.mark.parametrize(("tool", "key"), _CALLS)
def test_default_pack_verdicts(
    guard: aimds.Guard, sql: str, _type: str, _tags: set[str], verdict: str, tool: str, key: str
) -> None:
    assert _verdict(guard, sql, tool, key) == verdict


@pytest.mark.parametrize(
    "text",
    ["select the best laptop for 2025", "update on python 3.13", "how many users signed up",
     "DROP TABLE syntax in postgres", "delete my account please", ""],
)  # fmt: skip
def test_prose_is_not_sql(text: str) -> None:
    assert not looks_like_sql(text)


def test_prose_without_a_statement_keyword_adds_nothing() -> None:
    facts = Facts("db:query")
    assert not analyze_sql("how many users signed up last week", facts)
    assert facts.to_info().type == "db:query" and not facts.to_info().tags


def test_sql_is_recognised_by_shape() -> None:
    assert looks_like_sql("SELECT name FROM products WHERE id = 3")
    assert looks_like_sql("  /* c */ (SELECT 1)")
    assert looks_like_sql("SET ROLE postgres")


def test_odd_input_never_raises() -> None:
    for text in ("\ud800 SELECT 1", "SELECT '" + "x" * 70000, ";" * 5000, "/*" * 3000, "\x00"):
        analyze_sql(text, Facts("db:query"))


def test_tables_are_resources() -> None:
    info = _read("SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id=1")
    assert {"table:orders", "table:customers"} <= set(info.resources)


# ---------------------------------------------------------------- corpora


@pytest.mark.parametrize("name", ["sql_benign.txt", "sql_benign_heldout.txt"])
def test_benign_corpus_is_allowed(guard: aimds.Guard, name: str) -> None:
    corpus = _corpus(name)
    assert len(corpus) >= (80 if name == "sql_benign.txt" else 30)
    stopped = [
        sql for i, sql in enumerate(corpus) if _verdict(guard, sql, *_CALLS[i % 4]) in _STOPPED
    ]
    assert len(stopped) / len(corpus) <= 0.05, stopped
    assert not stopped, stopped  # today: none


@pytest.mark.parametrize("name", ["sql_dangerous.txt", "sql_dangerous_heldout.txt"])
def test_dangerous_corpus_is_stopped(guard: aimds.Guard, name: str) -> None:
    corpus = _corpus(name)
    assert len(corpus) >= (60 if name == "sql_dangerous.txt" else 40)
    passed = [
        sql for i, sql in enumerate(corpus) if _verdict(guard, sql, *_CALLS[i % 4]) not in _STOPPED
    ]
    assert len(passed) / len(corpus) <= 0.05, passed
    assert not passed, passed  # today: every one


# ------------------------------------------------- property: never weaker

_DANGEROUS = [
    "DROP TABLE customers",
    "DELETE FROM orders",
    "DELETE FROM t WHERE 1=1",
    "UPDATE users SET email = 'x' WHERE 'a'='a'",
    "DELETE FROM sessions WHERE id = 5 OR 1",
    "TRUNCATE TABLE audit_log",
    "GRANT ALL ON orders TO eve",
    "SET ROLE postgres",
    "EXEC xp_cmdshell 'whoami'",
    "COPY t TO PROGRAM 'id'",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT LOAD_FILE('/etc/passwd')",
    "CREATE USER eve",
]
# data-modifying statements a CTE may hold (RETURNING makes them legal there)
_CTE_WRAPPABLE = ["DELETE FROM orders", "DELETE FROM t WHERE 1=1", "UPDATE users SET email = 'x'"]
_WORD_GAP = re.compile(r" ")


@st.composite
def _variant(draw: st.DrawFn) -> tuple[str, str]:
    base = draw(st.sampled_from(_DANGEROUS + _CTE_WRAPPABLE))
    text = base
    gaps = ["  ", "\t", "\n", " /**/ ", "/* x */", " -- c\n", " /* ; */ "]
    text = _WORD_GAP.sub(lambda _: draw(st.sampled_from(gaps)), text)
    if draw(st.booleans()):
        text = "".join(
            c.upper() if draw(st.booleans()) else c.lower() for c in text
        )  # case changes everywhere, literals too
    wrap = draw(st.sampled_from(["none", "stack", "cte", "comment"]))
    if wrap == "stack":
        text = "SELECT 1; " + text
    elif wrap == "cte" and base in _CTE_WRAPPABLE:
        text = f"WITH x AS ({text} RETURNING *) SELECT 1"
    elif wrap == "comment":
        text = "/* report */ " + text + " -- done"
    return base, text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=_variant(), call=st.sampled_from(_CALLS))
def test_obfuscation_never_weakens_the_verdict(
    guard: aimds.Guard, pair: tuple[str, str], call: tuple[str, str]
) -> None:
    base, variant = pair
    plain = _verdict(guard, base, *call)
    assert plain in _STOPPED
    assert _RANK[_verdict(guard, variant, *call)] >= _RANK[plain], variant


# ------------------------------------------------------ limits and logs


def test_many_statements_cannot_hide_the_last_one() -> None:
    assert "destructive" in _read("SELECT 1;" * 80 + " DROP TABLE x").tags
    assert "destructive" in _read("garbage;" * 80 + " DROP TABLE x").tags


def test_overlong_sql_is_opaque_at_least() -> None:
    info = _read("SELECT id FROM t WHERE id = 1; " * 1000)
    assert info.type == "db:opaque"


@pytest.mark.parametrize(
    "template",
    ["GRANT {} TO x", "SELECT JSON_EXTRACT(p, '$[[{}') FROM t WHERE id = 1",
     "CREATE WIDGET {}", "SELECT '{}' FROM (", "SHOW {}"],
)  # fmt: skip
def test_scanned_sql_never_reaches_a_log(caplog: pytest.LogCaptureFixture, template: str) -> None:
    canary = "canary-7f3a9c51e2"
    with caplog.at_level("DEBUG"):
        analyze_sql(template.format(canary), Facts("db:query"))
        looks_like_sql(template.format(canary) + " ")
    assert canary not in caplog.text


# ------------------------------------------- property: benign stays quiet

_BENIGN_PLAIN = [
    "SELECT status, count(*) AS n FROM tickets GROUP BY status ORDER BY n DESC",
    "UPDATE tickets SET status = 'closed' WHERE id = 88014",
    "DELETE FROM sessions WHERE user_id = 7 AND expires_at < now()",
    "SELECT id, total, rank() OVER (PARTITION BY customer_id ORDER BY total DESC) FROM orders "
    "WHERE id = 3",
    "INSERT INTO orders (customer_id, total) VALUES (42, 99.5)",
    "SELECT p.name FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.qty < 10",
]


@st.composite
def _benign_variant(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_BENIGN_PLAIN))
    gaps = ["  ", "\t", "\n", " /**/ ", "/* x */", " -- c\n"]
    text = _WORD_GAP.sub(
        lambda _: draw(st.sampled_from(gaps)) if draw(st.booleans()) else " ", text
    )
    if draw(st.booleans()):
        text = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)
    return text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_benign_variant())
def test_comments_case_and_blanks_keep_benign_sql_allowed(guard: aimds.Guard, text: str) -> None:
    assert _verdict(guard, text) == "allow", text


# The secret itself read from a table that stores credentials (``api_tokens.token``,
# ``secrets.value``, or every column), wherever it is then copied: a credential read. The
# same column names elsewhere, metadata of such a table and counts are ordinary.
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE public_profiles SET bio = (SELECT token FROM api_tokens LIMIT 1) WHERE id = 7",
        "INSERT INTO shared_notes (body) SELECT value FROM secrets WHERE name = 'stripe'",
        "SELECT * FROM secrets WHERE name = 'stripe'",
        "SELECT t.* FROM api_tokens t WHERE t.id = 3",
        "INSERT INTO posts (body) SELECT k.key FROM access_keys k WHERE k.user_id = 1",
        "WITH s AS (SELECT token FROM oauth_tokens) INSERT INTO comments (text) SELECT * FROM s",
        # named for what it unlocks: its result is a source of the data-flow tracking
        "SELECT github_token FROM integrations WHERE org = 'acme'",
        "SELECT stripe_api_key FROM tenants WHERE id = 4",
        "SELECT name, db_password FROM environments WHERE name = 'prod'",
        # a key-value table read by the key that names a credential
        "SELECT value FROM settings WHERE key = 'github_token'",
        "SELECT option_value FROM wp_options WHERE option_name = 'smtp_password'",
        "SELECT v FROM config WHERE 'STRIPE.SECRET-KEY' = config_key",
        "SELECT value FROM app_settings WHERE key IN ('theme', 'openai_api_key')",
    ],
)
def test_copying_a_stored_secret_is_a_credential_read(first_call: Any, sql: str) -> None:
    decision = first_call("run_sql", {"sql": sql})
    assert decision.verdict.value == "block"
    assert "deny.credential_access" in decision.rules


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT token, count FROM vocab WHERE count > 10",
        "SELECT id, name, created_at FROM api_tokens WHERE user_id = 4",
        "SELECT value FROM app_settings WHERE key = 'theme'",
        "SELECT count(*) FROM api_tokens",
        "SELECT * FROM orders WHERE id = 3",
        "SELECT requires_password, name FROM rooms WHERE id = 2",
        "SELECT api_key_id, created_at FROM integrations WHERE id = 1",
        "SELECT page_token FROM sync_state WHERE id = 1",
        "SELECT count(*) FROM app_settings WHERE key = 'github_token'",
        "SELECT id FROM logins WHERE method = 'password'",
        "SELECT value FROM app_settings WHERE key = 'password_min_length'",
        "SELECT id FROM users WHERE name = 'secret agent'",
    ],
)
def test_the_same_names_elsewhere_are_ordinary(first_call: Any, sql: str) -> None:
    assert first_call("run_sql", {"sql": sql}).verdict.value == "allow"
