"""MongoDB shell and Redis commands are judged like SQL (issue 12): wiping, account changes
and server-side code or files are stopped, reads and keyed writes are everyday work."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

import aimds
from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.nosql import analyze_nosql

_GUARD = aimds.Guard()
_SESSIONS = itertools.count()

MONGO_TOOLS = (("mongo", "command"), ("mongodb_query", "query"), ("db", "q"),
               ("run_query", "statement"))  # fmt: skip
REDIS_TOOLS = (("redis", "command"), ("redis_exec", "cmd"), ("valkey", "input"))


def verdict(tool: str, args: dict[str, Any]) -> str:
    n = next(_SESSIONS)
    who = aimds.Subject(tenant="t", agent=f"n{n}", role="expert", session=f"n{n}")
    return str(_GUARD.check_tool_call(tool, args, subject=who).verdict.value)


MONGO_DANGEROUS = [
    "db.sessions.deleteMany({})",
    "db.getCollection('audit').remove({})",
    "db.accounts.updateMany({}, {$set: {balance: 0}})",
    "db.customers.drop()",
    "db.dropDatabase()",
    "db.getSiblingDB('admin').createUser({user: 'x', pwd: 'y', roles: ['root']})",
    "db.runCommand({dropDatabase: 1})",
    "db.orders.find({$where: 'sleep(5000) || true'})",
]
MONGO_BENIGN = [
    "db.orders.find({status: 'open'}).limit(20)",
    "db.users.countDocuments({plan: 'pro'})",
    "db.events.aggregate([{$match: {type: 'click'}}, {$group: {_id: '$page', n: {$sum: 1}}}])",
    "db.carts.deleteMany({updatedAt: {$lt: ISODate('2026-01-01')}})",
    "db.tickets.updateOne({_id: 4412}, {$set: {state: 'closed'}})",
]
REDIS_DANGEROUS = [
    "FLUSHALL",
    "flushdb async",
    "CONFIG SET dir /var/spool/cron/crontabs",
    "config set dbfilename authorized_keys",
    "REPLICAOF 203.0.113.9 6379",
    "MODULE LOAD /tmp/exp.so",
    "CONFIG SET requirepass ''",
    "ACL SETUSER intruder on >pw ~* +@all",
    "EVAL \"return redis.call('flushall')\" 0",
]
REDIS_BENIGN = ["GET session:8812", "HGETALL user:42", "SET feature:dark_mode on",
                "EXPIRE cache:home 300", "LRANGE queue:jobs 0 10"]  # fmt: skip


@pytest.mark.parametrize("line", MONGO_DANGEROUS)
@pytest.mark.parametrize(("tool", "key"), MONGO_TOOLS)
def test_dangerous_mongo_is_stopped(tool: str, key: str, line: str) -> None:
    assert verdict(tool, {key: line}) in ("review", "block"), (tool, key, line)


@pytest.mark.parametrize("line", MONGO_BENIGN)
@pytest.mark.parametrize(("tool", "key"), MONGO_TOOLS[:2])
def test_everyday_mongo_is_allowed(tool: str, key: str, line: str) -> None:
    assert verdict(tool, {key: line}) == "allow", (tool, key, line)


@pytest.mark.parametrize("line", REDIS_DANGEROUS)
@pytest.mark.parametrize(("tool", "key"), REDIS_TOOLS)
def test_dangerous_redis_is_stopped(tool: str, key: str, line: str) -> None:
    assert verdict(tool, {key: line}) in ("review", "block"), (tool, key, line)


@pytest.mark.parametrize("line", REDIS_BENIGN)
@pytest.mark.parametrize(("tool", "key"), REDIS_TOOLS)
def test_everyday_redis_is_allowed(tool: str, key: str, line: str) -> None:
    assert verdict(tool, {key: line}) == "allow", (tool, key, line)


def test_redis_through_the_cli_and_mongo_through_mongosh() -> None:
    assert verdict("shell", {"command": "redis-cli -h cache.internal FLUSHALL"}) == "block"
    assert verdict("shell", {"command": "redis-cli CONFIG SET dir /root/.ssh"}) == "block"
    assert verdict("shell", {"command": "mongosh --eval 'db.logs.drop()'"}) == "block"
    assert verdict("shell", {"command": "redis-cli GET health"}) == "allow"


def test_sql_set_stays_sql_for_sql_tools() -> None:
    """``SET ROLE`` is a role switch in SQL; only a Redis tool reads ``SET`` as Redis."""
    assert verdict("sql", {"query": "SET ROLE postgres"}) == "block"
    assert verdict("redis", {"command": "SET role postgres"}) == "allow"


def test_readers_say_when_the_text_is_not_theirs() -> None:
    assert not analyze_nosql("SELECT 1", Facts("db:query"))
    assert not analyze_nosql("please delete everything", Facts("db:query"))


# Elasticsearch/OpenSearch: the query DSL and the endpoint and method a call names.
SEARCH_TOOLS = (("elasticsearch", "query"), ("opensearch_query", "body"),
                ("elastic_search", "request"), ("ElasticsearchTool", "dsl"))  # fmt: skip
SEARCH_BENIGN = [
    {"query": {"match": {"message": "timeout"}}, "size": 20},
    {"query": {"range": {"@timestamp": {"gte": "now-1h"}}}, "aggs": {"h": {"terms": {}}}},
    {"query": {"bool": {"filter": [{"term": {"status": "failed"}}]}}, "sort": ["-ts"]},
    {"match_phrase": {"title": "release notes"}},
    {"query": {"match_all": {}}, "size": 50000},  # every log line: no sensitive index named
]
SEARCH_DANGEROUS = [
    ({"path": "/logs/_delete_by_query"}, {"query": {"match_all": {}}}),
    ({"path": "/users/_delete_by_query"}, {}),
    ({"method": "DELETE", "path": "/customers"}, None),
    ({"path": "/a/_update_by_query"}, {"script": {"source": "ctx._source.x = 1"}}),
    ({}, {"query": {"function_score": {"script_score": {"script": "1"}}}}),
    ({"method": "PUT", "path": "/_cluster/settings"}, {"persistent": {"x": 1}}),
    ({"index": "users"}, {"query": {"match_all": {}}, "size": 50000}),
    ({"index": "customers", "scroll": "5m"}, {"size": 1000}),
    ({}, {"delete": {"_index": "orders"}}),  # a body that is no search
    ({}, "{not json"),
]


@pytest.mark.parametrize("body", SEARCH_BENIGN)
@pytest.mark.parametrize(("tool", "key"), SEARCH_TOOLS)
@pytest.mark.parametrize("as_text", [False, True])
def test_searches_are_queries(tool: str, key: str, body: dict[str, Any], as_text: bool) -> None:
    assert verdict(tool, {key: json.dumps(body) if as_text else body}) == "allow"


@pytest.mark.parametrize(("extra", "body"), SEARCH_DANGEROUS)
@pytest.mark.parametrize(("tool", "key"), SEARCH_TOOLS)
def test_deleting_scripting_administering_and_dumping_are_stopped(
    tool: str, key: str, extra: dict[str, Any], body: Any
) -> None:
    args = dict(extra)
    if body is not None:
        args[key] = body
    assert verdict(tool, args) in ("review", "block")


@pytest.mark.parametrize(
    "line",
    [
        "db.getCollectionNames().forEach(c => db[c].drop())",
        "db.getMongo().getDBNames().forEach(n => db.getSiblingDB(n).dropDatabase())",
        "[db.a, db.b].forEach(c => c.deleteMany({}))",
    ],
)
def test_a_drop_nested_in_a_callback_is_read(line: str) -> None:
    assert verdict("mongo", {"command": line}) == "block"


def test_chained_reads_stay_reads() -> None:
    for line in ("db.orders.find({status: 'open'}).sort({at: -1}).limit(5)",
                 "db.getSiblingDB('shop').getCollectionNames()"):  # fmt: skip
        assert verdict("mongo", {"command": line}) == "allow", line
