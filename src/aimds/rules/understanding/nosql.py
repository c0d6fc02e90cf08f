"""Redis commands and MongoDB shell calls to action facts (a database tool's non-SQL text).

Redis commands are words (``FLUSHALL``, ``CONFIG SET dir /etc``), split like the server
splits them; MongoDB shell text is method calls on a collection or the database
(``db.users.drop()``, ``db.orders.deleteMany({})``). What they do maps onto the SQL types:
dropping or emptying data is ``db:admin`` and destructive, a write without a filter is
destructive as in SQL, server-side JavaScript (``$where``, ``$function``, ``eval``) is
``db:exec``, reading every key is a dump.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import Any

from aimds.rules.understanding.facts import Facts
from aimds.types import Severity

__all__ = ["analyze_mongo_filter", "analyze_nosql"]

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
_MONGO_CALL = re.compile(r"\.\s*(\w+)\s*\(([^)]*)\)")  # every call of a chain
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
