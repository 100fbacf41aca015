"""C4.3-layernorm-sequences: the notes' §4.3 claim, asserted in both twins on the documented settings of
``twin_nets.experiments.sequence_norm`` over three seeds: inside an LSTM's recurrence, batch norm makes a
sequence's output change with its batch-mates, with their padding, and (in eval, at steps beyond the
training length) drift further from the batch's own statistics; layer norm changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from parity_tests.parity import TOLERANCES, assert_twin_close
from twin_nets.experiments import sequence_norm as sn

SEEDS = range(3)
ATOL = TOLERANCES["value"][np.float64]["atol"]  # the float64 contract's 1e-12: "does not change"
CHANGES = 0.05  # "changes": a gap 4·10¹⁰ × the contract's atol; measured ≥ 0.44 on seeds 0–4


@pytest.fixture(scope="module")
def gaps():
    return sn.measure_seeds(SEEDS)


@pytest.mark.parametrize("norm", sn.NORMS)
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_the_two_twins_compute_the_same_outputs(norm, training, rng):
    models = sn.make_twins(norm, 0)
    x = sn.padded(rng, [8, 3, 6, 1], 8)
    for model in models.values():
        sn.run(model, x)  # one training step of running statistics, then the mode under test
        model.train(training)
    out = sn.run(models["scratch"], x)
    assert_twin_close(out, torch.from_numpy(sn.run(models["torch"], x)), f"C4.3-layernorm-sequences {norm}")


@pytest.mark.parametrize("twin", sn.TWINS)
def test_layer_norm_is_robust_to_batch_mates_padding_and_length(gaps, twin):
    for seed, g in zip(SEEDS, gaps["layer"], strict=True):
        measured = g[twin]
        assert measured.batch_mates <= ATOL, f"C4.3-layernorm-sequences LN seed {seed}: {measured}"
        assert measured.padding <= ATOL, f"C4.3-layernorm-sequences LN seed {seed}: {measured}"
        assert np.max(measured.unseen_by_step) <= ATOL, f"C4.3-layernorm-sequences LN seed {seed}"


@pytest.mark.parametrize("twin", sn.TWINS)
def test_batch_norm_depends_on_batch_mates_padding_and_unseen_lengths(gaps, twin):
    for seed, g in zip(SEEDS, gaps["batch"], strict=True):
        measured = g[twin]
        assert measured.batch_mates > CHANGES, f"C4.3-layernorm-sequences BN seed {seed}: {measured}"
        assert measured.padding > CHANGES, f"C4.3-layernorm-sequences BN seed {seed}: {measured}"
        seen, unseen = measured.unseen_by_step[: sn.TRAIN_LENGTH], measured.unseen_by_step[sn.TRAIN_LENGTH :]
        assert unseen.mean() > seen.mean(), f"C4.3-layernorm-sequences BN seed {seed}: {seen} vs {unseen}"


@pytest.mark.parametrize("norm", sn.NORMS)
def test_the_twins_measure_the_same_gaps(gaps, norm):
    for g in gaps[norm]:
        a, b = g["scratch"], g["torch"]
        assert_twin_close(
            np.array([a.batch_mates, a.padding]),
            torch.tensor([b.batch_mates, b.padding], dtype=torch.float64),
            f"C4.3-layernorm-sequences {norm} gaps",
        )
        assert_twin_close(
            a.unseen_by_step, torch.from_numpy(b.unseen_by_step), f"C4.3-layernorm-sequences {norm}"
        )
