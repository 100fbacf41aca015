"""C4.3-lstm: a character-level language model (Embedding → LSTM → Linear), the scratch twin (seed §4.3)."""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.linear import Linear
from scratch.nn.loss import CrossEntropyLoss
from scratch.nn.module import Module
from scratch.nn.rnn import LSTM
from scratch.nn.sparse import Embedding
from scratch.nn.utils import clip_grad_norm_


class CharLM(Module):
    r"""C4.3-lstm: 장단기 메모리 (character-level language model), seed §4.3

    Math:      e_t = W_emb[x_t],   (h_t, c_t) = LSTM(e_t, h_{t−1}, c_{t−1}),   scores_t = h_t Wᵀ + b
               trained on E = cross-entropy(scores_t, x_{t+1}): each character predicts the next.
    Backward:  head, then BPTT through the LSTM, then the embedding rows that were read.
    Shape:     x (L, N) integers -> scores (L, N, vocab_size); keys embedding.weight, lstm.*_l0, head.*

    Example:
        >>> import numpy as np
        >>> model = CharLM(10, 4, 8, rng=np.random.default_rng(0))
        >>> scores, (h, c) = model(np.zeros((5, 2), dtype=np.int64))
        >>> scores.shape, h.shape, model.backward(np.ones_like(scores)) is None
        ((5, 2, 10), (1, 2, 8), True)
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 32,
        hidden_size: int = 64,
        *,
        dtype: Any = np.float64,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.embedding = Embedding(vocab_size, embedding_dim, dtype=dtype, rng=rng)
        self.lstm = LSTM(embedding_dim, hidden_size, dtype=dtype, rng=rng)
        self.head = Linear(hidden_size, vocab_size, dtype=dtype, rng=rng)

    def forward(self, x: np.ndarray, state: Any = None) -> tuple[np.ndarray, Any]:
        out, state = self.lstm(self.embedding(x), state)
        return self.head(out), state

    def backward(self, grad_scores: np.ndarray) -> None:
        grad_embedded, _ = self.lstm.backward(self.head.backward(grad_scores))
        self.embedding.backward(grad_embedded)


def train_step(
    model: CharLM,
    loss_fn: CrossEntropyLoss,
    optimizer: Any,
    x: np.ndarray,
    y: np.ndarray,
    max_norm: float | None = None,
) -> tuple[float, float]:
    """C4.3-lstm: one step on a batch of chunks ``x`` (N, L), each character's next in ``y`` (N, L).

    E = the mean cross-entropy over all N·L characters; backward through the head, the LSTM (BPTT) and
    the embedding; with ``max_norm``, C3.2.3-clip-grad rescales all gradients together so that their
    total norm is at most ``max_norm``; then the update. Returns (E, correct characters / L): the
    runner counts samples (chunks), so its accuracy is the share of characters predicted right.
    """
    optimizer.zero_grad()
    scores, _ = model(x.T)  # (L, N, V): the model reads time-major
    flat = scores.reshape(-1, scores.shape[-1])
    loss = loss_fn(flat, y.T.reshape(-1))
    model.backward(loss_fn.backward().reshape(scores.shape))
    if max_norm is not None:
        clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return float(loss), np.count_nonzero(flat.argmax(axis=1) == y.T.reshape(-1)) / x.shape[1]


def evaluate(model: CharLM, loss_fn: CrossEntropyLoss, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """C4.3-lstm: (mean cross-entropy per character, share of characters predicted right) on chunks."""
    scores, _ = model(x.T)
    flat = scores.reshape(-1, scores.shape[-1])
    target = y.T.reshape(-1)
    return float(loss_fn(flat, target)), float(np.mean(flat.argmax(axis=1) == target))
