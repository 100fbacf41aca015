"""C4.3-layernorm-sequences: the notes' §4.3 claim measured in both twins — inside a recurrence, batch norm
makes a sequence's output depend on its batch-mates, on their padding and (through running statistics) on
lengths never seen in training; layer norm does not.

Settings (the documented ones the tests assert on): an LSTM of input 3 and hidden 8, normalized as in
``scratch.models.normalized_lstm``; padded batches of L = 8 steps, zeros after each sequence's length;
sequence A of length 6 and three batch-mates. Every quantity is measured in training mode (batch
statistics) except the unseen-length gap, which compares eval mode after calibration (training-mode
forward passes on length-5 batches fill the running statistics; no weight changes) with the batch's own
statistics on a length-20 batch.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from scratch.models.normalized_lstm import NormalizedLSTM as ScratchNormalizedLSTM
from torch_impl.models.normalized_lstm import NormalizedLSTM as TorchNormalizedLSTM
from torch_impl.nn.state import load_numpy_state_dict

INPUT, HIDDEN, STEPS, LENGTH_A = 3, 8, 8, 6
TRAIN_LENGTH, TEST_LENGTH, CALIBRATION_BATCHES, BATCH = 5, 20, 30, 16
NORMS = ("batch", "layer")
TWINS = ("scratch", "torch")


def make_twins(norm: str, seed: int) -> dict[str, object]:
    """Both twins with the same weights (drawn by the scratch twin, loaded into torch's)."""
    scratch_model = ScratchNormalizedLSTM(INPUT, HIDDEN, norm, rng=np.random.default_rng(seed))
    torch_model = TorchNormalizedLSTM(INPUT, HIDDEN, norm)
    load_numpy_state_dict(torch_model, scratch_model.state_dict())
    return {"scratch": scratch_model, "torch": torch_model}


def run(model, x: np.ndarray) -> np.ndarray:
    """out (L, N, H) of either twin, as a NumPy array."""
    if isinstance(model, torch.nn.Module):
        with torch.no_grad():
            return model(torch.from_numpy(x)).numpy()
    return model(x)


def padded(rng: np.random.Generator, lengths: list[int], steps: int) -> np.ndarray:
    """(steps, N, INPUT) of N(0, 1) draws, zeros after each sequence's length."""
    x = rng.standard_normal((steps, len(lengths), INPUT))
    for k, length in enumerate(lengths):
        x[length:, k] = 0.0
    return x


@dataclass(frozen=True)
class Gaps:
    """Largest change of sequence A's outputs (its own steps) when only its batch-mates change, when
    only the mates' padding changes, and per step the eval-vs-batch-statistics gap."""

    batch_mates: float
    padding: float
    unseen_by_step: np.ndarray  # (TEST_LENGTH,)


def measure(norm: str, seed: int) -> dict[str, Gaps]:
    """The three gaps for both twins, on the same draws."""
    rng = np.random.default_rng(10_000 + seed)
    a = padded(rng, [LENGTH_A], STEPS)
    mates_1, mates_2 = padded(rng, [8, 5, 7], STEPS), padded(rng, [8, 5, 7], STEPS)
    mates_short = mates_1.copy()
    mates_short[2:] = 0.0  # the same mates, padded from step 2 on
    calibration = [padded(rng, [TRAIN_LENGTH] * BATCH, TRAIN_LENGTH) for _ in range(CALIBRATION_BATCHES)]
    test = padded(rng, [TEST_LENGTH] * BATCH, TEST_LENGTH)
    gaps = {}
    for twin, model in make_twins(norm, seed).items():

        def a_out(mates, model=model):
            return run(model, np.concatenate([a, mates], axis=1))[:LENGTH_A, 0]

        base = a_out(mates_1)
        for batch in calibration:
            run(model, batch)  # training mode: fills batch norm's running statistics
        model.eval()
        evaluated = run(model, test)
        model.train()
        own = run(copy.deepcopy(model), test)  # training mode on a copy: running statistics untouched
        gaps[twin] = Gaps(
            batch_mates=float(np.max(np.abs(base - a_out(mates_2)))),
            padding=float(np.max(np.abs(base - a_out(mates_short)))),
            unseen_by_step=np.max(np.abs(evaluated - own), axis=(1, 2)),
        )
    return gaps


def measure_seeds(seeds: range) -> dict[str, list[dict[str, Gaps]]]:
    """``{norm: [measure(norm, seed) for seed in seeds]}``."""
    return {norm: [measure(norm, seed) for seed in seeds] for norm in NORMS}
