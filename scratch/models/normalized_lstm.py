r"""C4.3-layernorm-sequences: an LSTM normalized in its recurrence, by batch or by layer norm (seed §4.3).

The notes (§4.3): batch norm is hard to apply to sequential data such as an RNN's, so RNNs use layer
norm, which is robust to the sequence ("Sequence에 강건"). This model puts either normalization where
Ba et al. (2016, "Layer Normalization", §3.1) put layer norm in an LSTM, and is used by
``twin_nets.experiments.sequence_norm`` to measure the claim in both twins.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from scratch.nn import init
from scratch.nn.batchnorm import BatchNorm1d
from scratch.nn.checks import check_choice, check_floating, check_same_dtype
from scratch.nn.functional.rnn import lstm_gates
from scratch.nn.module import Module, Parameter
from scratch.nn.normalization import LayerNorm


class NormalizedLSTM(Module):
    r"""C4.3-layernorm-sequences: 레이어 정규화 (LSTM normalized in its recurrence), seed §4.3

    Math:      a_t = N_ih(x_t W_ihᵀ) + N_hh(h_{t−1} W_hhᵀ) + b          (N: the chosen normalization)
               h_t, c_t = the LSTM's gates on a_t (``scratch.nn.functional.rnn.lstm_gates``)
               ``norm='layer'``: N = LayerNorm(4H), over each sample's 4H pre-activations (Ba et al.'s
               LN-LSTM, without their extra norm of c_t);  ``norm='batch'``: N = BatchNorm1d(4H), over the
               batch at each time step (one γ, β and one set of running statistics for every step).
    Shape:     x (L, N, n) -> out (L, N, H), zeros as h_0 and c_0; a padded batch runs every row for L steps,
               as a padded batch without packing does.
    Forward only: the measurement needs no training (batch norm's running statistics come from
               training-mode forward passes). Keys: weight_ih, weight_hh, bias, norm_ih.*, norm_hh.*.

    Example:
        >>> import numpy as np
        >>> model = NormalizedLSTM(2, 3, norm="layer", rng=np.random.default_rng(0))
        >>> model(np.ones((4, 5, 2))).shape
        (4, 5, 3)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        norm: str = "layer",
        *,
        dtype: Any = np.float64,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.norm = check_choice("NormalizedLSTM", "norm", norm, ("batch", "layer"))
        self.hidden_size, self.dtype = hidden_size, np.dtype(dtype)
        gates = 4 * hidden_size
        self.weight_ih = Parameter(np.empty((gates, input_size), dtype=self.dtype))
        self.weight_hh = Parameter(np.empty((gates, hidden_size), dtype=self.dtype))
        self.bias = Parameter(np.empty(gates, dtype=self.dtype))
        bound = 1 / math.sqrt(hidden_size)  # torch's LSTM init, U(−1/√H, 1/√H)
        for p in (self.weight_ih, self.weight_hh, self.bias):
            init.uniform_(p.data, -bound, bound, rng=rng)
        make = (
            (lambda: LayerNorm(gates, dtype=self.dtype))
            if norm == "layer"
            else (lambda: BatchNorm1d(gates, dtype=self.dtype))
        )
        self.norm_ih, self.norm_hh = make(), make()

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating("NormalizedLSTM", "input", x)
        check_same_dtype("NormalizedLSTM", "input", x, self.dtype)
        h = c = np.zeros((x.shape[1], self.hidden_size), dtype=self.dtype)
        outs = []
        for x_t in x:
            a = self.norm_ih(x_t @ self.weight_ih.data.T) + self.norm_hh(h @ self.weight_hh.data.T)
            h, c, _, _ = lstm_gates(a + self.bias.data, c)
            outs.append(h)
        return np.stack(outs)
