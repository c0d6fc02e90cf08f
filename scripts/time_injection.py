"""Latency of the injection detector per event kind and size (p50/p99 in microseconds).

    .venv/bin/python scripts/time_injection.py [-n 2000]

Prompts of 200 characters must stay on the fast path (the sentence scorer runs only for
data kinds); tool results of 2,000 characters add the sentence scorer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from aimds.detectors.injection import build
from aimds.policy import load_policy
from aimds.text import build_views
from aimds.types import Event, EventKind, Services

_PROSE = (
    "Could you summarise the attached quarterly report for the board and list the three "
    "main risks it mentions, with one sentence on each and a short recommendation? "
)
_TOOL = (
    '{"id": 41, "from": "dana@example.com", "subject": "Offsite", "body": "We moved the '
    "offsite to the larger room on the third floor. Lunch is at noon. Parking is free for "
    'the day and the shuttle leaves at 8:15 from the station."}\n'
)


def _text(base: str, n: int) -> str:
    return (base * (n // len(base) + 1))[:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=2000)
    args = parser.parse_args(argv)
    det = build(load_policy("default"), Services())
    assert det is not None
    for label, kind, text in (
        ("prompt 200", EventKind.PROMPT, _text(_PROSE, 200)),
        ("prompt 2000", EventKind.PROMPT, _text(_PROSE, 2000)),
        ("tool_result 200", EventKind.TOOL_RESULT, _text(_TOOL, 200)),
        ("tool_result 2000", EventKind.TOOL_RESULT, _text(_TOOL, 2000)),
    ):
        event = Event(kind=kind, text=text)
        views = build_views(text)
        views.folded  # noqa: B018 - build the lazy view outside the timed call
        det.detect(event, views)
        times = []
        for _ in range(args.n):
            t = time.perf_counter_ns()
            det.detect(event, views)
            times.append((time.perf_counter_ns() - t) / 1000)
        times.sort()
        p99 = times[int(len(times) * 0.99)]
        print(f"{label:18s} p50 {statistics.median(times):8.1f} us   p99 {p99:8.1f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
