"""C3.2-autograd: three ways to one gradient, for every network of the model zoo.

For each model and a real loss (cross-entropy, BCE, MSE, the seed's ½Σ): the layer-wise backward
(``scratch.nn``, each layer's hand-written backward), the engine (``scratch.autograd``: the same network
as one expression over tensors, the same weights) and ``torch.autograd`` (the torch twin) give the same
loss and the same gradient of the input and of every parameter, at the float64 contract; and each of the
three agrees with central finite differences of the loss, element by element (CS231n's relative
error, < ``FINITE_DIFFERENCE_RTOL``). A deliberately wrong local backward in the engine is caught.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch

import torch_impl.models.mlp as torch_mlp
import torch_impl.models.perceptron as torch_perceptron
import torch_impl.models.supervised as torch_supervised
from parity_tests.parity import FINITE_DIFFERENCE_RTOL, assert_twin_close, max_abs_diff, to_torch
from scratch import nn
from scratch.autograd import Tensor
from scratch.autograd.nets import loss_expression, model_expression, parameters_of
from scratch.models import perceptron, supervised
from scratch.models.mlp import ACTIVATIONS, INIT_SCHEMES, MLPSpec, build_mlp
from torch_impl.nn import HalfSquaredErrorLoss as TorchHalfSquaredErrorLoss
from torch_impl.nn.state import load_numpy_state_dict

N = 8  # samples: enough for batch norm's statistics, small enough for finite differences
DROPOUT_SEED = 7
KINKED = ("ReLU", "LeakyReLU", "PReLU", "ELU", "Step")  # not twice differentiable at 0
KINK_MARGIN = 2e-2  # far beyond what one finite-difference stencil (±2h, h = 3e-4) moves an input


def away_from_kinks(model: Any, draw: Any, tries: int = 200) -> np.ndarray:
    """Data ``draw()`` whose every input to a kinked activation is at least ``KINK_MARGIN`` from 0.

    A finite difference across a kink measures a slope that no derivative has (ReLU's at 0 is one of 0
    and 1, the stencil sees their average): it is valid only where the loss is smooth within the stencil.
    """
    for _ in range(tries):
        x = draw()
        _reseed_dropout(model)
        h, closest = x, np.inf
        layers = list(model) if isinstance(model, nn.Sequential) else [model]
        for layer in layers:
            if isinstance(layer, perceptron.Perceptron):
                closest = min(closest, np.abs(layer.weighted_sum(h)).min())
            elif type(layer).__name__ in KINKED:
                closest = min(closest, np.abs(h).min())
            h = layer(h)
        if closest >= KINK_MARGIN:
            return x
    raise AssertionError(f"no draw in {tries} keeps every kink {KINK_MARGIN} away")


@dataclass
class Case:
    model: Any  # the scratch twin, with the weights
    torch_model: torch.nn.Module
    loss: Any  # a scratch loss module
    torch_loss: torch.nn.Module
    x: np.ndarray
    target: np.ndarray
    dropout: bool = False  # Dropout layers draw from generators seeded with DROPOUT_SEED


def _classes(rng: np.random.Generator, spec: MLPSpec) -> np.ndarray:
    return rng.integers(0, spec.sizes[-1], N)


def mlp_case(spec: MLPSpec, mode: str = "train") -> Any:
    def make(rng: np.random.Generator) -> Case:
        dropout = spec.dropout > 0
        model = build_mlp(spec, rng, dropout_rng=np.random.default_rng(DROPOUT_SEED) if dropout else None)
        torch_model = torch_mlp.build_mlp(
            spec, dropout_rng=np.random.default_rng(DROPOUT_SEED) if dropout else None
        )
        if mode == "eval":  # batch norm with running statistics: train on a few batches first
            for _ in range(3):
                model(rng.standard_normal((N, spec.sizes[0])) + 0.5)
            model.eval()
            torch_model.eval()
        x = away_from_kinks(model, lambda: rng.standard_normal((N, spec.sizes[0])))
        load_numpy_state_dict(torch_model, model.state_dict())
        loss, torch_loss = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
        return Case(model, torch_model, loss, torch_loss, x, _classes(rng, spec), dropout)

    return make


def perceptron_case(rng: np.random.Generator) -> Case:
    model = perceptron.Perceptron(2, rng=rng)
    torch_model = torch_perceptron.Perceptron(2)
    load_numpy_state_dict(torch_model, model.state_dict())
    x = away_from_kinks(model, lambda: rng.standard_normal((N, 2)))
    target = rng.integers(0, 2, N).astype(np.float64)
    return Case(model, torch_model, nn.MSELoss(), torch.nn.MSELoss(), x, target)


def xor_case(network: str) -> Any:
    def make(rng: np.random.Generator) -> Case:
        if network == "step":
            model, torch_model = perceptron.seed_xor_network(), torch_perceptron.seed_xor_network()
        else:
            model, torch_model = perceptron.xor_sigmoid_network(rng), torch_perceptron.xor_sigmoid_network()
            if network == "seed-weights":  # the seed's hand-set weights under sigmoids
                model.load_state_dict(perceptron.seed_xor_network().state_dict())
        load_numpy_state_dict(torch_model, model.state_dict())
        corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        x = away_from_kinks(model, lambda: corners + 0.1 * rng.standard_normal((4, 2)))
        target = np.array([[0.0], [1.0], [1.0], [0.0]])
        loss, torch_loss = nn.HalfSquaredErrorLoss(), TorchHalfSquaredErrorLoss()
        if network == "bce":
            loss, torch_loss = nn.BCELoss(), torch.nn.BCELoss()
        return Case(model, torch_model, loss, torch_loss, x, target)

    return make


def supervised_case(kind: str) -> Any:
    def make(rng: np.random.Generator) -> Case:
        x = rng.standard_normal((N, 3))
        if kind == "logistic":
            model, torch_model = (
                supervised.LogisticRegression(3, rng=rng),
                torch_supervised.LogisticRegression(3),
            )
            loss, torch_loss, target = nn.BCELoss(), torch.nn.BCELoss(), rng.integers(0, 2, N).astype(float)
        else:
            model, torch_model = supervised.LinearRegression(3, rng=rng), torch_supervised.LinearRegression(3)
            loss, torch_loss, target = nn.MSELoss(), torch.nn.MSELoss(), rng.standard_normal(N)
        load_numpy_state_dict(torch_model, model.state_dict())
        return Case(model, torch_model, loss, torch_loss, x, target)

    return make


ZOO = [
    *[
        pytest.param(mlp_case(MLPSpec((4, 6, 5, 3), activation)), id=f"C3.2-autograd-mlp-{activation}")
        for activation in ACTIVATIONS
    ],
    *[
        pytest.param(mlp_case(MLPSpec((4, 6, 3), "tanh", init)), id=f"C3.2-autograd-mlp-init-{init}")
        for init in INIT_SCHEMES
    ],
    pytest.param(mlp_case(MLPSpec((4, 6, 5, 3), "relu", norm="batch")), id="C3.2-autograd-mlp-batchnorm"),
    pytest.param(mlp_case(MLPSpec((4, 6, 3), "tanh", norm="batch"), "eval"), id="C3.2-autograd-mlp-bn-eval"),
    pytest.param(mlp_case(MLPSpec((4, 6, 5, 3), "elu", norm="layer")), id="C3.2-autograd-mlp-layernorm"),
    pytest.param(mlp_case(MLPSpec((4, 6, 3), "relu", dropout=0.5)), id="C3.2-autograd-mlp-dropout"),
    pytest.param(
        mlp_case(MLPSpec((4, 6, 3), "prelu", "he", 0.2, "batch")), id="C3.2-autograd-mlp-bn-dropout-prelu"
    ),
    pytest.param(perceptron_case, id="C3.2-autograd-perceptron"),
    pytest.param(xor_case("step"), id="C3.2-autograd-seed-xor-step"),
    pytest.param(xor_case("sigmoid"), id="C3.2-autograd-xor-sigmoid"),
    pytest.param(xor_case("seed-weights"), id="C3.2-autograd-xor-sigmoid-seed-weights"),
    pytest.param(xor_case("bce"), id="C3.2-autograd-xor-sigmoid-bce"),
    pytest.param(supervised_case("logistic"), id="C3.2-autograd-logistic-regression"),
    pytest.param(supervised_case("linear"), id="C3.2-autograd-linear-regression"),
]


def _reseed_dropout(model: Any) -> None:
    """Every Dropout layer draws its next masks from a fresh generator: each forward, the same masks."""
    for module in model.modules():
        if type(module).__name__ == "Dropout":
            module.rng = np.random.default_rng(DROPOUT_SEED)


def layer_wise(case: Case) -> tuple[float, dict[str, np.ndarray]]:
    """The loss and its gradients by ``scratch.nn``: forward, loss, ``model.backward(loss.backward())``."""
    _reseed_dropout(case.model)
    case.model.zero_grad()
    value = case.loss(case.model(case.x), case.target)
    grads = {"input": case.model.backward(case.loss.backward())}
    grads.update({name: p.grad.copy() for name, p in case.model.named_parameters()})
    return float(value), grads


def engine(case: Case) -> tuple[float, dict[str, np.ndarray]]:
    """The loss and its gradients by ``scratch.autograd``: one expression, one ``backward()``."""
    params = parameters_of(case.model)
    x = Tensor(case.x.copy(), requires_grad=True)
    rng = np.random.default_rng(DROPOUT_SEED) if case.dropout else None
    value = loss_expression(case.loss, model_expression(case.model, x, params, rng), case.target)
    value.backward()
    return value.item(), {"input": x.grad, **{name: t.grad for name, t in params.items()}}


def autograd(case: Case) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The loss and its gradients by ``torch.autograd`` on the torch twin."""
    x = to_torch(case.x, requires_grad=True)
    target = torch.from_numpy(case.target)
    value = case.torch_loss(case.torch_model(x), target)
    value.backward()
    return value, {"input": x.grad, **dict((n, p.grad) for n, p in case.torch_model.named_parameters())}


EXTENDED = np.longdouble  # 64-bit significand on x86-64 Linux: round-off 1e-19 instead of 1e-16
STENCIL = ((-2, 1), (-1, -8), (1, 8), (2, -1))  # f′ ≈ [f(u−2h) − 8f(u−h) + 8f(u+h) − f(u+2h)] / 12h


def finite_differences(case: Case, h: float = 3e-4) -> dict[str, np.ndarray]:
    """Central differences of the layer-wise loss for every entry of the input and of each parameter.

    The element-wise measure is strict: an entry of 1e-6 must be right to 1e-13. Plain float64 central
    differences cannot do that (round-off ε/h ≈ 1e-10), so the loss is evaluated in extended precision,
    on a copy of the model, with the fourth-order stencil (error O(h⁴) ≈ 1e-15 plus round-off 1e-19/h).
    """
    if np.finfo(EXTENDED).eps > 1e-18:
        pytest.skip("np.longdouble is no wider than float64 on this platform")
    model, loss_fn = copy.deepcopy(case.model).to(EXTENDED), copy.deepcopy(case.loss)
    x = case.x.astype(EXTENDED)
    target = case.target.astype(EXTENDED) if case.target.dtype.kind == "f" else case.target

    def loss() -> Any:
        _reseed_dropout(model)
        return loss_fn(model(x), target)[()]

    arrays = {"input": x, **{name: p.data for name, p in model.named_parameters()}}
    numeric = {}
    for name, u in arrays.items():
        flat, grad = u.reshape(-1), np.zeros(u.size, dtype=EXTENDED)
        assert np.shares_memory(flat, u), name
        for i in range(u.size):
            original = flat[i]
            for k, weight in STENCIL:
                flat[i] = original + k * EXTENDED(h)
                grad[i] += weight * loss()
            flat[i] = original
        numeric[name] = (grad / (12 * EXTENDED(h))).astype(np.float64).reshape(u.shape)
    return numeric


def elementwise_relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """CS231n's measure: max |a − n| / max(1e-8, |a| + |n|), element by element."""
    return float(np.max(np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric))))


def three_ways(what: str, case: Case) -> dict[str, float]:
    """Assert the three gradients agree at the contract and with finite differences; return the largest
    differences for the report."""
    torch_value, torch_grads = autograd(case)
    layer_value, layer_grads = layer_wise(case)
    engine_value, engine_grads = engine(case)
    assert set(layer_grads) == set(engine_grads) == set(torch_grads), f"{what}: parameter names differ"
    assert_twin_close(np.float64(layer_value), torch_value, f"{what}: layer-wise loss vs torch")
    assert_twin_close(np.float64(engine_value), torch_value, f"{what}: engine loss vs torch")
    numeric = finite_differences(case)
    report = {"layer-torch": 0.0, "engine-torch": 0.0, "layer-engine": 0.0, "fd": 0.0}
    for name, expected in torch_grads.items():
        assert_twin_close(layer_grads[name], expected, f"{what}: layer-wise ∂E/∂{name} vs torch.autograd")
        assert_twin_close(engine_grads[name], expected, f"{what}: engine ∂E/∂{name} vs torch.autograd")
        assert_twin_close(
            engine_grads[name], torch.from_numpy(layer_grads[name]), f"{what}: engine vs layers"
        )
        report["layer-torch"] = max(report["layer-torch"], max_abs_diff(layer_grads[name], expected))
        report["engine-torch"] = max(report["engine-torch"], max_abs_diff(engine_grads[name], expected))
        report["layer-engine"] = max(
            report["layer-engine"], float(np.max(np.abs(layer_grads[name] - engine_grads[name]), initial=0))
        )
        for way, grad in (("layer-wise", layer_grads[name]), ("engine", engine_grads[name])):
            error = elementwise_relative_error(grad, numeric[name])
            assert error < FINITE_DIFFERENCE_RTOL, (
                f"{what}: {way} ∂E/∂{name} vs finite differences: {error:.2e}"
            )
            report["fd"] = max(report["fd"], error)
        error = elementwise_relative_error(expected.numpy(), numeric[name])
        assert error < FINITE_DIFFERENCE_RTOL, f"{what}: torch ∂E/∂{name} vs finite differences: {error:.2e}"
        report["fd"] = max(report["fd"], error)
    return report


@pytest.mark.parametrize("make", ZOO)
def test_layer_wise_engine_and_torch_autograd_agree_with_each_other_and_finite_differences(
    make, rng, request
):
    three_ways(request.node.callspec.id, make(rng))  # asserts every comparison; returns the differences


# ----------------------------------------------------------------------- a wrong backward is caught
def _wrong_sigmoid(self: Tensor) -> Tensor:
    y = 1 / (1 + np.exp(-self.data))
    return self._make(y, "Sigmoid", (self,), lambda g: (g * y,))  # σ′ written as σ, the (1 − σ) lost


def _wrong_matmul(self: Tensor, other: Any) -> Tensor:
    other = self._lift(other)
    a, b = self.data, other.data  # ∂E/∂A = G B instead of G Bᵀ (runs only for a square B: a 3-3-3 net)
    return self._make(a @ b, "MatMul", (self, other), lambda g: (g @ b, a.T @ g))


def _wrong_mul(self: Tensor, other: Any) -> Tensor:
    other = self._lift(other)
    a, b = self.data, other.data
    return self._make(a * b, "Mul", (self, other), lambda g: (g * a, g * b))  # the two sides swapped


def _wrong_mean(self: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    total = self.sum(dim, keepdim)
    return total * (1 / self.shape[0])  # divides by the rows, whatever dim says


def _wrong_log_softmax(self: Tensor, dim: int) -> Tensor:
    shifted = self.data - self.data.max(axis=dim, keepdims=True)
    y = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
    return self._make(y, "LogSoftmax", (self,), lambda g: (g - np.exp(y),))  # Σⱼ gⱼ dropped


MUTANTS = [
    pytest.param("sigmoid", _wrong_sigmoid, xor_case("sigmoid"), id="C3.2-autograd-wrong-sigmoid"),
    pytest.param(
        "__matmul__", _wrong_matmul, mlp_case(MLPSpec((3, 3, 3), "tanh")), id="C3.2-autograd-wrong-matmul"
    ),
    pytest.param(
        "__mul__",
        _wrong_mul,
        mlp_case(MLPSpec((4, 6, 3), "tanh", norm="batch")),
        id="C3.2-autograd-wrong-mul",
    ),
    pytest.param(
        "mean", _wrong_mean, mlp_case(MLPSpec((4, 6, 3), "tanh", norm="layer")), id="C3.2-autograd-wrong-mean"
    ),
    pytest.param(
        "log_softmax", _wrong_log_softmax, mlp_case(MLPSpec((4, 6, 3))), id="C3.2-autograd-wrong-log-softmax"
    ),
]


@pytest.mark.parametrize(("op", "mutant", "make"), MUTANTS)
def test_a_wrong_local_backward_in_the_engine_is_caught(op, mutant, make, rng, monkeypatch, request):
    """The same check, with one op's local backward broken: it must fail, and name the engine."""
    case = make(rng)
    monkeypatch.setattr(Tensor, op, mutant)
    with pytest.raises(AssertionError, match="engine"):
        three_ways(request.node.callspec.id, case)
