r"""C3.2.1-rmsprop: 최적화 (RMSprop), seed §3.2.1

Steps scaled by a running root-mean-square of the gradient: the rule ``rmsprop`` and the class ``RMSprop``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from scratch.nn.module import Parameter
from scratch.optim.optimizer import Optimizer, check_hyperparameter


def rmsprop(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    *,
    lr: float,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float,
    centered: bool,
    maximize: bool,
) -> None:
    """One RMSprop step on w, in place (the Math of ``RMSprop``; a = ``alpha``, μ = ``momentum``).

    Example:
        >>> import numpy as np
        >>> w, state = np.array([1.0]), {"step": 0.0, "square_avg": np.zeros(1)}
        >>> rmsprop(w, np.array([2.0]), state, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0,
        ...         momentum=0.0, centered=False, maximize=False)
        >>> w.round(4).tolist()  # s = 0.01 · 4, step η g / √s = 0.01 · 2 / 0.2
        [0.9]
    """
    state["step"] += 1
    g = -g if maximize else g
    if weight_decay != 0:
        g = g + weight_decay * w
    s = state["square_avg"]
    s *= alpha
    s += (1 - alpha) * (g * g)
    if centered:
        g_avg = state["grad_avg"]
        g_avg += (1 - alpha) * (g - g_avg)
        r = np.sqrt(s - g_avg * g_avg) + eps
    else:
        r = np.sqrt(s) + eps
    if momentum > 0:
        b = state["momentum_buffer"]
        b *= momentum
        b += g / r
        w -= lr * b
    else:
        w -= lr * (g / r)


class RMSprop(Optimizer):
    r"""C3.2.1-rmsprop: 최적화 (RMSprop), seed §3.2.1

    Beyond the seed's text: §3.2.1 points to a figure of many optimizers (missing from the text) and
    asks only that Adam be remembered; this is one of that family as torch implements it.

    Math (one step, per parameter w with gradient g = ∂E/∂w; η = ``lr``, the seed's α; element-wise;
    the smoothing constant is ``alpha``, written a here to keep it apart from the seed's α):
        t ← t + 1
        g ← −g                                   if maximize
        g ← g + λ w                              if λ = weight_decay ≠ 0
        s ← a s + (1 − a) g²                     (square_avg, s₀ = 0)
        ḡ ← ḡ + (1 − a)(g − ḡ)                   if centered   (grad_avg, ḡ₀ = 0; = a ḡ + (1 − a) g)
        r = √(s − ḡ²) + ε   if centered,   else   r = √s + ε
        b ← μ b + g / r,   w ← w − η b           if μ = momentum > 0   (b₀ = 0)
        w ← w − η g / r                          otherwise

    Conventions (torch's):
        * ε is added outside the square root.
        * ``centered`` divides by an estimate of the gradient's standard deviation instead of its RMS.
        * Unlike SGD's, this momentum buffer starts at zeros.
        * ``step`` is counted but not used by the rule (no bias correction).

    State (per parameter, created at the first step): ``step``, ``square_avg``, ``momentum_buffer``
    (if momentum > 0), ``grad_avg`` (if centered).

    Args:
        params: Parameters, or dicts of ``{"params": [...], <overrides>}`` (param groups).
        lr: η (default 1e-2).
        alpha: smoothing constant a (default 0.99).
        eps: ε (default 1e-8).
        weight_decay: λ (default 0).
        momentum: μ (default 0).
        centered: normalise by the centred second moment (default False).
        maximize: ascend instead of descend (default False).

    Raises:
        ValueError: any of lr, eps, momentum, weight_decay, alpha not ≥ 0 (NaN included); exactly where
            torch raises (torch sets no upper bound on alpha).

    Example:
        >>> import numpy as np
        >>> from scratch.nn import Parameter
        >>> w = Parameter(np.array([1.0]))
        >>> optimizer = RMSprop([w], lr=0.01)
        >>> w.grad[...] = 2.0
        >>> optimizer.step(); w.data.round(4).tolist()  # s = 0.01 · 4: step η g / √s = 0.1
        [0.9]
    """

    state_keys = ("step", "square_avg", "momentum_buffer", "grad_avg")
    rule = staticmethod(rmsprop)

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[dict[str, Any]],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        for name, value in (
            ("lr", lr),
            ("eps", eps),
            ("momentum", momentum),
            ("weight_decay", weight_decay),
            ("alpha", alpha),
        ):
            check_hyperparameter("RMSprop", name, value, value >= 0.0, ">= 0.0")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _new_state(self, p: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": 0.0, "square_avg": np.zeros_like(p.data)}
        if float(group["momentum"]) > 0:
            state["momentum_buffer"] = np.zeros_like(p.data)
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(p.data)
        return state
