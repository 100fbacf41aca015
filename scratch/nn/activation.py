r"""C3.1.1: 활성화 함수 (activation functions) as modules (seed §3.1.1); the math is in
``scratch.nn.functional.activation``.

Every activation here is applied element by element — its Jacobian is diagonal and the backward is
∂E/∂x = g ⊙ f′(x) — except ``Softmax`` and ``LogSoftmax``, which couple the entries along ``dim``
(a full Jacobian, contracted with g without being formed). ``PReLU`` is element-wise too, with a
learned slope that gets a gradient of its own.

Shape: any input shape; the output has the input's shape and dtype.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from scratch.nn.checks import check_floating, check_grad_output, check_positive_int, check_same_dtype
from scratch.nn.functional import activation as F
from scratch.nn.module import Module, Parameter


class _Elementwise(Module):
    """y = function(x); backward = function_backward(g, saved), where saved is the output y when
    ``from_output`` (the derivative is written in y, as torch writes it) and the input x otherwise."""

    from_output: ClassVar[bool] = False

    def __init__(self) -> None:
        super().__init__()
        self._saved: np.ndarray | None = None

    def function(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def function_backward(self, g: np.ndarray, saved: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating(type(self).__name__, "input", x)
        y = self.function(x)
        self._saved = y if self.from_output else x
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        saved = self._take("_saved")
        g = check_grad_output(f"{type(self).__name__}.backward", grad_output, saved.shape, saved.dtype)
        return self.function_backward(g, saved)


class Step(_Elementwise):
    r"""C3.1.1-step: 계단 함수 (step function), seed §3.1.1

    The perceptron's activation (seed §2.1).

    Math:      y = 1 if x > 0 else 0        (the threshold θ is folded into the bias: w·x + b > 0)
    Backward:  ∂E/∂x = 0 everywhere (the derivative is 0 wherever it exists and undefined at 0), so no
               gradient flows through a step: this is why networks learn with sigmoid instead.
    Differs from torch: torch has no Step module; ``torch.heaviside`` has no autograd.

    Example:
        >>> import numpy as np
        >>> Step()(np.array([-1.0, 0.0, 2.0])).tolist()
        [0.0, 0.0, 1.0]
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return F.step(x)

    def function_backward(self, g: np.ndarray, x: np.ndarray) -> np.ndarray:
        return F.step_backward(g)


class Sigmoid(_Elementwise):
    r"""C3.1.1-sigmoid: 시그모이드 함수 (sigmoid), seed §3.1.1

    The logistic function, squashing ℝ into (0, 1).

    Math:      y = σ(x) = 1 / (1 + e^(−x))
    Backward:  ∂E/∂x = g · y(1 − y), from the output y, as torch does; y(1 − y) ≤ 1/4, the root of
               vanishing gradients (seed §3.2.3). Exactly 0 once y rounds to 1 (x ≳ 36.7 in float64).

    Example:
        >>> import numpy as np
        >>> sigmoid = Sigmoid()
        >>> sigmoid(np.zeros(1)).tolist(), sigmoid.backward(np.ones(1)).tolist()
        ([0.5], [0.25])
    """

    from_output = True
    function = staticmethod(F.sigmoid)
    function_backward = staticmethod(F.sigmoid_backward)


class Tanh(_Elementwise):
    r"""C3.1.1-tanh: 하이퍼볼릭 탄젠트 함수 (tanh), seed §3.1.1

    Zero-centred, range (−1, 1).

    Math:      y = tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)
    Backward:  ∂E/∂x = g · (1 − y²), from the output as torch does; at most 1, at x = 0.

    Example:
        >>> import numpy as np
        >>> Tanh()(np.array([-20.0, 0.0, 20.0])).tolist()                 # saturates at ±1
        [-1.0, 0.0, 1.0]
    """

    from_output = True
    function = staticmethod(F.tanh)
    function_backward = staticmethod(F.tanh_backward)


class ReLU(_Elementwise):
    r"""C3.1.1-relu: ReLU 함수 (ReLU), seed §3.1.1

    Math:      y = max(0, x)                  (NaN stays NaN, as in torch)
    Backward:  ∂E/∂x = g ⊙ [y ≠ 0]: y ≠ 0 exactly where x > 0 (so the gradient is 0 at x = 0) or x is
               NaN (g passes, as in torch). From the output, as torch does: the input is not kept.
    Differs from torch: an inf or NaN in g where y = 0 gives NaN here (inf · 0), 0 in torch (a select);
        the product is kept because it is one multiplication, where ``np.where`` is a select over a mask.

    Example:
        >>> import numpy as np
        >>> relu = ReLU()
        >>> relu(np.array([-1.0, 0.0, 2.0])).tolist(), relu.backward(np.ones(3)).tolist()
        ([0.0, 0.0, 2.0], [0.0, 0.0, 1.0])
    """

    from_output = True
    function = staticmethod(F.relu)
    function_backward = staticmethod(F.relu_backward)


class LeakyReLU(_Elementwise):
    r"""C3.1.1-leaky-relu: Leaky ReLU 함수 (Leaky ReLU), seed §3.1.1

    ReLU with a small slope for x ≤ 0, so no unit dies.

    Math:      y = x if x > 0 else α x            (α = negative_slope)
    Backward:  ∂E/∂x = g if x > 0 else α g        (α at x = 0 exactly, as torch)
    Args:
        negative_slope: α, default 0.01 (the seed's 0.01 and torch's default).

    Example:
        >>> import numpy as np
        >>> LeakyReLU(0.1)(np.array([-10.0, 10.0])).tolist()
        [-1.0, 10.0]
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def function(self, x: np.ndarray) -> np.ndarray:
        return F.leaky_relu(x, negative_slope=self.negative_slope)

    def function_backward(self, g: np.ndarray, x: np.ndarray) -> np.ndarray:
        return F.leaky_relu_backward(g, x, negative_slope=self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(_Elementwise):
    r"""C3.1.1-elu: ELU 함수 (ELU), seed §3.1.1

    Exponential linear unit: non-linear for x ≤ 0, saturating at −α.

    Math:      y = x if x > 0 else α (eˣ − 1)       (eˣ − 1 via ``expm1``: exact near 0)
    Backward:  ∂E/∂x = g if x > 0 else α eˣ g       (α at x = 0 exactly, as torch)
    Args:
        alpha: α, default 1.0.
    Differs from seed: the seed says ELU removes ReLU's break at 0; the slope is α from the left and 1
        from the right, so ELU is smooth at 0 only for α = 1 (the default).

    Example:
        >>> import numpy as np
        >>> elu = ELU(alpha=0.5)
        >>> elu(np.array([0.0, 1.0])).tolist(), elu.backward(np.ones(2)).tolist()
        ([0.0, 1.0], [0.5, 1.0])
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def function(self, x: np.ndarray) -> np.ndarray:
        return F.elu(x, self.alpha)

    def function_backward(self, g: np.ndarray, x: np.ndarray) -> np.ndarray:
        return F.elu_backward(g, x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class PReLU(Module):
    r"""C3.1.1-prelu: 활성화 함수 (PReLU), seed §3.1.1

    LeakyReLU whose slope a is a parameter, learned by gradient descent like a weight.

    Math:      y = x if x > 0 else a x            (one a, or one per channel along dim 1)
    Backward:  ∂E/∂x = g if x > 0 else a g        (a at x = 0 exactly)
               ∂E/∂a = Σ g · x over x ≤ 0, summed over every dim but the channel (0 at x = 0)
    Shape:     x (N, C, *); weight (num_parameters,), with num_parameters 1 or C (1 for inputs of < 2 dims).
    Args:
        num_parameters: 1 (one slope shared) or C (one per channel). Default 1.
        init: the initial a, default 0.25.
        dtype: of the weight (default float64); inputs must match it.
    Differs from seed: the seed's PReLU makes α "a hyper-parameter: the value I want", chosen by hand;
        torch's (and this) PReLU learns a. Fixing a by hand is ``LeakyReLU(negative_slope=a)``.
    Differs from torch: an input of another dtype raises TypeError (torch: RuntimeError "prelu: Type
        promoting not supported").

    Example:
        >>> import numpy as np
        >>> prelu = PReLU()
        >>> prelu(np.array([-4.0, 2.0])).tolist(), prelu.backward(np.ones(2)).tolist()
        ([-1.0, 2.0], [0.25, 1.0])
        >>> prelu.weight.grad.tolist()
        [-4.0]
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, *, dtype: Any = np.float64) -> None:
        super().__init__()
        self.num_parameters = check_positive_int("PReLU", "num_parameters", num_parameters)
        self.weight = Parameter(np.full(num_parameters, init, dtype=np.dtype(dtype)))
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_floating("PReLU", "input", x)
        check_same_dtype("PReLU", "input", x, self.weight.data.dtype)
        channels = x.shape[1] if x.ndim >= 2 else 1
        if self.num_parameters != 1 and channels != self.num_parameters:
            raise ValueError(
                f"PReLU: expected input with {self.num_parameters} channels in dim 1 "
                f"(num_parameters), got shape {x.shape}"
            )
        self._x = x
        return F.prelu(x, self.weight.data)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        x = self._take("_x")
        g = check_grad_output("PReLU.backward", grad_output, x.shape, x.dtype)
        grad_input, grad_weight = F.prelu_backward(g, x, self.weight.data)
        self._accumulate(weight=grad_weight)
        return grad_input

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class _AlongDim(Module):
    """Softmax and LogSoftmax: the checked ``dim``, the cached output, an empty input passed through."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"{type(self).__name__}: expected dim to be an int, got {dim!r}")
        self.dim = int(dim)
        self._y: np.ndarray | None = None

    def _check(self, x: np.ndarray) -> np.ndarray:
        check_floating(type(self).__name__, "input", x)
        if not -max(x.ndim, 1) <= self.dim < max(x.ndim, 1):
            raise ValueError(
                f"{type(self).__name__}: expected dim in [{-x.ndim}, {x.ndim - 1}], got dim={self.dim}"
            )
        return x

    def _output_cache(self, grad_output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        y = self._take("_y")
        return check_grad_output(f"{type(self).__name__}.backward", grad_output, y.shape, y.dtype), y

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    r"""C3.1.1-softmax: 소프트맥스 함수 (Softmax Function), seed §3.1.1

    Scores to probabilities along ``dim``.

    Math:      y_i = e^(x_i) / Σ_j e^(x_j)         computed as e^(x_i − max x): same value, no overflow
    Backward:  ∂E/∂x = y ⊙ (g − Σ_j g_j y_j)         (the Jacobian diag(y) − y yᵀ applied to g)
    Seed:      scores cat 3.2, car 5.1, frog −1.7 → ≈ 0.13, 0.87, 0.00.
    Args:
        dim: the axis that sums to 1. Required (torch guesses one and warns when it is omitted).

    Example:
        >>> import numpy as np
        >>> np.round(Softmax(dim=0)(np.array([3.2, 5.1, -1.7])), 2).tolist()
        [0.13, 0.87, 0.0]
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._check(x)
        self._y = F.softmax(x, self.dim) if x.size else x.copy()  # an empty input: an empty output
        return self._y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        g, y = self._output_cache(grad_output)
        return F.softmax_backward(g, y, self.dim)


class LogSoftmax(_AlongDim):
    r"""C3.1.1-softmax: 소프트맥스 함수 (Softmax Function), seed §3.1.1

    The log of the softmax, stable for any scores (the first half of cross-entropy, seed §3.1.2).

    Math:      y_i = x_i − log Σ_j e^(x_j) = (x_i − max x) − log Σ_j e^(x_j − max x)
    Backward:  ∂E/∂x = g − e^y · Σ_j g_j             (e^y is the softmax)
    Args:
        dim: the axis normalised over. Required.

    Example:
        >>> import numpy as np
        >>> LogSoftmax(dim=0)(np.array([0.0, -1000.0])).tolist()
        [0.0, -1000.0]
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._check(x)
        self._y = F.log_softmax(x, self.dim) if x.size else x.copy()
        return self._y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        g, y = self._output_cache(grad_output)
        return F.log_softmax_backward(g, y, self.dim)
