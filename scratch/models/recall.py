"""C4.3-lstm: a recurrent classifier that reads out only the last state (RNN or LSTM → Linear on h_T), the
scratch twin (seed §4.3, week 3); the recall-the-first-token task of ``twin_nets.experiments.recall``."""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.checks import check_choice
from scratch.nn.linear import Linear
from scratch.nn.loss import CrossEntropyLoss
from scratch.nn.module import Module
from scratch.nn.rnn import LSTM, RNN
from scratch.nn.utils import clip_grad_norm_

CELLS = ("rnn-tanh", "lstm")


class LastStateClassifier(Module):
    r"""C4.3-lstm: 순환 신경망의 마지막 상태로 분류 (sequence classifier on h_T), seed §4.3

    Math:      h_t = cell(x_t, h_{t−1}) for t = 1…T (tanh RNN, or LSTM with its c_t),  scores = h_T Wᵀ + b
               trained on E = cross-entropy(scores, y): only h_T is read, so ∂E/∂h_t for t < T arrives
               only through the recurrence (backpropagation through time).
    Backward:  g = ∂E/∂scores;  ∂E/∂h_T = g W (the head);  ∂E/∂out = (0, …, 0, ∂E/∂h_T)  → BPTT.
    Shape:     x (T, N, input_size) -> scores (N, classes); keys rnn.*_l0, head.weight, head.bias.
    Args:
        cell: "rnn-tanh" (``nn.RNN``, tanh) or "lstm" (``nn.LSTM``).
        input_size, hidden_size, classes: n, H and the number of classes.

    Example:
        >>> import numpy as np
        >>> model = LastStateClassifier("lstm", 3, 5, 2, rng=np.random.default_rng(0))
        >>> scores = model(np.zeros((4, 6, 3)))
        >>> scores.shape, model.backward(np.ones_like(scores)).shape
        ((6, 2), (4, 6, 3))
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden_size: int,
        classes: int,
        *,
        dtype: Any = np.float64,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        check_choice("LastStateClassifier", "cell", cell, CELLS)
        self.rnn = (
            RNN(input_size, hidden_size, dtype=dtype, rng=rng)
            if cell == "rnn-tanh"
            else LSTM(input_size, hidden_size, dtype=dtype, rng=rng)
        )
        self.head = Linear(hidden_size, classes, dtype=dtype, rng=rng)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, _ = self.rnn(x)
        self._steps = out.shape
        return self.head(out[-1])  # only h_T is read

    def backward(self, grad_scores: np.ndarray) -> np.ndarray:
        """∂E/∂x (T, N, input_size); parameter gradients add into ``.grad``."""
        grad_out = np.zeros(self._take("_steps"), dtype=grad_scores.dtype)
        grad_out[-1] = self.head.backward(grad_scores)  # ∂E/∂h_t = 0 from the head for t < T
        grad_input, _ = self.rnn.backward(grad_out)
        return grad_input


def train_step(
    model: LastStateClassifier,
    loss_fn: CrossEntropyLoss,
    optimizer: Any,
    x: np.ndarray,
    y: np.ndarray,
    max_norm: float | None = None,
) -> float:
    """C4.3-lstm: one step on a batch ``x`` (T, N, n) with labels ``y`` (N,): E = mean cross-entropy,
    backward (BPTT), C3.2.3-clip-grad to total norm ``max_norm`` (None: no clipping), the update.
    Returns E."""
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    model.backward(loss_fn.backward())
    if max_norm is not None:
        clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return float(loss)


def accuracy(model: LastStateClassifier, x: np.ndarray, y: np.ndarray) -> float:
    """C4.3-lstm: the share of sequences whose largest score is their label."""
    return float(np.mean(model(x).argmax(axis=1) == y))
