"""C1.1-supervised, C1.3-features: one-neuron models and feature engineering in both twins (seed §1.1, §1.3).

Logistic and linear regression: forward and every gradient against torch, finite differences, state dicts;
linear regression trained by gradient descent reaching the closed-form least-squares weights; paired
training in both twins. Feature engineering: on concentric circles logistic regression on (x₁, x₂) stays
near chance, on x₁² + x₂² it separates them, and an MLP learns it unaided — the same accuracy in both twins.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from parity_tests.parity import (
    DTYPES,
    FINITE_DIFFERENCE_RTOL,
    PAIRED_TRAINING_ATOL,
    TORCH_DTYPE,
    assert_twin_close,
    check_module_parity,
    max_abs_diff,
    to_torch,
)
from scratch import nn as snn
from scratch import optim as soptim
from scratch.gradcheck import gradcheck
from scratch.models import supervised as ss
from torch_impl.models import supervised as ts
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.experiments import learning as experiment

DTYPE_IDS = ["float64", "float32"]


MODELS = [
    pytest.param("LogisticRegression", 3, id="C1.1-supervised-logistic"),
    pytest.param("LinearRegression", 3, id="C1.1-supervised-linear"),
    pytest.param("LogisticRegression", 1, id="C1.1-supervised-logistic-1-feature"),
]


def _twins(name: str, n_in: int, dtype, rng):
    return getattr(ss, name)(n_in, dtype=dtype, rng=rng), getattr(ts, name)(n_in, dtype=TORCH_DTYPE[dtype])


# ------------------------------------------------------------------------------ C1.1: the models
@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(("name", "n_in"), MODELS)
def test_forward_and_gradients_match_torch(name, n_in, dtype, device, rng, request):
    scratch_model, torch_model = _twins(name, n_in, dtype, rng)
    x = rng.standard_normal((7, n_in)).astype(dtype)
    y = scratch_model(x)
    assert y.shape == (7,) and y.dtype == dtype
    scratch_model.backward(rng.standard_normal(7).astype(dtype))  # release the cache of the shape check
    check_module_parity(request.node.callspec.id, scratch_model, torch_model, x, rng, device)


# z: the logit; y: the label; the exact ∂E/∂z = σ(z) − y; what σ then BCE computes in float64
SATURATION = [
    pytest.param(2.0, 0.0, id="C1.1-supervised-bce-through-sigmoid-z-2"),
    pytest.param(30.0, 0.0, id="C1.1-supervised-bce-through-sigmoid-z-30"),
    pytest.param(40.0, 0.0, id="C1.1-supervised-bce-through-sigmoid-z-40"),
    pytest.param(-40.0, 1.0, id="C1.1-supervised-bce-through-sigmoid-z-minus-40"),
]


@pytest.mark.parametrize(("z", "y"), SATURATION)
def test_bce_through_sigmoid_is_exact_only_before_saturation(z, y):
    """(ŷ − y)/N holds in exact arithmetic; chained (BCE's clamped backward times σ′) it collapses once
    ŷ(1 − ŷ) < 1e-12 (|z| ≳ 27.6) and is exactly 0 at z = 40, in both twins alike; BCEWithLogitsLoss on z
    keeps σ(z) − y."""
    model, torch_model = _twins("LogisticRegression", 1, np.float64, None)
    model.load_state_dict({"linear.weight": np.array([[1.0]]), "linear.bias": np.array([0.0])})
    load_numpy_state_dict(torch_model, model.state_dict())
    x, target = np.array([[z]]), np.array([y])
    loss = snn.BCELoss()
    loss(model(x), target)
    model.backward(loss.backward())
    chained = model.linear.bias.grad[0]  # ∂E/∂b = ∂E/∂z
    torch_loss = torch.nn.BCELoss()(torch_model(to_torch(x)), to_torch(target))
    torch_loss.backward()
    assert_twin_close(model.linear.bias.grad, torch_model.linear.bias.grad, f"σ then BCE at z = {z}")
    stable = snn.BCEWithLogitsLoss()
    stable(x[:, 0], target)
    exact = 1 / (1 + np.exp(-z)) - y
    np.testing.assert_allclose(stable.backward(), [exact], rtol=1e-12)
    if abs(z) < 27.6:
        np.testing.assert_allclose(chained, exact, rtol=1e-10)
    else:
        assert abs(chained) < 0.1 * abs(exact), f"z = {z}: chained {chained}, exact {exact}"
    if z == 40.0:
        assert chained == 0.0 and float(loss(model(x), target)) == 100.0  # σ′ = 0; log 0 clamped at −100


@pytest.mark.parametrize(("name", "n_in"), MODELS)
def test_three_way_finite_differences(name, n_in, rng):
    errors = gradcheck(getattr(ss, name)(n_in, rng=rng), rng.standard_normal((6, n_in)), eps=1e-5, rng=rng)
    assert set(errors) == {"input", "linear.weight", "linear.bias"}
    for key, error in errors.items():
        assert error < FINITE_DIFFERENCE_RTOL, f"C1.1-supervised {name} {key}: relative error {error:.2e}"


@pytest.mark.parametrize(("name", "n_in"), MODELS)
def test_state_dict_keys_and_round_trip(name, n_in, rng):
    scratch_model, torch_model = _twins(name, n_in, np.float64, rng)
    assert (
        list(scratch_model.state_dict()) == list(torch_model.state_dict()) == ["linear.weight", "linear.bias"]
    )
    load_numpy_state_dict(torch_model, scratch_model.state_dict())
    fresh = getattr(ss, name)(n_in)
    fresh.load_state_dict(torch_model.state_dict())
    for key, tensor in torch_model.state_dict().items():
        assert_twin_close(fresh.state_dict()[key], tensor, f"C1.1-supervised {name}: {key}")


def test_logistic_regression_gradient_through_bce_is_prediction_minus_target(rng):
    """The textbook shortcut: with BCELoss (mean), ∂E/∂z = (ŷ − y)/N, so ∂E/∂b = mean(ŷ − y)."""
    model = ss.LogisticRegression(2, rng=rng)
    x, t = rng.standard_normal((10, 2)), (rng.random(10) > 0.5).astype(np.float64)
    loss = snn.BCELoss()
    y = model(x)
    loss(y, t)
    model.backward(loss.backward())
    assert_twin_close(model.linear.bias.grad, torch.tensor([np.mean(y - t)]), "C1.1 ∂E/∂b = mean(ŷ − y)")
    assert_twin_close(model.linear.weight.grad, torch.from_numpy((y - t)[None] @ x / 10), "C1.1 ∂E/∂w")


# ------------------------------------------------------------------------------ C1.1: least squares
def test_least_squares_twins_agree_and_solve_the_normal_equations(device, rng):
    x, y = rng.standard_normal((30, 3)), rng.standard_normal(30)
    state = ss.least_squares(x, y)
    state_t = ts.least_squares(to_torch(x, device), to_torch(y, device))
    assert state["linear.weight"].shape == (1, 3) and state["linear.bias"].shape == (1,)
    for key in state:
        assert_twin_close(state[key], state_t[key], f"C1.1-supervised least squares: {key}")
    # θ solves the normal equations X̃ᵀX̃ θ = X̃ᵀy (where the MSE's gradient vanishes)
    design = np.concatenate([x, np.ones((30, 1))], axis=1)
    theta = np.concatenate([state["linear.weight"][0], state["linear.bias"]])
    assert_twin_close(design.T @ design @ theta, torch.from_numpy(design.T @ y), "C1.1 normal equations")


def test_gradient_descent_reaches_the_closed_form_solution_in_both_twins(device):
    """``LINEAR``: 200 full-batch SGD steps on the MSE land on lstsq's weights within the float64
    value contract (the MSE is a convex quadratic; each step halves the distance to its minimum)."""
    closed = experiment.closed_form("scratch")
    for impl in ("scratch", "torch"):
        trained = experiment.train_linear(impl, device=device)
        for key, value in closed.items():
            assert_twin_close(
                trained.state[key], torch.from_numpy(value), f"C1.1-supervised GD vs lstsq ({impl}): {key}"
            )
        assert trained.losses[-1] < trained.losses[0]
    assert_twin_close(
        closed["linear.weight"], torch.from_numpy(experiment.closed_form("torch")["linear.weight"]), "lstsq"
    )
    assert abs(closed["linear.weight"][0, 0] - 0.8) < 0.1 and abs(closed["linear.bias"][0] - 1.5) < 0.2


def test_logistic_regression_paired_training(device):
    """``LOGISTIC``: the same start, the same full-batch steps: the same weights (paired-training
    contract), the same loss curve, and a line that classifies the two clusters."""
    runs = {impl: experiment.train_logistic(impl, device=device) for impl in ("scratch", "torch")}
    for key, value in runs["scratch"].state.items():
        assert max_abs_diff(value, torch.from_numpy(runs["torch"].state[key])) < PAIRED_TRAINING_ATOL
    assert_twin_close(
        runs["scratch"].losses, torch.from_numpy(runs["torch"].losses), "C1.1 losses", kind="trajectory"
    )
    x, t = experiment.logistic_data()
    for run in runs.values():
        assert experiment.accuracy(run.predict(x), t) > 0.9
        assert run.losses[-1] < 0.5 * run.losses[0]


def test_fit_full_batch_records_the_path_the_optimizer_walked(rng):
    model = ss.LinearRegression(2, rng=rng)
    x, y = rng.standard_normal((8, 2)), rng.standard_normal(8)
    start = np.concatenate([p.data.ravel() for p in model.parameters()])
    fit = ss.fit_full_batch(
        model, snn.MSELoss(), soptim.SGD(model.parameters(), lr=0.1), x, y, 5, record_path=True
    )
    assert fit.losses.shape == (5,) and fit.path.shape == (6, 3)
    np.testing.assert_array_equal(fit.path[0], start)
    np.testing.assert_array_equal(fit.path[-1], np.concatenate([p.data.ravel() for p in model.parameters()]))
    assert fit.losses[-1] < fit.losses[0]


# ------------------------------------------------------------------------------ C1.3: feature engineering
@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_radial_feature_twins(dtype, device, rng):
    x = rng.standard_normal((6, 2)).astype(dtype)
    r2 = ss.radial_feature(x)
    assert r2.shape == (6, 1) and r2.dtype == dtype
    assert_twin_close(r2, ts.radial_feature(to_torch(x, device)), "C1.3-features: x₁² + x₂²")
    np.testing.assert_array_equal(ss.radial_feature(np.array([[3.0, 4.0], [0.0, 0.0]])), [[25.0], [0.0]])


@pytest.fixture(scope="module")
def feature_runs():
    return {
        (impl, key): experiment.train_feature_model(impl, key)
        for impl in ("scratch", "torch")
        for key in ("raw", "radial", "mlp")
    }


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [
        pytest.param("raw", 0.0, 0.6, id="C1.3-features-raw-near-chance"),
        pytest.param("radial", 0.95, 1.0, id="C1.3-features-radial-succeeds"),
        pytest.param("mlp", 0.95, 1.0, id="C1.3-features-mlp-learns-it"),
    ],
)
def test_feature_engineering_claims_in_both_twins(feature_runs, key, low, high):
    """The seed's §1.3 claim on circles: raw features fail a linear model, a hand-made feature fixes it,
    an MLP needs none. Both twins, from the same start, end at the same weights and the same accuracy."""
    x, t = experiment.features_data()
    scratch_run, torch_run = feature_runs["scratch", key], feature_runs["torch", key]
    accuracies = [experiment.accuracy(run.predict(x), t) for run in (scratch_run, torch_run)]
    assert accuracies[0] == accuracies[1], f"C1.3-features {key}: accuracies {accuracies}"
    assert low <= accuracies[0] <= high, f"C1.3-features {key}: accuracy {accuracies[0]}"
    for name, value in scratch_run.state.items():
        assert max_abs_diff(value, torch.from_numpy(torch_run.state[name])) < PAIRED_TRAINING_ATOL, name


def test_chance_is_half_on_the_circles():
    """The raw model's bar is chance: the two circles hold the same number of points."""
    _, t = experiment.features_data()
    assert t.mean() == 0.5


# ------------------------------------------------------------------------------ boundary checks
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        pytest.param(
            lambda: ss.LogisticRegression(0),
            ValueError,
            "in_features.*got 0",
            id="C1.1-supervised-bad-in-features",
        ),
        pytest.param(
            lambda: ts.LogisticRegression(0),
            ValueError,
            "in_features.*got 0",
            id="C1.1-supervised-torch-bad-in-features",
        ),
        pytest.param(
            lambda: ss.LinearRegression(-1),
            ValueError,
            "in_features.*got -1",
            id="C1.1-supervised-linear-bad-in-features",
        ),
        pytest.param(
            lambda: ts.LinearRegression(-1),
            ValueError,
            "in_features.*got -1",
            id="C1.1-supervised-torch-linear-bad-in-features",
        ),
        pytest.param(
            lambda: ss.LinearRegression(2)(np.zeros((3, 3))),
            ValueError,
            "in_features=2.*\\(3, 3\\)",
            id="C1.1-supervised-bad-width",
        ),
        pytest.param(
            lambda: ss.LinearRegression(2).backward(np.zeros(3)),
            RuntimeError,
            "without a forward",
            id="C1.1-supervised-backward-first",
        ),
        pytest.param(
            lambda: ss.least_squares(np.zeros((4, 2)), np.zeros(3)),
            ValueError,
            r"\(4, 2\) and \(3,\)",
            id="C1.1-supervised-lstsq-shapes",
        ),
        pytest.param(
            lambda: ts.least_squares(torch.zeros(4, 2), torch.zeros(3)),
            ValueError,
            r"\(4, 2\) and \(3,\)",
            id="C1.1-supervised-torch-lstsq-shapes",
        ),
        pytest.param(
            lambda: ss.least_squares(np.zeros((4, 2), int), np.zeros(4)),
            TypeError,
            "floating.*int",
            id="C1.1-supervised-lstsq-int",
        ),
        pytest.param(
            lambda: ss.radial_feature(np.zeros(3)),
            ValueError,
            r"\(N, n\).*\(3,\)",
            id="C1.3-features-radial-1d",
        ),
        pytest.param(
            lambda: ts.radial_feature(torch.zeros(3)),
            ValueError,
            r"\(N, n\).*\(3,\)",
            id="C1.3-features-torch-radial-1d",
        ),
        pytest.param(
            lambda: experiment.train_feature_model("scratch", "svm"),
            ValueError,
            "'raw'.*'svm'",
            id="C1.3-features-bad-model",
        ),
        pytest.param(
            lambda: experiment.train_logistic("jax"),
            ValueError,
            "scratch, torch.*'jax'",
            id="C1.1-supervised-bad-impl",
        ),
    ],
)
def test_bad_input_fails_at_the_boundary(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("name", ["LogisticRegression", "LinearRegression"])
def test_backward_rejects_a_misshaped_upstream_gradient(name, rng):
    model = getattr(ss, name)(2, rng=rng)
    model(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"grad_output of shape \(4,\).*\(4, 1\)"):
        model.backward(np.zeros((4, 1)))


def test_fit_full_batch_rejects_zero_steps(rng):
    model = ss.LinearRegression(1, rng=rng)
    with pytest.raises(ValueError, match="steps.*got 0"):
        ss.fit_full_batch(
            model, snn.MSELoss(), soptim.SGD(model.parameters(), lr=0.1), np.zeros((2, 1)), np.zeros(2), 0
        )
    with pytest.raises(ValueError, match="steps.*got 0"):
        ts.fit_full_batch(
            torch.nn.Linear(1, 1),
            torch.nn.MSELoss(),
            torch.optim.SGD([torch.zeros(1, requires_grad=True)]),
            torch.zeros(2, 1),
            torch.zeros(2, 1),
            0,
        )
