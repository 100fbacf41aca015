"""C4.3-rnn, C4.3-lstm: the recall-the-first-token task of ``twin_nets.experiments.recall`` — the twins train
in lockstep (weights within the paired-training contract, the same test accuracy), and the task's accuracy
against T on the documented setting, as a spread over its seeds."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from parity_tests.parity import PAIRED_TRAINING_ATOL, assert_twin_close
from twin_nets.experiments import recall as rc

SETTING = rc.RecallSetting()
TINY = dataclasses.replace(SETTING, batch=8, steps=12, test=64, lengths=(6,), seeds=(0,))


def test_a_sequence_starts_with_its_label_and_goes_on_with_distractors():
    x, y = rc.sequences(SETTING, np.random.default_rng(0), 50, 7)
    k, d = SETTING.symbols, SETTING.distractors
    assert x.shape == (7, 50, k + d) and y.shape == (50,)
    assert np.array_equal(x.sum(axis=2), np.ones((7, 50)))  # one-hot
    tokens = x.argmax(axis=2)
    assert np.array_equal(tokens[0], y) and (y < k).all()
    assert ((tokens[1:] >= k) & (tokens[1:] < k + d)).all()
    assert len(set(y)) == k and len(set(tokens[1:].ravel())) == d


def test_the_open_forget_gate_is_set_in_the_start_and_nowhere_else():
    plain, opened = rc.start(SETTING, "lstm", 3), rc.start(SETTING, "lstm-forget-bias-1", 3)
    h = SETTING.hidden
    f = slice(h, 2 * h)
    assert np.allclose(opened["rnn.bias_ih_l0"][f] + opened["rnn.bias_hh_l0"][f], SETTING.forget_bias)
    for key, value in plain.items():
        changed = value != opened[key]
        assert not changed.any() if "bias" not in key else not np.delete(changed, f).any(), key


@pytest.fixture(scope="module")
def tiny_runs():
    return {model: rc.train(TINY, model, TINY.lengths[0], 0) for model in rc.MODELS}


@pytest.mark.parametrize("model", rc.MODELS)
def test_the_twins_train_in_lockstep(tiny_runs, model):
    """Twelve Adam updates with clipping from the same start on the same batches: the weights within the
    paired-training bound, the test losses within the value contract, the same test accuracy."""
    concept = "C4.3-rnn" if model.startswith("rnn") else "C4.3-lstm"
    run = tiny_runs[model]
    assert set(run.accuracy) == {"scratch", "torch"}
    assert run.weight_gap < PAIRED_TRAINING_ATOL, f"{concept} {model}: weights differ by {run.weight_gap:.2e}"
    assert run.accuracy["scratch"] == run.accuracy["torch"], f"{concept} {model}: {run.accuracy}"
    loss = run.loss["scratch"]
    assert_twin_close(np.array(loss), torch.tensor(run.loss["torch"], dtype=torch.float64), f"{concept} {model}: test loss")


def test_training_moved_the_weights_far_beyond_the_bound(tiny_runs):
    """The lockstep check above is not met by weights that stayed where they started: every model's
    weights moved more than 1000 times the paired-training bound."""
    for model, run in tiny_runs.items():
        assert run.moved > 1e3 * PAIRED_TRAINING_ATOL, f"{model}: moved {run.moved:.2e}"
