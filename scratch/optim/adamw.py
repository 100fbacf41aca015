r"""C3.2.1-adamw: 최적화 (AdamW), seed §3.2.1

Adam with decoupled weight decay; its rule is ``scratch.optim.adam.adam``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from scratch.nn.module import Parameter
from scratch.optim.adam import Adam


class AdamW(Adam):
    r"""C3.2.1-adamw: 최적화 (AdamW), seed §3.2.1

    Adam whose weight decay shrinks w directly. Beyond the seed's text, which names Adam only.

    Math (one step, per parameter w with gradient g = ∂E/∂w; η = ``lr``, the seed's α; element-wise):
        t ← t + 1
        g ← −g                                   if maximize
        w ← w (1 − η λ)                          (λ = weight_decay; before the moments, and g is untouched)
        m ← m + (1 − β₁)(g − m)                  (exp_avg)
        v ← β₂ v + (1 − β₂) g²                   (exp_avg_sq)
        v_max ← max(v_max, v)                    if amsgrad, then v is v_max below
        w ← w − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)

    Conventions (torch's):
        * The decay is decoupled from the gradient (Loshchilov & Hutter): λw never enters m or v, so it is
          not rescaled by 1/√v̂ as Adam's L2 term is. It is applied first, to the weights of step t − 1.
        * The decay is multiplied by η, so changing lr changes the decay too.
        * The default λ is 1e-2 (Adam's is 0); otherwise the rule is ``Adam``'s, including ε outside the
          root and amsgrad's maximum of the raw v.

    State (per parameter, created at the first step): ``step``, ``exp_avg``, ``exp_avg_sq``,
    ``max_exp_avg_sq`` (if amsgrad).

    Args:
        params: Parameters, or dicts of ``{"params": [...], <overrides>}`` (param groups).
        lr: η (default 1e-3).
        betas: (β₁, β₂), two floats (default (0.9, 0.999)).
        eps: ε (default 1e-8).
        weight_decay: λ (default 1e-2).
        amsgrad: use the running maximum of v (default False).
        maximize: ascend instead of descend (default False).

    Raises:
        ValueError: as ``Adam``, exactly where torch raises.

    Example:
        >>> import numpy as np
        >>> from scratch.nn import Parameter
        >>> w = Parameter(np.array([1.0]))
        >>> optimizer = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> optimizer.step(); w.data.tolist()  # g = 0: only the decay, w (1 − ηλ)
        [0.95]
    """

    fixed_torch_flags: ClassVar[dict[str, bool]] = {"decoupled_weight_decay": True}

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[dict[str, Any]],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
