r"""C4.2-dropout: inverted dropout, a random keep-mask then a pure function of the mask (seed §4.2).

The math, given the mask, is ``scratch.nn.functional.dropout``.
"""

from __future__ import annotations

import numbers

import numpy as np

from scratch.nn.checks import check_floating, check_grad_output
from scratch.nn.functional.dropout import dropout, dropout_backward
from scratch.nn.module import Module


def check_dropout_probability(where: str, p: float) -> float:
    """``p`` as a float in [0, 1], or the error torch raises (a ValueError naming the actual value).

    Example:
        >>> check_dropout_probability("Dropout", 1.5)
        Traceback (most recent call last):
        ...
        ValueError: Dropout: dropout probability has to be between 0 and 1, but got 1.5
    """
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{where}: expected p to be a real number in [0, 1], got {p!r}")
    if not 0 <= p <= 1:
        raise ValueError(f"{where}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


class Dropout(Module):
    r"""C4.2-dropout: 드롭아웃 (Dropout), seed §4.2

    In training, drop each unit with probability p and scale the survivors.

    Every batch trains a different random sub-network, so the whole acts like an ensemble of the
    thinned networks and over-fits less (seed §4.2).

    Math:      training: m_i ~ Bernoulli(1 − p) (keep), y = x ⊙ m / (1 − p)   ("inverted" dropout,
               so E[y] = x and inference needs no rescaling);  eval: y = x.
    Backward:  ∂E/∂x = g ⊙ m / (1 − p) in training (the same mask), g in eval.
    Shape:     any; y has x's shape and dtype.
    Args:
        p: probability of dropping a unit, default 0.5; must lie in [0, 1] (ValueError otherwise, as
            torch). p = 0 is the identity and p = 1 zeroes everything; neither draws from ``rng``.
        rng: draws the keep-masks; a fresh ``np.random.default_rng()`` when None.

    The mask draw is ``keep_mask = rng.random(x.shape) >= p`` (float64 uniforms, one per element, in C
    order), once per training-mode forward with 0 < p < 1; then ``dropout(x, keep_mask, p)``.
    ``torch_impl.nn.SharedMaskDropout`` makes the same call on its own generator, so two generators
    created from one seed give both twins the same masks step after step (paired training).

    Differs from torch: masks come from a NumPy generator, not torch's global RNG (the streams differ;
    masks move between twins by injection or by ``SharedMaskDropout``); no ``inplace`` argument.
    In eval (and for p = 0) the input itself is returned, as torch does.

    Example:
        >>> import numpy as np
        >>> drop = Dropout(p=0.5, rng=np.random.default_rng(0))
        >>> y = drop(np.ones(8))
        >>> sorted(set(y.tolist()))                 # each unit dropped (0) or scaled by 1/(1 − p)
        [0.0, 2.0]
        >>> drop.eval()(np.ones(2)).tolist()
        [1.0, 1.0]
    """

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        self.p = check_dropout_probability("Dropout", p)
        self.rng = np.random.default_rng() if rng is None else rng
        # (keep_mask or None for the identity, the input's shape): never None after a forward.
        self._cache: tuple[np.ndarray | None, tuple[int, ...], np.dtype] | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating("Dropout", "input", x)
        if not self.training or self.p == 0:
            self._cache = (None, x.shape, x.dtype)
            return x
        # P(keep) = 1 − p; p = 1 keeps nothing and draws nothing, as torch returns before its draw.
        keep_mask = np.zeros(x.shape, dtype=bool) if self.p == 1 else self.rng.random(x.shape) >= self.p
        self._cache = (keep_mask, x.shape, x.dtype)
        return dropout(x, keep_mask, self.p)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        keep_mask, shape, dtype = self._take("_cache")
        g = check_grad_output("Dropout.backward", grad_output, shape, dtype)
        if keep_mask is None:
            return g.copy()
        return dropout_backward(g, keep_mask, self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"
