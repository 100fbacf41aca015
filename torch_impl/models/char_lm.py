"""C4.3-lstm: the torch twin of ``scratch.models.char_lm.CharLM`` (the math is there); the same keys."""

from __future__ import annotations

import torch
from torch import nn


class CharLM(nn.Module):
    """``nn.Embedding`` → ``nn.LSTM`` → ``nn.Linear``; forward(x (L, N)) -> (scores (L, N, V), (h, c))."""

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 32,
        hidden_size: int = 64,
        dtype=torch.float64,
        device=None,
    ):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, dtype=dtype, device=device)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, dtype=dtype, device=device)
        self.head = nn.Linear(hidden_size, vocab_size, dtype=dtype, device=device)

    def forward(self, x: torch.Tensor, state=None):
        out, state = self.lstm(self.embedding(x), state)
        return self.head(out), state


def train_step(model: CharLM, loss_fn: nn.Module, optimizer, x, y, max_norm: float | None = None):
    """C4.3-lstm: one step on chunks ``x`` (N, L); see ``scratch.models.char_lm.train_step``."""
    optimizer.zero_grad()
    scores, _ = model(x.T)
    flat = scores.reshape(-1, scores.shape[-1])
    target = y.T.reshape(-1)
    loss = loss_fn(flat, target)
    loss.backward()
    if max_norm is not None:
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item(), (flat.argmax(dim=1) == target).sum().item() / x.shape[1]


@torch.no_grad()
def evaluate(model: CharLM, loss_fn: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """C4.3-lstm: (mean cross-entropy per character, share of characters predicted right)."""
    scores, _ = model(x.T)
    flat = scores.reshape(-1, scores.shape[-1])
    target = y.T.reshape(-1)
    return loss_fn(flat, target).item(), (flat.argmax(dim=1) == target).double().mean().item()
