"""C4.3-lstm: a character-level language model (Embedding → LSTM → Linear), the scratch twin (seed §4.3)."""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.linear import Linear
from scratch.nn.module import Module
from scratch.nn.rnn import LSTM
from scratch.nn.sparse import Embedding


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
