"""C4.3-rnn, C4.3-lstm: the recall-the-first-token task of ``twin_nets.experiments.recall`` — the twins train
in lockstep (weights within the paired-training contract, the same test accuracy), and the task's accuracy
against T on the documented setting, as a spread over its seeds."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from parity_tests.once import once_per_run
from parity_tests.parity import PAIRED_TRAINING_ATOL, assert_twin_close
from twin_nets.cli import TWINS
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
    assert_twin_close(
        np.array(loss), torch.tensor(run.loss["torch"], dtype=torch.float64), f"{concept} {model}: test loss"
    )


def test_training_moved_the_weights_far_beyond_the_bound(tiny_runs):
    """The lockstep check above is not met by weights that stayed where they started: every model's
    weights moved more than 1000 times the paired-training bound."""
    for model, run in tiny_runs.items():
        assert run.moved > 1e3 * PAIRED_TRAINING_ATOL, f"{model}: moved {run.moved:.2e}"


# The documented setting's sweep (``scripts/figures.py --only sequences``: 60 runs, both twins), median
# (min–max) test accuracy over seeds 0–4, the same in both twins in every run:
#   T     tanh RNN            LSTM                LSTM, b_f = 1
#   5     1.000 (1.000–1.000)  1.000 (1.000–1.000)  1.000 (1.000–1.000)
#   10    1.000 (0.456–1.000)  1.000 (0.724–1.000)  1.000 (1.000–1.000)
#   20    1.000 (1.000–1.000)  0.230 (0.224–0.246)  0.474 (0.460–1.000)
#   40    0.280 (0.246–0.872)  0.242 (0.216–0.264)  0.254 (0.230–0.272)
# The slow tests below retrain T = 20, where the models part most, for the two that part in every seed:
# the scratch twin on every seed, and the torch twin beside it on seed 0 (both twins on every seed would
# take twice the CPU of the slow run's share; the sweep above had them equal in every run).
CONTRAST = 20


@pytest.fixture(scope="module")
def contrast(request):
    def train():
        return {
            model: [
                rc.train(SETTING, model, CONTRAST, seed, TWINS if seed == SETTING.seeds[0] else ("scratch",))
                for seed in SETTING.seeds
            ]
            for model in ("rnn-tanh", "lstm")
        }

    return once_per_run(request, "recall-contrast", train)


def _lockstep(run, model):
    assert run.weight_gap < PAIRED_TRAINING_ATOL, f"{model}: weights differ by {run.weight_gap:.2e}"
    assert run.accuracy["scratch"] == run.accuracy["torch"], f"{model}: {run.accuracy}"


@pytest.mark.slow  # 5 seeds × 300 updates × 20 steps (and the torch twin on one)
def test_the_tanh_rnn_recalls_the_first_token_after_20_steps_in_every_seed(contrast):
    _lockstep(contrast["rnn-tanh"][0], "rnn-tanh")
    accuracies = [run.accuracy["scratch"] for run in contrast["rnn-tanh"]]
    assert min(accuracies) >= 0.95, f"C4.3-rnn T={CONTRAST}: {accuracies}"


@pytest.mark.slow  # shares the fixture above
def test_the_default_lstm_stays_at_chance_after_20_steps_in_every_seed(contrast):
    """At the same budget the LSTM with torch's default init has not learned the task: every seed within
    0.05 of chance (1/4) on 500 test sequences (a binomial standard deviation of about 0.02)."""
    _lockstep(contrast["lstm"][0], "lstm")
    accuracies = [run.accuracy["scratch"] for run in contrast["lstm"]]
    assert max(abs(a - SETTING.chance) for a in accuracies) < 0.05, f"C4.3-lstm T={CONTRAST}: {accuracies}"


@pytest.mark.slow  # one run of 300 updates × 10 steps: both twins, then the scratch twin twice
def test_a_gap_past_the_bound_is_round_off_amplified_by_the_run_itself():
    """LSTM, T = 10, seed 1 is the sweep's one run whose twins end far apart (0.09): they stay within the
    bound for the first 150 updates, and a scratch run whose start is multiplied by 1 + 1e-15 ends as far
    from the scratch run itself, so no two roundings could follow one path there."""
    twins = rc.train(SETTING, "lstm", 10, 1)
    itself = rc.train(SETTING, "lstm", 10, 1, twins=("scratch", "scratch"), nudge=1e-15)
    assert twins.gaps[:150].max() < PAIRED_TRAINING_ATOL
    assert twins.weight_gap > 1e-3 and itself.weight_gap > 1e-3, (twins.weight_gap, itself.weight_gap)
