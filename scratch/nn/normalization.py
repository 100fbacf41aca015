r"""C4.3-layernorm: layer normalization over each sample's features (seed §4.3).

The module holds γ and β; the math is ``scratch.nn.functional.layer_norm``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from scratch.nn.checks import check_floating, check_floating_dtype, check_grad_output, check_same_dtype
from scratch.nn.functional.normalization import LayerNormCache, layer_norm, layer_norm_backward
from scratch.nn.module import Module, Parameter


class LayerNorm(Module):
    r"""C4.3-layernorm: 레이어 정규화 (Layer Normalization), seed §4.3

    Normalise each sample over its last dims, then scale and shift.

    The seed: batch normalization needs a batch large enough to estimate statistics and suits
    sequences badly; layer normalization normalises along the feature dimension instead, one sample
    at a time, so it works for any batch size (even 1) and is used in RNNs.

    Math (per sample; the average runs over the D = prod(normalized_shape) trailing values):
               μ = (1/D) Σ x,   σ² = (1/D) Σ (x − μ)²       (biased)
               x̂ = (x − μ) / √(σ² + eps),   y = γ ⊙ x̂ + β   (γ, β of shape normalized_shape)
               No running statistics: training and eval compute the same function.
    Backward:  with s = 1/√(σ² + eps), x̂ cached, h = g ⊙ γ (g = ∂E/∂y), ⟨·⟩ the mean over the D values:
               ∂E/∂x = s (h − ⟨h⟩ − x̂ ⟨h x̂⟩),   ∂E/∂γ = Σ_samples g x̂,   ∂E/∂β = Σ_samples g
    Shape:     x (*, *normalized_shape) -> y of the same shape and dtype.
    Args:
        normalized_shape: an int or a tuple of ints, the trailing shape normalised over.
        eps: added to the variance inside the root, default 1e-5.
        elementwise_affine: learn γ (ones) and β (zeros), default True.
        bias: learn β too (only with elementwise_affine), default True.
        dtype: of the parameters, default float64; inputs must match.
    Differs from torch: a negative eps raises ValueError here; torch accepts it and returns NaN for
        every sample whose σ² + eps < 0. eps = 0 is valid in both.

    Example:
        >>> import numpy as np
        >>> ln = LayerNorm(2, eps=0.0)
        >>> ln(np.array([[1.0, 3.0], [10.0, 0.0]])).tolist()
        [[-1.0, 1.0], [1.0, -1.0]]
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        given = normalized_shape
        if isinstance(normalized_shape, numbers.Integral) and not isinstance(normalized_shape, bool):
            normalized_shape = (normalized_shape,)
        if (
            not isinstance(normalized_shape, Sequence)
            or isinstance(normalized_shape, str)
            or not normalized_shape
            or not all(
                isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
                for d in normalized_shape
            )
        ):
            raise ValueError(
                f"LayerNorm: expected normalized_shape to be a positive int or a non-empty tuple of "
                f"positive ints, got {given!r}"
            )
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or eps < 0:
            raise ValueError(f"LayerNorm: expected eps to be a non-negative real number, got {eps!r}")
        self.normalized_shape = tuple(int(d) for d in normalized_shape)
        self.eps = float(eps)
        self.elementwise_affine = bool(elementwise_affine)
        self.dtype = check_floating_dtype("LayerNorm", dtype)
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=self.dtype))
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype=self.dtype)) if bias else None
        else:
            self.weight = None
            self.bias = None
        self._cache: LayerNormCache | None = None  # for backward

    def reset_parameters(self) -> None:
        if self.weight is not None:
            self.weight.data.fill(1)
        if self.bias is not None:
            self.bias.data.fill(0)

    def _on_dtype_change(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating("LayerNorm", "input", x)
        k = len(self.normalized_shape)
        if x.ndim < k or x.shape[x.ndim - k :] != self.normalized_shape:
            raise ValueError(
                f"LayerNorm: expected input with shape (*, {', '.join(map(str, self.normalized_shape))}) "
                f"(normalized_shape={self.normalized_shape}), got shape {x.shape}"
            )
        check_same_dtype("LayerNorm", "input", x, self.dtype)
        weight = None if self.weight is None else self.weight.data
        bias = None if self.bias is None else self.bias.data
        y, self._cache = layer_norm(x, self.normalized_shape, weight, bias, self.eps)
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache = self._take("_cache")
        g = check_grad_output("LayerNorm.backward", grad_output, cache.x_hat.shape, cache.x_hat.dtype)
        grad_input, grad_weight, grad_bias = layer_norm_backward(g, cache)
        self._accumulate(weight=grad_weight, bias=grad_bias)
        return grad_input

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )
