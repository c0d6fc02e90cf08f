"""Timing helpers for benchmarks: latency percentiles and throughput of a callable.

Each ``benchmarks/bench_*.py`` module exposes ``run(quick: bool) -> list[Result]``;
``python -m benchmarks.run`` discovers them, writes ``benchmarks/results/<module>.json``
and prints one table.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Result", "calibrate", "measure", "measure_both", "measure_by_phase", "measure_stages"]


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    n: int
    p50_us: float
    p99_us: float
    mean_us: float
    ops_per_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def measure(
    name: str,
    fn: Callable[[], object],
    *,
    n: int = 20_000,
    warmup: int = 1_000,
    extra: dict[str, Any] | None = None,
    cpu: bool = False,
) -> Result:
    """Call ``fn`` ``warmup`` times, then ``n`` times, timing each call separately.

    With ``cpu``, each call is timed in this thread's CPU time (the clock's own cost
    subtracted), which a busy machine disturbs far less than wall time; the result's name
    gets a ``(cpu)`` suffix.
    """
    for _ in range(warmup):
        fn()
    clock = time.thread_time_ns if cpu else time.perf_counter_ns
    overhead = sorted(-clock() + clock() for _ in range(2_000))[1_000] if cpu else 0
    samples = [0] * n
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        begin = clock()
        for i in range(n):
            t0 = clock()
            fn()
            samples[i] = max(clock() - t0 - overhead, 0)
        total_ns = clock() - begin
    finally:
        if gc_was_enabled:
            gc.enable()
    samples.sort()
    return Result(
        name=name + (" (cpu)" if cpu else ""),
        n=n,
        p50_us=samples[n // 2] / 1000,
        p99_us=samples[min(n - 1, (n * 99) // 100)] / 1000,
        mean_us=statistics.fmean(samples) / 1000,
        ops_per_s=n / (total_ns / 1e9) if total_ns else float("inf"),
        extra=extra or {},
    )


def measure_both(name: str, fn: Callable[[], object], *, n: int, **kw: Any) -> list[Result]:
    """Wall-time and CPU-time results for the same callable."""
    return [measure(name, fn, n=n, **kw), measure(name, fn, n=n, cpu=True, **kw)]


def _reference_work() -> int:
    """A fixed pure-Python workload (dict, str and int operations, like the guard's)."""
    table: dict[str, int] = {}
    for i in range(200):
        key = f"k{i % 50}"
        table[key] = table.get(key, 0) + i
    return sum(table.values())


def calibrate() -> float:
    """p50 µs of a fixed workload: tells which speed the machine runs at right now.

    The 2-core reference machine drifts between a fast and a slow phase (about 1.6x
    apart) for seconds to minutes; results taken in different phases are comparable
    after dividing by this figure."""
    return measure("calibration", _reference_work, n=3_000, warmup=300).p50_us


def _block_p50(fn: Callable[[], object], n: int) -> float:
    clock = time.perf_counter_ns
    samples = [0] * n
    for i in range(n):
        t0 = clock()
        fn()
        samples[i] = clock() - t0
    samples.sort()
    return samples[n // 2] / 1000


def measure_by_phase(
    name: str, fn: Callable[[], object], *, pairs: int = 60, block: int = 500
) -> Result:
    """``fn``'s p50 in the machine's fastest and slowest phase seen during the run.

    Blocks of ``fn`` alternate with blocks of the calibration workload; a block of ``fn``
    belongs to a phase when the calibration blocks on both sides of it ran within 15 % of
    the fastest (slowest) calibration seen. ``p50_us`` is the fast-phase figure; the extras
    give both, with how many blocks each rests on (equal figures: the phase never changed).
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(block):
            fn()
        rows = []
        for _ in range(pairs):
            before = _block_p50(_reference_work, 200)
            value = _block_p50(fn, block)
            after = _block_p50(_reference_work, 200)
            rows.append((before, after, value))
    finally:
        if gc_was_enabled:
            gc.enable()
    low = min(min(b, a) for b, a, _ in rows)
    high = max(max(b, a) for b, a, _ in rows)
    fast = [v for b, a, v in rows if max(b, a) <= low * 1.15]
    slow = [v for b, a, v in rows if min(b, a) >= high / 1.15]
    all_values = [v for _, _, v in rows]
    fast_p50 = statistics.median(fast) if fast else statistics.median(all_values)
    return Result(
        name=name + " (by phase)",
        n=pairs * block,
        p50_us=fast_p50,
        p99_us=max(all_values),
        mean_us=statistics.fmean(all_values),
        ops_per_s=1e6 / statistics.fmean(all_values),
        extra={
            "p50_fast_phase_us": round(fast_p50, 2),
            "p50_slow_phase_us": round(statistics.median(slow), 2) if slow else None,
            "blocks_fast_slow": [len(fast), len(slow)],
            "calibration_us_fast_slow": [round(low, 2), round(high, 2)],
            "note": "p99 column: the slowest block's p50",
        },
    )


def measure_stages(
    name: str,
    stages: Sequence[Any],
    install: Callable[[tuple[Any, ...]], None],
    fn: Callable[[], object],
    *,
    n: int,
    warmup: int = 300,
    extra: dict[str, Any] | None = None,
) -> list[Result]:
    """Per-stage CPU time of ``fn`` (one guard check): ``install`` puts timing wrappers
    around ``stages`` for the run (and the originals back after). One result per stage
    (``<name> stage <stage>``) and one for the sum of the stages of each call; a stage
    that has nothing to do for the event shows what it costs to be asked, and one the
    guard leaves out for the event's kind (its ``kinds``) shows 0."""
    clock = time.thread_time_ns
    names = [str(getattr(s, "name", type(s).__name__)) for s in stages]
    spent = [0] * len(stages)

    def timed(i: int, stage: Any) -> Callable[[Any], None]:
        def run(ev: Any) -> None:
            t0 = clock()
            try:
                stage(ev)
            finally:
                spent[i] += clock() - t0

        run.name = names[i]  # type: ignore[attr-defined]
        run.kinds = getattr(stage, "kinds", None)  # type: ignore[attr-defined]  # aimds.guard
        return run

    overhead = sorted(-clock() + clock() for _ in range(2_000))[1_000]
    install(tuple(timed(i, s) for i, s in enumerate(stages)))
    samples: list[list[int]] = [[] for _ in stages]
    totals: list[int] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(warmup + n):
            for j in range(len(spent)):
                spent[j] = 0
            fn()
            if i >= warmup:
                for j, ns in enumerate(spent):
                    samples[j].append(max(ns - overhead, 0))
                totals.append(max(sum(spent) - overhead * len(spent), 0))
    finally:
        install(tuple(stages))
        if gc_was_enabled:
            gc.enable()
    results = []
    for label, values in [*zip(names, samples, strict=True), ("sum", totals)]:
        values.sort()
        results.append(
            Result(
                name=f"{name} stage {label} (cpu)",
                n=n,
                p50_us=values[n // 2] / 1000,
                p99_us=values[min(n - 1, (n * 99) // 100)] / 1000,
                mean_us=statistics.fmean(values) / 1000,
                ops_per_s=0.0,
                extra=extra or {},
            )
        )
    return results
