r"""C3.1-forward: 순전파 (feedforward propagation) of one layer, forward beside backward (seed §3.1).

The twin of ``torch.nn.functional.linear``; CS231n's ``affine_forward`` / ``affine_backward`` pair.
"""

from __future__ import annotations

import numpy as np


def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    r"""C3.1-forward: 순전파 (Feedforward Propagation), seed §3.1

    Math:      y = x Wᵀ + b          (one row of x is one sample; W is (out, in), torch's layout)
    Cost:      one product of 2·N·n·m FLOPs; b is added into the product's own array (no second one).
    Shape:     x (*, n) -> y (*, m);  weight (m, n);  bias (m,)

    Example:
        >>> import numpy as np
        >>> linear(np.array([[1.0, 2.0]]), np.array([[1.0, 1.0], [0.0, 1.0], [1.0, -1.0]]), np.zeros(3))
        array([[ 3.,  2., -1.]])
    """
    y = x @ weight.T
    if bias is not None:
        y += bias
    return y


def linear_backward(
    grad_output: np.ndarray, x: np.ndarray, weight: np.ndarray, needs_input_grad: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    r"""(∂E/∂x, ∂E/∂W, ∂E/∂b) of y = x Wᵀ + b, given g = ∂E/∂y.

    Math:      ∂E/∂x = g W,   ∂E/∂W = gᵀ x,   ∂E/∂b = Σ_rows g      (every leading dim is a "row")
               ``needs_input_grad=False`` skips g W and gives None: the first layer's input is the data,
               whose gradient no one uses (torch skips it too, for an input without requires_grad).

    Example:
        >>> import numpy as np
        >>> dx, dw, db = linear_backward(np.array([[1.0, 2.0]]), np.array([[3.0]]), np.array([[1.0], [1.0]]))
        >>> dx.tolist(), dw.tolist(), db.tolist()
        ([[3.0]], [[3.0], [6.0]], [1.0, 2.0])
    """
    g2 = grad_output.reshape(-1, weight.shape[0])  # (*, m) -> (N, m)
    x2 = x.reshape(-1, weight.shape[1])  # (*, n) -> (N, n)
    grad_input = grad_output @ weight if needs_input_grad else None
    return grad_input, g2.T @ x2, g2.sum(axis=0)
