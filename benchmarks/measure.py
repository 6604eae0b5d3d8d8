"""Shared measuring tools for the benchmark scripts: interleaved timing, FLOP counts, GEMM peak.

Timings on a shared machine are noisy, so every comparison runs its candidates round-robin
(A, B, C, A, B, C, ...) and reports the median and the best of the repeats: a burst of load from
another process then hits every candidate alike instead of one of them.
"""
import statistics
import time
from typing import Any, NamedTuple

import numpy as np


def interleaved_times(candidates, repeats):
    """Time zero-argument callables round-robin.

    Args:
        candidates: dict ``name -> callable()``; each call is one complete measured run.
        repeats: how many rounds.

    Returns:
        dict ``name -> (median_seconds, best_seconds, result_of_last_call)`` of wall-clock
        time. The median CPU time of this process (all its threads) is kept in
        :data:`CPU_MEDIANS` under the same names: it hardly counts the time other processes
        take the cores away, so it is the steadier figure on a busy machine. A candidate whose
        work runs in other processes returns :class:`ChildCPU`: their CPU time is added and the
        ``result`` kept.
    """
    if int(repeats) < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats!r}.")
    times = {name: [] for name in candidates}
    cpu = {name: [] for name in candidates}
    results = {}
    for _ in range(int(repeats)):
        for name, run in candidates.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            result = run()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
            if isinstance(result, ChildCPU):
                cpu[name][-1] += result.seconds
                result = result.result
            results[name] = result
    CPU_MEDIANS.update({name: statistics.median(c) for name, c in cpu.items()})
    return {name: (statistics.median(t), min(t), results[name]) for name, t in times.items()}


CPU_MEDIANS = {}


class ChildCPU(NamedTuple):
    """A candidate's result with the CPU seconds its work took in other processes."""
    result: Any
    seconds: float


def mlp_training_flops(sizes, n_samples, epochs, n_models=1):
    """Floating-point operations in the matrix products of training an MLP.

    Per sample and layer of widths ``(fan_in, fan_out)``: ``2 * fan_in * fan_out`` for the
    forward product, as many for the weight gradient, and as many for the gradient passed down
    to the layer below (none for the first layer, whose input needs no gradient). Element-wise
    work (activations, softmax, updates) is left out: it is O(weights), not O(weights * batch).

    >>> mlp_training_flops((64, 100, 10), n_samples=1, epochs=1)
    31600
    """
    per_sample = 0
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        products = 2 if layer == 0 else 3
        per_sample += products * 2 * fan_in * fan_out
    return per_sample * n_samples * epochs * n_models


def gemm_peak_gflops(n=1536, repeats=5, dtype=np.float64):
    """The best rate of one large square matrix product ``A @ B`` (``2 n^3`` operations), GFLOP/s.

    Uses NumPy's BLAS with its current thread setting; the best of ``repeats`` runs.
    """
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    out = np.empty((n, n), dtype=dtype)
    np.matmul(a, b, out=out)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9


def blas_threads():
    """NumPy's BLAS thread count, from threadpoolctl (None if it cannot tell)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return max(counts) if counts else None


def limit_threads(n_threads):
    """A context manager limiting BLAS and OpenMP threads to ``n_threads`` (None: no change)."""
    from contextlib import nullcontext
    if n_threads is None:
        return nullcontext()
    from threadpoolctl import threadpool_limits
    return threadpool_limits(int(n_threads))


def print_table(rows, headers):
    """Print rows (sequences of already formatted strings) as an aligned text table."""
    widths = [max(len(str(row[i])) for row in [headers] + rows) for i in range(len(headers))]
    for row in [headers] + rows:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
