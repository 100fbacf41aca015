r"""C3.2.1-momentum: 관성 (textbook momentum), seed §3.2.1

A velocity added to the weights: the rule ``textbook_momentum`` and the class ``TextbookMomentum``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from scratch.nn.module import Parameter
from scratch.optim.optimizer import Optimizer, check_hyperparameter


def textbook_momentum(
    w: np.ndarray, g: np.ndarray, state: dict[str, Any], *, lr: float, momentum: float
) -> None:
    """One step of v ← μv − ηg, w ← w + v on w, in place.

    Example:
        >>> import numpy as np
        >>> w, state = np.array([1.0]), {"velocity": np.zeros(1)}
        >>> for _ in range(2):
        ...     textbook_momentum(w, np.array([1.0]), state, lr=0.1, momentum=0.9)
        >>> state["velocity"].round(2).tolist(), w.round(2).tolist()  # v = −0.1, then −0.19
        ([-0.19], [0.71])
    """
    v = state["velocity"]
    v *= momentum
    v -= lr * g
    w += v


class TextbookMomentum(Optimizer):
    r"""C3.2.1-momentum: 관성 (textbook momentum), seed §3.2.1

    Momentum as textbooks write it, v ← μv − ηg, w ← w + v.

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

    Example:
        >>> import numpy as np
        >>> from scratch.nn import Parameter
        >>> w = Parameter(np.array([1.0]))
        >>> optimizer = TextbookMomentum([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     w.grad[...] = 1.0; optimizer.step()
        >>> optimizer.state[w]["velocity"].round(2).tolist()  # −η g, then μ(−0.1) − 0.1
        [-0.19]
    """

    state_keys = ("velocity",)
    rule = staticmethod(textbook_momentum)

    def __init__(
        self, params: Iterable[Parameter] | Iterable[dict[str, Any]], lr: float, momentum: float = 0.9
    ) -> None:
        check_hyperparameter("TextbookMomentum", "lr", lr, not lr < 0.0, ">= 0.0")
        check_hyperparameter("TextbookMomentum", "momentum", momentum, not momentum < 0.0, ">= 0.0")
        super().__init__(params, {"lr": lr, "momentum": momentum})

    def _new_state(self, p: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        return {"velocity": np.zeros_like(p.data)}
