"""Our rules engine beside agent-os-kernel's ``PolicyEngine``: 100 regex rules on a shell tool.

    python -m benchmarks.side_by_side --other-python /path/to/venv-with-agent-os/bin/python

agent-os-kernel is not a dependency of ours: install it into a separate virtualenv
(``python -m venv V && V/bin/pip install agent-os-kernel pyyaml``) and pass its python.
Every measurement runs in a process of its own, the engines take turns round after round
(a shared machine slows both alike), and the table gives the median over rounds of each
process's p50 and p99, in this thread's CPU time (``time.thread_time_ns``, clock cost
subtracted).

The cases: a call allowed (no rule matches) and a call denied (the last rule matches), each
repeated (the same command every time) and never seen before (a new command every time).
Ours is :class:`aimds.rules.stage.RulesStage` (classification, boundaries and rules);
theirs is ``PolicyEngine.check_violation`` with the patterns as its
``dangerous_code_patterns`` (the role's allow-list, then the patterns in order).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

RULES = 100
CASES = ("allow never-seen", "allow repeated", "deny never-seen", "deny repeated")

_TIMER = r"""
import gc, itertools, json, sys, time
N = int(sys.argv[1])
OVER = sorted(-time.thread_time_ns() + time.thread_time_ns() for _ in range(2000))[1000]
COMMANDS = @COMMANDS@

def measure(fn):
    for i in range(300):
        fn(-1 - i)
    samples = []
    gc.disable()
    for i in range(N):
        t0 = time.thread_time_ns(); fn(i); samples.append(time.thread_time_ns() - t0 - OVER)
    gc.enable()
    samples.sort()
    return samples[N // 2] / 1000, samples[int(N * 0.99)] / 1000

def run(check):
    out = {}
    for verdict, template in COMMANDS.items():
        out[verdict + " never-seen"] = measure(lambda i: check(template.format(i=i)))
        fixed = template.format(i=0)
        out[verdict + " repeated"] = measure(lambda i: check(fixed))
    print(json.dumps(out))
"""

OURS = (
    _TIMER
    + r"""
from aimds.policy import load_policy
from aimds.rules.stage import RulesStage, compile_classifier
from aimds.types import Evaluation, Event, EventKind, Subject, Verdict

WHO = Subject(tenant="bench", agent="a", session="s", role="expert")
policy = load_policy(json.loads(@POLICY@))
stage = RulesStage(policy, compile_classifier(policy))

def check(command):
    args = {"command": command}
    ev = Evaluation(event=Event(kind=EventKind.TOOL_CALL, tool="shell", args=args,
                                subject=WHO, ts=1.0), ts=1.0, args=args)
    stage(ev)
    return any(f.action is Verdict.BLOCK for f in ev.findings)

assert not check("ls -la dir_0") and check("run forbidden@LAST@ now 0")
run(check)
"""
)

THEIRS = (
    _TIMER
    + r"""
import logging, re
logging.disable(logging.CRITICAL)
from agent_control_plane.policy_engine import PolicyEngine

engine = PolicyEngine()
engine.add_constraint("agent", ["run_command"])
engine.dangerous_code_patterns = [re.compile(rf"\bforbidden{i}\b") for i in range(@RULES@)]

def check(command):
    return engine.check_violation("agent", "run_command", {"command": command}) is not None

assert not check("ls -la dir_0") and check("run forbidden@LAST@ now 0")
run(check)
"""
)


COMMANDS = {"allow": "ls -la dir_{i}", "deny": f"run forbidden{RULES - 1} now {{i}}"}
"""The commands of each case; ``{i}`` is the call's number (never-seen) or 0 (repeated)."""


def ours_policy() -> dict[str, Any]:
    """Our side: the tool allowed (as agent-os-kernel's role allow-list does), then the
    regex rules. ``benchmarks/bench_rules.py`` measures the same shape in ``make bench``."""
    rules: list[dict[str, Any]] = [{"id": "allow.shell", "action": "allow", "tools": ["shell"]}]
    rules += [
        {
            "id": f"deny.r{i}",
            "action": "block",
            "tools": ["shell"],
            "when": {"command": {"matches": rf"\bforbidden{i}\b"}},
        }
        for i in range(RULES)
    ]
    return {
        "name": "side-by-side",
        "rules": rules,
        "autonomy": {"level": "autonomous"},
        "paths": {"cwd": "/srv/app", "home": "/home/a"},
    }


def _program(text: str) -> str:
    return (
        text.replace("@RULES@", str(RULES))
        .replace("@LAST@", str(RULES - 1))
        .replace("@COMMANDS@", repr(COMMANDS))
        .replace("@POLICY@", repr(json.dumps(ours_policy())))
    )


def _one(python: str, program: str, n: int, env: dict[str, str]) -> dict[str, list[float]]:
    done = subprocess.run(
        [python, "-c", _program(program), str(n)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{python} failed:\n{done.stderr[-3000:]}")
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--other-python", required=True, help="a python with agent-os-kernel")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="a python with aimds installed (e.g. compiled); default: this one, on this tree",
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("-n", type=int, default=3000, help="timed calls per case and process")
    opts = parser.parse_args()
    ours_env = dict(os.environ)
    src = Path(__file__).resolve().parent.parent / "src"
    if opts.python == sys.executable and src.is_dir() and "PYTHONPATH" not in ours_env:
        ours_env["PYTHONPATH"] = str(src)
    theirs_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    runs: dict[str, list[dict[str, list[float]]]] = {"aimds": [], "agent-os-kernel": []}
    for _ in range(opts.rounds):
        runs["aimds"].append(_one(opts.python, OURS, opts.n, ours_env))
        runs["agent-os-kernel"].append(_one(opts.other_python, THEIRS, opts.n, theirs_env))
    print(f"{RULES} regex rules, shell tool; median of {opts.rounds} processes; thread CPU us")
    print(f"{'case':18s}" + "".join(f"{name + ' p50':>22s}{'p99':>8s}" for name in runs))
    for case in CASES:
        row = f"{case:18s}"
        for per in runs.values():
            p50 = statistics.median(r[case][0] for r in per)
            p99 = statistics.median(r[case][1] for r in per)
            row += f"{p50:22.1f}{p99:8.1f}"
        print(row)


if __name__ == "__main__":
    main()
