r"""C4.3-rnn: recurrent layers (RNN, LSTM, GRU) and backpropagation through time (seed §4.3, week 3).

The twins of ``torch.nn.RNN``, ``LSTM``, ``GRU`` and their cells, with torch's names, arguments, defaults,
gate order (LSTM i, f, g, o; GRU r, z, n), both biases and ``state_dict`` keys (``weight_ih_l0``,
``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, then ``…_l1``). One step's math, forward beside backward,
is in ``scratch/nn/functional/rnn.py`` (its docstring derives BPTT); this file holds the weights and the
loops over time and layers:

    forward:   for each layer ℓ, for t = 1…T:   state_t = cell(x_t, state_{t−1})     (x_t: layer ℓ−1's h_t)
    backward:  for each layer ℓ from the top, for t = T…1:
                   g_state ← g_state + (∂E/∂h_t from the output);   (∂E/∂x_t, g_state, ∂E/∂W) = cell′(g_state)
               ∂E/∂W summed over t (one W, shared by every step); ∂E/∂x_t feeds layer ℓ−1's outputs.

``forward(input, hx=None)`` returns torch's tuple: ``(out, h_n)``, or ``(out, (h_n, c_n))`` for the LSTM.
``backward(grad_output, grad_state=None)`` takes ∂E/∂out and ∂E/∂(final state) (shaped as forward's
state, None: zero), adds into every parameter's ``.grad`` and returns ``(grad_input, grad_state0)``,
grad_state0 = ∂E/∂hx shaped as hx (``h`` or ``(h, c)``).

Differs from torch: ``dropout`` between layers, ``bidirectional`` and the LSTM's ``proj_size`` are not
built (a non-default value raises); packed sequences are not supported (pad, and mask the loss).
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

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"]

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


class RNNBase(_RecurrentWeights):
    """The loop over layers and time shared by RNN, LSTM and GRU (torch's ``nn.RNNBase``)."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        dtype: Any = np.float64,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        where = type(self).__name__
        self.num_layers = check_positive_int(where, "num_layers", num_layers)
        if dropout != 0 or bidirectional:
            raise NotImplementedError(
                f"{where}: dropout and bidirectional are not built (got {dropout}, "
                f"{bidirectional}); use 0.0 and False"
            )
        self.batch_first, self.dropout, self.bidirectional = bool(batch_first), 0.0, False
        self._make(mode, input_size, hidden_size, bias, [f"_l{k}" for k in range(num_layers)], dtype, rng)

    def forward(self, input: np.ndarray, hx: Any = None) -> tuple[np.ndarray, Any]:
        where = type(self).__name__
        x = check_floating(where, "input", input)
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{where}: expected input of shape (L, N, {self.input_size}) or "
                f"(L, {self.input_size}), got {x.shape}"
            )
        check_same_dtype(where, "input", x, self.dtype)
        batched = x.ndim == 3
        x = (x.swapaxes(0, 1) if self.batch_first else x) if batched else x[:, None]  # -> (L, N, n)
        state_shape = (self.num_layers, x.shape[1], self.hidden_size)
        hx0 = self._initial_state(hx, state_shape if batched else (self.num_layers, self.hidden_size))
        hx0 = tuple(h if batched else h[:, None] for h in hx0)
        caches, finals = [], []
        for layer in range(self.num_layers):
            state, weights, outs, layer_caches = tuple(h[layer] for h in hx0), self._weights(layer), [], []
            for x_t in x:
                state, cache = _step(self.mode, x_t, state, weights)
                outs.append(state[0])
                layer_caches.append(cache)
            x = np.stack(outs)
            caches.append(layer_caches)
            finals.append(state)
        self._cache = (caches, batched, input.shape)
        out = (x.swapaxes(0, 1) if self.batch_first else x) if batched else x[:, 0]
        h_n = tuple(np.stack(s) if batched else np.stack(s)[:, 0] for s in zip(*finals, strict=True))
        return out, (h_n if self.mode == "LSTM" else h_n[0])

    def backward(self, grad_output: np.ndarray, grad_state: Any = None) -> tuple[np.ndarray, Any]:
        caches, batched, input_shape = self._take("_cache")
        g = self._check_state("grad_output", grad_output, (*input_shape[:-1], self.hidden_size))
        g = (g.swapaxes(0, 1) if self.batch_first else g) if batched else g[:, None]  # (L, N, H)
        state_shape = (
            (self.num_layers, g.shape[1], self.hidden_size)
            if batched
            else (self.num_layers, self.hidden_size)
        )
        g_state = self._initial_state(grad_state, state_shape)
        g_state = tuple(s if batched else s[:, None] for s in g_state)
        grad_state0 = []
        for layer in reversed(range(self.num_layers)):
            state, sums, g_in = tuple(s[layer] for s in g_state), None, []
            for t in reversed(range(len(caches[layer]))):
                state = (state[0] + g[t], *state[1:])  # ∂E/∂h_t: from the output and from step t + 1
                dx, state, grads = _step_backward(self.mode, state, caches[layer][t])
                sums = grads if sums is None else _add(sums, grads)  # W is shared: Σ over t
                g_in.append(dx)
            self._add_grads(layer, sums)
            grad_state0.append(state)
            g = np.stack(g_in[::-1])
        grad_input = (g.swapaxes(0, 1) if self.batch_first else g) if batched else g[:, 0]
        h0 = tuple(np.stack(s[::-1]) for s in zip(*grad_state0, strict=True))  # layers bottom-up
        h0 = h0 if batched else tuple(s[:, 0] for s in h0)
        return grad_input, (h0 if self.mode == "LSTM" else h0[0])

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, bias={self.bias}, "
            f"batch_first={self.batch_first}"
        )


class RNN(RNNBase):
    r"""C4.3-rnn: 순환 신경망 (RNN), seed §4.3

    Math:      h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)   (or relu), per layer
    Backward:  BPTT (module docstring); one step's derivative in ``scratch.nn.functional.rnn.rnn_cell``.
    Shape:     input (L, N, n) (``batch_first``: (N, L, n)) or (L, n); h_0, h_n (num_layers, N, H);
               out (L, N, H): the last layer's h_t for every t.
    Args:      input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
               dropout=0.0, bidirectional=False (torch's order); dtype (float64), rng (init draws).

    Example:
        >>> import numpy as np
        >>> rnn = RNN(3, 4, num_layers=2, rng=np.random.default_rng(0))
        >>> out, h_n = rnn(np.ones((5, 2, 3)))
        >>> grad_x, grad_h0 = rnn.backward(np.ones_like(out))
        >>> out.shape, h_n.shape, grad_x.shape, grad_h0.shape
        ((5, 2, 4), (2, 2, 4), (5, 2, 3), (2, 2, 4))
        >>> list(rnn.state_dict())[:4]
        ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        **kwargs: Any,
    ) -> None:
        check_choice("RNN", "nonlinearity", nonlinearity, ("tanh", "relu"))
        self.nonlinearity = nonlinearity
        super().__init__(
            "RNN_" + nonlinearity.upper(),
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            **kwargs,
        )


class LSTM(RNNBase):
    r"""C4.3-lstm: 장단기 메모리 (LSTM), seed §4.3

    Math:      per layer and step, ``lstm_cell``: gates i, f, g, o;  c_t = f ⊙ c_{t−1} + i ⊙ g,
               h_t = o ⊙ tanh c_t.  Returns (out, (h_n, c_n)).
    Shape:     as ``RNN``, with c_0, c_n (num_layers, N, H);  weight_ih_l0 (4H, n), weight_hh_l0 (4H, H).
    Args:      input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
               bidirectional=False, proj_size=0 (only 0); dtype, rng.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        **kwargs: Any,
    ) -> None:
        if proj_size != 0:
            raise NotImplementedError(f"LSTM: proj_size is not built; expected 0, got {proj_size}")
        self.proj_size = 0
        super().__init__(
            "LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, **kwargs
        )


class GRU(RNNBase):
    r"""C4.3-gru: 게이트 순환 유닛 (GRU), seed §4.3

    Math:      per layer and step, ``gru_cell``: gates r, z, n;  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}.
    Shape:     as ``RNN``;  weight_ih_l0 (3H, n), weight_hh_l0 (3H, H).
    Args:      input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
               bidirectional=False; dtype, rng.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            "GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, **kwargs
        )


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
