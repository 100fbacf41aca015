r"""C4.2-dropout: inverted dropout, a random keep-mask then a pure function of the mask (seed §4.2)."""

from __future__ import annotations

import numbers

import numpy as np

from scratch.nn.checks import check_floating, check_grad_output
from scratch.nn.module import Module


def check_dropout_probability(where: str, p: float) -> float:
    """``p`` as a float in [0, 1], or the error torch raises (a ValueError naming the actual value)."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{where}: expected p to be a real number in [0, 1], got {p!r}")
    if not 0 <= p <= 1:
        raise ValueError(f"{where}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _noise(keep_mask: np.ndarray, p: float, dtype: np.dtype) -> np.ndarray:
    """The multiplier m/(1 − p), in the input's dtype, computed as torch's CPU kernel does
    (``noise = mask.to(dtype); noise.div_(1 − p)``) so that the product with x rounds identically."""
    noise = keep_mask.astype(dtype)
    noise /= dtype.type(1 - p)
    return noise


def _check_mask(where: str, keep_mask: np.ndarray, shape: tuple[int, ...]) -> None:
    if not isinstance(keep_mask, np.ndarray) or keep_mask.dtype != np.bool_:
        raise TypeError(f"{where}: expected keep_mask to be a boolean numpy.ndarray, got {keep_mask!r:.60}")
    if keep_mask.shape != shape:
        raise ValueError(f"{where}: expected keep_mask of shape {shape} (the input's), got {keep_mask.shape}")


def dropout(x: np.ndarray, keep_mask: np.ndarray, p: float) -> np.ndarray:
    r"""C4.2-dropout: the deterministic half of training-mode dropout, given the keep-mask m.

    Math:      y = x ⊙ m / (1 − p)             (m ∈ {0, 1}; p = 1 gives y = x · 0, with no division)
    Shape:     x, m and y share a shape; y has x's dtype.

    A test injects torch's mask here (recovered as ``out != 0`` from torch's output for a nonzero x).
    """
    check_floating("dropout", "input", x)
    p = check_dropout_probability("dropout", p)
    _check_mask("dropout", keep_mask, x.shape)
    if p == 1:
        return x * x.dtype.type(0)  # torch: input * zeros({}) — every unit dropped, NaN stays NaN
    return x * _noise(keep_mask, p, x.dtype)


def dropout_backward(grad_output: np.ndarray, keep_mask: np.ndarray, p: float) -> np.ndarray:
    r"""C4.2-dropout: ∂E/∂x = g ⊙ m / (1 − p): the dropped units pass no gradient (p = 1: all zeros)."""
    check_floating("dropout_backward", "grad_output", grad_output)
    p = check_dropout_probability("dropout_backward", p)
    _check_mask("dropout_backward", keep_mask, grad_output.shape)
    if p == 1:
        return grad_output * grad_output.dtype.type(0)
    return grad_output * _noise(keep_mask, p, grad_output.dtype)


class Dropout(Module):
    r"""C4.2-dropout: in training, drop each unit with probability p and scale the survivors (seed §4.2).

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
    """

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        self.p = check_dropout_probability("Dropout", p)
        self.rng = np.random.default_rng() if rng is None else rng
        # (keep_mask or None for the identity, the input's shape): never None after a forward.
        self._cache: tuple[np.ndarray | None, tuple[int, ...]] | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating("Dropout", "input", x)
        if not self.training or self.p == 0:
            self._cache = (None, x.shape)
            return x
        # P(keep) = 1 − p; p = 1 keeps nothing and draws nothing, as torch returns before its draw.
        keep_mask = np.zeros(x.shape, dtype=bool) if self.p == 1 else self.rng.random(x.shape) >= self.p
        self._cache = (keep_mask, x.shape)
        return dropout(x, keep_mask, self.p)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        keep_mask, shape = self._take("_cache")
        g = check_grad_output("Dropout.backward", grad_output, shape)
        if keep_mask is None:
            return g.copy()
        return dropout_backward(g, keep_mask, self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"
