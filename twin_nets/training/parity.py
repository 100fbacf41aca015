"""How far apart the twins are during a paired run, and the verdict at its end.

The parity contract (``shared/CONCEPTS.md``) asks, for paired training — same initial weights, same
batches — that the largest absolute weight difference after an epoch stays below 1e-8 in float64; in
float32 the drift is reported, not asserted. ``parity_tests/parity.py`` holds the same number for the
tests, and a test checks the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# Paired training, float64: largest absolute weight difference after an epoch (the contract's table).
PAIRED_TRAINING_ATOL = 1e-8


def max_weight_difference(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> float:
    """max over every parameter and buffer of max |a − b|, computed in float64.

    Raises KeyError naming a key one side lacks (the twins must have the same state-dict keys).
    """
    if a.keys() != b.keys():
        raise KeyError(f"the twins' state dicts differ: {sorted(a.keys() ^ b.keys())}")
    largest = 0.0
    for key, value in a.items():
        difference = np.abs(np.asarray(value, np.float64) - np.asarray(b[key], np.float64))
        largest = max(largest, float(np.max(difference, initial=0.0)))
    return largest


def verdict(dtype: str, epoch_diffs: list[float]) -> tuple[bool | None, str]:
    """``(passed, sentence)`` from the weight difference after each epoch; ``passed`` is None in float32,
    where the contract only reports the drift."""
    if not epoch_diffs:
        return None, "parity: no epoch completed, nothing to judge"
    worst = max(epoch_diffs)
    if dtype != "float64":
        return None, (
            f"parity: {dtype} drift, largest weight difference after an epoch {worst:.3g} "
            "(reported, not asserted: the contract asserts float64 only)"
        )
    if worst < PAIRED_TRAINING_ATOL:
        return True, (
            f"parity: PASS, the twins agree: largest weight difference after an epoch {worst:.3g} "
            f"< {PAIRED_TRAINING_ATOL:g} (float64 contract)"
        )
    return False, (
        f"parity: FAIL, the twins diverged: largest weight difference after an epoch {worst:.3g} "
        f">= {PAIRED_TRAINING_ATOL:g} (float64 contract)"
    )
