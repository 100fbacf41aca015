"""C3.1.2-mse, C3.1.2-cross-entropy: the curves of the loss figures, in both twins, and the seed's point
about them (§3.1.2): −log ŷ grows without bound as the prediction for the true class goes to 0, and —
the reason cross-entropy is the classification loss — its gradient with respect to the logit stays large
for a confidently wrong prediction, where MSE's vanishes.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from parity_tests.parity import assert_twin_close
from twin_nets.experiments.curves import logit_gradients, neg_log_curve, robust_loss_curves


def test_neg_log_curve_matches_in_both_twins_and_grows_without_bound():
    """C3.1.2-cross-entropy: −log ŷ at the seed's softmax outputs (cat 0.13 → 2.04, car 0.87 → 0.14), 0 at
    ŷ = 1, decreasing, and past 6.9 once ŷ < 0.001."""
    p = np.array([1e-4, 1e-3, 0.13, 0.5, 0.87, 1.0])
    values = neg_log_curve(p, "scratch")
    assert values.shape == p.shape and values.dtype == np.float64
    assert_twin_close(values, torch.from_numpy(neg_log_curve(p, "torch")), "C3.1.2-cross-entropy: −log ŷ")
    np.testing.assert_allclose(values[[2, 4, 5]], [2.0402, 0.1393, 0.0], atol=1e-4)
    assert np.all(np.diff(values) < 0) and values[1] > 6.9


@pytest.mark.parametrize(
    "name", [pytest.param("MSE", id="C3.1.2-mse"), pytest.param("cross-entropy", id="C3.1.2-cross-entropy")]
)
def test_logit_gradients_match_in_both_twins(name):
    z = np.linspace(-10, 10, 41)
    value, grad = logit_gradients(z, "scratch")[name]
    value_t, grad_t = logit_gradients(z, "torch")[name]
    assert grad.shape == z.shape and grad.dtype == np.float64
    assert_twin_close(value, torch.from_numpy(value_t), f"{name}: E(z)")
    assert_twin_close(grad, torch.from_numpy(grad_t), f"{name}: ∂E/∂z")


@pytest.mark.parametrize("impl", ["scratch", "torch"])
def test_confidently_wrong_prediction_mse_gradient_vanishes_cross_entropy_does_not(impl):
    """C3.1.2-mse vs C3.1.2-cross-entropy: target 1, logit z = −6 (ŷ ≈ 0.0025): |∂E/∂z| is ≈ 0.9975 for
    cross-entropy (ŷ − y) and ≈ 0.0025 for ½(ŷ − y)² through the sigmoid ((ŷ − y)·σ′(z)), 400 times
    smaller; the more wrong, the smaller MSE's gradient (z = −10: ≈ 4.5e-5)."""
    grads = {name: grad for name, (_, grad) in logit_gradients(np.array([-10.0, -6.0, 0.0]), impl).items()}
    mse, ce = np.abs(grads["MSE"]), np.abs(grads["cross-entropy"])
    assert ce[1] > 0.99 and mse[1] < 0.003 and ce[1] / mse[1] > 300
    assert mse[0] < mse[1] < mse[2] and ce[0] > ce[1] > ce[2]
    assert np.all(grads["MSE"] < 0) and np.all(grads["cross-entropy"] < 0), "both push z up, towards y = 1"


def test_huber_curves_match_in_both_twins_and_their_gradient_stays_within_delta():
    """C3.1.2-huber, the figure's claim: ∂ℓ/∂ŷ = 2d for MSE, grows without bound; clip(d, −1, 1) for Huber
    (δ = 1) and clip(d/β, −1, 1) for smooth L1 (β = 0.5), so never beyond ±1; Huber is ½d² inside δ."""
    d = np.linspace(-3, 3, 61)
    curves = robust_loss_curves(d, "scratch")
    for name, (value, grad) in robust_loss_curves(d, "torch").items():
        assert_twin_close(curves[name][0], torch.from_numpy(value), f"C3.1.2-huber: {name} ℓ(d)")
        assert_twin_close(curves[name][1], torch.from_numpy(grad), f"C3.1.2-huber: {name} ∂ℓ/∂ŷ")
    np.testing.assert_allclose(curves["MSE"][1], 2 * d, atol=1e-12)
    np.testing.assert_allclose(curves["Huber δ=1"][1], np.clip(d, -1, 1), atol=1e-12)
    np.testing.assert_allclose(curves["SmoothL1 β=0.5"][1], np.clip(d / 0.5, -1, 1), atol=1e-12)
    inside = np.abs(d) < 1
    np.testing.assert_allclose(curves["Huber δ=1"][0][inside], 0.5 * d[inside] ** 2, atol=1e-12)
    assert np.abs(curves["MSE"][1]).max() == pytest.approx(6.0)
