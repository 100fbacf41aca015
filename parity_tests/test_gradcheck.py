"""C3.2-backprop: the finite-difference checker itself must catch a wrong backward, and say how wrong."""

from __future__ import annotations

import numpy as np
import pytest

import scratch.nn as snn
from parity_tests.parity import FINITE_DIFFERENCE_RTOL
from scratch.gradcheck import (
    elementwise_relative_error,
    gradcheck,
    gradcheck_loss,
    gradient_errors,
    numerical_gradient,
    relative_error,
)
from scratch.nn.module import Module


class _WrongTanh(snn.Tanh):
    """tanh with the textbook slip 1 − y instead of 1 − y²."""

    def function_backward(self, g, y):
        return g * (1 - y)


class _ScaledTanh(snn.Tanh):
    """A backward off by a factor 1 + δ, δ = 1e-3: the checker must report about δ, not about 1."""

    def function_backward(self, g, y):
        return (1 + 1e-3) * g * (1 - y * y)


class _ZeroTanh(snn.Tanh):
    """A backward that returns zeros: min instead of max in the relative error would call it right."""

    def function_backward(self, g, y):
        return np.zeros_like(g)


class _SumsRowsLinear(snn.Linear):
    """A backward that forgets to weight by the upstream gradient's rows: sums them instead."""

    def backward(self, grad_output, needs_input_grad=True):
        x = self._take("_x")
        self.weight.grad += np.ones_like(grad_output).T @ x * grad_output.mean()
        if self.bias is not None:
            self.bias.grad += grad_output.sum(axis=0)
        return grad_output @ self.weight.data


class _OneEntryOffLinear(snn.Linear):
    """Right everywhere but one weight entry, off by 1e-4 of itself: the norm ratio dilutes it."""

    def backward(self, grad_output, needs_input_grad=True):
        before = self.weight.grad.copy()
        grad_input = super().backward(grad_output, needs_input_grad)
        self.weight.grad[0, 0] += 1e-4 * (self.weight.grad[0, 0] - before[0, 0])
        return grad_input


class _OneIn10000OffScale(Module):
    """y = 3x, whose ∂E/∂x = 3g is off by 1e-6 of itself at its largest entry only (a cheap module: the
    finite differences take 20,000 forwards)."""

    def forward(self, x):
        return 3.0 * x

    def backward(self, grad_output):
        grad = 3.0 * grad_output
        grad.flat[np.argmax(np.abs(grad))] *= 1 + 1e-6
        return grad


class _IgnoresUpstreamMSE(snn.MSELoss):
    """2(ŷ − y) whatever the upstream gradient: right for the all-ones gradient of a sum, wrong otherwise."""

    def backward(self, grad_output=None):
        self._grad_output(grad_output)
        return 2 * self._take("_cache").diff


def test_numerical_gradient_of_a_known_function():
    u = np.array([1.0, -2.0, 0.5])
    grad = numerical_gradient(lambda: float(np.sum(u**3)), u)
    np.testing.assert_allclose(grad, 3 * u**2, rtol=1e-8)


@pytest.mark.parametrize("measure", [relative_error, elementwise_relative_error], ids=["norm", "elementwise"])
def test_relative_errors_at_their_edges(measure):
    """0 for two zero gradients, exactly 1 for zeros against ones (max, not min, in the denominator)."""
    assert measure(np.zeros(3), np.zeros(3)) == 0.0
    assert measure(np.zeros(3), np.ones(3)) == 1.0
    assert measure(np.ones(3), np.zeros(3)) == 1.0
    assert measure(-np.ones(3), np.ones(3)) == 2.0


WRONG = [
    pytest.param(lambda rng: _WrongTanh(), 1e-2, id="C3.2-backprop-wrong-derivative"),
    pytest.param(lambda rng: _ZeroTanh(), 0.99, id="C3.2-backprop-zero-backward"),
    pytest.param(lambda rng: _SumsRowsLinear(3, 2, rng=rng), 1e-2, id="C3.2-backprop-wrong-weight-grad"),
]


@pytest.mark.parametrize(("make", "at_least"), WRONG)
def test_gradcheck_catches_a_wrong_backward(make, at_least, rng):
    errors = gradcheck(make(rng), rng.standard_normal((4, 3)), rng=rng)
    assert max(errors.values()) > at_least, errors


def test_a_slightly_wrong_backward_lands_at_its_relative_error(rng):
    """Off by a factor 1 + 1e-3: both measures say about 1e-3 (not "near 1")."""
    errors = gradient_errors(_ScaledTanh(), rng.standard_normal((4, 3)), rng=rng)["input"]
    for value in errors:
        assert 0.9e-3 < value < 1.1e-3, errors


def test_elementwise_measure_sees_one_wrong_entry_that_the_norm_dilutes(rng):
    errors = gradient_errors(_OneEntryOffLinear(6, 5, rng=rng), rng.standard_normal((8, 6)), rng=rng)
    weight = errors["weight"]
    assert weight.elementwise > 5e-5 > weight.norm, weight
    assert max(errors["input"]) < FINITE_DIFFERENCE_RTOL and max(errors["bias"]) < FINITE_DIFFERENCE_RTOL


def test_gradcheck_reports_the_larger_measure_so_one_wrong_entry_in_10000_fails():
    """C3.2-backprop: ``gradcheck`` is the max of the two measures. Over 10,000 entries the norm ratio
    dilutes a 1e-6 error in one of them below the 1e-7 contract (computed here against the exact 3g);
    the element-wise measure keeps it, so the check fails (the min of the two would pass it)."""
    upstream = np.random.default_rng(1).standard_normal((100, 100))  # gradcheck's draw from this seed
    module = _OneIn10000OffScale()
    assert relative_error(module.backward(upstream), 3.0 * upstream) < FINITE_DIFFERENCE_RTOL
    x = np.random.default_rng(2).standard_normal((100, 100))
    error = gradcheck(module, x, rng=np.random.default_rng(1))["input"]
    assert error == pytest.approx(1e-6, rel=1e-2)


# The element-wise measure's floor, 1e-2 of the largest entry: a small entry's gap is judged against it,
# and the measure does not change with the gradient's scale (the floor is relative, not absolute).
FLOORED = [
    pytest.param([1.0, 1e-5], [1.0, 1e-5 + 1e-8], 1e-6, id="C3.2-backprop-floor-1e-2"),
    pytest.param([1e3, 1e-1], [1e3, 1e-1 + 1e-4], 1e-5, id="C3.2-backprop-floor-of-a-large-gradient"),
    pytest.param([1e-3, 1e-7], [1e-3, 1e-7 + 1e-10], 1e-5, id="C3.2-backprop-floor-of-a-small-gradient"),
]


@pytest.mark.parametrize(("analytic", "numeric", "expected"), FLOORED)
def test_elementwise_floor_is_1e_2_of_the_largest_entry(analytic, numeric, expected):
    error = elementwise_relative_error(np.array(analytic), np.array(numeric))
    assert error == pytest.approx(expected, rel=1e-6)


def test_gradcheck_passes_a_correct_backward(rng):
    errors = gradcheck(snn.Linear(3, 2, rng=rng), rng.standard_normal((4, 3)), rng=rng)
    assert max(errors.values()) < FINITE_DIFFERENCE_RTOL


def test_gradcheck_clears_gradients_left_by_an_earlier_backward(rng):
    """Without its zero_grad the earlier gradient would be counted: twice the right weight gradient."""
    linear, x = snn.Linear(3, 2, rng=rng), rng.standard_normal((4, 3))
    linear(x)
    linear.backward(rng.standard_normal((4, 2)))
    assert np.abs(linear.weight.grad).max() > 0
    assert max(gradcheck(linear, x, rng=rng).values()) < FINITE_DIFFERENCE_RTOL


def test_gradcheck_restores_batch_norm_running_statistics(rng):
    bn = snn.BatchNorm1d(3)
    bn.train()
    before = bn.state_dict()
    errors = gradcheck(bn, rng.standard_normal((6, 3)) * 2 + 1, rng=rng)
    assert max(errors.values()) < FINITE_DIFFERENCE_RTOL
    after = bn.state_dict()
    for key, value in before.items():
        np.testing.assert_array_equal(after[key], value, err_msg=f"C4.3-batchnorm {key} moved")


def test_gradcheck_loss_uses_a_random_upstream_gradient_for_reduction_none(rng):
    x, target = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    assert gradcheck_loss(snn.MSELoss("none"), x, target, rng=rng) < FINITE_DIFFERENCE_RTOL
    assert gradcheck_loss(_IgnoresUpstreamMSE("none"), x, target, rng=rng) > 1e-2


@pytest.mark.parametrize(
    ("make", "x"),
    [
        pytest.param(lambda: snn.Tanh(), np.zeros((2, 3), np.float32), id="C3.2-backprop-float32-input"),
        pytest.param(
            lambda: snn.Linear(3, 2, dtype=np.float32), np.zeros((2, 3)), id="C3.2-backprop-float32-module"
        ),
        pytest.param(lambda: snn.Tanh(), [[0.0, 1.0]], id="C3.2-backprop-list-input"),
    ],
)
def test_gradcheck_refuses_what_it_would_have_to_upcast(make, x, rng):
    """Central differences at ε = 1e-5 are meaningless in float32; an upcast would check another module."""
    with pytest.raises(TypeError, match="float64"):
        gradcheck(make(), x, rng=rng)


def test_gradcheck_loss_refuses_float32(rng):
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(TypeError, match="float64 input"):
        gradcheck_loss(snn.MSELoss(), x, x, rng=rng)
