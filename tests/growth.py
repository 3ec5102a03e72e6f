"""How a function's cost grows with its input, measured relative to itself.

The suite never asserts a wall time (a loaded machine makes any fixed number flaky, and speed is
measured in benchmarks/): it asserts that four times the input costs well under sixteen times as
much, which tells a linear algorithm from a quadratic one on any machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable

FACTOR = 4
# Linear growth gives about 4x, quadratic 16x; 10x leaves room for noise and caches.
BOUND = 10
FLOOR = 0.01  # below 10 ms a timer's noise is the measure


def best_time(work: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def assert_grows_linearly(work: Callable[[object], object], make_input: Callable[[int], object],
                          size: int, rounds: int = 3) -> None:
    """A quadratic algorithm misses the bound in every round; a machine busy with other work
    (another test worker, a compiler) can stall one round, seldom three in a row."""
    small, big = make_input(size), make_input(size * FACTOR)
    for _ in range(rounds):
        small_time = best_time(lambda: work(small))
        big_time = best_time(lambda: work(big))
        if big_time <= BOUND * max(small_time, FLOOR):
            return
    raise AssertionError(
        f"{FACTOR}x the input took {big_time / max(small_time, 1e-9):.1f}x the time "
        f"({small_time:.3f} s → {big_time:.3f} s) in each of {rounds} rounds: worse than linear")
