"""C3.2-backprop: the finite-difference checker itself must catch a wrong backward."""

from __future__ import annotations

import numpy as np
import pytest

import scratch.nn as snn
from parity_tests.parity import FINITE_DIFFERENCE_RTOL
from scratch.gradcheck import gradcheck, numerical_gradient, relative_error


class _WrongTanh(snn.Tanh):
    """tanh with the textbook slip 1 − y instead of 1 − y²."""

    def _backward(self, g, y):
        return g * (1 - y)


class _TransposedLinear(snn.Linear):
    """A backward that forgets to weight by the upstream gradient's rows: sums them instead."""

    def backward(self, grad_output):
        x = self._take("_x")
        self.weight.grad += np.ones_like(grad_output).T @ x * grad_output.mean()
        if self.bias is not None:
            self.bias.grad += grad_output.sum(axis=0)
        return grad_output @ self.weight.data


def test_numerical_gradient_of_a_known_function():
    u = np.array([1.0, -2.0, 0.5])
    grad = numerical_gradient(lambda: float(np.sum(u**3)), u)
    np.testing.assert_allclose(grad, 3 * u**2, rtol=1e-8)


def test_relative_error_is_zero_for_two_zero_gradients():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


@pytest.mark.parametrize(
    "module",
    [
        pytest.param(_WrongTanh(), id="C3.2-backprop-wrong-derivative"),
        pytest.param(
            _TransposedLinear(3, 2, rng=np.random.default_rng(0)), id="C3.2-backprop-wrong-weight-grad"
        ),
    ],
)
def test_gradcheck_catches_a_wrong_backward(module, rng):
    errors = gradcheck(module, rng.standard_normal((4, 3)), rng=rng)
    assert max(errors.values()) > 1e-3, errors


def test_gradcheck_passes_a_correct_backward(rng):
    errors = gradcheck(snn.Linear(3, 2, rng=rng), rng.standard_normal((4, 3)), rng=rng)
    assert max(errors.values()) < FINITE_DIFFERENCE_RTOL
