"""03_순전파: the linear layer, the activation functions, the losses."""

from __future__ import annotations

import numpy as np

from scratch import nn
from twin_nets.notebooks.exercises import exercise

SCORES = np.array([[3.2, 5.1, -1.7]])  # the notes' softmax example: cat, car, frog


def _backward(module: nn.Module, x: np.ndarray, g: np.ndarray) -> np.ndarray:
    module(x)
    return module.backward(g)


@exercise("C3.1-forward/1")
def _linear() -> np.ndarray:
    layer = nn.Linear(3, 2)
    layer.load_state_dict(
        {"weight": np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]), "bias": np.array([0.0, 1.0])}
    )
    return layer(np.array([[1.0, 2.0, 3.0]]))


@exercise("C3.1.1-step/1")
def _step() -> float:
    return float(_backward(nn.Step(), np.array([[0.3, -2.0, 5.0]]), np.array([[4.0, -1.0, 7.0]])).sum())


@exercise("C3.1.1-sigmoid/1")
def _sigmoid() -> float:
    return float(_backward(nn.Sigmoid(), np.zeros((1, 1)), np.full((1, 1), 2.0))[0, 0])


@exercise("C3.1.1-tanh/1")
def _tanh_over_sigmoid() -> int:
    tanh_slope = _backward(nn.Tanh(), np.zeros((1, 1)), np.ones((1, 1)))[0, 0]
    sigmoid_slope = _backward(nn.Sigmoid(), np.zeros((1, 1)), np.ones((1, 1)))[0, 0]
    return round(float((tanh_slope / sigmoid_slope) ** 10))


@exercise("C3.1.1-relu/1")
def _relu_slope() -> float:
    slopes = _backward(nn.ReLU(), np.linspace(0.5, 100.0, 7)[None, :], np.ones((1, 7)))
    assert np.all(slopes == slopes[0, 0])
    return float(slopes[0, 0])


@exercise("C3.1.1-leaky-relu/1")
def _leaky() -> float:
    return float(nn.LeakyReLU()(np.array([[-2.0]]))[0, 0])


@exercise("C3.1.1-prelu/1")
def _prelu_alpha_grad() -> float:
    prelu = nn.PReLU()
    _backward(prelu, np.array([[-4.0, 2.0]]), np.ones((1, 2)))
    return float(prelu.weight.grad[0])


@exercise("C3.1.1-elu/1", atol=1e-6)
def _elu_limit() -> float:
    return float(nn.ELU()(np.array([[-50.0]]))[0, 0])


@exercise("C3.1.1-softmax/1", atol=5e-5)
def _softmax_shifted() -> float:
    return float(nn.Softmax(dim=1)(SCORES + 10.0)[0, 1])


@exercise("C3.1.2-mse/1")
def _half_squared_error() -> float:
    return float(nn.HalfSquaredErrorLoss()(np.array([1.0, 2.0, 3.0]), np.zeros(3)))


@exercise("C3.1.2-cross-entropy/1", atol=5e-5)
def _cross_entropy_cat() -> float:
    return float(nn.CrossEntropyLoss()(SCORES, np.array([0])))
