"""Commands to non-SQL data stores: the MongoDB shell and Redis, as ``db:*`` facts.

The same vocabulary as :mod:`~aimds.rules.understanding.sql`: wiping data is
``destructive`` (``db.users.deleteMany({})``, ``FLUSHALL``), changing accounts is a
privilege change, making the server run code or write files is ``db:exec``/``db:file``
(Redis ``CONFIG SET dir`` + ``dbfilename``: the SSH-key write; ``REPLICAOF`` an attacker's
host: a rogue master loads a module), and server-side script is ``db:opaque``.

Neither language has a maintained parser worth the dependency for this: a Redis command is
a word list (``shlex`` splits it), and a Mongo shell line is read by its method calls
(``db.<collection>.<method>(<filter>``), which is all the meaning the rules need.
"""

from __future__ import annotations

import re
import shlex

from aimds.rules.understanding.facts import Facts
from aimds.types import Severity

__all__ = ["analyze_mongo", "analyze_redis", "analyze_nosql"]

# ------------------------------------------------------------------------ MongoDB

_MONGO_CALL = re.compile(
    r"\bdb(?:\.getSiblingDB\([^)]*\))?(?:\.getCollection\(\s*['\"]([^'\"]*)['\"]\s*\)|"
    r"\.([A-Za-z_$][\w$]*))?\.([A-Za-z_]\w*)\s*\(\s*([^)]{0,400})"
)
_MONGO_READ = frozenset(
    {"find", "findone", "count", "countdocuments", "estimateddocumentcount", "distinct",
     "getcollectionnames", "listcollections", "stats", "explain", "getindexes", "aggregate",
     "getname", "hello", "ismaster", "serverstatus", "watch"}
)  # fmt: skip
_MONGO_WIPE_WITH_FILTER = frozenset(
    {"deletemany", "remove", "updatemany", "update", "findoneanddelete", "bulkwrite"}
)
_MONGO_WRITE = frozenset(
    {"insertone", "insertmany", "insert", "updateone", "replaceone", "deleteone", "save",
     "findoneandupdate", "findoneandreplace", "createindex", "createcollection"}
)  # fmt: skip
_MONGO_DROP = frozenset({"drop", "dropdatabase", "dropindexes", "dropallusers", "renamecollection"})
_MONGO_USERS = frozenset(
    {"createuser", "updateuser", "grantrolestouser", "grantprivilegestorole", "createrole",
     "dropuser", "revokerolesfromuser", "changeuserpassword"}
)  # fmt: skip
_EMPTY_FILTER = re.compile(r"^\s*(?:\{\s*\}|\)|$)")
_MONGO_SERVER_JS = re.compile(r"\$where|\$function|\$accumulator|\bmapReduce\b|\beval\s*\(")


def analyze_mongo(text: str, facts: Facts) -> bool:
    """Facts of MongoDB shell code; False when it holds no ``db.…(…)`` call."""
    calls = list(_MONGO_CALL.finditer(text[:16384]))
    if not calls:
        return False
    for m in calls:
        collection = m.group(1) or m.group(2) or ""
        method = m.group(3).lower()
        first_arg = m.group(4)
        if collection:
            facts.resource(collection[:128])
        if method in _MONGO_DROP:
            facts.destroy(critical=True, type_id="db:admin")
        elif method in _MONGO_WIPE_WITH_FILTER:
            if _EMPTY_FILTER.match(first_arg):
                facts.destroy(critical=True, type_id="db:write")  # every document
            else:
                facts.propose("db:write")
        elif method in _MONGO_WRITE:
            facts.propose("db:write")
        elif method in _MONGO_USERS:
            facts.privilege(critical=True)
        elif method in ("runcommand", "admincommand"):
            _mongo_command(first_arg, facts)
        elif method in ("shutdownserver", "fsynclock"):
            facts.destroy(critical=True, type_id="db:admin")
        elif method in _MONGO_READ:
            if method == "aggregate" and re.search(r"\$out|\$merge", first_arg):
                facts.propose("db:write")
            else:
                facts.propose("db:query")
        else:
            facts.propose("db:opaque", Severity.HIGH)  # a method we cannot judge
    if _MONGO_SERVER_JS.search(text):
        facts.propose("db:opaque", Severity.HIGH)
    return True


def _mongo_command(document: str, facts: Facts) -> None:
    lowered = document.lower()
    if re.search(r"\b(?:drop|dropdatabase|dropallusersfromdatabase|shutdown)\b", lowered):
        facts.destroy(critical=True, type_id="db:admin")
    elif re.search(r"\b(?:createuser|grantrolestouser|updateuser)\b", lowered):
        facts.privilege(critical=True)
    elif re.search(r"\b(?:delete|update)\b", lowered):
        facts.propose("db:write")
    else:
        facts.propose("db:admin")


# -------------------------------------------------------------------------- Redis

_REDIS_READ = frozenset(
    {"get", "mget", "hget", "hgetall", "hmget", "hkeys", "hvals", "lrange", "llen", "lindex",
     "smembers", "sismember", "scard", "zrange", "zrangebyscore", "zscore", "zcard", "exists",
     "ttl", "pttl", "type", "strlen", "scan", "hscan", "sscan", "zscan", "info", "ping",
     "dbsize", "time", "xrange", "xread", "xlen", "pfcount", "getrange", "echo", "memory",
     "object", "dump"}
)  # fmt: skip
_REDIS_WRITE = frozenset(
    {"set", "setex", "psetex", "setnx", "mset", "del", "unlink", "hset", "hmset", "hdel",
     "hincrby", "lpush", "rpush", "lpop", "rpop", "lrem", "ltrim", "sadd", "srem", "zadd",
     "zrem", "incr", "incrby", "decr", "decrby", "expire", "pexpire", "persist", "rename",
     "append", "xadd", "xdel", "publish", "getdel", "getset", "restore", "copy", "move",
     "pfadd", "setrange", "expireat", "lset", "linsert", "zincrby", "sinterstore"}
)  # fmt: skip
_REDIS_FILE_SETTINGS = frozenset({"dir", "dbfilename", "logfile", "appendfilename"})
_REDIS_GUARD_SETTINGS = frozenset(
    {"requirepass", "protected-mode", "rename-command", "masterauth", "enable-debug-command",
     "enable-module-command", "aclfile", "bind"}
)  # fmt: skip
REDIS_COMMANDS = (
    _REDIS_READ
    | _REDIS_WRITE
    | {"flushall", "flushdb", "config", "slaveof", "replicaof", "module", "debug", "shutdown",
       "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "function", "script",
       "acl", "migrate", "keys", "save", "bgsave", "bgrewriteaof", "client", "monitor",
       "swapdb", "sync", "psync", "failover", "cluster"}
)  # fmt: skip
"""Every Redis command name this reader judges (a line starting with one is Redis)."""


def analyze_redis(text: str, facts: Facts) -> bool:
    """Facts of Redis commands, one per line; False when no line starts with one."""
    found = False
    for line in text[:16384].splitlines()[:64]:
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        if not words or words[0].lower() not in REDIS_COMMANDS:
            continue
        found = True
        _redis_command([w.lower() for w in words], words, facts)
    return found


def _redis_command(lowered: list[str], words: list[str], facts: Facts) -> None:
    name = lowered[0]
    sub = lowered[1] if len(lowered) > 1 else ""
    if (
        name in ("flushall", "flushdb", "swapdb")
        or name == "shutdown"
        or (name == "debug" and sub in ("segfault", "crash-and-recover"))
    ):
        facts.destroy(critical=True, type_id="db:admin")
    elif name == "config" and sub == "set":
        setting = lowered[2] if len(lowered) > 2 else ""
        if setting in _REDIS_FILE_SETTINGS:
            facts.propose("db:file", Severity.CRITICAL)  # the next SAVE writes where it says
        elif setting in _REDIS_GUARD_SETTINGS:
            facts.privilege(critical=True)
        else:
            facts.propose("db:admin")
    elif name in ("slaveof", "replicaof"):
        if sub != "no":
            facts.propose("db:exec", Severity.CRITICAL)  # a rogue master can load a module
            if len(words) > 1:
                facts.resource(words[1][:256])
        else:
            facts.propose("db:admin")
    elif name == "module" and sub in ("load", "loadex"):
        facts.propose("db:exec", Severity.CRITICAL)
    elif name == "debug":
        facts.propose("db:exec", Severity.HIGH)
    elif name in ("eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro") or (
        name in ("function", "script") and sub == "load"
    ):
        facts.propose("db:opaque", Severity.HIGH)  # server-side Lua
    elif name == "acl" and sub in ("setuser", "deluser", "load"):
        facts.privilege(critical=True)
    elif name == "migrate":
        facts.mark_outbound(payload=True)
        facts.propose("db:write", Severity.HIGH)
        if len(words) > 1:
            facts.resource(words[1][:256])
    elif name in ("keys", "save", "bgsave", "monitor", "sync", "psync"):
        facts.tag("database_dump")
        facts.propose("db:query", Severity.HIGH)
    elif name in _REDIS_WRITE:
        facts.propose("db:write")
    elif name in _REDIS_READ or name in ("config", "client", "acl", "cluster"):
        facts.propose("db:query")
    else:
        facts.propose("db:admin")


def analyze_nosql(text: str, facts: Facts, *, store: str = "auto") -> bool:
    """Facts of a MongoDB or Redis command (``store``: ``mongo``, ``redis`` or ``auto``)."""
    if store in ("mongo", "auto") and analyze_mongo(text, facts):
        return True
    return store in ("redis", "auto") and analyze_redis(text, facts)
