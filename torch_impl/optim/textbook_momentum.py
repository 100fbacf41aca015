"""C3.2.1-momentum: Momentum (the textbook form), seed §3.2.1

The textbook momentum rule, which torch.optim lacks, as a ``torch.optim.Optimizer``.

The math, and why it walks the same path as ``torch.optim.SGD(momentum=μ)`` for a constant learning rate,
is in ``scratch.optim.TextbookMomentum``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch


class TextbookMomentum(torch.optim.Optimizer):
    """C3.2.1-momentum: Momentum (the textbook form), seed §3.2.1

    v ← μv − ηg, w ← w + v (state key ``velocity``); twin of ``scratch.optim.TextbookMomentum``. Built on
    ``torch.optim.Optimizer`` so param groups, ``zero_grad`` and ``state_dict`` are torch's own;
    parameters whose ``.grad`` is ``None`` are skipped, as in torch.

    Example:
        >>> import torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
        >>> optimizer = TextbookMomentum([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     w.grad = torch.ones(1, dtype=torch.float64); optimizer.step()
        >>> round(w.item(), 2)  # v = −0.1, then −0.19: the same path as SGD(momentum=0.9)
        0.71
    """

    def __init__(
        self, params: Iterable[torch.Tensor] | Iterable[dict[str, Any]], lr: float, momentum: float = 0.9
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"TextbookMomentum: expected lr >= 0.0, got {lr!r}")
        if momentum < 0.0:
            raise ValueError(f"TextbookMomentum: expected momentum >= 0.0, got {momentum!r}")
        super().__init__(params, {"lr": lr, "momentum": momentum})

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["velocity"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                velocity = state["velocity"]
                velocity.mul_(group["momentum"]).add_(p.grad, alpha=-group["lr"])
                p.add_(velocity)
        return loss
