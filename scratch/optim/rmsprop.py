r"""C3.2.1-rmsprop: steps scaled by a running root-mean-square of the gradient (seed §3.2.1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from scratch.nn.module import Parameter
from scratch.optim.optimizer import Optimizer, check_hyperparameter


class RMSprop(Optimizer):
    r"""C3.2.1-rmsprop: RMSprop, one of the family in the seed's comparison figure (seed §3.2.1).

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
    """

    state_keys = ("step", "square_avg", "momentum_buffer", "grad_avg")

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

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter from its ``.grad`` (in place); returns ``closure()`` if given."""
        loss = None if closure is None else closure()
        for group in self.param_groups:
            lr, a, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
            lam, mu = float(group["weight_decay"]), float(group["momentum"])
            for p in group["params"]:
                w, state = p.data, self.state[p]
                if not state:
                    state["step"] = 0.0
                    state["square_avg"] = np.zeros_like(w)
                    if mu > 0:
                        state["momentum_buffer"] = np.zeros_like(w)
                    if group["centered"]:
                        state["grad_avg"] = np.zeros_like(w)
                state["step"] += 1
                g = -p.grad if group["maximize"] else p.grad
                if lam != 0:
                    g = g + lam * w
                s = state["square_avg"]
                s *= a
                s += (1 - a) * (g * g)
                if group["centered"]:
                    g_avg = state["grad_avg"]
                    g_avg += (1 - a) * (g - g_avg)
                    r = np.sqrt(s - g_avg * g_avg) + eps
                else:
                    r = np.sqrt(s) + eps
                if mu > 0:
                    b = state["momentum_buffer"]
                    b *= mu
                    b += g / r
                    w -= lr * b
                else:
                    w -= lr * (g / r)
        return loss
