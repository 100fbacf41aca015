"""How far apart the twins are during a paired run, and the verdict at its end.

The parity contract (``shared/CONCEPTS.md``) asks, for paired training — same initial weights, same
batches — that the largest absolute weight difference after an epoch stays below 1e-8 in float64; in
float32 the drift is reported, not asserted. The number comes from the one tolerance table,
``twin_nets.contract``, which the tests read too.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from twin_nets.contract import PAIRED_TRAINING_ATOL


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


def verdict(
    dtype: str, epoch_diffs: list[float], divergence: Mapping[str, float] | None = None
) -> tuple[bool | None, str]:
    """``(passed, sentence)`` from the weight difference after each epoch; ``passed`` is None in float32,
    where the contract only reports the drift.

    ``divergence`` (the runner's record: ``first_step_weight_diff``, and ``first_step_over_tolerance``
    once the difference reached the tolerance) adds to a FAIL how it started. A difference at round-off
    after the first step that grew over many steps is a run that amplifies rounding — batch norm at batch
    size 2 does: a 1e-15 nudge to one twin's own weights moves it as far — while a difference already
    large after the first step is a convention the twins do not share. The verdict is FAIL either way."""
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
    sentence = (
        f"parity: FAIL, the twins diverged: largest weight difference after an epoch {worst:.3g} "
        f">= {PAIRED_TRAINING_ATOL:g} (float64 contract)"
    )
    divergence = divergence or {}
    if "first_step_weight_diff" in divergence and "first_step_over_tolerance" in divergence:
        sentence += (
            f"; it was {divergence['first_step_weight_diff']:.1e} after step 1 and reached "
            f"{PAIRED_TRAINING_ATOL:g} at step {int(divergence['first_step_over_tolerance'])}"
        )
    return False, sentence
