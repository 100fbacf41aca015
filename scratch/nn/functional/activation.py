r"""C3.1.1: 활성화 함수 (activation functions) as functions, each forward beside its backward (seed §3.1.1).

The twin of the activations in ``torch.nn.functional``. Each pair is the chain rule for one function
f: the forward computes y = f(x); the backward takes g = ∂E/∂y and returns ∂E/∂x. Every function here
but the softmax pair acts element by element, so its Jacobian is diagonal and the backward is
∂E/∂x = g ⊙ f′(x); ``prelu`` is element-wise too, with a learned slope that gets a gradient of its own.
``softmax`` and ``log_softmax`` couple the entries along ``dim``: a full Jacobian, contracted with g
without ever being formed.

A backward takes what its derivative is written in: the output y (sigmoid, tanh, ReLU, softmax —
as torch does) or the input x (LeakyReLU, ELU, PReLU). No checks here: the modules in
``scratch.nn.activation`` check at the boundary and call these.
"""

from __future__ import annotations

import numpy as np


def step(x: np.ndarray) -> np.ndarray:
    r"""C3.1.1-step: 계단 함수 (step function), seed §3.1.1

    Math:      y = 1 if x > 0 else 0       (the perceptron's threshold θ folded into the bias)

    Example:
        >>> import numpy as np
        >>> step(np.array([-1.0, 0.0, 2.0])).tolist()
        [0.0, 0.0, 1.0]
    """
    return (x > 0).astype(x.dtype)


def step_backward(grad_output: np.ndarray) -> np.ndarray:
    r"""∂E/∂x = 0: the derivative is 0 wherever it exists, so no gradient flows through a step.

    Example:
        >>> import numpy as np
        >>> step_backward(np.array([5.0, -5.0])).tolist()
        [0.0, 0.0]
    """
    return np.zeros_like(grad_output)


def sigmoid(x: np.ndarray) -> np.ndarray:
    r"""C3.1.1-sigmoid: 시그모이드 함수 (sigmoid), seed §3.1.1

    Math:      y = σ(x) = 1 / (1 + e^(−x)) = e^x / (1 + e^x)
               the first form for x ≥ 0, the second for x < 0: e^(±…) ≤ 1, so exp never overflows.

    Example:
        >>> import numpy as np
        >>> sigmoid(np.array([0.0, -800.0, 800.0])).tolist()
        [0.5, 0.0, 1.0]
    """
    y = np.empty_like(x)
    positive = x >= 0
    y[positive] = 1 / (1 + np.exp(-x[positive]))
    e = np.exp(x[~positive])
    y[~positive] = e / (1 + e)
    return y


def sigmoid_backward(grad_output: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""∂E/∂x = g · y(1 − y), from the output y as torch does; y(1 − y) ≤ 1/4 (seed §3.2.3).

    Exactly 0 once y rounds to 1 (x ≳ 36.7 in float64).

    Example:
        >>> import numpy as np
        >>> sigmoid_backward(np.ones(1), sigmoid(np.zeros(1))).tolist()
        [0.25]
    """
    return grad_output * (1 - y) * y


def tanh(x: np.ndarray) -> np.ndarray:
    r"""C3.1.1-tanh: 하이퍼볼릭 탄젠트 함수 (tanh), seed §3.1.1

    Math:      y = tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ),  zero-centred, range (−1, 1)

    Example:
        >>> import numpy as np
        >>> tanh(np.array([0.0, 1000.0])).tolist()
        [0.0, 1.0]
    """
    return np.tanh(x)


def tanh_backward(grad_output: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""∂E/∂x = g · (1 − y²), from the output as torch does; at most 1, at x = 0.

    Example:
        >>> import numpy as np
        >>> tanh_backward(np.ones(1), tanh(np.zeros(1))).tolist()
        [1.0]
    """
    return grad_output * (1 - y * y)


def relu(x: np.ndarray) -> np.ndarray:
    r"""C3.1.1-relu: ReLU 함수 (ReLU), seed §3.1.1

    Math:      y = max(0, x)          (NaN stays NaN, as in torch)

    Example:
        >>> import numpy as np
        >>> relu(np.array([-2.0, 0.0, 3.0])).tolist()
        [0.0, 0.0, 3.0]
    """
    return np.maximum(x, 0)


def relu_backward(grad_output: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""∂E/∂x = g ⊙ [y ≠ 0], from the output y = max(0, x), as torch does.

    y ≥ 0, so y ≠ 0 exactly where x > 0 (the gradient is 0 at x = 0) — and where x is NaN, whose y
    is NaN: there g passes through, as torch's ``threshold_backward`` (g where y > 0 or NaN, else 0).

    Example:
        >>> import numpy as np
        >>> relu_backward(np.ones(3), relu(np.array([-2.0, 0.0, 3.0]))).tolist()
        [0.0, 0.0, 1.0]
    """
    return grad_output * (y != 0)  # float × bool keeps g's dtype


def leaky_relu(x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    r"""C3.1.1-leaky-relu: Leaky ReLU 함수 (Leaky ReLU), seed §3.1.1

    Math:      y = x if x > 0 else α x          (α = negative_slope, the seed's 0.01)

    Example:
        >>> import numpy as np
        >>> leaky_relu(np.array([-100.0, 2.0])).tolist()
        [-1.0, 2.0]
    """
    return np.where(x > 0, x, x * negative_slope)


def leaky_relu_backward(grad_output: np.ndarray, x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    r"""∂E/∂x = g if x > 0 else α g            (α at x = 0 exactly, as torch)

    Example:
        >>> import numpy as np
        >>> leaky_relu_backward(np.ones(3), np.array([-1.0, 0.0, 1.0]), 0.5).tolist()
        [0.5, 0.5, 1.0]
    """
    return np.where(x > 0, grad_output, grad_output * negative_slope)


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    r"""C3.1.1-elu: ELU 함수 (ELU), seed §3.1.1

    Math:      y = x if x > 0 else α (eˣ − 1)     (eˣ − 1 by ``expm1``: exact near 0; min(x, 0) keeps
               the unused branch from overflowing for large x)

    Example:
        >>> import numpy as np
        >>> elu(np.array([-1000.0, 0.0, 2.0]), alpha=0.5).tolist()
        [-0.5, 0.0, 2.0]
    """
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_backward(grad_output: np.ndarray, x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    r"""∂E/∂x = α eˣ g if x ≤ 0 else g          (α at x = 0 exactly; NaN passes g, as torch)

    The two one-sided derivatives at 0 are α and 1: ELU is smooth at 0 only for α = 1.

    Example:
        >>> import numpy as np
        >>> elu_backward(np.ones(2), np.array([0.0, 1.0]), alpha=0.5).tolist()
        [0.5, 1.0]
    """
    return np.where(x <= 0, grad_output * alpha * np.exp(np.minimum(x, 0)), grad_output)


def _per_channel(weight: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The slope a broadcast to x along dim 1, the channel dim (1 slope: broadcast everywhere)."""
    shape = [1] * x.ndim
    if x.ndim >= 2:
        shape[1] = weight.size
    return weight.reshape(shape)


def prelu(x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    r"""C3.1.1-prelu: 활성화 함수 (PReLU), seed §3.1.1

    Math:      y = x if x > 0 else a x       (a = weight: one slope, or one per channel along dim 1)

    Example:
        >>> import numpy as np
        >>> prelu(np.array([[-4.0, -4.0], [1.0, 1.0]]), np.array([0.25, 0.5])).tolist()
        [[-1.0, -2.0], [1.0, 1.0]]
    """
    return np.where(x > 0, x, _per_channel(weight, x) * x)


def prelu_backward(
    grad_output: np.ndarray, x: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    r"""(∂E/∂x, ∂E/∂a):  ∂E/∂x = g if x > 0 else a g;  ∂E/∂a = Σ g x over x ≤ 0 (0 at x = 0),
    summed over every dim but the channel's (over all of them for one shared slope).

    Example:
        >>> import numpy as np
        >>> dx, da = prelu_backward(np.ones(3), np.array([-2.0, 0.0, 3.0]), np.array([0.25]))
        >>> dx.tolist(), da.tolist()
        ([0.25, 0.25, 1.0], [-2.0])
    """
    positive = x > 0
    grad_input = np.where(positive, grad_output, _per_channel(weight, x) * grad_output)
    by_channel = weight.size > 1 and x.ndim >= 2
    axes = tuple(d for d in range(x.ndim) if d != 1) if by_channel else None
    grad_weight = np.where(positive, 0, grad_output * x).sum(axis=axes).reshape(weight.shape)
    return grad_input, grad_weight


def softmax(x: np.ndarray, dim: int) -> np.ndarray:
    r"""C3.1.1-softmax: 소프트맥스 함수 (Softmax Function), seed §3.1.1

    Math:      y_i = e^(x_i) / Σ_j e^(x_j) = e^(x_i − max x) / Σ_j e^(x_j − max x)
               (subtracting the max changes nothing but keeps every e^(…) ≤ 1: no overflow)
    Seed:      scores cat 3.2, car 5.1, frog −1.7 → ≈ 0.13, 0.87, 0.00.

    Example:
        >>> import numpy as np
        >>> np.round(softmax(np.array([3.2, 5.1, -1.7]), dim=0), 2).tolist()
        [0.13, 0.87, 0.0]
    """
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def softmax_backward(grad_output: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    r"""∂E/∂x = y ⊙ (g − Σ_j g_j y_j): the Jacobian diag(y) − y yᵀ applied to g, never formed.

    Example:
        >>> import numpy as np
        >>> y = softmax(np.zeros(2), dim=0)
        >>> softmax_backward(np.array([1.0, 0.0]), y, dim=0).tolist()
        [0.25, -0.25]
    """
    return y * (grad_output - (grad_output * y).sum(axis=dim, keepdims=True))


def log_softmax(x: np.ndarray, dim: int) -> np.ndarray:
    r"""C3.1.1-softmax: 소프트맥스 함수 (Softmax Function), seed §3.1.1

    In log space: the log of the softmax, stable for any scores.

    Math:      y_i = x_i − log Σ_j e^(x_j) = (x_i − max x) − log Σ_j e^(x_j − max x)
               (finite for any finite scores, where log(softmax(x)) gives −inf once a probability
               rounds to 0)

    Example:
        >>> import numpy as np
        >>> log_softmax(np.array([0.0, -1000.0]), dim=0).tolist()
        [0.0, -1000.0]
    """
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def log_softmax_backward(grad_output: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    r"""∂E/∂x = g − e^y · Σ_j g_j          (e^y is the softmax)

    Only the output y is kept from the forward, and e^y is computed again here: torch does the same
    (its derivatives.yaml: ``_log_softmax_backward_data(grad, result, dim, …)``), trading one exp for not
    storing the softmax beside the log-softmax.

    Example:
        >>> import numpy as np
        >>> y = log_softmax(np.zeros(2), dim=0)
        >>> log_softmax_backward(np.array([1.0, 0.0]), y, dim=0).tolist()
        [0.5, -0.5]
    """
    return grad_output - np.exp(y) * grad_output.sum(axis=dim, keepdims=True)
