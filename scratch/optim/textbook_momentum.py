r"""C3.2.1-momentum: the textbook form of momentum, a velocity added to the weights (seed §3.2.1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from scratch.nn.module import Parameter
from scratch.optim.optimizer import Optimizer, check_hyperparameter


class TextbookMomentum(Optimizer):
    r"""C3.2.1-momentum: momentum as textbooks write it, v ← μv − ηg, w ← w + v (seed §3.2.1).

    The seed describes momentum as inertia: the step keeps going in the direction it was going, and
    speeds up where the gradient keeps its sign. This is that picture written literally, a velocity v
    that the gradient pushes on and the weights follow.

    Math (one step, per parameter w with gradient g = ∂E/∂w; η = ``lr``, the seed's α; μ = ``momentum``):
        v ← μ v − η g                            (velocity, v₀ = 0)
        w ← w + v

    Same path as torch's ``SGD(momentum=μ, dampening=0)``, which keeps b ← μb + g (b₁ = g₁) and steps
    w ← w − ηb: by induction v = −η b. At step 1, v₁ = −ηg₁ = −ηb₁; then
    v_{t+1} = μv_t − ηg_{t+1} = −η(μb_t + g_{t+1}) = −η b_{t+1}. The steps agree as long as η is constant.
    When η changes (a schedule), torch's buffer keeps no η, so the new η rescales the whole remembered
    velocity at once, while here past steps keep the η they were taken with: the paths part.

    State (per parameter, created at the first step): ``velocity`` (v).

    Args:
        params: Parameters, or dicts of ``{"params": [...], <overrides>}`` (param groups).
        lr: η (required).
        momentum: μ (default 0.9).

    Raises:
        ValueError: lr < 0 or momentum < 0.

    Differs from torch: torch has no such class; its twin is ``torch_impl.optim.TextbookMomentum``.
    """

    state_keys = ("velocity",)

    def __init__(
        self, params: Iterable[Parameter] | Iterable[dict[str, Any]], lr: float, momentum: float = 0.9
    ) -> None:
        check_hyperparameter("TextbookMomentum", "lr", lr, not lr < 0.0, ">= 0.0")
        check_hyperparameter("TextbookMomentum", "momentum", momentum, not momentum < 0.0, ">= 0.0")
        super().__init__(params, {"lr": lr, "momentum": momentum})

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter from its ``.grad`` (in place); returns ``closure()`` if given."""
        loss = None if closure is None else closure()
        for group in self.param_groups:
            lr, mu = float(group["lr"]), float(group["momentum"])
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state["velocity"] = np.zeros_like(p.data)
                v = state["velocity"]
                v *= mu
                v -= lr * p.grad
                p.data += v
        return loss
