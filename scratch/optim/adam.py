r"""C3.2.1-adam: 최적화 (Adam), seed §3.2.1

Momentum on the gradient and on its square, bias-corrected: the rule ``adam`` and the class ``Adam``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import numpy as np

from scratch.nn.module import Parameter
from scratch.optim.optimizer import Optimizer, check_hyperparameter


def adam(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    *,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    amsgrad: bool,
    maximize: bool,
    decoupled_weight_decay: bool,
) -> None:
    """One Adam (or AdamW) step on w, in place (the Math of ``Adam`` and ``AdamW``).

    Example:
        >>> import numpy as np
        >>> w = np.array([1.0])
        >>> state = {"step": 0.0, "exp_avg": np.zeros(1), "exp_avg_sq": np.zeros(1)}
        >>> adam(w, np.array([3.0]), state, lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
        ...      amsgrad=False, maximize=False, decoupled_weight_decay=False)
        >>> w.round(6).tolist()  # the first step is ≈ lr · sign(g), whatever |g|
        [0.9]
    """
    (beta1, beta2), t = betas, state["step"] + 1
    state["step"] = t
    g = -g if maximize else g
    if weight_decay != 0:
        if decoupled_weight_decay:
            w *= 1 - lr * weight_decay  # AdamW: decay w itself, before the moments
        else:
            g = g + weight_decay * w  # Adam: L2, through the moments
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m += (1 - beta1) * (g - m)
    v *= beta2
    v += (1 - beta2) * (g * g)
    if amsgrad:
        np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        v = state["max_exp_avg_sq"]
    step_size = lr / (1 - beta1**t)  # η / (1 − β₁ᵗ)
    denominator = np.sqrt(v) / (1 - beta2**t) ** 0.5 + eps  # √v / √(1 − β₂ᵗ) + ε
    w -= step_size * (m / denominator)


class Adam(Optimizer):
    r"""C3.2.1-adam: 최적화 (Adam), seed §3.2.1

    The optimizer the seed names beside SGD as the one most used in practice.

    Math (one step, per parameter w with gradient g = ∂E/∂w; η = ``lr``, the seed's α; element-wise):
        t ← t + 1
        g ← −g                                   if maximize
        g ← g + λ w                              if λ = weight_decay ≠ 0   (L2 on g; AdamW differs)
        m ← m + (1 − β₁)(g − m)                  (exp_avg: = β₁ m + (1 − β₁) g)
        v ← β₂ v + (1 − β₂) g²                   (exp_avg_sq)
        v_max ← max(v_max, v)                    if amsgrad   (max_exp_avg_sq), then v is v_max below
        w ← w − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)

    The last line is w ← w − η m̂ / (√v̂ + ε) with the bias corrections m̂ = m / (1 − β₁ᵗ),
    v̂ = v / (1 − β₂ᵗ), which undo the moments' start at zero.

    Conventions (torch's):
        * ε is added to √v̂, outside the root.
        * amsgrad keeps the running maximum of the raw v (not of v̂).
        * weight_decay here is L2: λw is added to g and so is rescaled by the moments. ``AdamW`` decays
          w directly instead.

    State (per parameter, created at the first step): ``step``, ``exp_avg``, ``exp_avg_sq``,
    ``max_exp_avg_sq`` (if amsgrad).

    Args:
        params: Parameters, or dicts of ``{"params": [...], <overrides>}`` (param groups).
        lr: η (default 1e-3).
        betas: (β₁, β₂), two floats (default (0.9, 0.999)).
        eps: ε (default 1e-8).
        weight_decay: λ (default 0).
        amsgrad: use the running maximum of v (default False).
        maximize: ascend instead of descend (default False).

    Raises:
        ValueError: lr < 0, eps < 0, β₁ or β₂ outside [0, 1), weight_decay < 0 (NaN included), or betas
            not two floats; exactly where torch raises.

    Example:
        >>> import numpy as np
        >>> from scratch.nn import Parameter
        >>> w = Parameter(np.array([1.0, 1.0]))
        >>> optimizer = Adam([w], lr=0.1)
        >>> w.grad[...] = [0.01, 100.0]
        >>> optimizer.step(); w.data.round(6).tolist()  # the first step is ≈ η for any |g|
        [0.9, 0.9]
    """

    state_keys = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    rule = staticmethod(adam)
    # the rule's flag, fixed per class (AdamW: True); a torch Adam group with decoupled_weight_decay=True
    # runs AdamW's rule: refused by load_state_dict here
    fixed_torch_flags: ClassVar[dict[str, bool]] = {"decoupled_weight_decay": False}

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[dict[str, Any]],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        name = type(self).__name__
        check_hyperparameter(name, "lr", lr, lr >= 0.0, ">= 0.0")
        check_hyperparameter(name, "eps", eps, eps >= 0.0, ">= 0.0")
        check_hyperparameter(name, "betas[0]", betas[0], 0.0 <= betas[0] < 1.0, "in [0.0, 1.0)")
        check_hyperparameter(name, "betas[1]", betas[1], 0.0 <= betas[1] < 1.0, "in [0.0, 1.0)")
        check_hyperparameter(name, "weight_decay", weight_decay, weight_decay >= 0.0, ">= 0.0")
        check_hyperparameter(
            name, "betas", betas, isinstance(betas[0], float) and isinstance(betas[1], float), "two floats"
        )
        defaults = {
            "lr": lr,
            "betas": (betas[0], betas[1]),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _new_state(self, p: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": 0.0, "exp_avg": np.zeros_like(p.data), "exp_avg_sq": np.zeros_like(p.data)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(p.data)
        return state
