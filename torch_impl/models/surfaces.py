"""C3.2.2-local-minima: Local Minima와 Saddle Point 문제 (loss surfaces), seed §3.2.2

The 2-D test surfaces in torch; autograd differentiates them (seed §3.2.1, §3.2.2).

Twin of ``scratch.models.surfaces`` (where the formulas and their hand-written gradients are
documented). Each surface is an ``nn.Module`` with one ``nn.Parameter`` ``xy``, the point (x, y), so a
``torch.optim`` optimizer steps on it; ``forward()`` returns E = f(x, y) and ``E.backward()`` fills
``xy.grad``.
"""

from __future__ import annotations

import torch
from torch import nn


class Surface(nn.Module):
    """A point (x, y) on a surface f (``forward()`` returns f at the point, a 0-d tensor).

    Example:
        >>> bowl = Bowl()  # at (−7, 2)
        >>> bowl().backward(); bowl.xy.grad.round(decimals=12).tolist()  # autograd: 2x/20
        [-0.7, 4.0]
    """

    def __init__(
        self, start: tuple[float, float] = (-7.0, 2.0), *, dtype: torch.dtype = torch.float64
    ) -> None:
        super().__init__()
        try:
            point = torch.as_tensor(start, dtype=dtype).clone()
        except (TypeError, ValueError):
            point = None
        if point is None or point.shape != (2,) or not bool(torch.isfinite(point).all()):
            raise ValueError(f"{type(self).__name__}: expected start to be two finite numbers, got {start!r}")
        self.xy = nn.Parameter(point)

    @staticmethod
    def function(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self) -> torch.Tensor:
        return self.function(self.xy[0], self.xy[1])

    def extra_repr(self) -> str:
        return f"xy={self.xy.detach().tolist()}"


class Bowl(Surface):
    """C3.2.1-gd: 경사하강법 (an elongated bowl), seed §3.2.1

    f(x, y) = x²/20 + y². Twin of ``scratch.models.surfaces.Bowl``.
    """

    @staticmethod
    def function(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return x * x / 20 + y * y


class TwoMinima(Surface):
    """C3.2.2-local-minima: Local Minima와 Saddle Point 문제 (local minima), seed §3.2.2

    f(x, y) = (x² − 1)² + 0.3·x + y².

    Twin of ``scratch.models.surfaces.TwoMinima``.
    """

    tilt = 0.3

    @staticmethod
    def function(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return (x * x - 1) ** 2 + TwoMinima.tilt * x + y * y


class Saddle(Surface):
    """C3.2.2-saddle: Local Minima와 Saddle Point 문제 (saddle point), seed §3.2.2

    f(x, y) = x² − y². Twin of ``scratch.models.surfaces.Saddle``.
    """

    @staticmethod
    def function(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return x * x - y * y
