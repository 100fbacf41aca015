"""C3.2.1-momentum: the textbook momentum rule, which torch.optim lacks, as a ``torch.optim.Optimizer``.

The math, and why it walks the same path as ``torch.optim.SGD(momentum=μ)`` for a constant learning rate,
is in ``scratch.optim.TextbookMomentum``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch


class TextbookMomentum(torch.optim.Optimizer):
    """C3.2.1-momentum: v ← μv − ηg, w ← w + v (state key ``velocity``); twin of
    ``scratch.optim.TextbookMomentum``. Built on ``torch.optim.Optimizer`` so param groups, ``zero_grad``
    and ``state_dict`` are torch's own; parameters whose ``.grad`` is ``None`` are skipped, as in torch.
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
