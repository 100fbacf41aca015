"""How many CPU threads torch and NumPy's BLAS use, for a while: ``limit_threads(n)``, ``one_thread()``.

The networks here are small: a (64, 512) matrix product takes microseconds, and a thread pool costs more
in waking and synchronising its threads than it saves — on a busy 2-core machine a training step took
64 ms with the pools and 0.4 ms without (measured for the test suite). ``torch.set_num_threads`` alone is
not enough: NumPy's BLAS (OpenBLAS) keeps its own pool, one thread per core, so the scratch twin still ran
multi-threaded. ``limit_threads`` sets both (the BLAS through threadpoolctl). The parity suite, the figure
experiments and ``scripts/train.py --threads`` (default 1) all run under it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from threadpoolctl import threadpool_limits

from twin_nets.cli import available_cpus  # noqa: F401  (where the thread flags' bound comes from)


@contextlib.contextmanager
def limit_threads(threads: int) -> Iterator[None]:
    """``torch.set_num_threads(threads)`` and ``threads`` BLAS (and OpenMP) threads inside the block; the
    previous settings come back afterwards, also when the block raises.

    Raises ValueError for a count that is not an integer >= 1.
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"limit_threads: expected threads to be an integer >= 1, got {threads!r}")
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with threadpool_limits(limits=threads):
            yield
    finally:
        torch.set_num_threads(previous)


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """``limit_threads(1)``: one torch thread and one BLAS thread inside the block."""
    with limit_threads(1):
        yield
