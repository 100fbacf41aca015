"""C4.3-rnn: vanishing gradients through time — ‖∂E/∂h_t‖ against t for a tanh RNN and an LSTM, both twins.

Settings (documented; the tests assert on them): input 4, hidden 32, a batch of 8 sequences of T = 40
steps of N(0, 1) inputs, h_0 = c_0 = 0, E = Σ G ⊙ h_T with a random upstream G (the loss reads only the
last step, so every earlier step's gradient arrives only through the recurrence). Weights: torch's
default U(−1/√H, 1/√H) for both; the LSTM also with its forget-gate bias b_f (both biases' f blocks)
set to 1 (Jozefowicz et al., 2015), the usual fix that starts the forget gate near σ(1) ≈ 0.73.

The scratch twin walks backwards through time with the functional cells (``rnn_cell_backward``,
``lstm_cell_backward``), keeping ∂E/∂h_t of every step; the torch twin uses ``nn.RNNCell`` / ``nn.LSTMCell``
and ``retain_grad``. Same weights (state dicts), same inputs.
"""

from __future__ import annotations

import numpy as np
import torch

import scratch.nn as snn
from scratch.nn.functional.rnn import lstm_cell, lstm_cell_backward, rnn_cell, rnn_cell_backward
from torch_impl.nn.state import load_numpy_state_dict

INPUT, HIDDEN, BATCH, STEPS = 4, 32, 8, 40
MODELS = ("rnn-tanh", "lstm", "lstm-forget-bias-1")


def _scratch_cell(model: str, seed: int):
    rng = np.random.default_rng(seed)
    cell = (
        snn.RNNCell(INPUT, HIDDEN, rng=rng) if model == "rnn-tanh" else snn.LSTMCell(INPUT, HIDDEN, rng=rng)
    )
    if model == "lstm-forget-bias-1":
        for bias in (cell.bias_ih, cell.bias_hh):
            bias.data[HIDDEN : 2 * HIDDEN] = 0.5  # b_ih + b_hh = 1 in the f block (order i, f, g, o)
    return cell


def scratch_norms(model: str, seed: int, x: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    """‖∂E/∂h_t‖ (Frobenius over the batch) for t = 1…T, by BPTT with the scratch cells."""
    cell = _scratch_cell(model, seed)
    weights = (cell.weight_ih.data, cell.weight_hh.data, cell.bias_ih.data, cell.bias_hh.data)
    h = c = np.zeros((BATCH, HIDDEN))
    caches = []
    for x_t in x:  # forward through time
        if model == "rnn-tanh":
            h, cache = rnn_cell(x_t, h, *weights)
        else:
            h, c, cache = lstm_cell(x_t, h, c, *weights)
        caches.append(cache)
    g_h, g_c, norms = upstream, np.zeros_like(upstream), []
    for cache in reversed(caches):  # backward through time: g_h is ∂E/∂h_t on entering step t
        norms.append(np.linalg.norm(g_h))
        if model == "rnn-tanh":
            _, g_h, _ = rnn_cell_backward(g_h, cache)
        else:
            _, g_h, g_c, _ = lstm_cell_backward(g_h, g_c, cache)
    return np.array(norms[::-1])


def torch_norms(model: str, seed: int, x: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    """The same with torch's cells and autograd (``retain_grad`` on every h_t)."""
    source = _scratch_cell(model, seed)
    kind = torch.nn.RNNCell if model == "rnn-tanh" else torch.nn.LSTMCell
    cell = kind(INPUT, HIDDEN, dtype=torch.float64)
    load_numpy_state_dict(cell, source.state_dict())
    h = c = torch.zeros(BATCH, HIDDEN, dtype=torch.float64)
    states = []
    for x_t in torch.from_numpy(x):
        if model == "rnn-tanh":
            h = cell(x_t, h)
        else:
            h, c = cell(x_t, (h, c))
        h.retain_grad()
        states.append(h)
    h.backward(torch.from_numpy(upstream))
    return np.array([float(torch.linalg.norm(s.grad)) for s in states])


def measure(seed: int) -> dict[str, dict[str, np.ndarray]]:
    """``{model: {"scratch": norms, "torch": norms}}`` on one seed's weights and draws."""
    rng = np.random.default_rng(20_000 + seed)
    x, upstream = rng.standard_normal((STEPS, BATCH, INPUT)), rng.standard_normal((BATCH, HIDDEN))
    return {
        model: {
            "scratch": scratch_norms(model, seed, x, upstream),
            "torch": torch_norms(model, seed, x, upstream),
        }
        for model in MODELS
    }
