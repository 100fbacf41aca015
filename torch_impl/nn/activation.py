"""C3.1.1: the activation torch lacks. The math and its derivative are in ``scratch.nn.activation``."""

from __future__ import annotations

import torch
from torch import nn


class _StepFunction(torch.autograd.Function):
    """Heaviside step with an explicit zero gradient (``torch.heaviside`` has no autograd)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(grad_output)


class Step(nn.Module):
    """C3.1.1-step: y = 1 where x > 0, else 0; zero gradient everywhere. Twin of ``scratch.nn.Step``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _StepFunction.apply(x)
