"""Session false-stop rate of the default pack on a labelled trace set.

A benign session is *stopped* when any of its events gets ``review`` or ``block`` (and
*blocked* when one gets ``block``); an attack session is *stopped* when an event at or before
its ``complete_at`` index does. Prints the rates and, for stopped benign sessions, the rule
ids that stopped them (counts).

    PYTHONPATH=src python scripts/trace_false_stops.py [TRACES] [LABELS] [--renamed]

``--renamed`` replays the traces with other tool names, argument names and credential
paths (as the held-out set has them; the mapping of ``tests/behavior/test_behavior_dataset``).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from aimds.trace.format import iter_trace
from aimds.trace.replay import fresh_guard, replay

_STOP = frozenset({"review", "block"})


RENAMED_TOOLS = {
    "read_file": "read_text_file", "bash": "run_terminal_cmd", "shell": "execute_command",
    "send_email": "gmail_send_message", "http_post": "requests_post", "fetch": "http_request",
    "login": "authenticate", "write_file": "edit_file", "list_directory": "list_dir",
}  # fmt: skip
RENAMED_KEYS = {"path": "file_path", "command": "cmd", "to": "recipient", "url": "endpoint"}


def _rename(line: str) -> str:
    event = json.loads(line)
    if event.get("tool"):
        event["tool"] = RENAMED_TOOLS.get(event["tool"], event["tool"])
    if isinstance(event.get("args"), dict):
        event["args"] = {RENAMED_KEYS.get(k, k): v for k, v in event["args"].items()}
    return json.dumps(event)


def main(traces: Path, labels_path: Path, *, renamed: bool = False) -> None:
    labels = {
        (row := json.loads(line))["session"]: row
        for line in labels_path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    lines = traces.read_text(encoding="utf-8").splitlines()
    if renamed:
        lines = [_rename(line) for line in lines if line.strip()]
    first_stop: dict[str, int] = {}
    blocked: set[str] = set()
    why: dict[str, set[str]] = {}
    position: Counter[str] = Counter()
    with fresh_guard("default") as guard:
        for step in replay(iter_trace(lines), guard):
            session = step.event.subject.session
            at = position[session]
            position[session] += 1
            if step.decision.verdict.value == "block":
                blocked.add(session)
            if step.decision.verdict.value in _STOP and session not in first_stop:
                first_stop[session] = at
                why[session] = {
                    f.rule
                    for f in step.decision.findings
                    if f.action is not None and f.action.value in _STOP
                }
    benign = [s for s, row in labels.items() if not row["attack"]]
    attacks = [s for s, row in labels.items() if row["attack"]]
    false_stops = [s for s in benign if s in first_stop]
    caught = [s for s in attacks if first_stop.get(s, 10**9) <= labels[s]["complete_at"]]
    rules = Counter(r for s in false_stops for r in why[s])
    print(
        f"benign sessions stopped: {len(false_stops)}/{len(benign)} "
        f"({len(false_stops) / max(len(benign), 1):.1%})"
    )
    print(f"benign sessions blocked: {sum(s in blocked for s in benign)}/{len(benign)}")
    print(
        f"attack sessions stopped by complete_at: {len(caught)}/{len(attacks)} "
        f"({len(caught) / max(len(attacks), 1):.1%})"
    )
    for rule, n in rules.most_common(10):
        print(f"  {n:4d}  {rule}")


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:] if not a.startswith("--")][:2]
    main(
        args[0] if args else Path("/work/shared/datasets/traces_dev.jsonl"),
        args[1] if len(args) > 1 else Path("/work/shared/datasets/traces_dev_labels.jsonl"),
        renamed="--renamed" in sys.argv,
    )
