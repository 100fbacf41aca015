"""C3.1.2: the loss torch lacks. The math and its derivative are in ``scratch.nn.loss``.

torch's own ``MSELoss``, ``CrossEntropyLoss``, ``NLLLoss``, ``BCELoss`` and ``BCEWithLogitsLoss`` are
re-exported by ``torch_impl.nn`` as they are.
"""

from __future__ import annotations

import torch
from torch import nn


class HalfSquaredErrorLoss(nn.Module):
    """C3.1.2-mse: the seed's E = ½ Σ (ŷ − y)², summed over every element (seed §3.1.2).

    Written with ``0.5 * torch.sum((input - target) ** 2)``; autograd gives ∂E/∂ŷ = ŷ − y. Equals
    ``0.5 * nn.MSELoss(reduction='sum')(input, target)``. Twin of ``scratch.nn.HalfSquaredErrorLoss``,
    which has the math; like it (and unlike ``nn.MSELoss``), a target of another shape raises.
    """

    reduction = "sum"  # fixed: the seed's form sums; named as torch's losses name it

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if input.shape != target.shape:
            raise ValueError(
                f"HalfSquaredErrorLoss: expected target of shape {tuple(input.shape)} (the input's shape; "
                f"no broadcasting), got {tuple(target.shape)}"
            )
        return 0.5 * torch.sum((input - target) ** 2)
