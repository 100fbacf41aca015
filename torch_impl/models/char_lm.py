"""C4.3-lstm: the torch twin of ``scratch.models.char_lm.CharLM`` (the math is there); the same keys."""

from __future__ import annotations

import torch
from torch import nn


class CharLM(nn.Module):
    """``nn.Embedding`` → ``nn.LSTM`` → ``nn.Linear``; forward(x (L, N)) -> (scores (L, N, V), (h, c))."""

    def __init__(self, vocab_size: int, embedding_dim: int = 32, hidden_size: int = 64, dtype=torch.float64):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, dtype=dtype)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, dtype=dtype)
        self.head = nn.Linear(hidden_size, vocab_size, dtype=dtype)

    def forward(self, x: torch.Tensor, state=None):
        out, state = self.lstm(self.embedding(x), state)
        return self.head(out), state
