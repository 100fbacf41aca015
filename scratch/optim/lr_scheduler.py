r"""C1.2-dqn: 학습률 스케줄 (a learning rate that changes with the step), seed §1.2

The twin of ``torch.optim.lr_scheduler.LambdaLR``: after k calls of ``step()``, every group's learning
rate is its starting one times λ(k),

    η_k = η_0 · λ(k)        (k = 0 at construction, as torch's scheduler takes its first step there)

DQN decays its learning rate this way (``twin_nets.rl.config.RLConfig.lr_end``), so that late updates,
on a replay buffer full of long episodes, move the Q-network less.

Differs from torch: the starting rates are kept here (``base_lrs``), not written into the groups as
``initial_lr``, and there is no ``state_dict``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class LambdaLR:
    """C1.2-dqn: 학습률 스케줄 (LambdaLR), seed §1.2

    Args:
        optimizer: a ``scratch.optim`` optimizer; each group's ``lr`` at construction is its η_0.
        lr_lambda: λ, from the number of ``step()`` calls so far to a factor.

    Example:
        >>> import numpy as np
        >>> from scratch.nn.module import Parameter
        >>> from scratch.optim import SGD
        >>> optimizer = SGD([Parameter(np.zeros(1))], lr=0.1)
        >>> scheduler = LambdaLR(optimizer, lambda k: 1 / (k + 1))
        >>> scheduler.step()
        >>> round(optimizer.param_groups[0]["lr"], 6), scheduler.last_epoch  # 0.1 · 1/2 after one step
        (0.05, 1)
    """

    def __init__(self, optimizer: Any, lr_lambda: Callable[[int], float]) -> None:
        if not callable(lr_lambda):
            raise TypeError(f"LambdaLR: expected lr_lambda to be callable, got {lr_lambda!r}")
        self.optimizer, self.lr_lambda = optimizer, lr_lambda
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()

    def step(self) -> None:
        """k ← k + 1, then η ← η_0 · λ(k) in every group."""
        self.last_epoch += 1
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs, strict=True):
            group["lr"] = base_lr * self.lr_lambda(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        """Each group's current learning rate."""
        return [group["lr"] for group in self.optimizer.param_groups]
