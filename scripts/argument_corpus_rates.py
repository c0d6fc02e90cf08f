"""Stop rates of the default pack on the argument corpora of ``tests/rules/argument_corpus``.

Benign calls (309) must not be stopped (``review``/``block``); dangerous ones (404: the
issue's classes under other tool names, argument names and nestings) must be. Each call is
checked by a fresh agent.

    PYTHONPATH=src python scripts/argument_corpus_rates.py [-v]
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import aimds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "rules"))

from argument_corpus import benign_calls, dangerous_calls  # noqa: E402

_STOP = (aimds.Verdict.REVIEW, aimds.Verdict.BLOCK)


def main(verbose: bool) -> None:
    guard = aimds.Guard()
    agents = itertools.count()

    def stopped(tool: str, args: dict[str, object]) -> bool:
        who = aimds.Subject(tenant="t", agent=f"c{next(agents)}", role="expert", session="s")
        return guard.check_tool_call(tool, args, subject=who).verdict in _STOP

    benign = benign_calls()
    false_stops = [(t, a) for t, a in benign if stopped(t, a)]
    dangerous = dangerous_calls()
    missed = [(t, a) for t, a in dangerous if not stopped(t, a)]
    rate = len(false_stops) / len(benign)
    print(f"benign stopped: {len(false_stops)}/{len(benign)} ({rate:.1%})")
    caught = len(dangerous) - len(missed)
    print(f"dangerous stopped: {caught}/{len(dangerous)} ({caught / len(dangerous):.1%})")
    if verbose:
        for tool, args in false_stops + missed:
            print(f"  {tool} {args}")


if __name__ == "__main__":
    main("-v" in sys.argv)
