"""C3.1, C3.1.1, C4.2, C4.3: ``scratch.nn.functional`` against ``torch.nn.functional`` directly.

One row per function pair: the scratch forward and its hand-written backward on one side, the torch
function and autograd on the other, under a random upstream gradient, float64 and float32. Batch
norm's backward is checked twice — staged node by node and simplified — each against torch and
against the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import scratch.nn.functional as F
from parity_tests.parity import DTYPES, assert_twin_close, to_torch


@dataclass(frozen=True)
class Pair:
    """``forward(*arrays) -> (y, saved)``; ``backward(g, saved, *arrays) -> grads`` (one per array)."""

    forward: Callable[..., tuple[np.ndarray, Any]]
    backward: Callable[..., tuple[np.ndarray, ...]]
    torch_forward: Callable[..., torch.Tensor]
    shapes: tuple[tuple[int, ...], ...]


def _output(f: Callable[..., np.ndarray]) -> Callable[..., tuple[np.ndarray, Any]]:
    """A forward whose backward is written in its output y: keep y."""

    def forward(*arrays: np.ndarray) -> tuple[np.ndarray, Any]:
        y = f(*arrays)
        return y, y

    return forward


def _input(f: Callable[..., np.ndarray]) -> Callable[..., tuple[np.ndarray, Any]]:
    """A forward whose backward is written in its input: nothing extra to keep."""
    return lambda *arrays: (f(*arrays), None)


X = ((6, 5),)
PAIRS = [
    pytest.param(
        Pair(
            _input(F.linear),
            lambda g, _, x, w, b: F.linear_backward(g, x, w),
            TF.linear,
            ((6, 5), (3, 5), (3,)),
        ),
        id="C3.1-forward-linear",
    ),
    pytest.param(
        Pair(
            _input(F.linear),
            lambda g, _, x, w, b: F.linear_backward(g, x, w),
            TF.linear,
            ((2, 4, 5), (3, 5), (3,)),
        ),
        id="C3.1-forward-linear-3d",
    ),
    pytest.param(
        Pair(_output(F.sigmoid), lambda g, y, x: (F.sigmoid_backward(g, y),), torch.sigmoid, X),
        id="C3.1.1-sigmoid",
    ),
    pytest.param(
        Pair(_output(F.tanh), lambda g, y, x: (F.tanh_backward(g, y),), torch.tanh, X), id="C3.1.1-tanh"
    ),
    pytest.param(
        Pair(_output(F.relu), lambda g, y, x: (F.relu_backward(g, y),), TF.relu, X), id="C3.1.1-relu"
    ),
    pytest.param(
        Pair(
            _input(lambda x: F.leaky_relu(x, 0.2)),
            lambda g, _, x: (F.leaky_relu_backward(g, x, 0.2),),
            lambda x: TF.leaky_relu(x, 0.2),
            X,
        ),
        id="C3.1.1-leaky-relu",
    ),
    pytest.param(
        Pair(
            _input(lambda x: F.elu(x, 0.7)),
            lambda g, _, x: (F.elu_backward(g, x, 0.7),),
            lambda x: TF.elu(x, 0.7),
            X,
        ),
        id="C3.1.1-elu",
    ),
    pytest.param(
        Pair(_input(F.prelu), lambda g, _, x, w: F.prelu_backward(g, x, w), TF.prelu, ((6, 5), (5,))),
        id="C3.1.1-prelu-per-channel",
    ),
    pytest.param(
        Pair(_input(F.prelu), lambda g, _, x, w: F.prelu_backward(g, x, w), TF.prelu, ((6, 5, 2), (1,))),
        id="C3.1.1-prelu-shared",
    ),
    pytest.param(
        Pair(
            _output(lambda x: F.softmax(x, 1)),
            lambda g, y, x: (F.softmax_backward(g, y, 1),),
            lambda x: TF.softmax(x, 1),
            X,
        ),
        id="C3.1.1-softmax",
    ),
    pytest.param(
        Pair(
            _output(lambda x: F.log_softmax(x, -2)),
            lambda g, y, x: (F.log_softmax_backward(g, y, -2),),
            lambda x: TF.log_softmax(x, -2),
            ((3, 6, 5),),
        ),
        id="C3.1.1-softmax-log-dim-2",
    ),
    pytest.param(
        Pair(
            lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
            lambda g, cache, x, w, b: F.batch_norm_backward(g, cache),
            lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
            ((6, 5), (5,), (5,)),
        ),
        id="C4.3-batchnorm",
    ),
    pytest.param(
        Pair(
            lambda x, w, b: F.batch_norm_staged(x, w, b),
            lambda g, graph, x, w, b: F.batch_norm_backward_staged(g, graph),
            lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
            ((4, 5, 3), (5,), (5,)),
        ),
        id="C4.3-batchnorm-staged-3d",
    ),
    pytest.param(
        Pair(
            lambda x, w, b: F.layer_norm(x, (3, 4), w, b),
            lambda g, cache, x, w, b: F.layer_norm_backward(g, cache),
            lambda x, w, b: TF.layer_norm(x, (3, 4), w, b),
            ((2, 3, 4), (3, 4), (3, 4)),
        ),
        id="C4.3-layernorm",
    ),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("pair", PAIRS)
def test_function_and_its_backward_match_torch(pair, dtype, rng, request):
    what = request.node.callspec.id
    arrays = [rng.standard_normal(shape).astype(dtype) for shape in pair.shapes]
    tensors = [to_torch(a, requires_grad=True) for a in arrays]
    y, saved = pair.forward(*arrays)
    y_t = pair.torch_forward(*tensors)
    assert_twin_close(y, y_t, f"{what}: output")
    g = rng.standard_normal(y.shape).astype(dtype)
    y_t.backward(to_torch(g))
    grads = pair.backward(g, saved, *arrays)
    assert len(grads) == len(arrays)
    for index, (grad, tensor) in enumerate(zip(grads, tensors, strict=True)):
        assert_twin_close(grad, tensor.grad, f"{what}: gradient of argument {index}")


BATCH_SHAPES = [
    pytest.param((8, 5), id="2d"),
    pytest.param((4, 5, 3), id="3d"),
    pytest.param((2, 3), id="n2"),
]


@pytest.mark.parametrize("shape", BATCH_SHAPES)
def test_batch_norm_staged_and_simplified_backward_agree(shape, rng):
    """C4.3-batchnorm: the staged backward (node by node through the graph) and the simplified one
    (the formula the module uses) are the same derivative: equal to round-off, and both equal torch."""
    x = rng.standard_normal(shape) * 3 + 1
    weight, bias = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    g = rng.standard_normal(shape)
    y_simple, cache = F.batch_norm(x, None, None, weight, bias, training=True)
    y_staged, graph = F.batch_norm_staged(x, weight, bias)
    assert_twin_close(y_staged, torch.tensor(y_simple), "C4.3-batchnorm: staged forward vs fused forward")
    simple = F.batch_norm_backward(g, cache)
    staged = F.batch_norm_backward_staged(g, graph)
    tensors = [to_torch(a, requires_grad=True) for a in (x, weight, bias)]
    TF.batch_norm(tensors[0], None, None, tensors[1], tensors[2], training=True).backward(to_torch(g))
    for name, a, b, t in zip(("x", "γ", "β"), simple, staged, tensors, strict=True):
        assert_twin_close(a, torch.tensor(b), f"C4.3-batchnorm ∂E/∂{name}: simplified vs staged")
        assert_twin_close(b, t.grad, f"C4.3-batchnorm ∂E/∂{name}: staged vs torch")


def test_batch_norm_staged_backward_can_fail(rng):
    """Dropping the σ² path of the staged backward (the second gradient into x − μ) is caught."""
    x, weight, bias = rng.standard_normal((6, 3)), np.ones(3), np.zeros(3)
    g = rng.standard_normal((6, 3))
    _, graph = F.batch_norm_staged(x, weight, bias)
    wrong = graph._replace(sqrt_var=np.full_like(graph.sqrt_var, np.inf))  # ∂E/∂σ² = 0
    right, _, _ = F.batch_norm_backward_staged(g, graph)
    broken, _, _ = F.batch_norm_backward_staged(g, wrong)
    assert np.abs(right - broken).max() > 1e-3


@pytest.mark.parametrize(
    ("f", "torch_f"),
    [
        pytest.param(F.relu, TF.relu, id="C3.1.1-relu"),
        pytest.param(lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1), id="C3.1.1-leaky-relu"),
        pytest.param(lambda x: F.elu(x, 0.5), lambda x: TF.elu(x, 0.5), id="C3.1.1-elu"),
        pytest.param(F.sigmoid, torch.sigmoid, id="C3.1.1-sigmoid"),
        pytest.param(F.tanh, torch.tanh, id="C3.1.1-tanh"),
    ],
)
def test_nan_input_and_nan_gradient_follow_torch(f, torch_f, request):
    """A NaN input: torch's backward passes g for ReLU and ELU (its select tests x ≤ 0, false for NaN)
    and takes the negative slope for LeakyReLU; scratch's backwards give the same values."""
    what = request.node.callspec.id
    x = np.array([np.nan, -1.0, 0.0, 2.0])
    g = np.array([3.0, 5.0, 7.0, 11.0])
    x_t = to_torch(x, requires_grad=True)
    y = f(x)
    torch_f(x_t).backward(to_torch(g))
    backward = {
        "C3.1.1-relu": lambda: F.relu_backward(g, y),
        "C3.1.1-leaky-relu": lambda: F.leaky_relu_backward(g, x, 0.1),
        "C3.1.1-elu": lambda: F.elu_backward(g, x, 0.5),
        "C3.1.1-sigmoid": lambda: F.sigmoid_backward(g, y),
        "C3.1.1-tanh": lambda: F.tanh_backward(g, y),
    }[what]
    assert_twin_close(backward(), x_t.grad, f"{what}: gradient at a NaN input")


def test_prelu_gradients_at_a_nan_input_follow_torch():
    x, a, g = np.array([np.nan, -2.0]), np.array([0.25]), np.array([3.0, 3.0])
    x_t, a_t = to_torch(x, requires_grad=True), to_torch(a, requires_grad=True)
    TF.prelu(x_t, a_t).backward(to_torch(g))
    grad_x, grad_a = F.prelu_backward(g, x, a)
    assert_twin_close(grad_x, x_t.grad, "C3.1.1-prelu: ∂E/∂x at NaN (a g, as torch)")
    assert_twin_close(grad_a, a_t.grad, "C3.1.1-prelu: ∂E/∂a with a NaN input (NaN, as torch)")


def test_relu_backward_with_an_infinite_gradient_where_y_is_zero_differs_from_torch():
    """Documented difference (docs/differences-from-torch.md): torch selects (0 where y ≤ 0), scratch
    multiplies by the mask (inf · 0 = NaN), which is one pass instead of ``np.where``'s slower select."""
    y, g = F.relu(np.array([-1.0, 2.0])), np.array([np.inf, np.inf])
    x_t = to_torch(np.array([-1.0, 2.0]), requires_grad=True)
    TF.relu(x_t).backward(to_torch(g))
    assert x_t.grad.tolist() == [0.0, np.inf]
    with np.errstate(invalid="ignore"):
        assert np.isnan(F.relu_backward(g, y)[0]) and F.relu_backward(g, y)[1] == np.inf
