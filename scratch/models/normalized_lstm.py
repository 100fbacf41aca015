r"""C4.3-layernorm-sequences: an LSTM normalized in its recurrence, by batch or by layer norm (seed §4.3).

The notes (§4.3): batch norm is hard to apply to sequential data such as an RNN's, so RNNs use layer
norm, which is robust to the sequence ("Sequence에 강건"). This model puts either normalization where
Ba et al. (2016, "Layer Normalization", §3.1) put layer norm in an LSTM, and is used by
``twin_nets.experiments.sequence_norm`` (outputs) and ``twin_nets.experiments.sequence_length`` (accuracy
at lengths longer than training's) to measure the claim in both twins.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from scratch.nn import init
from scratch.nn.batchnorm import BatchNorm1d
from scratch.nn.checks import check_choice, check_floating, check_grad_output, check_same_dtype
from scratch.nn.functional.rnn import lstm_gates, lstm_gates_backward
from scratch.nn.module import Module, Parameter
from scratch.nn.normalization import LayerNorm


class NormalizedLSTM(Module):
    r"""C4.3-layernorm-sequences: 레이어 정규화 (LSTM normalized in its recurrence), seed §4.3

    Math:      a_t = N_ih(x_t W_ihᵀ) + N_hh(h_{t−1} W_hhᵀ) + b          (N: the chosen normalization)
               [i, f, g, o] = [σ, σ, tanh, σ](a_t),   c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh c_t
               (``scratch.nn.functional.rnn.lstm_gates``), h_0 = c_0 = 0, out = (h_1, …, h_L).
               ``norm='layer'``: N = LayerNorm(4H), over each sample's 4H pre-activations (Ba et al.'s
               LN-LSTM, without their extra norm of c_t);  ``norm='batch'``: N = BatchNorm1d(4H), over the
               batch at each time step (one γ, β and one set of running statistics for every step).
    Backward:  BPTT (``scratch.nn.functional.rnn``), t = L…1, with g_h, g_c = ∂E/∂h_t, ∂E/∂c_t arriving
               from step t + 1 (zero at t = L) and ∂E/∂out_t added to g_h:
               δa_t, ∂E/∂c_{t−1} = the gates' backward (``lstm_gates_backward``) of g_h, g_c
               ∂E/∂b += Σ_rows δa_t
               δz_t = N_ih′(δa_t), δu_t = N_hh′(δa_t)       (each norm's backward on step t's cache; it adds
                                                            step t's ∂E/∂γ, ∂E/∂β: one γ, β for all t)
               ∂E/∂W_ih += δz_tᵀ x_t,   ∂E/∂x_t = δz_t W_ih,
               ∂E/∂W_hh += δu_tᵀ h_{t−1},   ∂E/∂h_{t−1} = δu_t W_hh   (the g_h of step t − 1)
               N′ (⟨·⟩ a mean, x̂ and s = 1/√(σ² + eps) from the forward, d = γ ⊙ δ):  layer norm
               s (d − ⟨d⟩ − x̂ ⟨d x̂⟩) over one sample's 4H entries;  batch norm s (d − ⟨d⟩ − x̂ ⟨d x̂⟩) over
               step t's N samples (eval: s d). Batch norm's mixes the batch: a sequence's gradient, like
               its output, depends on its batch-mates.
    Shape:     x (L, N, n) -> out (L, N, H); a padded batch runs every row for L steps, as a padded batch
               without packing does (read each sequence's output at its own last step).
    Keys:      weight_ih (4H, n), weight_hh (4H, H), bias (4H,), norm_ih.*, norm_hh.*.

    Example:
        >>> import numpy as np
        >>> model = NormalizedLSTM(2, 3, norm="layer", rng=np.random.default_rng(0))
        >>> out = model(np.ones((4, 5, 2)))
        >>> out.shape, model.backward(np.ones_like(out)).shape
        ((4, 5, 3), (4, 5, 2))
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
        self._steps = None  # per step, what backward needs

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating("NormalizedLSTM", "input", x)
        check_same_dtype("NormalizedLSTM", "input", x, self.dtype)
        h = c = np.zeros((x.shape[1], self.hidden_size), dtype=self.dtype)
        outs, steps = [], []
        for x_t in x:
            a_x, cache_x = _normalize(self.norm_ih, x_t @ self.weight_ih.data.T)
            a_h, cache_h = _normalize(self.norm_hh, h @ self.weight_hh.data.T)
            h_prev, c_prev = h, c
            h, c, gates, tanh_c = lstm_gates(a_x + a_h + self.bias.data, c)
            steps.append((x_t, h_prev, c_prev, gates, tanh_c, cache_x, cache_h))
            outs.append(h)
        self._steps = steps
        return np.stack(outs)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        steps = self._take("_steps")
        shape = (len(steps), steps[0][1].shape[0] if steps else 0, self.hidden_size)
        g = check_grad_output("NormalizedLSTM.backward", grad_output, shape, self.dtype)
        grad_input = np.empty((len(steps), shape[1], self.weight_ih.shape[1]), dtype=self.dtype)
        g_h = g_c = np.zeros(shape[1:], dtype=self.dtype)
        for t in reversed(range(len(steps))):
            x_t, h_prev, c_prev, gates, tanh_c, cache_x, cache_h = steps[t]
            da, g_c = lstm_gates_backward(g[t] + g_h, g_c, c_prev, gates, tanh_c)
            self.bias.grad += da.sum(axis=0)
            dz = _normalize_backward(self.norm_ih, da, cache_x)
            du = _normalize_backward(self.norm_hh, da, cache_h)
            self.weight_ih.grad += dz.T @ x_t
            self.weight_hh.grad += du.T @ h_prev
            grad_input[t] = dz @ self.weight_ih.data
            g_h = du @ self.weight_hh.data
        return grad_input


def _normalize(norm: Module, z: np.ndarray) -> tuple[np.ndarray, Any]:
    """The norm's forward (batch norm's running statistics move, as in torch) and the cache its backward
    needs, kept per step: one norm module serves every step, so its own cache holds only the last."""
    return norm(z), norm._take("_cache")


def _normalize_backward(norm: Module, grad: np.ndarray, cache: Any) -> np.ndarray:
    """The norm's own backward on step t's cache: returns ∂E/∂z and adds step t's ∂E/∂γ, ∂E/∂β."""
    norm._cache = cache
    return norm.backward(grad)
