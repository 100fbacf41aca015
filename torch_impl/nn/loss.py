"""C3.1.2-mse: 손실 함수 (the loss torch lacks), seed §3.1.2

The math and its derivative are in ``scratch.nn.functional.loss``.

torch's own ``MSELoss``, ``CrossEntropyLoss``, ``NLLLoss``, ``BCELoss`` and ``BCEWithLogitsLoss`` are
re-exported by ``torch_impl.nn`` as they are (and C3.1.2-huber's ``HuberLoss`` and ``SmoothL1Loss``).
"""

from __future__ import annotations

import torch
from torch import nn


class HalfSquaredErrorLoss(nn.Module):
    """C3.1.2-mse: 평균 제곱 오차 (the seed's ½ Σ form), seed §3.1.2

    The seed's E = ½ Σ (ŷ − y)², summed over every element.

    Written with ``0.5 * torch.sum((input - target) ** 2)``; autograd gives ∂E/∂ŷ = ŷ − y. Equals
    ``0.5 * nn.MSELoss(reduction='sum')(input, target)``. Twin of ``scratch.nn.HalfSquaredErrorLoss``,
    which has the math; like it (and unlike ``nn.MSELoss``), a target of another shape raises.

    Example:
        >>> import torch
        >>> loss = HalfSquaredErrorLoss()
        >>> y_hat = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> value = loss(y_hat, torch.zeros(2)); value.backward()
        >>> value.item(), y_hat.grad.tolist()
        (2.5, [1.0, 2.0])
    """

    reduction = "sum"  # fixed: the seed's form sums; named as torch's losses name it

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if input.shape != target.shape:
            raise ValueError(
                f"HalfSquaredErrorLoss: expected target of shape {tuple(input.shape)} (the input's shape; "
                f"no broadcasting), got {tuple(target.shape)}"
            )
        return 0.5 * torch.sum((input - target) ** 2)
