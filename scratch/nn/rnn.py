r"""C4.3-rnn: recurrent layers (RNN, LSTM, GRU) and backpropagation through time (seed §4.3, week 3).

The twins of ``torch.nn.RNN``, ``LSTM``, ``GRU`` and their cells, with torch's names, arguments, defaults,
gate order (LSTM i, f, g, o; GRU r, z, n), both biases and ``state_dict`` keys (``weight_ih_l0``,
``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, then ``…_l1``). One step's math, forward beside backward,
is in ``scratch/nn/functional/rnn.py`` (its docstring derives BPTT); the cells and the weights they share
are in ``scratch/nn/rnn_cell.py``; this file holds the loops over time and layers:

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

from typing import Any

import numpy as np

from scratch.nn.checks import check_choice, check_floating, check_positive_int, check_same_dtype
from scratch.nn.rnn_cell import (
    GRUCell,
    LSTMCell,
    RNNCell,
    _add,
    _RecurrentWeights,
    _step,
    _step_backward,
)

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"]


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
