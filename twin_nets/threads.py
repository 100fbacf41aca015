"""One CPU thread for torch and for NumPy's BLAS, for a while.

The networks here are small: a (64, 512) matrix product takes microseconds, and a thread pool costs more
in waking and synchronising its threads than it saves — on a busy 2-core machine a training step took
64 ms with the pools and 0.4 ms without (measured for the test suite). The parity suite, the figure
experiments and the default ``--threads 1`` of ``scripts/train.py`` all run in one thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from threadpoolctl import threadpool_limits


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """``torch.set_num_threads(1)`` and one BLAS thread inside the block; the previous settings come
    back afterwards, also when the block raises."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        torch.set_num_threads(previous)
