"""Instructions per call of the guard's message check, counted by callgrind: a measure that
a loaded machine does not blur (wall clock here varies by half between runs).

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \\
        python -m benchmarks.instructions [ordinary|attacky] [N]
    grep -m1 '^summary\\|^totals' /tmp/cg.out.1    # instructions of N calls

The check is warmed up first (models loaded, caches filled), then the counters are zeroed
and dumped around N checks of new 1 KB message bodies (``bench_identity``'s bodies), so
the dump holds the loop only. Outside valgrind it just runs the loop.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from aimds import Guard
from benchmarks.bench_identity import ATTACK, BODY, RECIPIENT


def _callgrind(command: str) -> None:
    tool = shutil.which("callgrind_control")
    if tool is not None:
        subprocess.run([tool, command, str(os.getpid())], check=False, capture_output=True)


def main(argv: list[str]) -> int:
    body = ATTACK if argv[:1] == ["attacky"] else BODY
    n = int(argv[1]) if len(argv) > 1 else 20
    guard = Guard()
    for i in range(30):
        guard.check_message(body[:-9] + f" {i:08d}", subject=RECIPIENT)
    _callgrind("-z")
    for i in range(n):
        guard.check_message(body[:-9] + f" {i + 10**6:08d}", subject=RECIPIENT)
    _callgrind("-d")
    guard.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
