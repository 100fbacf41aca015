r"""C3.1.1: activation functions, each with the derivative its ``backward`` uses (seed §3.1.1).

Every activation here but PReLU is a fixed function applied element by element, so backward is the
chain rule with a diagonal Jacobian: ∂E/∂x = g ⊙ f′(x). Softmax and LogSoftmax couple the entries
along ``dim`` and have a full Jacobian, contracted with g without ever forming it.

Shape: any input shape; the output has the input's shape and dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.checks import check_floating, check_grad_output, check_positive_int
from scratch.nn.module import Module, Parameter


class _Elementwise(Module):
    """Shared plumbing: check the input, cache what backward needs, check ``grad_output``."""

    _cache_name = "_x"

    def __init__(self) -> None:
        super().__init__()
        object.__setattr__(self, self._cache_name, None)

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating(type(self).__name__, "input", x)
        y = self._forward(x)
        object.__setattr__(self, self._cache_name, y if self._cache_name == "_y" else x)
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cached = self._take(self._cache_name)
        g = check_grad_output(f"{type(self).__name__}.backward", grad_output, cached.shape)
        return self._backward(g, cached)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _backward(self, g: np.ndarray, cached: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class Step(_Elementwise):
    r"""C3.1.1-step: the perceptron's step function (seed §2.1, §3.1.1).

    Math:      y = 1 if x > 0 else 0        (the threshold θ is folded into the bias: w·x + b > 0)
    Backward:  ∂E/∂x = 0 everywhere (the derivative is 0 wherever it exists and undefined at 0), so no
               gradient flows through a step: this is why networks learn with sigmoid instead.
    Differs from torch: torch has no Step module; ``torch.heaviside`` has no autograd.
    """

    def _forward(self, x: np.ndarray) -> np.ndarray:
        return (x > 0).astype(x.dtype)

    def _backward(self, g: np.ndarray, x: np.ndarray) -> np.ndarray:
        return np.zeros_like(g)


class Sigmoid(_Elementwise):
    r"""C3.1.1-sigmoid: the logistic function, squashing ℝ into (0, 1) (seed §3.1.1).

    Math:      y = σ(x) = 1 / (1 + e^(−x))
    Backward:  ∂E/∂x = g · y(1 − y), computed from the output y, as torch does; y(1 − y) ≤ 1/4, the
               root of vanishing gradients (seed §3.2.3). Exactly 0 once y rounds to 1 (x ≳ 36.7 in float64).
    """

    _cache_name = "_y"

    def _forward(self, x: np.ndarray) -> np.ndarray:
        # Two forms so exp never overflows: 1/(1+e^-x) for x ≥ 0, e^x/(1+e^x) for x < 0.
        y = np.empty_like(x)
        positive = x >= 0
        y[positive] = 1 / (1 + np.exp(-x[positive]))
        e = np.exp(x[~positive])
        y[~positive] = e / (1 + e)
        return y

    def _backward(self, g: np.ndarray, y: np.ndarray) -> np.ndarray:
        return g * (1 - y) * y


class Tanh(_Elementwise):
    r"""C3.1.1-tanh: hyperbolic tangent, zero-centred, range (−1, 1) (seed §3.1.1).

    Math:      y = tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)
    Backward:  ∂E/∂x = g · (1 − y²), from the output as torch does; at most 1, at x = 0.
    """

    _cache_name = "_y"

    def _forward(self, x: np.ndarray) -> np.ndarray:
        return np.tanh(x)

    def _backward(self, g: np.ndarray, y: np.ndarray) -> np.ndarray:
        return g * (1 - y * y)


class ReLU(_Elementwise):
    r"""C3.1.1-relu: rectified linear unit (seed §3.1.1).

    Math:      y = max(0, x)                  (NaN stays NaN, as in torch)
    Backward:  ∂E/∂x = g ⊙ [y > 0]  — y > 0 exactly where x > 0, so the gradient is 0 at x = 0, as torch.
               Computed from the output, as torch does: the input is not kept.
    Differs from torch: an inf or NaN in g where y ≤ 0 gives NaN here (inf · 0), 0 in torch (a select).
        The product is used because it is one vectorised pass: ``np.where`` was ~15× slower on 256×1024.
    """

    _cache_name = "_y"

    def _forward(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x, 0)  # one pass, the input's dtype (0 is a Python scalar)

    def _backward(self, g: np.ndarray, y: np.ndarray) -> np.ndarray:
        return g * (y > 0)  # float × bool keeps g's dtype


class LeakyReLU(_Elementwise):
    r"""C3.1.1-leaky-relu: ReLU with a small slope for x ≤ 0, so no unit dies (seed §3.1.1).

    Math:      y = x if x > 0 else α x            (α = negative_slope)
    Backward:  ∂E/∂x = g if x > 0 else α g        (α at x = 0 exactly, as torch)
    Args:
        negative_slope: α, default 0.01 (torch's default).
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, x, x * self.negative_slope).astype(x.dtype, copy=False)

    def _backward(self, g: np.ndarray, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, g, g * self.negative_slope).astype(g.dtype, copy=False)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(_Elementwise):
    r"""C3.1.1-elu: exponential linear unit, smooth for x ≤ 0 and saturating at −α (seed §3.1.1).

    Math:      y = x if x > 0 else α (eˣ − 1)       (eˣ − 1 via ``expm1``: exact near 0)
    Backward:  ∂E/∂x = g if x > 0 else α eˣ g       (α at x = 0 exactly, as torch)
    Args:
        alpha: α, default 1.0.
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        negative = self.alpha * np.expm1(np.minimum(x, 0))  # min(): no overflow warning for large x
        return np.where(x > 0, x, negative).astype(x.dtype, copy=False)

    def _backward(self, g: np.ndarray, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, g, g * self.alpha * np.exp(np.minimum(x, 0))).astype(g.dtype, copy=False)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class PReLU(Module):
    r"""C3.1.1-prelu: LeakyReLU whose slope a is learned (seed §3.1.1).

    Math:      y = x if x > 0 else a x            (one a, or one per channel along dim 1)
    Backward:  ∂E/∂x = g if x > 0 else a g        (a at x = 0 exactly)
               ∂E/∂a = Σ g · x over x ≤ 0, summed over every dim but the channel (0 at x = 0)
    Shape:     x (N, C, *); weight (num_parameters,), with num_parameters 1 or C (1 for inputs of < 2 dims).
    Args:
        num_parameters: 1 (one slope shared) or C (one per channel). Default 1.
        init: the initial a, default 0.25.
        dtype: of the weight (default float64).
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, *, dtype: Any = np.float64) -> None:
        super().__init__()
        self.num_parameters = check_positive_int("PReLU", "num_parameters", num_parameters)
        self.weight = Parameter(np.full(num_parameters, init, dtype=np.dtype(dtype)))
        self._x: np.ndarray | None = None

    def _slope(self, x: np.ndarray) -> np.ndarray:
        """The slope broadcast to x along dim 1, the channel dim (torch: an input of fewer than 2 dims
        has one channel, so it needs num_parameters = 1)."""
        if self.num_parameters == 1:
            return self.weight.data.reshape((1,) * x.ndim)
        channels = x.shape[1] if x.ndim >= 2 else 1
        if channels != self.num_parameters:
            raise ValueError(
                f"PReLU: expected input with {self.num_parameters} channels in dim 1 "
                f"(num_parameters), got shape {x.shape}"
            )
        shape = [1] * x.ndim
        shape[1] = self.num_parameters
        return self.weight.data.reshape(shape)

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating("PReLU", "input", x)
        a = self._slope(x)
        self._x = x
        return np.where(x > 0, x, a * x).astype(x.dtype, copy=False)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        x = self._take("_x")
        g = check_grad_output("PReLU.backward", grad_output, x.shape)
        a = self._slope(x)
        negative = x <= 0
        grad_a = np.where(negative, g * x, 0)
        if self.num_parameters == 1:
            self.weight.grad += grad_a.sum()
        else:
            axes = tuple(d for d in range(x.ndim) if d != 1)
            self.weight.grad += grad_a.sum(axis=axes)
        return np.where(negative, a * g, g).astype(g.dtype, copy=False)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


def _check_dim(where: str, x: np.ndarray, dim: int) -> None:
    if not -max(x.ndim, 1) <= dim < max(x.ndim, 1):
        raise ValueError(f"{where}: expected dim in [{-x.ndim}, {x.ndim - 1}], got dim={dim}")


class Softmax(Module):
    r"""C3.1.1-softmax: scores to probabilities along ``dim`` (seed §3.1.1).

    Math:      y_i = e^(x_i) / Σ_j e^(x_j)         computed as e^(x_i − max x): same value, no overflow
    Backward:  ∂E/∂x = y ⊙ (g − Σ_j g_j y_j)         (the Jacobian diag(y) − y yᵀ applied to g)
    Seed:      scores cat 3.2, car 5.1, frog −1.7 → ≈ 0.13, 0.87, 0.00.
    Args:
        dim: the axis that sums to 1. Required (torch guesses one and warns when it is omitted).
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"Softmax: expected dim to be an int, got {dim!r}")
        self.dim = int(dim)
        self._y: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating(type(self).__name__, "input", x)
        _check_dim(type(self).__name__, x, self.dim)
        shifted = x - x.max(axis=self.dim, keepdims=True)  # subtract the max: e^(…) ≤ 1, no overflow
        e = np.exp(shifted)
        y = e / e.sum(axis=self.dim, keepdims=True)
        self._y = y
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        y = self._take("_y")
        g = check_grad_output("Softmax.backward", grad_output, y.shape)
        return y * (g - (g * y).sum(axis=self.dim, keepdims=True))

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    r"""C3.1.1-softmax, in log space: log of the softmax, stable for any scores (seed §3.1.1, §3.1.2).

    Math:      y_i = x_i − log Σ_j e^(x_j) = (x_i − max x) − log Σ_j e^(x_j − max x)
    Backward:  ∂E/∂x = g − e^y · Σ_j g_j             (e^y is the softmax)
    Args:
        dim: the axis normalised over. Required.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating(type(self).__name__, "input", x)
        _check_dim(type(self).__name__, x, self.dim)
        shifted = x - x.max(axis=self.dim, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=self.dim, keepdims=True))
        self._y = y
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        y = self._take("_y")
        g = check_grad_output("LogSoftmax.backward", grad_output, y.shape)
        return g - np.exp(y) * g.sum(axis=self.dim, keepdims=True)
