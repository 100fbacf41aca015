r"""C3.2.1-adagrad: per-coordinate learning rates from the accumulated squared gradients (seed §3.2.1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from scratch.nn.module import Parameter
from scratch.optim.optimizer import Optimizer, check_hyperparameter


class Adagrad(Optimizer):
    r"""C3.2.1-adagrad: Adagrad, one of the family in the seed's comparison figure (seed §3.2.1).

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
          from the constructor's ``initial_accumulator_value`` (a group's override of it is not used
          for that, as in torch).
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
    """

    state_keys = ("step", "sum")

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
                self._init_state(p, initial_accumulator_value)

    def _init_state(self, p: Parameter, initial_accumulator_value: float) -> None:
        self.state[p]["step"] = 0.0
        self.state[p]["sum"] = np.full_like(p.data, initial_accumulator_value)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter from its ``.grad`` (in place); returns ``closure()`` if given."""
        loss = None if closure is None else closure()
        for group in self.param_groups:
            lr, lr_decay = float(group["lr"]), float(group["lr_decay"])
            eps, lam = float(group["eps"]), float(group["weight_decay"])
            for p in group["params"]:
                state = self.state[p]
                if not state:  # a group added after construction
                    self._init_state(p, float(group["initial_accumulator_value"]))
                state["step"] += 1
                w, G = p.data, state["sum"]
                g = -p.grad if group["maximize"] else p.grad
                if lam != 0:
                    g = g + lam * w
                lr_t = lr / (1 + (state["step"] - 1) * lr_decay)
                G += g * g
                w -= lr_t * (g / (np.sqrt(G) + eps))
        return loss
