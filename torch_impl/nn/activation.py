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
    """C3.1.1-step: 계단 함수 (step function), seed §3.1.1

    y = 1 where x > 0, else 0; zero gradient everywhere. Twin of ``scratch.nn.Step``, which has the math.

    Example:
        >>> import numpy as np
        >>> import torch
        >>> import scratch.nn
        >>> x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> y = Step()(x)
        >>> y.backward(torch.ones(3))
        >>> y.tolist(), x.grad.tolist(), scratch.nn.Step()(x.detach().numpy()).tolist()
        ([0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0])
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _StepFunction.apply(x)
