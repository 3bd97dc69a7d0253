"""The timing loops the Python benchmarks share (bench_python.py, bench_oauth.py, peers.py): the calling thread's
CPU time (time.thread_time), steady while other processes load the machine."""

from __future__ import annotations

import statistics
import time
from typing import Callable, List, Sequence


def calls_for(fn: Callable[[], object], min_time: float) -> int:
    """How many calls of fn last about min_time (CPU time of this thread)."""
    n = 1
    while True:
        start = time.thread_time()
        for _ in range(n):
            fn()
        elapsed = time.thread_time() - start
        if elapsed >= min_time / 4:
            break
        n *= 4
    return max(1, int(n * min_time / max(elapsed, 1e-9)))


def best_per_call(fn: Callable[[], object], min_time: float, repeats: int) -> float:
    """Seconds per call: the best of `repeats` runs of a loop lasting about min_time."""
    n = calls_for(fn, min_time)
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        for _ in range(n):
            fn()
        best = min(best, (time.thread_time() - start) / n)
    return best


def interleaved_medians(fns: Sequence[Callable[[], object]], min_time: float, rounds: int) -> List[float]:
    """Seconds per call of each fn: a loop of about min_time per fn, run for every fn in turn (one round),
    `rounds` times; the median round of each. Contenders so share the machine's conditions."""
    counts = []
    for fn in fns:
        fn()  # warm up: lazy imports, caches
        counts.append(calls_for(fn, min_time))
    samples: List[List[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            n = counts[i]
            start = time.thread_time()
            for _ in range(n):
                fn()
            samples[i].append((time.thread_time() - start) / n)
    return [statistics.median(s) for s in samples]
