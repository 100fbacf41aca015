r"""C4.3-rnn: the recurrent cells (``RNNCell``, ``LSTMCell``, ``GRUCell``: one step as a module) and the
weights every recurrent layer shares (seed §4.3, week 3).

One step's math, forward beside backward, is in ``scratch/nn/functional/rnn.py`` (its docstring derives
BPTT); the loops over time and layers that call it are in ``scratch/nn/rnn.py``. Names, arguments,
defaults, gate order (LSTM i, f, g, o; GRU r, z, n), both biases and the ``state_dict`` keys are torch's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from scratch.nn import init
from scratch.nn.checks import check_choice, check_floating, check_positive_int, check_same_dtype
from scratch.nn.functional.rnn import (
    gru_cell,
    gru_cell_backward,
    lstm_cell,
    lstm_cell_backward,
    rnn_cell,
    rnn_cell_backward,
)
from scratch.nn.module import Module, Parameter

__all__ = ["GRUCell", "LSTMCell", "RNNCell", "RNNCellBase"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _step(mode: str, x, state: tuple, weights: tuple):
    """One cell step in the internal form: state is (h,) or (h, c)."""
    if mode == "LSTM":
        h, c, cache = lstm_cell(x, *state, *weights)
        return (h, c), cache
    if mode == "GRU":
        h, cache = gru_cell(x, state[0], *weights)
        return (h,), cache
    h, cache = rnn_cell(x, state[0], *weights, nonlinearity="tanh" if mode == "RNN_TANH" else "relu")
    return (h,), cache


def _step_backward(mode: str, grad_state: tuple, cache):
    """(∂E/∂x, ∂E/∂(previous state), parameter gradients) of one step."""
    if mode == "LSTM":
        dx, dh, dc, grads = lstm_cell_backward(*grad_state, cache)
        return dx, (dh, dc), grads
    backward = gru_cell_backward if mode == "GRU" else rnn_cell_backward
    dx, dh, grads = backward(grad_state[0], cache)
    return dx, (dh,), grads


def _add(sums: tuple, grads: tuple) -> list:
    return [None if a is None else a + b for a, b in zip(sums, grads, strict=True)]


class _RecurrentWeights(Module):
    """Weights of one or more layers, torch's init U(−1/√H, 1/√H) for every one, and the checks."""

    def _make(self, mode, input_size, hidden_size, bias, suffixes, dtype, rng) -> None:
        self.mode = mode
        self.input_size = check_positive_int(type(self).__name__, "input_size", input_size)
        self.hidden_size = check_positive_int(type(self).__name__, "hidden_size", hidden_size)
        self.bias = bool(bias)
        self.dtype = np.dtype(dtype)
        gates = _GATES[mode] * hidden_size
        self._weight_names = []
        for k, suffix in enumerate(suffixes):
            n_in = input_size if k == 0 else hidden_size
            names = [f"weight_ih{suffix}", f"weight_hh{suffix}"] + (
                [f"bias_ih{suffix}", f"bias_hh{suffix}"] if bias else []
            )
            shapes = [(gates, n_in), (gates, hidden_size), (gates,), (gates,)]
            for name, shape in zip(names, shapes, strict=False):
                setattr(self, name, Parameter(np.empty(shape, dtype=self.dtype)))
            self._weight_names.append(names + [None, None][: 4 - len(names)])
        self._cache = None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """torch's default: every weight and bias ~ U(−1/√H, 1/√H)."""
        bound = 1 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p.data, -bound, bound, rng=rng)

    def _on_dtype_change(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def _weights(self, layer: int) -> tuple:
        return tuple(None if n is None else getattr(self, n).data for n in self._weight_names[layer])

    def _add_grads(self, layer: int, grads: list) -> None:
        for name, grad in zip(self._weight_names[layer], grads, strict=True):
            if name is not None:
                getattr(self, name).grad += grad

    def _check_state(self, what: str, h: Any, shape: tuple[int, ...]) -> np.ndarray:
        h = check_floating(type(self).__name__, what, h)
        if h.shape != shape:
            raise ValueError(f"{type(self).__name__}: expected {what} of shape {shape}, got {h.shape}")
        check_same_dtype(type(self).__name__, what, h, self.dtype)
        return h

    def _initial_state(self, hx: Any, shape: tuple[int, ...]) -> tuple:
        n_state = 2 if self.mode == "LSTM" else 1
        if hx is None:
            return tuple(np.zeros(shape, self.dtype) for _ in range(n_state))
        hx = hx if n_state == 2 else (hx,)
        if not isinstance(hx, tuple) or len(hx) != n_state:
            raise TypeError(f"{type(self).__name__}: expected hx to be a tuple (h_0, c_0), got {type(hx)}")
        return tuple(self._check_state(w, h, shape) for w, h in zip(("h_0", "c_0"), hx, strict=False))


class RNNCellBase(_RecurrentWeights):
    """One step as a module: ``forward(input, hx=None)`` returns h' (LSTM: (h', c'));
    ``backward(grad_output)`` takes ∂E/∂h' (LSTM: (∂E/∂h', ∂E/∂c'), either may be None) and returns
    ``(grad_input, grad_hx)``, grad_hx shaped as hx. Keys: ``weight_ih``, ``weight_hh``, ``bias_ih``,
    ``bias_hh``."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        dtype: Any = np.float64,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self._make(mode, input_size, hidden_size, bias, [""], dtype, rng)

    def forward(self, input: np.ndarray, hx: Any = None) -> Any:
        where = type(self).__name__
        x = check_floating(where, "input", input)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(f"{where}: expected input of shape (N, {self.input_size}), got {x.shape}")
        check_same_dtype(where, "input", x, self.dtype)
        batched = x.ndim == 2
        state = self._initial_state(hx, (*x.shape[:-1], self.hidden_size))
        x, state = (x, state) if batched else (x[None], tuple(s[None] for s in state))
        state, cache = _step(self.mode, x, state, self._weights(0))
        self._cache = (cache, batched)
        state = state if batched else tuple(s[0] for s in state)
        return state if self.mode == "LSTM" else state[0]

    def backward(self, grad_output: Any) -> tuple[np.ndarray, Any]:
        cache, batched = self._take("_cache")
        shape = cache.h.shape if batched else cache.h.shape[1:]
        g = self._initial_state(grad_output, shape)
        g = g if batched else tuple(s[None] for s in g)
        dx, g_state, grads = _step_backward(self.mode, g, cache)
        self._add_grads(0, grads)
        dx, g_state = (dx, g_state) if batched else (dx[0], tuple(s[0] for s in g_state))
        return dx, (g_state if self.mode == "LSTM" else g_state[0])

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"


class RNNCell(RNNCellBase):
    """C4.3-rnn: 순환 신경망 (RNNCell), seed §4.3

    One step as a module; the math is ``scratch.nn.functional.rnn.rnn_cell``.
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh", **kwargs: Any
    ) -> None:
        check_choice("RNNCell", "nonlinearity", nonlinearity, ("tanh", "relu"))
        self.nonlinearity = nonlinearity
        super().__init__("RNN_" + nonlinearity.upper(), input_size, hidden_size, bias, **kwargs)


class LSTMCell(RNNCellBase):
    """C4.3-lstm: 장단기 메모리 (LSTMCell), seed §4.3

    One step as a module; the math is ``scratch.nn.functional.rnn.lstm_cell``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, **kwargs: Any) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias, **kwargs)


class GRUCell(RNNCellBase):
    """C4.3-gru: 게이트 순환 유닛 (GRUCell), seed §4.3

    One step as a module; the math is ``scratch.nn.functional.rnn.gru_cell``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, **kwargs: Any) -> None:
        super().__init__("GRU", input_size, hidden_size, bias, **kwargs)
