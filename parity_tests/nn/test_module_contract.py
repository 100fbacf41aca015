"""C3.2-backprop: the contract every scratch module keeps, as one table over every module.

Every layer, activation, dropout, normalization and loss is one row; each test below is one clause of
the contract (``scratch/nn/module.py``), checked on every row:

* ``backward`` before ``forward`` raises, and so does a second ``backward`` after one ``forward``;
* an integer input, a misshaped upstream gradient and an upstream gradient of another dtype raise;
* nothing is mutated: the input, the target, the upstream gradient, the parameters; and ∂E/∂x is an
  array of its own, never the upstream gradient itself (the caller may add into it);
* float32 stays float32: the output, ∂E/∂x and every ∂E/∂p;
* the state dict round-trips both ways with the torch twin (same keys, shapes, dtypes and values);
* two backward calls without ``zero_grad`` give exactly twice the gradient of every parameter.

A new module is a new row, not a copy of these tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch

import scratch.nn as snn
import torch_impl.nn as tnn
from parity_tests.parity import TORCH_DTYPE, assert_twin_close
from torch_impl.nn.state import load_numpy_state_dict

RNG = np.random.default_rng


@dataclass(frozen=True)
class Row:
    """One module: how to build both twins (given a dtype) and how to feed the scratch one."""

    make: Callable[[Any], Any]  # dtype -> scratch module
    make_torch: Callable[[Any], torch.nn.Module]  # torch dtype -> torch module
    shape: tuple[int, ...] = (5, 4)
    target: Callable[[np.random.Generator, Any], np.ndarray] | None = None  # losses: (rng, dtype) -> target
    positive: bool = False  # the input must lie in (0, 1) (BCELoss)

    def inputs(self, rng: np.random.Generator, dtype: Any) -> tuple[np.ndarray, ...]:
        x = rng.uniform(0.05, 0.95, self.shape) if self.positive else rng.standard_normal(self.shape)
        x = x.astype(dtype)
        return (x,) if self.target is None else (x, self.target(rng, dtype))


def _classes(rng: np.random.Generator, dtype: Any) -> np.ndarray:
    return rng.integers(0, 4, 5)


def _like(rng: np.random.Generator, dtype: Any) -> np.ndarray:
    return rng.standard_normal((5, 4)).astype(dtype)


def _probabilities(rng: np.random.Generator, dtype: Any) -> np.ndarray:
    return rng.uniform(0, 1, (5, 4)).astype(dtype)


def _linear_stack(d: Any) -> snn.Sequential:
    return snn.Sequential(
        snn.Sequential(snn.Linear(4, 3, dtype=d, rng=RNG(1))),
        snn.Sequential(snn.Linear(3, 2, dtype=d, rng=RNG(2))),
    )


ROWS = [
    pytest.param(
        Row(lambda d: snn.Linear(4, 3, dtype=d, rng=RNG(0)), lambda d: tnn.Linear(4, 3, dtype=d)),
        id="C3.1-forward-linear",
    ),
    pytest.param(
        Row(
            lambda d: snn.Linear(4, 3, bias=False, dtype=d, rng=RNG(0)),
            lambda d: tnn.Linear(4, 3, bias=False, dtype=d),
        ),
        id="C3.1-forward-linear-no-bias",
    ),
    pytest.param(
        Row(
            lambda d: snn.Sequential(
                snn.Linear(4, 6, dtype=d, rng=RNG(0)), snn.Tanh(), snn.Linear(6, 2, dtype=d, rng=RNG(1))
            ),
            lambda d: tnn.Sequential(tnn.Linear(4, 6, dtype=d), tnn.Tanh(), tnn.Linear(6, 2, dtype=d)),
        ),
        id="C3.1-forward-sequential",
    ),
    pytest.param(
        Row(
            _linear_stack,
            lambda d: tnn.Sequential(
                tnn.Sequential(tnn.Linear(4, 3, dtype=d)), tnn.Sequential(tnn.Linear(3, 2, dtype=d))
            ),
        ),
        id="C3.1-forward-sequential-nested",
    ),
    pytest.param(Row(lambda d: snn.Step(), lambda d: tnn.Step()), id="C3.1.1-step"),
    pytest.param(Row(lambda d: snn.Sigmoid(), lambda d: tnn.Sigmoid()), id="C3.1.1-sigmoid"),
    pytest.param(Row(lambda d: snn.Tanh(), lambda d: tnn.Tanh()), id="C3.1.1-tanh"),
    pytest.param(Row(lambda d: snn.ReLU(), lambda d: tnn.ReLU()), id="C3.1.1-relu"),
    pytest.param(Row(lambda d: snn.LeakyReLU(0.2), lambda d: tnn.LeakyReLU(0.2)), id="C3.1.1-leaky-relu"),
    pytest.param(Row(lambda d: snn.ELU(0.5), lambda d: tnn.ELU(0.5)), id="C3.1.1-elu"),
    pytest.param(Row(lambda d: snn.PReLU(dtype=d), lambda d: tnn.PReLU(dtype=d)), id="C3.1.1-prelu-shared"),
    pytest.param(
        Row(lambda d: snn.PReLU(4, init=0.1, dtype=d), lambda d: tnn.PReLU(4, init=0.1, dtype=d)),
        id="C3.1.1-prelu-per-channel",
    ),
    pytest.param(Row(lambda d: snn.Softmax(dim=1), lambda d: tnn.Softmax(dim=1)), id="C3.1.1-softmax"),
    pytest.param(
        Row(lambda d: snn.LogSoftmax(dim=-1), lambda d: tnn.LogSoftmax(dim=-1)), id="C3.1.1-softmax-log"
    ),
    pytest.param(Row(lambda d: snn.Dropout(0.5, rng=RNG(0)), lambda d: tnn.Dropout(0.5)), id="C4.2-dropout"),
    pytest.param(
        Row(lambda d: snn.Dropout(0.5).eval(), lambda d: tnn.Dropout(0.5).eval()), id="C4.2-dropout-eval"
    ),
    pytest.param(
        Row(lambda d: snn.BatchNorm1d(4, dtype=d), lambda d: tnn.BatchNorm1d(4, dtype=d)), id="C4.3-batchnorm"
    ),
    pytest.param(
        Row(lambda d: snn.BatchNorm1d(4, dtype=d).eval(), lambda d: tnn.BatchNorm1d(4, dtype=d).eval()),
        id="C4.3-batchnorm-eval",
    ),
    pytest.param(
        Row(lambda d: snn.BatchNorm1d(4, dtype=d), lambda d: tnn.BatchNorm1d(4, dtype=d), shape=(3, 4, 2)),
        id="C4.3-batchnorm-3d",
    ),
    pytest.param(
        Row(
            lambda d: snn.BatchNorm1d(4, affine=False, track_running_stats=False, dtype=d),
            lambda d: tnn.BatchNorm1d(4, affine=False, track_running_stats=False, dtype=d),
        ),
        id="C4.3-batchnorm-no-state",
    ),
    pytest.param(
        Row(lambda d: snn.LayerNorm(4, dtype=d), lambda d: tnn.LayerNorm(4, dtype=d)), id="C4.3-layernorm"
    ),
    pytest.param(
        Row(
            lambda d: snn.LayerNorm((3, 4), bias=False, dtype=d),
            lambda d: tnn.LayerNorm((3, 4), bias=False, dtype=d),
            shape=(2, 3, 4),
        ),
        id="C4.3-layernorm-2d-no-bias",
    ),
    pytest.param(Row(lambda d: snn.MSELoss(), lambda d: tnn.MSELoss(), target=_like), id="C3.1.2-mse"),
    pytest.param(
        Row(lambda d: snn.MSELoss(reduction="none"), lambda d: tnn.MSELoss(reduction="none"), target=_like),
        id="C3.1.2-mse-none",
    ),
    pytest.param(
        Row(lambda d: snn.HalfSquaredErrorLoss(), lambda d: tnn.HalfSquaredErrorLoss(), target=_like),
        id="C3.1.2-mse-half-sum",
    ),
    pytest.param(
        Row(lambda d: snn.HuberLoss(delta=0.5), lambda d: tnn.HuberLoss(delta=0.5), target=_like),
        id="C3.1.2-huber",
    ),
    pytest.param(
        Row(
            lambda d: snn.SmoothL1Loss(reduction="none", beta=0.5),
            lambda d: tnn.SmoothL1Loss(reduction="none", beta=0.5),
            target=_like,
        ),
        id="C3.1.2-huber-smooth-l1-none",
    ),
    pytest.param(
        Row(
            lambda d: snn.CrossEntropyLoss(weight=np.linspace(0.5, 2, 4).astype(d)),
            lambda d: tnn.CrossEntropyLoss(weight=torch.linspace(0.5, 2, 4, dtype=d)),
            target=_classes,
        ),
        id="C3.1.2-cross-entropy-weighted",
    ),
    pytest.param(
        Row(lambda d: snn.NLLLoss(reduction="sum"), lambda d: tnn.NLLLoss(reduction="sum"), target=_classes),
        id="C3.1.2-cross-entropy-nll",
    ),
    pytest.param(
        Row(lambda d: snn.BCELoss(), lambda d: tnn.BCELoss(), target=_probabilities, positive=True),
        id="C3.1.2-cross-entropy-bce",
    ),
    pytest.param(
        Row(
            lambda d: snn.BCEWithLogitsLoss(pos_weight=np.full(4, 2.0, dtype=d)),
            lambda d: tnn.BCEWithLogitsLoss(pos_weight=torch.full((4,), 2.0, dtype=d)),
            target=_probabilities,
        ),
        id="C3.1.2-cross-entropy-bce-logits",
    ),
]


def assert_state_close(actual: np.ndarray, expected: torch.Tensor, what: str) -> None:
    """A state entry: floats within the contract, integers (``num_batches_tracked``) exactly."""
    if actual.dtype.kind == "f":
        assert_twin_close(actual, expected, what)
    else:
        assert actual.dtype == expected.numpy().dtype, f"{what}: dtype {actual.dtype} != {expected.dtype}"
        np.testing.assert_array_equal(actual, expected.numpy(), err_msg=what)


def run(
    module: Any, inputs: tuple[np.ndarray, ...], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One forward, one backward under a random upstream gradient: (output, upstream gradient)."""
    y = module(*inputs)
    g = rng.standard_normal(np.shape(y)).astype(y.dtype)
    return y, g


@pytest.mark.parametrize("row", ROWS)
def test_backward_needs_a_forward_first(row, rng):
    module = row.make(np.float64)
    with pytest.raises(RuntimeError, match="without a forward"):
        module.backward(np.ones(row.shape))
    _, g = run(module, row.inputs(rng, np.float64), rng)
    module.backward(g)
    with pytest.raises(RuntimeError, match="without a forward"):  # the cache was released
        module.backward(g)


@pytest.mark.parametrize("row", ROWS)
def test_bad_input_and_upstream_gradient_raise(row, rng):
    module = row.make(np.float64)
    inputs = row.inputs(rng, np.float64)
    with pytest.raises(TypeError, match="dtype"):
        module(inputs[0].astype(np.int64), *inputs[1:])
    _, g = run(module, inputs, rng)
    misshaped = np.ones((*np.shape(g), 2))
    for bad, error in [
        (misshaped, ValueError),
        (g.astype(np.float32), TypeError),
        (g.astype(np.int64), TypeError),
    ]:
        module(*inputs)
        with pytest.raises(error, match="grad_output"):
            module.backward(bad)


@pytest.mark.parametrize("row", ROWS)
def test_nothing_is_mutated(row, rng):
    module = row.make(np.float64)
    inputs = row.inputs(rng, np.float64)
    before = [a.copy() for a in inputs]
    state = module.state_dict()
    _, g = run(module, inputs, rng)
    g_before = g.copy()
    grad_input = module.backward(g)
    assert not np.shares_memory(grad_input, g), "∂E/∂x aliases the upstream gradient"
    for array, copy in zip(inputs, before, strict=True):
        np.testing.assert_array_equal(array, copy)
    np.testing.assert_array_equal(g, g_before)
    for name, parameter in module.named_parameters():
        np.testing.assert_array_equal(parameter.data, state[name], err_msg=name)


@pytest.mark.parametrize("row", ROWS)
def test_float32_stays_float32(row, rng):
    module = row.make(np.float32)
    inputs = row.inputs(rng, np.float32)
    y, g = run(module, inputs, rng)
    grad_input = module.backward(g)
    assert np.asarray(y).dtype == np.float32
    assert grad_input.dtype == np.float32
    for name, parameter in module.named_parameters():
        assert parameter.data.dtype == parameter.grad.dtype == np.float32, name


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("row", ROWS)
def test_state_dict_round_trips_both_ways(row, dtype, rng, request):
    what = request.node.callspec.id
    scratch_module, torch_module = row.make(dtype), row.make_torch(TORCH_DTYPE[dtype])
    for parameter in scratch_module.parameters():  # values that no default init would give
        parameter.data[...] = rng.standard_normal(parameter.shape)
    run(scratch_module, row.inputs(rng, dtype), rng)  # batch norm: running statistics moved
    load_numpy_state_dict(torch_module, scratch_module.state_dict())
    ours, theirs = scratch_module.state_dict(), torch_module.state_dict()
    assert list(ours) == list(theirs), f"{what}: keys {list(ours)} (scratch) != {list(theirs)} (torch)"
    for key, tensor in theirs.items():
        assert_state_close(ours[key], tensor, f"{what}: scratch → torch {key}")
    with torch.no_grad():
        for tensor in torch_module.state_dict().values():
            tensor.add_(1)
    scratch_module.load_state_dict(torch_module.state_dict())
    for key, tensor in torch_module.state_dict().items():
        assert_state_close(scratch_module.state_dict()[key], tensor, f"{what}: torch → scratch {key}")


@pytest.mark.parametrize("row", ROWS)
def test_two_backwards_without_zero_grad_give_twice_the_gradient(row, rng):
    """Gradients accumulate (``+=``) until ``zero_grad()``, for every parameter, as in torch."""
    module = row.make(np.float64)
    inputs = row.inputs(rng, np.float64)
    _, g = run(module, inputs, rng)
    module.backward(g)
    once = {name: p.grad.copy() for name, p in module.named_parameters()}
    module(*inputs)
    module.backward(g)
    for name, parameter in module.named_parameters():
        assert np.any(once[name] != 0), f"{name}: a zero gradient cannot show accumulation"
        np.testing.assert_array_equal(parameter.grad, 2 * once[name], err_msg=name)
    module.zero_grad()
    assert all(not p.grad.any() for p in module.parameters())
