"""One BLAS and torch thread here: the experiments run many tiny matrix products, and with several threads
on a busy machine each product waits for the others (these tests ran 6× slower). Module-scoped, so it
also covers module fixtures (the training runs); the limits are restored after each module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        torch.set_num_threads(previous)
