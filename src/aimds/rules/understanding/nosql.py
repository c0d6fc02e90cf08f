"""Redis commands, MongoDB shell calls and search-engine requests to action facts (a
database tool's non-SQL text).

Redis commands are words (``FLUSHALL``, ``CONFIG SET dir /etc``), split like the server
splits them; MongoDB shell text is method calls on a collection or the database
(``db.users.drop()``, ``db.orders.deleteMany({})``). What they do maps onto the SQL types:
dropping or emptying data is ``db:admin`` and destructive, a write without a filter is
destructive as in SQL, server-side JavaScript (``$where``, ``$function``, ``eval``) is
``db:exec``, reading every key is a dump. Elasticsearch/OpenSearch requests (the query DSL as
JSON, and the endpoint or method a call names) read the same way: a search is a query,
``_delete_by_query`` over everything is destructive, scripts are ``db:exec``, cluster,
security and snapshot endpoints are ``db:admin``, an HTTP DELETE drops what it names.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from typing import Any

from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.sql import DUMP_ROWS, is_sensitive_table
from aimds.types import Severity

__all__ = ["analyze_mongo_filter", "analyze_nosql", "analyze_search_request"]

_REDIS_DESTROY = frozenset({"flushall", "flushdb", "swapdb"})
_REDIS_ADMIN = frozenset({"config", "slaveof", "replicaof", "module", "acl", "shutdown",
                          "debug", "migrate", "failover"})  # fmt: skip
_REDIS_DUMP = frozenset({"keys", "save", "bgsave", "dump", "scan", "monitor"})
_REDIS_EXEC = frozenset({"eval", "evalsha", "fcall", "function", "script"})
_REDIS_READ = frozenset({"get", "mget", "hget", "hgetall", "lrange", "smembers", "zrange",
                         "exists", "ttl", "type", "strlen", "info", "ping", "dbsize"})  # fmt: skip
_REDIS_WRITE = frozenset({"set", "mset", "hset", "lpush", "rpush", "sadd", "zadd", "expire",
                          "incr", "decr", "del", "unlink", "hdel", "publish", "setex"})  # fmt: skip
_MONGO_START = re.compile(r"\bdb\s*[.\[]")
# every call of a chain, nested ones too (``forEach(c => db[c].drop())``): the method and
# what follows it up to the first closing parenthesis
_MONGO_CALL = re.compile(r"\.(?=\s*(\w+)\s*\(([^)]*))")
_MONGO_DESTROY = frozenset({"drop", "dropDatabase", "dropIndexes", "dropUser", "dropAllUsers"})
_MONGO_BULK = frozenset({"deleteMany", "remove", "updateMany", "update", "replaceOne"})
_MONGO_ADMIN = frozenset({"createUser", "updateUser", "grantRolesToUser", "createRole",
                          "shutdownServer", "adminCommand", "runCommand",
                          "renameCollection"})  # fmt: skip
_MONGO_EXEC = frozenset({"eval", "mapReduce"})
_MONGO_READ = frozenset({"find", "findOne", "aggregate", "count", "countDocuments", "distinct",
                         "getCollectionNames", "stats"})  # fmt: skip
_MONGO_JS = re.compile(r"\$(?:where|function|accumulator)\b")
_EMPTY_FILTER = re.compile(r"^\s*(?:\{\s*\})?\s*(?:,|$)")


def analyze_nosql(text: str, facts: Facts) -> bool:
    """Add the facts of a Redis command or MongoDB shell text; False when it is neither."""
    stripped = text.strip()
    if not stripped:
        return False
    if _MONGO_START.search(stripped):
        calls = _MONGO_CALL.findall(stripped)
        if calls:
            for method, args in calls[:32]:
                _mongo(method, args, facts)
            if _MONGO_JS.search(stripped):
                facts.propose("db:exec")
            return True
    try:
        words = shlex.split(stripped.splitlines()[0])
    except ValueError:
        return False
    if not words:
        return False
    return _redis([w.lower() for w in words], facts)


def analyze_mongo_filter(value: Mapping[str, Any], facts: Facts) -> None:
    """A MongoDB filter given as a mapping: server-side JavaScript in it is ``db:exec``."""
    if any(_MONGO_JS.fullmatch(str(k)) for k in list(value)[:64]):
        facts.propose("db:exec")


def _redis(words: list[str], facts: Facts) -> bool:
    head = words[0]
    if head in _REDIS_DESTROY:
        facts.destroy(critical=True, type_id="db:admin")
    elif head in _REDIS_EXEC:
        facts.propose("db:exec")
    elif head == "config" and words[1:2] == ["set"] and words[2:3] in (["dir"], ["dbfilename"]):
        facts.propose("db:file")  # the classic write-a-file-anywhere trick
    elif head in _REDIS_ADMIN:
        facts.propose("db:admin")
    elif head in _REDIS_DUMP and (head != "keys" or words[1:2] in ([], ["*"])):
        facts.tag("database_dump")
        facts.propose("db:query", Severity.HIGH)
    elif head in _REDIS_WRITE:
        facts.propose("db:write")
    elif head in _REDIS_READ:
        facts.propose("db:query")
    else:
        return False
    return True


def _mongo(method: str, args: str, facts: Facts) -> None:
    if method in _MONGO_DESTROY:
        facts.destroy(critical=True, type_id="db:admin")
    elif method in _MONGO_BULK:
        facts.propose("db:write")
        if _EMPTY_FILTER.match(args):  # every document, as an SQL write without WHERE
            facts.destroy(critical=False, type_id="db:write")
    elif method in _MONGO_EXEC:
        facts.propose("db:exec")
    elif method in _MONGO_ADMIN:
        facts.propose("db:admin")
    elif method in _MONGO_READ:
        facts.propose("db:query")
    elif method[:1].islower() and method not in ("limit", "sort", "skip", "project",
                                                 "toArray", "pretty", "getSiblingDB",
                                                 "getCollection", "explain", "hint"):  # fmt: skip
        facts.propose("db:write")


_SEARCH_WRITE = re.compile(r"_(?:update_by_query|bulk|doc|create|update|reindex)\b")
_SEARCH_DELETE = re.compile(r"_delete_by_query\b")
_SEARCH_ADMIN = re.compile(r"_(?:cluster|security|snapshot|nodes|ingest|scripts|plugins|"
                           r"settings|close|open|shrink|split|rollover|aliases|ilm)\b")  # fmt: skip
_SEARCH_SCRIPT_KEYS = frozenset({"script", "script_fields", "scripted_metric", "script_score",
                                 "stored_script"})  # fmt: skip
_MATCH_ALL = re.compile(r"\bmatch_all\b")
_SEARCH_KEYS = frozenset({"query", "aggs", "aggregations", "size", "from", "sort", "_source",
                          "fields", "highlight", "knn", "suggest", "track_total_hits",
                          "post_filter", "collapse", "search_after", "pit", "min_score",
                          "timeout", "index", "indices", "body", "q"})  # fmt: skip
_MAX_NODES = 2048


def analyze_search_request(args: Mapping[str, Any], facts: Facts) -> None:
    """An Elasticsearch/OpenSearch tool's arguments: the request body (query DSL, as JSON
    text or a mapping) and the endpoint and method it names, if any."""
    method = ""
    endpoint = ""
    body: list[Any] = []
    for key, value in list(args.items())[:64]:
        name = str(key).lower()
        if name in ("method", "http_method", "verb") and isinstance(value, str):
            method = value.upper()
        elif name in ("path", "endpoint", "url", "api", "operation", "action"):
            endpoint += " " + str(value)
        elif isinstance(value, str) and value.lstrip().startswith(("{", "[")):
            try:
                body.append(json.loads(value))
            except ValueError:
                facts.propose("db:opaque")  # a request body that does not parse
        elif isinstance(value, Mapping | list):
            body.append(value)
    keys, text = _dsl_keys(body)
    if not keys.isdisjoint(_SEARCH_SCRIPT_KEYS):
        facts.propose("db:exec")  # painless and other scripts run on the cluster
    if _SEARCH_DELETE.search(endpoint):
        facts.propose("db:write")
        if not keys & {"query"} or _MATCH_ALL.search(text):
            facts.destroy(critical=False, type_id="db:write")  # every document, as DELETE
    elif method == "DELETE":
        facts.destroy(critical=True, type_id="db:admin")  # an index, a document, an alias
    elif _SEARCH_ADMIN.search(endpoint):
        facts.propose("db:admin")
    elif _SEARCH_WRITE.search(endpoint) or method in ("PUT", "PATCH"):
        facts.propose("db:write")
    elif not keys or keys <= _SEARCH_KEYS | _nested_query_keys(keys):
        facts.propose("db:query")
        _search_dump(args, endpoint, body, text, facts)
    else:
        facts.propose("db:opaque")  # a body that is no search this reading knows


def _search_dump(
    args: Mapping[str, Any], endpoint: str, body: list[Any], text: str, facts: Facts
) -> None:
    """A search that takes a sensitive index whole (every document, more hits than a page,
    or a scroll through all of them) is a dump, as ``SELECT * FROM users`` is."""
    indices = [str(v) for k in ("index", "indices") if (v := args.get(k)) is not None]
    indices += [p for p in endpoint.replace(",", "/").split("/") if p and not p.startswith("_")]
    filtered = any(isinstance(b, Mapping) and "query" in b for b in body)
    if filtered and not _MATCH_ALL.search(text):
        return
    sizes = [b.get("size") for b in body if isinstance(b, Mapping)] + [args.get("size")]
    many = any(isinstance(n, int) and n > DUMP_ROWS for n in sizes) or "scroll" in args
    if many and any(is_sensitive_table(name.strip().rstrip("*")) for name in indices):
        facts.tag("database_dump")
        facts.propose("db:query", Severity.HIGH)


def _dsl_keys(body: list[Any]) -> tuple[set[str], str]:
    """The top-level keys of the request bodies, and all their keys as text (for
    ``match_all`` and scripts nested anywhere)."""
    top: set[str] = set()
    every: list[str] = []
    stack: list[Any] = list(body)
    for value in body:
        if isinstance(value, Mapping):
            top.update(str(k) for k in list(value)[:64])
    seen = 0
    while stack and seen < _MAX_NODES:
        seen += 1
        cur = stack.pop()
        if isinstance(cur, Mapping):
            for k, v in list(cur.items())[:64]:
                every.append(str(k))
                if str(k) in _SEARCH_SCRIPT_KEYS:
                    top.add(str(k))
                stack.append(v)
        elif isinstance(cur, list):
            stack.extend(cur[:64])
    return top, " ".join(every)


def _nested_query_keys(keys: set[str]) -> set[str]:
    """A body given as the query itself (``{"match": {...}}``): query clause names."""
    return keys & {"match", "match_all", "match_phrase", "term", "terms", "range", "bool",
                   "multi_match", "query_string", "simple_query_string", "exists", "prefix",
                   "wildcard", "ids", "nested"}  # fmt: skip
