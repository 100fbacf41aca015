"""C3.2.1-sgd: the torch twin of ``scratch.train``: one iteration and one evaluation with autograd.

The same four lines (forward, loss, backward, update); ``loss.backward()`` runs the chain rule that the
scratch twin writes out layer by layer. See ``scratch.train`` for the steps.
"""

from __future__ import annotations

import torch
from torch import nn


def train_step(
    model: nn.Module,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    max_norm: float | None = None,
) -> tuple[float, int]:
    """One iteration on a batch; returns the batch's loss and how many samples it classified right.
    With ``max_norm``, ``clip_grad_norm_`` before the update (C3.2.3-clip-grad)."""
    optimizer.zero_grad()
    logits = model(x)
    loss = loss_fn(logits, y)
    loss.backward()
    if max_norm is not None:
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item(), int((logits.argmax(dim=1) == y).sum().item())


@torch.no_grad()
def evaluate(model: nn.Module, loss_fn: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Loss and accuracy on (x, y) in eval mode, without building a graph; the mode is restored."""
    was_training = model.training
    model.eval()
    try:
        logits = model(x)
        loss = loss_fn(logits, y).item()
    finally:
        model.train(was_training)
    return loss, (logits.argmax(dim=1) == y).double().mean().item()
