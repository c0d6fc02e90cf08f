"""Soak: RSS over time under a steady mixed in-process load, to show memory plateaus.

    PYTHONPATH=src python benchmarks/soak_memory.py [--events 200000] [--json]

One guard (the ``default`` pack with its windows shortened, so the run is many times longer
than the longest window and TTL) judges a fixed mix on simulated time (10 ms an event):
100 agents, a new session every 50 calls; shell polling, file reads, a GET to a host never
seen before on every tenth call, e-mails that go to review (two in three decided by an
approver, the rest left to expire), prompts and tool results. RSS is sampled every
``--every`` events; the report gives the samples and the growth over the second half.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from typing import Any

from aimds import Guard
from aimds.behavior.memory import MemoryStore
from aimds.respond.approvals import EXTRAS_KEY, ApprovalQueue
from aimds.types import Services, Subject

STEP_S = 0.01
POLICY: dict[str, Any] = {
    "name": "soak",
    "version": "1",
    "extends": "default",
    "behavior": {
        "window": "30s",
        "state_ttl": "120s",
        "effects": {"window": "60s"},
        "baselines": {"bucket": "10s", "history_buckets": 6},
        "sequences": {"command_spam": {"burst": "20s"}},
    },
    "approvals": {"timeout_s": 30},
    # rate windows are bounded by a key count, not by time: 100,000 keys by default (about
    # 1-5 KiB each), reached after days at this session rate; 500 shows the same plateau
    # within the run
    "budgets": {"max_keys": 500},
}
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo")
LONGEST_WINDOW_S = 120.0  # state_ttl above; approvals are kept 60 s after their decision


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run(events: int, every: int) -> dict[str, Any]:
    now = [1_700_000_000.0]

    def clock() -> float:
        return now[0]

    queue = ApprovalQueue(clock=clock, retain_decided_s=60.0)
    # The state store expires keys on its own clock (monotonic in production): give it the
    # simulated one, or a run this fast would end before any TTL passed.
    store = MemoryStore(clock=clock)
    guard = Guard(POLICY, services=Services(clock=clock, store=store, extras={EXTRAS_KEY: queue}))
    samples: list[dict[str, float]] = []
    pending: list[str] = []
    started = time.perf_counter()
    for i in range(events):
        now[0] += STEP_S
        agent = i % 100
        who = Subject(tenant="soak", agent=f"agent-{agent}", session=f"s{agent}-{i // 5000}")
        mix = i % 10
        if mix in (0, 1, 2):
            guard.check_tool_call("shell", {"command": "ls -la /tmp"}, subject=who)
        elif mix in (3, 4):
            guard.check_tool_call("read_file", {"path": f"src/module_{i % 300}.py"}, subject=who)
        elif mix == 5:
            guard.check_tool_call(
                "http_request", {"method": "GET", "url": f"https://h{i}.example.com/"}, subject=who
            )
        elif mix == 6:
            d = guard.check_tool_call(
                "send_email",
                {"to": f"user{i % 50}@example.com", "subject": "Weekly report",
                 "body": f"Notes about {WORDS[(i // 10) % len(WORDS)]} and {WORDS[i % 7]}."},
                subject=who,
            )
            if d.approval and (i // 10) % 3:
                pending.append(d.approval)
        elif mix == 7:
            guard.check_prompt(f"Summarise ticket {i} for the on-call engineer.", subject=who)
        elif mix == 8:
            guard.check_tool_result(
                "fetch_url", f"<html><body>Status page {i}: all systems normal.</body></html>",
                subject=who,
            )
        else:
            guard.check_completion(f"The build {i} passed; nothing to do.", subject=who)
        while pending:
            queue.resolve(pending.pop(), approve=True, approver="approver", reason="ok")
        if (i + 1) % every == 0:
            gc.collect()
            samples.append({"events": i + 1, "sim_s": round((i + 1) * STEP_S, 1),
                            "rss_mib": round(rss_mib(), 1), "state_keys": len(store),
                            "approval_rows": queue.db.execute(
                                "SELECT COUNT(*) FROM aimds_approvals")[0][0]})
    elapsed = time.perf_counter() - started
    half = samples[len(samples) // 2]
    last = samples[-1]
    growth = (last["rss_mib"] - half["rss_mib"]) / max(last["sim_s"] - half["sim_s"], 1e-9) * 60
    guard.close()
    return {
        "events": events,
        "simulated_s": round(events * STEP_S, 1),
        "longest_window_s": LONGEST_WINDOW_S,
        "wall_s": round(elapsed, 1),
        "samples": samples,
        "second_half_growth_mib_per_sim_min": round(growth, 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--every", type=int, default=10_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args.events, args.every)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for s in result["samples"]:
        print(f"{s['events']:>8} events  {s['sim_s']:>7.0f} s simulated  "
              f"RSS {s['rss_mib']:>7.1f} MiB  state keys {s['state_keys']:>6}  "
              f"approval rows {s['approval_rows']}")
    print(f"{result['simulated_s']:.0f} s simulated (longest window {LONGEST_WINDOW_S:.0f} s) in "
          f"{result['wall_s']} s; RSS growth over the second half: "
          f"{result['second_half_growth_mib_per_sim_min']} MiB per simulated minute")


if __name__ == "__main__":
    main()
