"""C4.3-rnn, C4.3-lstm, C4.3-gru: RNN, LSTM, GRU and their cells against torch.nn — state_dict keys,
forward, the input and initial-state gradients and every parameter gradient under random upstream
gradients for both the output and the final state (BPTT), float64 and float32; finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch.nn as snn
import torch_impl.nn as tnn
from parity_tests.parity import DTYPES, FINITE_DIFFERENCE_RTOL, TORCH_DTYPE, assert_twin_close, to_torch
from scratch.gradcheck import gradcheck
from scratch.nn.module import Module, Parameter
from torch_impl.nn.state import load_numpy_state_dict

# (concept, class, extra kwargs, input shape (L, N) or (L,) unbatched, num_layers, batch_first, bias)
LAYERS = [
    pytest.param("C4.3-rnn", "RNN", {}, (5, 3), 1, False, True, id="C4.3-rnn-tanh"),
    pytest.param(
        "C4.3-rnn", "RNN", {"nonlinearity": "relu"}, (4, 2), 2, False, True, id="C4.3-rnn-relu-2layer"
    ),
    pytest.param("C4.3-rnn", "RNN", {}, (4, 3), 2, True, False, id="C4.3-rnn-batch-first-no-bias"),
    pytest.param("C4.3-rnn", "RNN", {}, (4,), 1, False, True, id="C4.3-rnn-unbatched"),
    pytest.param("C4.3-lstm", "LSTM", {}, (5, 3), 1, False, True, id="C4.3-lstm"),
    pytest.param("C4.3-lstm", "LSTM", {}, (4, 2), 3, True, True, id="C4.3-lstm-3layer-batch-first"),
    pytest.param("C4.3-lstm", "LSTM", {}, (3, 2), 2, False, False, id="C4.3-lstm-no-bias"),
    pytest.param("C4.3-lstm", "LSTM", {}, (4,), 2, False, True, id="C4.3-lstm-unbatched"),
    pytest.param("C4.3-gru", "GRU", {}, (5, 3), 1, False, True, id="C4.3-gru"),
    pytest.param("C4.3-gru", "GRU", {}, (4, 2), 2, True, True, id="C4.3-gru-2layer-batch-first"),
    pytest.param("C4.3-gru", "GRU", {}, (3, 2), 1, False, False, id="C4.3-gru-no-bias"),
]
N_IN, HIDDEN = 3, 4


def _states(cls: str, shape: tuple[int, ...], rng: np.random.Generator, dtype) -> tuple[np.ndarray, ...]:
    return tuple(rng.standard_normal(shape).astype(dtype) for _ in range(2 if cls.startswith("LSTM") else 1))


def _pack(cls: str, states: tuple):
    return states if cls.startswith("LSTM") else states[0]


def _unpack(cls: str, state) -> tuple:
    return tuple(state) if cls.startswith("LSTM") else (state,)


def _twins(cls, kwargs, dtype, rng, **layer):
    scratch_layer = getattr(snn, cls)(N_IN, HIDDEN, **layer, **kwargs, dtype=dtype, rng=rng)
    torch_layer = getattr(tnn, cls)(N_IN, HIDDEN, **layer, **kwargs, dtype=TORCH_DTYPE[dtype])
    assert list(scratch_layer.state_dict()) == list(torch_layer.state_dict()), f"{cls}: state_dict keys"
    load_numpy_state_dict(torch_layer, scratch_layer.state_dict())
    return scratch_layer, torch_layer


def _check_backward(what, scratch_layer, torch_layer, pairs, grads, upstream, torch_outputs):
    """Upstream gradients ``upstream`` for ``torch_outputs``; compare the gradients of ``pairs``."""
    torch.autograd.backward(torch_outputs, [to_torch(u, torch_outputs[0].device) for u in upstream])
    for name, (scratch_grad, torch_leaf) in zip(
        ("input", "h_0", "c_0"), zip(grads, pairs, strict=True), strict=False
    ):
        assert_twin_close(scratch_grad, torch_leaf.grad, f"{what}: gradient of {name}")
    torch_parameters = dict(torch_layer.named_parameters())
    for name, parameter in scratch_layer.named_parameters():
        assert_twin_close(parameter.grad, torch_parameters[name].grad, f"{what}: gradient of {name}")


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("concept", "cls", "kwargs", "shape", "num_layers", "batch_first", "bias"), LAYERS)
def test_sequence_layer_matches_torch(concept, cls, kwargs, shape, num_layers, batch_first, bias, dtype, rng):
    what = (
        f"{concept} {cls}(num_layers={num_layers}, batch_first={batch_first}, bias={bias}) {dtype.__name__}"
    )
    layer = {"num_layers": num_layers, "batch_first": batch_first, "bias": bias}
    scratch_layer, torch_layer = _twins(cls, kwargs, dtype, rng, **layer)
    seq_shape = shape[::-1] if batch_first and len(shape) == 2 else shape
    x = rng.standard_normal((*seq_shape, N_IN)).astype(dtype)
    state_shape = (num_layers, *shape[1:], HIDDEN)
    h0 = _states(cls, state_shape, rng, dtype)
    x_t, h0_t = to_torch(x, requires_grad=True), tuple(to_torch(h, requires_grad=True) for h in h0)

    out, h_n = scratch_layer(x, _pack(cls, h0))
    out_t, h_n_t = torch_layer(x_t, _pack(cls, h0_t))
    assert_twin_close(out, out_t, f"{what}: output")
    for name, a, b in zip(("h_n", "c_n"), _unpack(cls, h_n), _unpack(cls, h_n_t), strict=False):
        assert_twin_close(a, b, f"{what}: {name}")

    g_out = rng.standard_normal(out.shape).astype(dtype)
    g_state = _states(cls, state_shape, rng, dtype)
    grad_x, grad_h0 = scratch_layer.backward(g_out, _pack(cls, g_state))
    outputs = (out_t, *_unpack(cls, h_n_t))
    _check_backward(
        what,
        scratch_layer,
        torch_layer,
        (x_t, *h0_t),
        (grad_x, *_unpack(cls, grad_h0)),
        (g_out, *g_state),
        outputs,
    )


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_default_state_and_output_only_gradient(cls, rng):
    """hx=None is zeros and grad_state=None is zero: ∂E/∂h_0 comes only through the output."""
    scratch_layer, torch_layer = _twins(cls, {}, np.float64, rng, num_layers=2)
    x = rng.standard_normal((4, 2, N_IN))
    x_t = to_torch(x, requires_grad=True)
    out, _ = scratch_layer(x)
    out_t, _ = torch_layer(x_t)
    assert_twin_close(out, out_t, f"{cls}: output with hx=None")
    g_out = rng.standard_normal(out.shape)
    grad_x, grad_h0 = scratch_layer.backward(g_out)
    _check_backward(cls, scratch_layer, torch_layer, (x_t,), (grad_x,), (g_out,), (out_t,))
    assert all(g.shape == (2, 2, HIDDEN) for g in _unpack(cls, grad_h0))


CELLS = [
    pytest.param("C4.3-rnn", "RNNCell", {}, id="C4.3-rnn-cell"),
    pytest.param("C4.3-rnn", "RNNCell", {"nonlinearity": "relu", "bias": False}, id="C4.3-rnn-cell-relu"),
    pytest.param("C4.3-lstm", "LSTMCell", {}, id="C4.3-lstm-cell"),
    pytest.param("C4.3-gru", "GRUCell", {}, id="C4.3-gru-cell"),
    pytest.param("C4.3-gru", "GRUCell", {"bias": False}, id="C4.3-gru-cell-no-bias"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("concept", "cls", "kwargs"), CELLS)
def test_cell_matches_torch(concept, cls, kwargs, dtype, rng):
    what = f"{concept} {cls} {dtype.__name__}"
    scratch_cell, torch_cell = _twins(cls, kwargs, dtype, rng)
    x = rng.standard_normal((3, N_IN)).astype(dtype)
    hx = _states(cls, (3, HIDDEN), rng, dtype)
    x_t, hx_t = to_torch(x, requires_grad=True), tuple(to_torch(h, requires_grad=True) for h in hx)
    new, new_t = (
        _unpack(cls, scratch_cell(x, _pack(cls, hx))),
        _unpack(cls, torch_cell(x_t, _pack(cls, hx_t))),
    )
    for a, b in zip(new, new_t, strict=True):
        assert_twin_close(a, b, f"{what}: new state")
    upstream = _states(cls, (3, HIDDEN), rng, dtype)
    grad_x, grad_hx = scratch_cell.backward(_pack(cls, upstream))
    _check_backward(
        what, scratch_cell, torch_cell, (x_t, *hx_t), (grad_x, *_unpack(cls, grad_hx)), upstream, new_t
    )


class _WithState(Module):
    """A recurrent layer seen by ``gradcheck`` as a module of x alone: the initial state is a Parameter
    (so its gradient is checked too) and the output is out and every final state, flattened together
    (so the random upstream gradient reaches both)."""

    def __init__(self, layer: Module, h0: tuple[np.ndarray, ...], cls: str) -> None:
        super().__init__()
        self.layer, self.cls = layer, cls
        self.h_0 = Parameter(h0[0])
        self.c_0 = Parameter(h0[1]) if len(h0) == 2 else None

    def forward(self, x):
        states = (self.h_0.data,) + (() if self.c_0 is None else (self.c_0.data,))
        out, h_n = self.layer(x, _pack(self.cls, states))
        self._shapes = [out.shape] + [h.shape for h in _unpack(self.cls, h_n)]
        return np.concatenate([out.ravel()] + [h.ravel() for h in _unpack(self.cls, h_n)])

    def backward(self, g):
        sizes = np.cumsum([np.prod(s) for s in self._shapes])[:-1]
        parts = [p.reshape(s) for p, s in zip(np.split(g, sizes), self._shapes, strict=True)]
        grad_x, grad_h0 = self.layer.backward(parts[0], _pack(self.cls, tuple(parts[1:])))
        self._accumulate(**dict(zip(("h_0", "c_0"), _unpack(self.cls, grad_h0), strict=False)))
        return grad_x


@pytest.mark.parametrize(("concept", "cls", "kwargs", "shape", "num_layers", "batch_first", "bias"), LAYERS)
def test_three_way_finite_differences(concept, cls, kwargs, shape, num_layers, batch_first, bias, rng):
    """Small sizes (hidden 2, three steps): one probe is a whole forward, and there are two per entry.

    ε = 2e-5, measured as the best step for these stacks (gradcheck's default 1e-5 is tuned on single
    layers). E sums every output of every step, so its round-off eps_machine·|E|/ε is large beside the
    smallest gradients of a deep layer, while the O(ε²) truncation grows with the depth. The worst
    element-wise error over the parameters: 2-layer unbatched LSTM 1.4e-7 at ε = 1e-5, 8.8e-8 at 2e-5,
    < 3e-8 at 5e-5 (round-off: falls as ε grows); 3-layer LSTM < 3e-8 at 2e-5, 1.2e-7 at 5e-5, 4.8e-7 at
    1e-4 (truncation: ×4 per doubling). Torch agrees with the backward to the float64 contract above."""
    hidden, shape = 2, (3, *shape[1:])
    layer = getattr(snn, cls)(
        N_IN, hidden, num_layers=num_layers, batch_first=batch_first, bias=bias, **kwargs, rng=rng
    )
    seq_shape = shape[::-1] if batch_first and len(shape) == 2 else shape
    h0 = _states(cls, (num_layers, *shape[1:], hidden), rng, np.float64)
    x = rng.standard_normal((*seq_shape, N_IN))
    errors = gradcheck(_WithState(layer, h0, cls), x, eps=2e-5, rng=rng)
    assert {"input", "h_0", "layer.weight_ih_l0"} <= set(errors)
    for name, error in errors.items():
        assert error < FINITE_DIFFERENCE_RTOL, f"{concept} {cls} {name}: relative error {error:.2e}"


def test_state_dict_keys_are_torchs_and_load_both_ways(rng):
    scratch_lstm, torch_lstm = _twins("LSTM", {}, np.float64, rng, num_layers=2)
    assert list(scratch_lstm.state_dict()) == [
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
        "weight_ih_l1",
        "weight_hh_l1",
        "bias_ih_l1",
        "bias_hh_l1",
    ]
    assert scratch_lstm.weight_ih_l0.shape == (4 * HIDDEN, N_IN)
    assert snn.GRU(N_IN, HIDDEN).weight_hh_l0.shape == (3 * HIDDEN, HIDDEN)
    fresh = snn.LSTM(N_IN, HIDDEN, num_layers=2)
    fresh.load_state_dict(torch_lstm.state_dict())  # torch -> scratch
    x = rng.standard_normal((3, 2, N_IN))
    assert_twin_close(fresh(x)[0], torch_lstm(to_torch(x))[0], "C4.3-lstm: loaded from torch")


def test_gate_order_matters(rng):
    """The parity above can fail: the LSTM's blocks read in another order (i, f, o, g) give another output."""
    scratch_lstm, torch_lstm = _twins("LSTM", {}, np.float64, rng)
    state = {k: v.copy() for k, v in scratch_lstm.state_dict().items()}
    for key in state:
        i, f, g, o = np.split(state[key], 4)
        state[key] = np.concatenate([i, f, o, g])
    scratch_lstm.load_state_dict(state)
    x = rng.standard_normal((3, 2, N_IN))
    with pytest.raises(AssertionError, match="scratch and torch differ"):
        assert_twin_close(scratch_lstm(x)[0], torch_lstm(to_torch(x))[0], "C4.3-lstm permuted gates")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: snn.RNN(3, 4, nonlinearity="sigmoid"), ValueError, "nonlinearity to be one of"),
        (lambda: snn.LSTM(3, 4, proj_size=2), NotImplementedError, "proj_size"),
        (lambda: snn.GRU(3, 4, bidirectional=True), NotImplementedError, "bidirectional"),
        (lambda: snn.RNN(3, 4)(np.ones((2, 1, 5))), ValueError, r"input of shape \(L, N, 3\)"),
        (
            lambda: snn.RNN(3, 4)(np.ones((2, 1, 3)), np.ones((1, 2, 4))),
            ValueError,
            r"h_0 of shape \(1, 1, 4\)",
        ),
        (lambda: snn.LSTM(3, 4)(np.ones((2, 1, 3)), np.ones((1, 1, 4))), TypeError, r"tuple \(h_0, c_0\)"),
        (lambda: snn.GRU(3, 4)(np.ones((2, 1, 3), np.float32)), TypeError, "dtype float64"),
        (lambda: snn.LSTM(3, 4).backward(np.ones((2, 1, 4))), RuntimeError, "without a forward"),
    ],
    ids=[
        "nonlinearity",
        "proj-size",
        "bidirectional",
        "width",
        "h0-shape",
        "lstm-tuple",
        "dtype",
        "no-forward",
    ],
)
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
