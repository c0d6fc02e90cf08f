"""Instructions per guard call under callgrind: a speed measure a busy machine cannot disturb.

``python -m benchmarks.callgrind [SCENARIO ...] [--calls N] [--json PATH] [--keep DIR]``
runs the named scenarios (default: all) through ``Guard("default")`` in one
process under ``valgrind --tool=callgrind`` and prints the instructions of one call, as a
short table and (``--json``) as JSON. Wall-clock timings on a shared machine wander by half
from one minute to the next; the instruction count of the same call is the same to a few
parts in a thousand, so a change of a few percent is visible in one run.

How a call is isolated from the rest of the process (imports, building the guard, warm-up):
collection is off at start and is switched on only inside ``functools.reduce``, which the
package never calls (``--toggle-collect``); each scenario runs ``reduce`` over N calls and
then over 2N calls, each followed by a dump (``--dump-after``), and one call costs
``(I(2N) - I(N)) / N``: what the loop costs around the calls cancels out. The garbage
collector is collected before and disabled during each loop, so its passes do not land on
one side of the difference only.

Scenarios (a new session per call, as a fresh agent would make it; see
``benchmarks/bench_rules.py`` for the wall-clock view of the same calls):

- ``never-seen-allow``: ``shell {"command": "ls -la dir_<i>"}``, a new command every call,
  so no cache of any stage answers;
- ``never-seen-deny``: ``shell {"command": "rm -rf / dir_<i>"}`` (blocked by ``hard.rm_root``);
- ``repeated-allow`` / ``repeated-deny``: ``ls -la`` and ``rm -rf /``, the same every call;
- ``message-ordinary`` / ``message-attack``: ``check_message`` of a new 1 KB body every call,
  unsigned (``benchmarks/bench_identity.py``'s bodies: what the content check costs, issue 16).

``--native`` runs the same scenarios without valgrind and prints p50 and p99 µs (thread CPU
time) instead. The numbers are those of whatever is importable: the compiled (mypyc) build where
the extensions are installed, pure Python otherwise (``build`` in the JSON says which).
Where ``valgrind`` is absent the script says so and exits 0.
Valgrind before 3.22 does not know the ``openat2`` system call (it answers ``ENOSYS``), so
under it the rules stage resolves a path through its fallback (three system calls and a
``readlink``, :func:`aimds.rules.paths.resolve_path`) where a native run makes one call:
``never-seen-deny`` (a path that does not exist) then counts a few thousand instructions
more than it costs natively. ``--keep DIR`` keeps the
callgrind files (``callgrind_annotate DIR/callgrind.out.*.N`` shows where a loop went).
"""

from __future__ import annotations

import argparse
import functools
import gc
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["SCENARIOS", "main"]

# name -> (command template, expected verdict, whether the command changes every call);
# a template naming a body of bench_identity ("message:BODY") is a message check instead
SCENARIOS: dict[str, tuple[str, str, bool]] = {
    "never-seen-allow": ("ls -la dir_{i}", "allow", True),
    "never-seen-deny": ("rm -rf / dir_{i}", "block", True),
    "repeated-allow": ("ls -la", "allow", False),
    "repeated-deny": ("rm -rf /", "block", False),
    "message-ordinary": ("message:BODY", "allow", True),
    "message-attack": ("message:ATTACK", "block", True),
}

_WARMUP = 40
_TOTALS = re.compile(rb"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


def _scenario_call(name: str) -> Callable[[int], object]:
    """One call of scenario ``name``: ``call(i)`` checks the i-th command in a new session."""
    from aimds.guard import Guard
    from aimds.types import Subject

    template, expected, fresh = SCENARIOS[name]
    guard = Guard("default")
    if template.startswith("message:"):
        return _checked(name, expected, _message_call(guard, template.removeprefix("message:")))
    sessions = itertools.count()

    def call(i: int) -> object:
        who = Subject(tenant="bench", agent="a", session=f"{name}-{next(sessions)}")
        command = template.format(i=i) if fresh else template
        return guard.check_tool_call("shell", {"command": command}, subject=who)

    return _checked(name, expected, call)


def _message_call(guard: Any, body_name: str) -> Callable[[int], object]:
    """``call(i)`` checks a new 1 KB message body (the last digits change) from bench_identity."""
    from benchmarks import bench_identity

    body: str = getattr(bench_identity, body_name)
    return lambda i: guard.check_message(
        body[:-9] + f" {i + 10**6:08d}", subject=bench_identity.RECIPIENT
    )


def _checked(name: str, expected: str, call: Callable[[int], object]) -> Callable[[int], object]:
    """``call``, once its first call gave the verdict the scenario is named for."""
    verdict = call(-1).verdict.value  # type: ignore[attr-defined]
    if verdict != expected:
        raise SystemExit(f"{name}: expected {expected}, got {verdict}")
    return call


def _loop(call: Callable[[int], object], start: int, n: int) -> None:
    """``n`` calls inside ``functools.reduce`` (where callgrind collects), GC held still."""
    gc.collect()
    gc.disable()
    try:
        functools.reduce(lambda acc, i: (call(i), acc)[1], range(start, start + n), 0)
    finally:
        gc.enable()


def _worker(names: list[str], calls: int) -> None:
    """Under callgrind: per scenario, a warm-up, then N calls and 2N calls (two dumps)."""
    for name in names:
        call = _scenario_call(name)
        for i in range(_WARMUP):
            call(i)
        _loop(call, 1_000, calls)
        _loop(call, 1_000 + calls, 2 * calls)


def _native(names: list[str], calls: int) -> dict[str, Any]:
    """p50 µs (thread CPU time) of each scenario, without valgrind."""
    out: dict[str, Any] = {}
    for name in names:
        call = _scenario_call(name)
        for i in range(max(_WARMUP, calls // 10)):
            call(i)
        samples = []
        gc.disable()
        try:
            for i in range(10_000, 10_000 + calls):
                t0 = time.thread_time_ns()
                call(i)
                samples.append(time.thread_time_ns() - t0)
        finally:
            gc.enable()
        ordered = sorted(samples)
        out[name] = {
            "p50_us": round(statistics.median(ordered) / 1000, 1),
            "p99_us": round(ordered[min(len(ordered) - 1, len(ordered) * 99 // 100)] / 1000, 1),
            "calls": calls,
        }
    return out


def _callgrind(names: list[str], calls: int, keep: str | None) -> dict[str, Any]:
    """Run the worker under callgrind and read the two dumps of every scenario."""
    workdir = keep or tempfile.mkdtemp(prefix="aimds-callgrind-")
    Path(workdir).mkdir(parents=True, exist_ok=True)
    for old in Path(workdir).glob("callgrind.out.*"):
        old.unlink()
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--collect-atstart=no",
        "--toggle-collect=functools_reduce",
        "--dump-after=functools_reduce",
        f"--callgrind-out-file={workdir}/callgrind.out.%p",
        sys.executable,
        "-m",
        "benchmarks.callgrind",
        "--worker",
        "--calls",
        str(calls),
        *names,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"callgrind run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    dumps = sorted(
        (p for p in Path(workdir).glob("callgrind.out.*.*") if p.suffix[1:].isdigit()),
        key=lambda p: int(p.suffix[1:]),
    )
    totals = []
    for path in dumps:
        found = _TOTALS.search(path.read_bytes())
        totals.append(int(found.group(1)) if found else 0)
    if len(totals) != 2 * len(names):
        raise SystemExit(f"expected {2 * len(names)} callgrind dumps, found {len(totals)}")
    out: dict[str, Any] = {}
    for k, name in enumerate(names):
        once, twice = totals[2 * k], totals[2 * k + 1]
        out[name] = {"instructions_per_call": round((twice - once) / calls), "calls": calls}
    if keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="*", help=f"scenarios (default all): {', '.join(SCENARIOS)}")
    parser.add_argument("--calls", type=int, default=100, help="N (the loops run N and 2N)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", help="keep the callgrind files in this directory")
    parser.add_argument("--native", action="store_true", help="p50 and p99 µs without valgrind")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = args.names or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {unknown}; known: {list(SCENARIOS)}")
    if args.worker:
        _worker(names, args.calls)
        return 0
    if args.native:
        results = _native(names, max(args.calls, 1_000))
        unit = "p50_us"
    elif shutil.which("valgrind") is None:
        print("valgrind not found: skipping the callgrind benchmark (use --native for µs)")
        return 0
    else:
        results = _callgrind(names, args.calls, args.keep)
        unit = "instructions_per_call"
    from aimds.build import build_info

    info = build_info()
    payload = {
        "build": "compiled" if info["compiled"] else "pure Python",
        "unit": unit,
        "results": results,
    }
    for name, row in results.items():
        tail = f"  p99 {row['p99_us']:,} µs" if "p99_us" in row else ""
        print(f"{name:<18} {row[unit]:>12,} {unit}{tail}")
    print(f"({payload['build']}, {sys.version.split()[0]})")
    if args.json:
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
