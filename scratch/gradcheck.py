r"""C3.2-backprop: 역전파 (the gradient checker), seed §3.2

Check a hand-written backward against central finite differences. A scalar is made from the module's
output with a *random* upstream gradient G (an all-ones G, as in ``output.sum()``, would hide a backward
that mixes up rows or columns):

    E(x, θ) = Σ G ⊙ f(x; θ)

Its gradient by the chain rule is what ``f.backward(G)`` returns (for x) and accumulates (for each
parameter θ). Numerically, for every entry u of x and of each θ:

    ∂E/∂u ≈ (E(u + ε) − E(u − ε)) / 2ε            error O(ε²), plus round-off O(eps_machine · |E| / ε)

Two measures of the gap between the analytic gradient a and the numerical n, both reported:
    * the norm ratio ``relative_error(a, n) = ‖a − n‖ / max(‖a‖, ‖n‖)``, 0 when both are 0; and
    * CS231n's element-wise measure ``elementwise_relative_error(a, n)``, max_i |a_i − n_i| / max(|a_i|,
      |n_i|, f · m) with m the largest |a_j| or |n_j|, which a wrong entry cannot hide in among many right
      ones. The floor f = 1e-2 compares the entries smaller than 1% of the largest absolutely: the
      round-off of n is about eps_machine · |E| / ε (|a − n| measured up to 2e-10 at the default
      ε = 1e-5 on Linear, Tanh, Sigmoid and BatchNorm1d over 20 seeds), so such an entry, judged against
      itself, would show round-off rather than the backward.
A backward off by a relative δ (say a factor 1 + δ) lands at about δ on both measures; one that returns
zeros, or the wrong sign, lands at 1 or more. In float64 with the default ε = 1e-5 (near the optimum
(eps_machine)^(1/3) of central differences: round-off and the O(ε²) error balance) a correct backward
stays below the contract's 1e-7 on both measures.

Only float64: central differences in float32 (spacing 1.2e-7 near 1) lose nearly every digit at ε = 1e-5, so a
float32 input or module is refused rather than silently upcast (which would check a different module).
The module's buffers (batch norm's running statistics) are saved before the probes and restored after,
so checking a module leaves it as it was.

Example:
    >>> import numpy as np
    >>> from scratch import nn
    >>> rng = np.random.default_rng(0)
    >>> errors = gradcheck(nn.Linear(3, 2, rng=rng), rng.standard_normal((4, 3)), rng=rng)
    >>> sorted(errors), max(errors.values()) < 1e-7
    (['bias', 'input', 'weight'], True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from scratch.nn.module import Module

FLOOR = 1e-2  # entries below FLOOR · (the largest entry) are compared absolutely (see above)


class GradientError(NamedTuple):
    """Both measures of one gradient's gap.

    Example:
        >>> GradientError(norm=1e-9, elementwise=3e-9) < (1e-7, 1e-7)
        True
    """

    norm: float  # ‖a − n‖ / max(‖a‖, ‖n‖)
    elementwise: float  # max_i |a_i − n_i| / max(|a_i|, |n_i|, floor)


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """‖a − n‖ / max(‖a‖, ‖n‖), or 0 when both vanish (max, not min: zeros against ones is 1, not 0).

    Example:
        >>> import numpy as np
        >>> relative_error(np.zeros(3), np.ones(3)), relative_error(np.ones(2), np.ones(2))
        (1.0, 0.0)
    """
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)


def elementwise_relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = FLOOR) -> float:
    """max_i |a_i − n_i| / max(|a_i|, |n_i|, floor · m), m = max_j max(|a_j|, |n_j|): CS231n's measure, entry
    by entry, with a floor relative to the largest entry; 0 when both are all zeros (or empty).

    Example:
        >>> import numpy as np
        >>> elementwise_relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])).__round__(4)
        0.0909
    """
    a, n = np.asarray(analytic, np.float64), np.asarray(numeric, np.float64)
    size = np.maximum(np.abs(a), np.abs(n))
    largest = float(np.max(size, initial=0.0))
    if largest == 0:
        return 0.0
    return float(np.max(np.abs(a - n) / np.maximum(size, floor * largest)))


def numerical_gradient(f: Callable[[], float], u: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Central differences of the scalar ``f()`` with respect to every entry of ``u`` (perturbed in place
    and restored).

    Example:
        >>> import numpy as np
        >>> u = np.array([1.0, -2.0])
        >>> numerical_gradient(lambda: float(np.sum(u**3)), u).round(6).tolist()  # 3u²
        [3.0, 12.0]
    """
    grad = np.zeros_like(u, dtype=np.float64)
    flat, grad_flat = u.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, u):
        raise ValueError("numerical_gradient: expected u to be contiguous, so it can be perturbed in place")
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = f()
        flat[i] = original - eps
        minus = f()
        flat[i] = original
        grad_flat[i] = (plus - minus) / (2 * eps)
    return grad


def _check_float64(where: str, x: np.ndarray, module: Module) -> np.ndarray:
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        got = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(
            f"{where}: expected a float64 input (central differences at ε = 1e-5 lose nearly every digit in "
            f"float32), got {got}"
        )
    for name, p in module.named_parameters():
        if p.data.dtype != np.float64:
            raise TypeError(f"{where}: expected float64 parameters, got {name} of dtype {p.data.dtype}")
    return np.array(x, copy=True)  # perturbed in place: never the caller's array


def gradient_errors(
    module: Module, x: np.ndarray, *, eps: float = 1e-5, rng: np.random.Generator | None = None
) -> dict[str, GradientError]:
    """Both measures for the input and each parameter: ``{"input": GradientError, "<name>": …}``.

    Use a deterministic module (eval mode, or a fixed dropout mask). Earlier gradients are cleared
    first (``zero_grad``), and the buffers are restored at the end.

    Example:
        >>> import numpy as np
        >>> from scratch import nn
        >>> rng = np.random.default_rng(0)
        >>> error = gradient_errors(nn.Sigmoid(), rng.standard_normal((3, 2)), rng=rng)["input"]
        >>> error.norm < 1e-7 and error.elementwise < 1e-7
        True
    """
    x = _check_float64("gradcheck", x, module)
    rng = np.random.default_rng() if rng is None else rng
    buffers = {name: value.copy() for name, value in module.named_buffers()}
    upstream = rng.standard_normal(module(x).shape)

    def energy() -> float:
        return float(np.sum(upstream * module(x)))

    module.zero_grad()  # a gradient left by an earlier backward would be counted twice
    module(x)
    analytic = {"input": module.backward(upstream)}
    analytic.update({name: p.grad.copy() for name, p in module.named_parameters()})
    numeric = {"input": numerical_gradient(energy, x, eps)}
    for name, parameter in module.named_parameters():
        numeric[name] = numerical_gradient(energy, parameter.data, eps)
    for name, value in module.named_buffers():
        value[...] = buffers[name]  # running statistics as they were before the probes
    return {
        name: GradientError(relative_error(a, numeric[name]), elementwise_relative_error(a, numeric[name]))
        for name, a in analytic.items()
    }


def gradcheck(
    module: Module,
    x: np.ndarray,
    *,
    eps: float = 1e-5,
    rng: np.random.Generator | None = None,
) -> dict[str, float]:
    """C3.2-backprop: 역전파 (backpropagation), seed §3.2

    A hand-written backward checked by finite differences: the larger of the two measures, for the input
    and each parameter: ``{"input": err, "<name>": err}``.

    Example:
        >>> import numpy as np
        >>> from scratch import nn
        >>> rng = np.random.default_rng(0)
        >>> gradcheck(nn.Tanh(), rng.standard_normal((2, 3)), rng=rng)["input"] < 1e-7
        True
    """
    return {name: max(error) for name, error in gradient_errors(module, x, eps=eps, rng=rng).items()}


def gradcheck_loss(
    loss: Module,
    x: np.ndarray,
    target: np.ndarray,
    *,
    eps: float = 1e-5,
    rng: np.random.Generator | None = None,
) -> float:
    """The larger measure for a loss's ∂E/∂input, under a random upstream gradient of the value's shape
    (one number for a reduced loss; one per element for ``reduction='none'``, never the all-ones of a sum).

    Example:
        >>> import numpy as np
        >>> from scratch import nn
        >>> rng = np.random.default_rng(0)
        >>> x, t = rng.standard_normal((3, 4)), np.array([0, 3, 1])
        >>> gradcheck_loss(nn.CrossEntropyLoss(reduction="none"), x, t, rng=rng) < 1e-7
        True
    """
    x = _check_float64("gradcheck_loss", x, loss)
    rng = np.random.default_rng() if rng is None else rng
    upstream = np.asarray(rng.standard_normal(np.shape(loss(x, target))))
    loss(x, target)
    analytic = loss.backward(upstream)
    numeric = numerical_gradient(lambda: float(np.sum(upstream * loss(x, target))), x, eps)
    return max(relative_error(analytic, numeric), elementwise_relative_error(analytic, numeric))
