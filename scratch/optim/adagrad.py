r"""C3.2.1-adagrad: 최적화 (Adagrad), seed §3.2.1

Per-coordinate learning rates from the accumulated squared gradients: the rule ``adagrad`` and the
class ``Adagrad``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from scratch.nn.module import Parameter
from scratch.optim.optimizer import Optimizer, check_hyperparameter


def adagrad(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    *,
    lr: float,
    lr_decay: float,
    weight_decay: float,
    eps: float,
    maximize: bool,
) -> None:
    """One Adagrad step on w, in place (the Math of ``Adagrad``).

    Example:
        >>> import numpy as np
        >>> w, state = np.array([1.0]), {"step": 0.0, "sum": np.full(1, 0.2)}
        >>> adagrad(w, np.array([1.0]), state, lr=0.1, lr_decay=0.0, weight_decay=0.0, eps=1e-10,
        ...         maximize=False)
        >>> state["sum"].tolist(), w.round(4).tolist()  # G = 0.2 + 1², step 0.1 / √1.2
        ([1.2], [0.9087])
    """
    state["step"] += 1
    g = -g if maximize else g
    if weight_decay != 0:
        g = g + weight_decay * w
    lr_t = lr / (1 + (state["step"] - 1) * lr_decay)
    G = state["sum"]
    G += g * g
    w -= lr_t * (g / (np.sqrt(G) + eps))


class Adagrad(Optimizer):
    r"""C3.2.1-adagrad: 최적화 (Adagrad), seed §3.2.1

    Beyond the seed's text: §3.2.1 points to a figure of many optimizers (missing from the text) and
    asks only that Adam be remembered; this is one of that family as torch implements it.

    Math (one step, per parameter w with gradient g = ∂E/∂w; η = ``lr``, the seed's α; element-wise):
        t ← t + 1
        g ← −g                                   if maximize
        g ← g + λ w                              if λ = weight_decay ≠ 0
        η_t = η / (1 + (t − 1) · lr_decay)
        G ← G + g²                               (G₀ = initial_accumulator_value)
        w ← w − η_t · g / (√G + ε)

    Conventions (torch's):
        * ε is added outside the square root, after it.
        * The state (``step`` = 0, ``sum`` = G₀) is created in the constructor, not at the first step,
          from the constructor's ``initial_accumulator_value``; a group added later by
          ``add_param_group`` starts from that value too, not from its own ``initial_accumulator_value``
          (torch's ``_init_group`` reads ``self.defaults``).
        * The learning-rate decay uses t − 1: the first step uses η itself.

    State (per parameter): ``step`` (float), ``sum`` (G).

    Args:
        params: Parameters, or dicts of ``{"params": [...], <overrides>}`` (param groups).
        lr: η (default 1e-2).
        lr_decay: (default 0).
        weight_decay: λ (default 0).
        initial_accumulator_value: G₀ (default 0).
        eps: ε (default 1e-10).
        maximize: ascend instead of descend (default False).

    Raises:
        ValueError: any of lr, lr_decay, weight_decay, initial_accumulator_value, eps not ≥ 0 (NaN
            included); exactly where torch raises.

    Example:
        >>> import numpy as np
        >>> from scratch.nn import Parameter
        >>> w = Parameter(np.array([1.0]))
        >>> optimizer = Adagrad([w], lr=0.1)
        >>> for _ in range(2):
        ...     w.grad[...] = 1.0; optimizer.step()
        >>> optimizer.state[w]["sum"].tolist(), w.data.round(4).tolist()  # steps 0.1, then 0.1 / √2
        ([2.0], [0.8293])
    """

    state_keys = ("step", "sum")
    rule = staticmethod(adagrad)
    state_only = ("initial_accumulator_value",)  # read by _new_state, not by the rule

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[dict[str, Any]],
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        for name, value in (
            ("lr", lr),
            ("lr_decay", lr_decay),
            ("weight_decay", weight_decay),
            ("initial_accumulator_value", initial_accumulator_value),
            ("eps", eps),
        ):
            check_hyperparameter("Adagrad", name, value, value >= 0.0, ">= 0.0")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "maximize": maximize,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._new_state(p, group))

    def _new_state(self, p: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        # the constructor's G₀ for every group, a later one's own value ignored: torch's _init_group
        return {"step": 0.0, "sum": np.full_like(p.data, self.defaults["initial_accumulator_value"])}
