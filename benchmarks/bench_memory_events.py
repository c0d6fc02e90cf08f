"""Cost of the memory events (docs/memory-events.md).

* ``memory.stage.write_tool``: the ``memory`` stage alone on a write from ``tool:fetch_url``
  (parse the provenance, one taint lookup in the in-process store, judge);
* ``memory.stage.write_user``: the same for a ``user`` write (no store call);
* ``memory.guard.write`` / ``memory.guard.read``: a benign 300-character write (tool
  provenance) and read through the whole default guard, next to
  ``memory.guard.tool_result``, the same text as a tool result: the difference is what the
  memory path adds (stand-in event for the detectors, the stage, its store call). The text
  differs on every call (a counter appended), so the detectors' findings cache never hits.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import aimds
from aimds.behavior.memory_events import build_stage
from aimds.policy import load_policy
from aimds.policy.sections.memory import PROVENANCE_KEY
from aimds.types import Evaluation, Event, EventKind, Services, Subject
from benchmarks.harness import Result, measure

WHO = Subject(tenant="bench", agent="agent-1", session="s1")
TEXT = (
    "Invoices of ACME are due within 30 days of receipt. The finance contact is the "
    "accounts team in Berlin; orders above 10,000 EUR need a purchase order number. "
    "Shipping takes two to four working days inside the EU and is free above 200 EUR. "
    "Returns are accepted within 14 days when the goods are unused."
)


def _stage_call(provenance: str) -> Any:
    stage = build_stage(load_policy("default"), Services())
    assert stage is not None
    event = Event(
        kind=EventKind.MEMORY_WRITE,
        subject=WHO,
        text=TEXT,
        args={"key": "billing"},
        meta={PROVENANCE_KEY: provenance},
    )

    def call() -> None:
        stage(Evaluation(event=event, ts=0.0))

    return call


def _fresh(check: Callable[[str], object]) -> Callable[[], object]:
    counter = itertools.count()
    return lambda: check(f"{TEXT} Ref {next(counter)}.")


def run(quick: bool) -> list[Result]:
    n_stage, n_guard = (2_000, 200) if quick else (20_000, 2_000)
    results = [
        measure("memory.stage.write_tool", _stage_call("tool:fetch_url"), n=n_stage, warmup=200),
        measure("memory.stage.write_user", _stage_call("user"), n=n_stage, warmup=200),
    ]
    guard = aimds.Guard()
    results.append(
        measure(
            "memory.guard.tool_result",
            _fresh(lambda text: guard.check_tool_result("notes", text, subject=WHO)),
            n=n_guard,
            warmup=50,
        )
    )
    results.append(
        measure(
            "memory.guard.write",
            _fresh(
                lambda text: guard.check_memory_write(
                    "billing", text, subject=WHO, provenance="tool:notes"
                )
            ),
            n=n_guard,
            warmup=50,
        )
    )
    results.append(
        measure(
            "memory.guard.read",
            _fresh(lambda text: guard.check_memory_read("billing", text, subject=WHO)),
            n=n_guard,
            warmup=50,
        )
    )
    guard.close()
    return results
