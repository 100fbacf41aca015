"""C4.2-dropout, C4.3-batchnorm: the demos of seed §4.2–4.3 (``twin_nets.figures.overfitting``,
``twin_nets.figures.normalizing``) on their documented settings.

Each demo's claim is asserted in each twin (the settings are seeded, so the runs are deterministic), and
the twins' curves are compared point by point to the float64 trajectory tolerance. Batch norm against
layer norm by batch size: ``test_batch_size.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from parity_tests.parity import assert_twin_close
from twin_nets.cli import TWINS
from twin_nets.experiments import regularization as experiment
from twin_nets.experiments.batch_size import BatchSizeSetting, batch_size_config

DROPOUT = experiment.DropoutSetting()
INIT = experiment.BatchNormSetting()
CHANCE = math.log(10)  # the cross-entropy of a uniform guess over the ten digits


@pytest.fixture(scope="module")
def dropout_runs():
    _, runs = experiment.dropout_vs_overfitting(DROPOUT)
    return {p: {twin: run.curves for twin, run in trained.items()} for p, trained in runs.items()}


@pytest.fixture(scope="module")
def init_runs():
    return experiment.batchnorm_vs_init_scale(INIT)


# --------------------------------------------------------------------------- the twins coincide
RUNS = [
    pytest.param("dropout", 0.0, id="C4.2-dropout-without"),
    pytest.param("dropout", DROPOUT.p, id="C4.2-dropout-p0.5"),
    *(
        pytest.param("init", (std, norm), id=f"C4.3-batchnorm-sigma{std:g}-{norm or 'none'}")
        for std in INIT.init_stds
        for norm in (None, "batch")
    ),
]


@pytest.mark.parametrize(("demo", "key"), RUNS)
def test_curves_coincide_in_both_twins(demo, key, request):
    """Every curve of every run, point by point: same initial weights, batches and masks in float64."""
    runs = request.getfixturevalue(f"{demo}_runs")[key]
    scratch, twin = runs["scratch"], runs["torch"]
    epochs = {"dropout": DROPOUT, "init": INIT}[demo].epochs
    assert scratch.iterations_per_epoch == twin.iterations_per_epoch
    for name in experiment.TrainingCurves.CURVES:
        value = getattr(scratch, name)
        length = epochs * scratch.iterations_per_epoch if name == "batch_loss" else epochs + 1
        assert value.shape == (length,) and value.dtype == np.float64, name
        assert np.all(np.isfinite(value)), name
        what = f"{request.node.callspec.id}: {name}"
        assert_twin_close(value, torch.from_numpy(getattr(twin, name)), what, kind="trajectory")
    assert experiment.max_twin_difference(runs) < 1e-9


# --------------------------------------------------------------------------------- C4.2-dropout
@pytest.mark.parametrize("twin", TWINS)
def test_dropout_shrinks_the_train_test_gap(dropout_runs, twin):
    """C4.2-dropout: without dropout the network fits the noisy training points (train − test accuracy
    0.052 over the last 10 epochs, measured); with p = 0.5 the gap nearly closes (0.003)."""
    without, with_dropout = dropout_runs[0.0][twin], dropout_runs[DROPOUT.p][twin]
    assert without.train_accuracy[0] == with_dropout.train_accuracy[0], "not the same initial weights"
    assert without.gap(DROPOUT.last) > 0.03
    assert with_dropout.gap(DROPOUT.last) < without.gap(DROPOUT.last) - 0.03


def test_dropout_setting_is_a_small_training_set_and_a_wide_deep_net():
    data = experiment.noisy_moons(DROPOUT.n_train, DROPOUT.noise, DROPOUT.seed)
    assert data.x_train.shape == (100, 2) and data.x_test.shape == (1000, 2)
    assert sorted(np.unique(data.y_train)) == [0, 1]
    assert len(DROPOUT.hidden) >= 3 and min(DROPOUT.hidden) >= 100


# ------------------------------------------------------------------------------- C4.3-batchnorm
@pytest.mark.parametrize("twin", TWINS)
def test_batchnorm_trains_from_every_init_scale(init_runs, twin):
    """C4.3-batchnorm: without batch norm, σ = 0.01 stalls at chance (the signal vanishes through four
    layers) and σ = 0.5 blows up (batch losses past 1e100) and then sits at chance;
    with batch norm every σ trains to a loss below 0.2 and far below the run without it."""
    for std in INIT.init_stds:
        plain, normalised = init_runs[std, None][twin], init_runs[std, "batch"][twin]
        assert normalised.train_loss[-1] < 0.2, std
        assert normalised.train_loss[-1] < plain.train_loss[-1] / 5, std
    for std in (min(INIT.init_stds), max(INIT.init_stds)):
        assert abs(init_runs[std, None][twin].train_loss[-1] - CHANCE) < 0.01, std
    assert np.max(init_runs[max(INIT.init_stds), None][twin].batch_loss) > 1e100


def test_seed_arithmetic_1000_samples_batch_100_is_10_iterations(init_runs):
    """C4.3-batchnorm: the seed's example, by the formula and by each twin's own loader."""
    assert experiment.iterations_table(1000, (100,)) == [(1000, 100, 10)]
    assert experiment.iterations_table(1000, (2, 8, 64, 1000, 1001)) == [
        (1000, 2, 500),
        (1000, 8, 125),
        (1000, 64, 16),
        (1000, 1000, 1),
        (1000, 1001, 1),
    ]
    assert (INIT.n_train, INIT.batch_size) == experiment.SEED_EXAMPLE
    for curves in init_runs.values():
        for twin in TWINS:
            assert curves[twin].iterations_per_epoch == 10
            assert len(curves[twin].batch_loss) == 10 * INIT.epochs


# ------------------------------------------------------------------------------- helpers and checks
def test_normal_initial_state_draws_every_weight_from_n0_sigma():
    """C4.1-init-normal at scale σ: weights with sample standard deviation σ within 5 standard errors
    (the standard error of a sample standard deviation is σ/√(2n)), biases 0."""
    data = experiment.digits(50, 0)
    config = batch_size_config(BatchSizeSetting(), 8, "batch", seed=0)
    state = experiment.normal_initial_state(config, data, 0.3)
    weights = [state[key] for key in ("0.weight", "3.weight", "6.weight")]
    values = np.concatenate([w.ravel() for w in weights])
    assert abs(values.std() / 0.3 - 1) < 5 / math.sqrt(2 * values.size)
    assert abs(values.mean()) < 5 * 0.3 / math.sqrt(values.size)
    assert "0.bias" not in state and "3.bias" not in state  # no bias before batch norm
    assert not state["6.bias"].any()
    assert np.array_equal(state["1.weight"], np.ones(64))  # batch norm's γ keeps its own init


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda: experiment.dropout_vs_overfitting(DROPOUT, "jax"),
            "impl: .*'jax'",
            id="C4.2-dropout-bad-impl",
        ),
        pytest.param(
            lambda: experiment.with_training_subset(experiment.digits(10, 0), 0),
            r"n_train .*\[1, 10\].* 0",
            id="C4.3-batchnorm-empty-subset",
        ),
        pytest.param(
            lambda: experiment.with_training_subset(experiment.digits(10, 0), 11),
            "n_train",
            id="C4.3-batchnorm-subset-too-large",
        ),
        pytest.param(
            lambda: experiment.normal_initial_state(
                batch_size_config(BatchSizeSetting(), 8, "batch", 0), experiment.digits(10, 0), 0.0
            ),
            "std .*> 0, got 0.0",
            id="C4.3-batchnorm-zero-std",
        ),
    ],
)
def test_bad_arguments_fail_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_curve_difference_counts_nan_in_one_run_as_infinite():
    def curves(value: float) -> experiment.TrainingCurves:
        return experiment.TrainingCurves(1, *(np.array([1.0, value]) for _ in range(5)))

    assert experiment.curve_difference(curves(np.nan), curves(np.nan)) == 0.0
    assert experiment.curve_difference(curves(np.nan), curves(2.0)) == np.inf
    assert experiment.curve_difference(curves(3e160), curves(1e160)) == pytest.approx(2.0)
    assert experiment.curve_difference(curves(0.5), curves(0.25)) == pytest.approx(0.25)
