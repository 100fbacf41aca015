"""The parity helpers of the tests: ``twin_nets.parity``, re-exported (the notebooks import them from
the installed package, the tests from here)."""

from twin_nets.parity import (
    DTYPES,
    FINITE_DIFFERENCE_RTOL,
    PAIRED_TRAINING_ATOL,
    TOLERANCES,
    TORCH_DTYPE,
    assert_twin_close,
    check_module_parity,
    max_abs_diff,
    to_torch,
    tolerance,
)

__all__ = [
    "DTYPES",
    "FINITE_DIFFERENCE_RTOL",
    "PAIRED_TRAINING_ATOL",
    "TOLERANCES",
    "TORCH_DTYPE",
    "assert_twin_close",
    "check_module_parity",
    "max_abs_diff",
    "to_torch",
    "tolerance",
]
