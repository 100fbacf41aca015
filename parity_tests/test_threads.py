"""twin_nets.threads.one_thread: one torch and one BLAS thread inside, the previous settings after."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_info, threadpool_limits

from twin_nets.threads import one_thread


def _blas_threads() -> set[int]:
    """The thread counts of the BLAS libraries loaded (NumPy's, at least)."""
    assert np.ones(2) @ np.ones(2) == 2.0  # NumPy's BLAS is loaded
    counts = {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}
    assert counts, "threadpoolctl sees no BLAS library"
    return counts


@pytest.mark.parametrize("raises", [False, True], ids=["returns", "raises"])
def test_one_thread_inside_and_the_previous_settings_after(raises):
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with threadpool_limits(limits=2):
            expectation = pytest.raises(RuntimeError) if raises else contextlib.nullcontext()
            with expectation, one_thread():
                assert torch.get_num_threads() == 1
                assert _blas_threads() == {1}
                if raises:
                    raise RuntimeError("inside")
            assert torch.get_num_threads() == 2
            assert _blas_threads() == {2}
    finally:
        torch.set_num_threads(previous)


def test_limit_threads_sets_both_libraries_to_the_count():
    from twin_nets.threads import limit_threads

    with limit_threads(2):
        assert torch.get_num_threads() == 2
        assert _blas_threads() == {2}
    assert torch.get_num_threads() == 1 and _blas_threads() == {1}  # the suite's one thread, restored


@pytest.mark.parametrize("threads", [0, -1, 1.5, True], ids=["zero", "negative", "float", "bool"])
def test_limit_threads_refuses_a_count_that_is_not_a_positive_integer(threads):
    from twin_nets.threads import limit_threads

    with pytest.raises(ValueError, match="expected threads to be an integer >= 1"), limit_threads(threads):
        pass
