r"""C4.2-dropout: 드롭아웃 (dropout) given its keep-mask, forward beside backward (seed §4.2).

``torch.nn.functional.dropout`` draws its mask inside; here the module draws it and these take it,
so a test can inject torch's mask and compare the rest exactly.
"""

from __future__ import annotations

import numpy as np


def _noise(keep_mask: np.ndarray, p: float, dtype: np.dtype) -> np.ndarray:
    """The multiplier m/(1 − p), in the input's dtype, as torch's CPU kernel computes it
    (``noise = mask.to(dtype); noise.div_(1 − p)``), so that the product with x rounds identically."""
    noise = keep_mask.astype(dtype)
    noise /= dtype.type(1 - p)
    return noise


def dropout(x: np.ndarray, keep_mask: np.ndarray, p: float) -> np.ndarray:
    r"""C4.2-dropout: 드롭아웃 (Dropout), seed §4.2

    The deterministic half of training-mode dropout, given the keep-mask m.

    Math:      y = x ⊙ m / (1 − p)       (m ∈ {0, 1}; p = 1: y = x · 0, no division, NaN stays NaN)
    Shape:     x, m and y share a shape; y has x's dtype.

    Example:
        >>> import numpy as np
        >>> dropout(np.array([1.0, 2.0, 3.0, 4.0]), np.array([True, False, True, True]), p=0.5).tolist()
        [2.0, 0.0, 6.0, 8.0]
    """
    if p == 1:
        return x * x.dtype.type(0)  # torch: input * zeros({}), every unit dropped
    return x * _noise(keep_mask, p, x.dtype)


def dropout_backward(grad_output: np.ndarray, keep_mask: np.ndarray, p: float) -> np.ndarray:
    r"""∂E/∂x = g ⊙ m / (1 − p): the dropped units pass no gradient (p = 1: all zeros).

    Example:
        >>> import numpy as np
        >>> dropout_backward(np.ones(2), np.array([True, False]), p=0.5).tolist()
        [2.0, 0.0]
    """
    if p == 1:
        return grad_output * grad_output.dtype.type(0)
    return grad_output * _noise(keep_mask, p, grad_output.dtype)
