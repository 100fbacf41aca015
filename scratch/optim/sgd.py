r"""C3.2.1-sgd: 확률적 경사 하강법 (stochastic gradient descent), seed §3.2.1

The rule ``sgd`` and its optimizer class ``SGD`` (torch's momentum and Nesterov options).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from scratch.nn.module import Parameter
from scratch.optim.optimizer import Optimizer, check_hyperparameter


def sgd(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    *,
    lr: float,
    momentum: float,
    dampening: float,
    weight_decay: float,
    nesterov: bool,
    maximize: bool,
) -> None:
    """One SGD step on w, in place (the Math of ``SGD``); ``state`` holds ``momentum_buffer`` b.

    Example:
        >>> import numpy as np
        >>> w, state = np.array([1.0]), {}
        >>> for _ in range(2):
        ...     sgd(w, np.array([1.0]), state, lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0,
        ...         nesterov=False, maximize=False)
        >>> w.round(2).tolist(), state["momentum_buffer"].tolist()  # b₁ = g₁ = 1, b₂ = 0.9 + 1
        ([0.71], [1.9])
    """
    g = -g if maximize else g  # never written to: p.grad stays as it is
    if weight_decay != 0:
        g = g + weight_decay * w
    if momentum != 0:
        b = state.get("momentum_buffer")
        if b is None:
            b = state["momentum_buffer"] = g.copy()  # torch: b₁ = g₁
        else:
            b *= momentum
            b += (1 - dampening) * g
        g = g + momentum * b if nesterov else b
    w -= lr * g  # in place: the array keeps its identity and dtype


class SGD(Optimizer):
    r"""C3.2.1-sgd: 확률적 경사 하강법 (stochastic gradient descent), seed §3.2.1

    The same class is full-batch gradient descent (C3.2.1-gd) when ``.grad`` holds the gradient of the
    loss over all the data, and mini-batch SGD (C3.2.1-sgd) when it holds a mini-batch's; with
    ``momentum`` it is C3.2.1-momentum, with ``nesterov=True`` C3.2.1-nesterov.

    Math (one step, per parameter w with gradient g = ∂E/∂w; η = ``lr``, the seed's α):
        g ← −g                                   if maximize
        g ← g + λ w                              if λ = weight_decay ≠ 0   (L2 penalty ½λ‖w‖²)
        b ← g            at the first step,      if μ = momentum ≠ 0
        b ← μ b + (1 − τ) g   afterwards                                   (τ = dampening)
        d ← g + μ b      if nesterov,   else  d ← b   (momentum)   or   d ← g   (no momentum)
        w ← w − η d

    Conventions (torch's):
        * The momentum buffer b starts as the first gradient, b₁ = g₁, not as zeros and not as
          (1 − τ) g₁: dampening applies from the second step on.
        * Weight decay is added to g before the buffer, so it is carried by the momentum too.
        * The textbook form v ← μv − ηg, w ← w + v is ``TextbookMomentum``; for a constant η it walks
          the same path, with v = −η b.

    State (per parameter): ``momentum_buffer`` (only when momentum ≠ 0, after the first step).

    Args:
        params: Parameters, or dicts of ``{"params": [...], <overrides>}`` (param groups).
        lr: learning rate η (default 1e-3, torch's).
        momentum: μ (default 0).
        dampening: τ (default 0).
        weight_decay: λ (default 0).
        nesterov: use Nesterov momentum (default False); needs momentum > 0 and dampening = 0.
        maximize: ascend instead of descend (default False).

    Raises:
        ValueError: lr < 0, momentum < 0, weight_decay < 0, or nesterov with momentum ≤ 0 or
            dampening ≠ 0; exactly where torch raises.

    Example:
        >>> import numpy as np
        >>> from scratch.nn import Parameter
        >>> w = Parameter(np.array([1.0, -2.0]))
        >>> optimizer = SGD([w], lr=0.1)
        >>> w.grad[...] = [1.0, -1.0]
        >>> optimizer.step(); w.data.tolist()  # w − η g
        [0.9, -1.9]
    """

    state_keys = ("momentum_buffer",)
    rule = staticmethod(sgd)

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[dict[str, Any]],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        check_hyperparameter("SGD", "lr", lr, not lr < 0.0, ">= 0.0")
        check_hyperparameter("SGD", "momentum", momentum, not momentum < 0.0, ">= 0.0")
        check_hyperparameter("SGD", "weight_decay", weight_decay, not weight_decay < 0.0, ">= 0.0")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                "SGD: expected momentum > 0 and dampening == 0 with nesterov=True, "
                f"got momentum={momentum!r}, dampening={dampening!r}"
            )
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)
