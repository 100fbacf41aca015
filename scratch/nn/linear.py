"""C3.1-forward: the fully connected layer (seed §3.1). The math is ``scratch.nn.functional.linear``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from scratch.nn import init
from scratch.nn.checks import check_floating, check_grad_output, check_positive_int, check_same_dtype
from scratch.nn.functional.linear import linear, linear_backward
from scratch.nn.module import Module, Parameter


class Linear(Module):
    r"""C3.1-forward: 순전파 (Feedforward Propagation), seed §3.1

    The fully connected layer: every output a weighted sum of the inputs plus a bias.

    Math:      y = x Wᵀ + b                       (one row of x is one sample)
    Backward:  ∂E/∂x = g W,   ∂E/∂W = gᵀ x,   ∂E/∂b = Σ_rows g            (g = ∂E/∂y)
               ``backward(g, needs_input_grad=False)`` skips g W (the first layer of a network: its
               input is the data) and returns None, as torch skips it for an input without requires_grad.
    Cost:      three matrix products of 2·N·n·m FLOPs each (two without ∂E/∂x); the bias is added in
               place, so forward makes one array (y); backward makes gᵀx (m, n), added into W.grad.
    Shape:     x (*, in_features) -> y (*, out_features);  weight (out_features, in_features),
               bias (out_features,) — torch's layout, so state dicts move between twins as they are.
    Args:
        in_features, out_features: n and m, the widths of x and y.
        bias: learn b (default True).
        dtype: of the parameters (default float64); inputs must match it (no silent upcast).
        rng: draws the initial weights; torch's default init: W, b ~ U(−1/√n, 1/√n)
            (``kaiming_uniform_(a=√5)``).

    Example:
        >>> import numpy as np
        >>> layer = Linear(3, 2, rng=np.random.default_rng(0))
        >>> y = layer(np.ones((4, 3)))
        >>> grad_x = layer.backward(np.ones_like(y))
        >>> y.shape, grad_x.shape, layer.weight.grad.tolist()
        ((4, 2), (4, 3), [[4.0, 4.0, 4.0], [4.0, 4.0, 4.0]])
    """

    can_skip_input_grad = True

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        dtype: Any = np.float64,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int("Linear", "in_features", in_features)
        self.out_features = check_positive_int("Linear", "out_features", out_features)
        self.dtype = np.dtype(dtype)
        self.weight = Parameter(np.empty((out_features, in_features), dtype=self.dtype))
        self.bias = Parameter(np.empty(out_features, dtype=self.dtype)) if bias else None
        self._x: np.ndarray | None = None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """torch's default: kaiming_uniform_(a=√5) gives U(−1/√n, 1/√n); the bias the same bound."""
        init.kaiming_uniform_(self.weight.data, a=math.sqrt(5), rng=rng)
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias.data, -bound, bound, rng=rng)

    def _on_dtype_change(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating("Linear", "input", x)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear: expected input with last dimension in_features={self.in_features}, "
                f"got shape {x.shape}"
            )
        check_same_dtype("Linear", "input", x, self.dtype)
        self._x = x  # backward needs only the input
        return linear(x, self.weight.data, None if self.bias is None else self.bias.data)

    def backward(self, grad_output: np.ndarray, needs_input_grad: bool = True) -> np.ndarray | None:
        x = self._take("_x")
        g = check_grad_output("Linear.backward", grad_output, (*x.shape[:-1], self.out_features), x.dtype)
        grad_input, grad_weight, grad_bias = linear_backward(g, x, self.weight.data, needs_input_grad)
        self._accumulate(weight=grad_weight, bias=grad_bias)
        return grad_input

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
        )
