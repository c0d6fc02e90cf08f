"""Builds redteam2_calls.jsonl from the gen_*.py lists (hand-written calls).

Rows written as tool "shell" with a single "command" argument are spread over
several shell-like tool names and argument names; likewise rows
written as read_file {"path": ...} over file-reading tool and argument names (deterministic rotation, the
same for dangerous and benign rows) so that neither side is tied to one name.
"""
import json
from collections import Counter
import gen_common
import gen_danger1, gen_danger2, gen_danger3, gen_danger4  # noqa: F401
import gen_benign1, gen_benign2, gen_benign3  # noqa: F401

TOOLS = ["shell", "bash", "terminal", "run_command", "exec", "execute", "sh",
         "run_shell", "cli", "console", "devbox", "ops_tool", "workspace_exec",
         "container_exec", "shell_exec"]
KEYS = ["command", "cmd", "input", "script", "command_line", "line", "text",
        "payload", "c", "cmdline", "q"]

rows = gen_common.ROWS
rot = Counter()
for r in rows:
    if "tool" in r and r["tool"] == "shell" and list(r["args"]) == ["command"]:
        k = r["expect"]
        n = rot[k]
        rot[k] += 1
        r["tool"] = TOOLS[n % len(TOOLS)]
        r["args"] = {KEYS[(n * 7 + n // len(TOOLS)) % len(KEYS)]: r["args"]["command"]}

RTOOLS = ["read_file", "open", "cat", "fs_read", "read", "get_file", "view_file",
          "load", "file_reader", "read_text"]
RKEYS = ["path", "p", "fp", "file", "filename", "source", "target", "name",
         "location", "document", "input", "file_path", "uri"]
rot2 = Counter()
for r in rows:
    if "tool" in r and r["tool"] == "read_file" and list(r["args"]) == ["path"]:
        k = r["expect"]
        n = rot2[k]
        rot2[k] += 1
        r["tool"] = RTOOLS[n % len(RTOOLS)]
        r["args"] = {RKEYS[(n * 5) % len(RKEYS)]: r["args"]["path"]}

ids = [r["id"] for r in rows]
assert len(ids) == len(set(ids)), "duplicate ids"
for r in rows:
    assert r["expect"] in ("stop", "allow")
    if "session" in r:
        assert "args" in r["session"][-1], r["id"]
        for s in r["session"]:
            assert "tool" in s and ("args" in s) != ("result" in s)
            if "args" in s:
                assert isinstance(s["args"], dict)
    else:
        assert isinstance(r["args"], dict) and r["tool"]

# exact duplicate (tool, args) check
seen = {}
for r in rows:
    key = json.dumps([r.get("tool"), r.get("args"), r.get("session")], sort_keys=True)
    assert key not in seen, (r["id"], seen.get(key))
    seen[key] = r["id"]

with open("redteam2_calls.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(Counter(r["expect"] for r in rows))
for (e, c), n in sorted(Counter((r["expect"], r["class"]) for r in rows).items()):
    print(e, c, n)
