"""Run every ``benchmarks/bench_*.py``; write JSON per module and print one table.

``python -m benchmarks.run [--quick] [NAME ...]`` (NAME: ``rules`` for ``bench_rules``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from aimds.build import build_info
from benchmarks.harness import calibrate

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args(argv)
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if args.names:
        modules = [m for m in modules if m.removeprefix("bench_") in args.names]
    RESULTS.mkdir(exist_ok=True)
    table = Table(title="AIMDS benchmarks")
    for col in ("benchmark", "n", "p50 µs", "p99 µs", "ops/s"):
        table.add_column(col, justify="right" if col != "benchmark" else "left")
    for module_name in modules:
        module = importlib.import_module(f"benchmarks.{module_name}")
        before = calibrate()
        results = module.run(args.quick)
        after = calibrate()
        payload = {
            "module": module_name,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "python": sys.version.split()[0],
            "machine": platform.machine(),
            "build": build_info(),
            # p50 µs of a fixed workload before and after: the machine's phase (harness)
            "calibration_us": [round(before, 2), round(after, 2)],
            "results": [r.as_dict() for r in results],
        }
        (RESULTS / f"{module_name}.json").write_text(json.dumps(payload, indent=2) + "\n")
        for r in results:
            table.add_row(
                r.name, str(r.n), f"{r.p50_us:.1f}", f"{r.p99_us:.1f}", f"{r.ops_per_s:,.0f}"
            )
    console = Console()
    console.print(table)
    info = build_info()
    console.print(
        f"aimds {info['version']}, Python {info['python']}, "
        + (f"{len(info['compiled_modules'])} modules compiled (mypyc)" if info["compiled"]
           else "pure Python (not compiled)"),
        highlight=False,
    )
    console.print(
        f"calibration (fixed workload, p50): {calibrate():.1f} µs; the machine runs about "
        "1.6x slower in its slow phase, see benchmarks/harness.py",
        highlight=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
