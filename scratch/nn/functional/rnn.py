r"""C4.3-rnn: one step of each recurrent cell (RNN, LSTM, GRU), forward beside backward (seed §4.3, week 3).

The twins of torch's ``_VF.rnn_tanh_cell``, ``lstm_cell`` and ``gru_cell``. Each forward takes one time
step's input x (N, n) and the previous state, and returns the new state and a named cache (CS231n's
``affine_forward`` habit); each backward takes the upstream gradients of the new state and the cache and
returns ∂E/∂x, ∂E/∂(previous state) and the four parameter gradients (W_ih, W_hh, b_ih, b_hh; None for
an absent bias). The loop over time and layers is in ``scratch/nn/rnn.py``.

Symbols (the notes' x, w, b, E; H the hidden size): h the hidden state, c the LSTM's cell state,
σ the sigmoid, ⊙ the element-wise product, g_h = ∂E/∂h', g_c = ∂E/∂c' the upstream gradients of one
step's new state. Both biases are kept, as torch keeps them (b_ih + b_hh is one bias, learned twice:
their gradients are equal).

Backpropagation through time (BPTT). Unrolled over t = 1…T a recurrent layer is a deep network whose
layers share W: h_t = f(x_t, h_{t−1}; W). E depends on h_t through the output y_t = h_t and through
h_{t+1}, so, running t backwards from T:
    ∂E/∂h_t = ∂E/∂y_t + (∂h_{t+1}/∂h_t)ᵀ ∂E/∂h_{t+1},    with ∂E/∂h_{T+1} := ∂E/∂h_n (the final state's)
and, W being shared, ∂E/∂W = Σ_t (the step-t gradient of W), which is why each backward *adds*.
The product of the Jacobians ∂h_{t+1}/∂h_t over many steps shrinks (or grows) geometrically: the
vanishing gradient of §3.2.3, through time. The LSTM's cell path c_t = f ⊙ c_{t−1} + … passes the
gradient back multiplied by the forget gate f only (∂c_t/∂c_{t−1} = diag f), with no squashing
derivative in between.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

Grads = tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]


def _sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = ½(1 + tanh(a/2)), the same function as 1/(1 + e^(−a)) (multiply top and bottom by e^(a/2)):
    one ufunc, and it cannot overflow, so it needs none of ``scratch.nn.functional.sigmoid``'s masks. The
    gates call it 3× per step; with the masked form it took 29 % of an LSTM training step (the bench's
    lstm row, ``scripts/bench.py --models lstm``)."""
    return 0.5 * (1 + np.tanh(0.5 * a))


def _affine(x, h, w_ih, w_hh, b_ih, b_hh) -> np.ndarray:
    """x W_ihᵀ + b_ih + h W_hhᵀ + b_hh."""
    a = x @ w_ih.T + h @ w_hh.T
    return a + (b_ih + b_hh) if b_ih is not None else a


def _affine_backward(da, x, h, w_ih, w_hh, bias: bool, da_h=None) -> tuple[np.ndarray, np.ndarray, Grads]:
    """Backward of ``_affine`` for g = ∂E/∂a (``da_h``: a different g for the h half, the GRU's)."""
    da_h = da if da_h is None else da_h
    grads = (da.T @ x, da_h.T @ h, da.sum(axis=0) if bias else None, da_h.sum(axis=0) if bias else None)
    return da @ w_ih, da_h @ w_hh, grads


class RNNCellCache(NamedTuple):
    x: np.ndarray
    h: np.ndarray
    h_new: np.ndarray
    weights: tuple
    nonlinearity: str


def rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    r"""C4.3-rnn: 순환 신경망 (one step of an Elman RNN), seed §4.3

    Math:      a = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh,     h' = tanh(a)   (or relu(a))
    Backward:  δ = g_h ⊙ (1 − h'²)   (relu: g_h ⊙ [a > 0], read from h' > 0)
               ∂E/∂x = δ W_ih,   ∂E/∂h = δ W_hh,   ∂E/∂W_ih = δᵀ x,   ∂E/∂W_hh = δᵀ h,
               ∂E/∂b_ih = ∂E/∂b_hh = Σ_rows δ
               Through time: ∂h'/∂h = diag(1 − h'²) W_hh, a factor ≤ ‖W_hh‖ per step.
    Shape:     x (N, n), h (N, H) -> h' (N, H);  W_ih (H, n), W_hh (H, H), b (H,)
    """
    a = _affine(x, h, w_ih, w_hh, b_ih, b_hh)
    h_new = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)
    return h_new, RNNCellCache(x, h, h_new, (w_ih, w_hh, b_ih is not None), nonlinearity)


def rnn_cell_backward(grad_h: np.ndarray, cache: RNNCellCache) -> tuple[np.ndarray, np.ndarray, Grads]:
    """Backward of ``rnn_cell``: (∂E/∂x, ∂E/∂h, (∂E/∂W_ih, ∂E/∂W_hh, ∂E/∂b_ih, ∂E/∂b_hh))."""
    x, h, h_new, (w_ih, w_hh, bias), nonlinearity = cache
    da = grad_h * (1 - h_new * h_new) if nonlinearity == "tanh" else grad_h * (h_new > 0)
    return _affine_backward(da, x, h, w_ih, w_hh, bias)


class LSTMCellCache(NamedTuple):
    x: np.ndarray
    h: np.ndarray
    c: np.ndarray
    gates: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # i, f, g, o after their activations
    tanh_c_new: np.ndarray
    weights: tuple


def lstm_cell(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""C4.3-lstm: 장단기 메모리 (one step of an LSTM, gate order i f g o), seed §4.3

    Math:      [a_i, a_f, a_g, a_o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh           (four H-wide blocks)
               i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
               c' = f ⊙ c + i ⊙ g,     h' = o ⊙ tanh(c')
    Backward:  (g_h = ∂E/∂h', g_c = ∂E/∂c' from the next step or the final state)
               δc = g_c + g_h ⊙ o ⊙ (1 − tanh²c')         every path into c'
               δo = g_h ⊙ tanh c',  δi = δc ⊙ g,  δg = δc ⊙ i,  δf = δc ⊙ c,   ∂E/∂c = δc ⊙ f
               δa = [δi i(1−i), δf f(1−f), δg (1−g²), δo o(1−o)],  then as the RNN's affine part
    Shape:     x (N, n), h, c (N, H) -> h', c' (N, H);  W_ih (4H, n), W_hh (4H, H), b (4H,)
    """
    a = _affine(x, h, w_ih, w_hh, b_ih, b_hh)
    h_new, c_new, gates, tanh_c_new = lstm_gates(a, c)
    return h_new, c_new, LSTMCellCache(x, h, c, gates, tanh_c_new, (w_ih, w_hh, b_ih is not None))


def lstm_gates(a: np.ndarray, c: np.ndarray):
    """The LSTM's gating, from the pre-activations a (N, 4H) on: (h', c', (i, f, g, o), tanh c').
    Shared with the layer-normalized LSTM (``scratch.models.normalized_lstm``), whose a is normalized."""
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i, f, g, o = _sigmoid(a_i), _sigmoid(a_f), np.tanh(a_g), _sigmoid(a_o)
    c_new = f * c + i * g
    tanh_c_new = np.tanh(c_new)
    return o * tanh_c_new, c_new, (i, f, g, o), tanh_c_new


def lstm_gates_backward(grad_h, grad_c, c, gates, tanh_c_new) -> tuple[np.ndarray, np.ndarray]:
    """Backward of ``lstm_gates`` (``lstm_cell``'s δ lines): (∂E/∂a, ∂E/∂c) from g_h = ∂E/∂h', g_c = ∂E/∂c'.
    Shared with the layer-normalized LSTM, which sends ∂E/∂a on through its normalizations."""
    i, f, g, o = gates
    dc = grad_c + grad_h * o * (1 - tanh_c_new * tanh_c_new)
    do, di, dg, df = grad_h * tanh_c_new, dc * g, dc * i, dc * c
    da = np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g * g), do * o * (1 - o)], axis=1)
    return da, dc * f


def lstm_cell_backward(grad_h, grad_c, cache: LSTMCellCache):
    """Backward of ``lstm_cell``: (∂E/∂x, ∂E/∂h, ∂E/∂c, (∂E/∂W_ih, ∂E/∂W_hh, ∂E/∂b_ih, ∂E/∂b_hh))."""
    x, h, c, gates, tanh_c_new, (w_ih, w_hh, bias) = cache
    da, grad_c_prev = lstm_gates_backward(grad_h, grad_c, c, gates, tanh_c_new)
    dx, dh, grads = _affine_backward(da, x, h, w_ih, w_hh, bias)
    return dx, dh, grad_c_prev, grads


class GRUCellCache(NamedTuple):
    x: np.ndarray
    h: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    hh_n: np.ndarray  # W_hn h + b_hn, the part of the candidate the reset gate scales
    weights: tuple


def gru_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""C4.3-gru: 게이트 순환 유닛 (one step of a GRU, gate order r z n), seed §4.3

    Math:      [i_r, i_z, i_n] = x W_ihᵀ + b_ih,     [h_r, h_z, h_n] = h W_hhᵀ + b_hh
               r = σ(i_r + h_r),  z = σ(i_z + h_z),  n = tanh(i_n + r ⊙ h_n)
               h' = (1 − z) ⊙ n + z ⊙ h
    Backward:  δn = g_h ⊙ (1 − z) ⊙ (1 − n²),   δz = g_h ⊙ (h − n) ⊙ z(1 − z),   δr = δn ⊙ h_n ⊙ r(1 − r)
               ∂E/∂(x-side) = [δr, δz, δn],     ∂E/∂(h-side) = [δr, δz, δn ⊙ r]
               ∂E/∂h = g_h ⊙ z + [δr, δz, δn ⊙ r] W_hh;   the rest as the RNN's affine part, each side
               with its own δ (so b_ih's and b_hh's gradients differ in the n block)
    Differs:   the reset gate scales W_hn h + b_hn (torch, cuDNN), not h before W_hn (the 2014 paper).
    Shape:     x (N, n), h (N, H) -> h' (N, H);  W_ih (3H, n), W_hh (3H, H), b (3H,)
    """
    gi = x @ w_ih.T if b_ih is None else x @ w_ih.T + b_ih
    gh = h @ w_hh.T if b_hh is None else h @ w_hh.T + b_hh
    i_r, i_z, i_n = np.split(gi, 3, axis=1)
    h_r, h_z, h_n = np.split(gh, 3, axis=1)
    r, z = _sigmoid(i_r + h_r), _sigmoid(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    h_new = (1 - z) * n + z * h
    return h_new, GRUCellCache(x, h, r, z, n, h_n, (w_ih, w_hh, b_ih is not None))


def gru_cell_backward(grad_h, cache: GRUCellCache):
    """Backward of ``gru_cell``: (∂E/∂x, ∂E/∂h, (∂E/∂W_ih, ∂E/∂W_hh, ∂E/∂b_ih, ∂E/∂b_hh))."""
    x, h, r, z, n, h_n, (w_ih, w_hh, bias) = cache
    dn = grad_h * (1 - z) * (1 - n * n)
    dz = grad_h * (h - n) * z * (1 - z)
    dr = dn * h_n * r * (1 - r)
    da_x = np.concatenate([dr, dz, dn], axis=1)
    da_h = np.concatenate([dr, dz, dn * r], axis=1)
    dx, dh, grads = _affine_backward(da_x, x, h, w_ih, w_hh, bias, da_h=da_h)
    return dx, dh + grad_h * z, grads
