"""The timing loop the Python benchmarks share (bench_python.py, bench_oauth.py): the calling thread's
CPU time (time.thread_time), steady while other processes load the machine."""

from __future__ import annotations

import time
from typing import Callable


def best_per_call(fn: Callable[[], object], min_time: float, repeats: int) -> float:
    """Seconds per call: the best of `repeats` runs of a loop lasting about min_time."""
    n = 1
    while True:
        start = time.thread_time()
        for _ in range(n):
            fn()
        elapsed = time.thread_time() - start
        if elapsed >= min_time / 4:
            break
        n *= 4
    n = max(1, int(n * min_time / max(elapsed, 1e-9)))
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        for _ in range(n):
            fn()
        best = min(best, (time.thread_time() - start) / n)
    return best
