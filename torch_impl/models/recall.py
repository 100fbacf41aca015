"""C4.3-lstm: the torch twin of ``scratch.models.recall.LastStateClassifier`` (the math is there); the same
keys."""

from __future__ import annotations

import torch
from torch import nn

CELLS = ("rnn-tanh", "lstm")


class LastStateClassifier(nn.Module):
    """``nn.RNN`` (tanh) or ``nn.LSTM`` → ``nn.Linear`` on h_T: x (T, N, n) -> scores (N, classes)."""

    def __init__(self, cell: str, input_size: int, hidden_size: int, classes: int, dtype=torch.float64):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"LastStateClassifier: expected cell to be one of {CELLS}, got {cell!r}")
        kind = nn.RNN if cell == "rnn-tanh" else nn.LSTM
        self.rnn = kind(input_size, hidden_size, dtype=dtype)
        self.head = nn.Linear(hidden_size, classes, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[-1])  # only h_T is read


def train_step(model: LastStateClassifier, loss_fn: nn.Module, optimizer, x, y, max_norm=None) -> float:
    """C4.3-lstm: one step; see ``scratch.models.recall.train_step``."""
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    if max_norm is not None:
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()


@torch.no_grad()
def accuracy(model: LastStateClassifier, x: torch.Tensor, y: torch.Tensor) -> float:
    """C4.3-lstm: the share of sequences whose largest score is their label."""
    return (model(x).argmax(dim=1) == y).double().mean().item()
