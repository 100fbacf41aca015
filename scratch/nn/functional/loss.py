r"""C3.1.2-mse: 손실 함수 (loss functions), seed §3.1.2

The math of the losses, as functions. A loss E(ŷ, y) measures how far the output ŷ (``input``) is from
the answer y (``target``); backpropagation starts from ∂E/∂ŷ (seed §3.2). Each loss is a pair, in the
style of CS231n's ``affine_forward`` / ``affine_backward``, named as ``torch.nn.functional``:

    value, cache = mse_loss(input, target, reduction="mean")
    grad = mse_loss_backward(grad_output, cache)        # ∂E/∂input, the input's shape and dtype

``grad_output`` is g = ∂(whatever comes after)/∂value, of the value's shape (1 for a plain loss). The
cache is a NamedTuple holding what the backward needs, each field named. The checks of the arguments
live in ``loss_checks``; below them, each function is its docstring's math.

Reading order: ``mse_loss`` (here); ``nll_loss`` and ``cross_entropy`` (``cross_entropy_loss.py``:
log-softmax, then NLL, the textbook case first and the options after); ``binary_cross_entropy`` and
``binary_cross_entropy_with_logits`` (here).

Example:
    >>> import numpy as np
    >>> from scratch.nn import functional as F
    >>> value, cache = F.mse_loss(np.array([1.0, 3.0]), np.array([0.0, 0.0]))
    >>> float(value), F.mse_loss_backward(1.0, cache).tolist()  # mean of 1, 9; 2(ŷ − y)/2
    (5.0, [1.0, 3.0])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from scratch.nn.functional import loss_checks as checks
from scratch.nn.functional.activation import sigmoid


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    """'none': ℓ as is; 'sum': Σ ℓ; 'mean': Σ ℓ / (number of elements) — nan for an empty ℓ, as torch."""
    if reduction == "none":
        return loss
    with np.errstate(invalid="ignore"):  # 0 / 0 for an empty input
        total = np.sum(loss) / loss.size if reduction == "mean" else np.sum(loss)
    return np.asarray(total, dtype=loss.dtype)


def _per_element(g: np.ndarray, size: int, reduction: str) -> np.ndarray:
    """∂E/∂ℓ_i: g / size ('mean'), g ('sum', or g_i for 'none')."""
    with np.errstate(divide="ignore", invalid="ignore"):  # size 0: nothing to scale
        return np.asarray(g / size if reduction == "mean" else g)


# ---------------------------------------------------------------------------------------------- MSE
class MSECache(NamedTuple):
    """What ``mse_loss_backward`` needs.

    Example:
        >>> import numpy as np
        >>> mse_loss(np.array([1.0]), np.array([0.25]))[1]
        MSECache(diff=array([0.75]), reduction='mean')
    """

    diff: np.ndarray  # ŷ − y
    reduction: str


def mse_loss(input: np.ndarray, target: np.ndarray, reduction: str = "mean") -> tuple[np.ndarray, MSECache]:
    r"""C3.1.2-mse: 평균 제곱 오차 (mean squared error), seed §3.1.2

    Math:      ℓ_i = (ŷ_i − y_i)²,  E = Σ_i ℓ_i / (number of elements) ('mean': N·D for an (N, D) input,
               not N), Σ_i ℓ_i ('sum') or ℓ ('none')
    Backward:  ∂E/∂ŷ_i = g · 2(ŷ_i − y_i) / (N·D)  ('mean'),  g · 2(ŷ_i − y_i)  ('sum'; g_i for 'none')

    Example:
        >>> import numpy as np
        >>> value, cache = mse_loss(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
        >>> float(value), mse_loss_backward(1.0, cache).tolist()
        (2.5, [1.0, 2.0])
    """
    checks.check_pair("mse_loss", input, target, reduction)
    diff = input - target
    return _reduce(diff * diff, reduction), MSECache(diff, reduction)


def mse_loss_backward(grad_output: np.ndarray | float, cache: MSECache) -> np.ndarray:
    """∂E/∂input of ``mse_loss`` (see its Backward line).

    Example:
        >>> import numpy as np
        >>> _, cache = mse_loss(np.array([1.0, 3.0]), np.zeros(2), reduction="none")
        >>> mse_loss_backward(np.array([1.0, -1.0]), cache).tolist()  # g · 2(ŷ − y)
        [2.0, -6.0]
    """
    norm = 2 / max(cache.diff.size, 1) if cache.reduction == "mean" else 2  # (an empty input: no elements)
    return norm * cache.diff * grad_output


def half_squared_error(input: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, MSECache]:
    r"""C3.1.2-mse: 평균 제곱 오차 (the seed's ½ Σ form; torch has none), seed §3.1.2

    Math:      E = ½ Σ_k (ŷ_k − y_k)²        (over every element) = ½ · ``mse_loss(…, 'sum')``
    Backward:  ∂E/∂ŷ_k = g · (ŷ_k − y_k)      (the ½ cancels the square's 2: why the seed puts it there)

    Example:
        >>> import numpy as np
        >>> value, cache = half_squared_error(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
        >>> float(value), half_squared_error_backward(1.0, cache).tolist()
        (2.5, [1.0, 2.0])
    """
    checks.check_pair("half_squared_error", input, target, "sum")
    diff = input - target
    return np.asarray(0.5 * np.sum(diff * diff), dtype=input.dtype), MSECache(diff, "sum")


def half_squared_error_backward(grad_output: np.ndarray | float, cache: MSECache) -> np.ndarray:
    """∂E/∂input of ``half_squared_error``: g · (ŷ − y).

    Example:
        >>> import numpy as np
        >>> half_squared_error_backward(2.0, half_squared_error(np.array([3.0]), np.array([1.0]))[1]).tolist()
        [4.0]
    """
    return cache.diff * grad_output


# ---------------------------------------------------------------------------------------------- binary
# torch's backward clamp: ``static const float EPSILON = 1e-12`` in ATen's Loss.cpp, a *float*, so its
# value is float32(1e-12) = 9.99999996e-13 even in float64 (1e-12 itself is off by 4e-9 relative).
BCE_EPSILON = float(np.float32(1e-12))


class BinaryCache(NamedTuple):
    """What the two binary backwards need.

    Example:
        >>> import numpy as np
        >>> binary_cross_entropy(np.array([0.5]), np.array([1.0]))[1].reduction
        'mean'
    """

    input: np.ndarray  # ŷ (probabilities) or x (logits)
    target: np.ndarray
    weight: np.ndarray | None
    pos_weight: np.ndarray | None  # BCE with logits only
    reduction: str


def binary_cross_entropy(
    input: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None, reduction: str = "mean"
) -> tuple[np.ndarray, BinaryCache]:
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (binary, on probabilities ŷ), seed §3.1.2

    Math:      ℓ_i = −w_i [ y_i · max(log ŷ_i, −100) + (1 − y_i) · max(log(1 − ŷ_i), −100) ]
               (each log clamped at −100, as torch, so ŷ = 0 or 1 gives a finite loss); reduced as MSE
    Backward:  ∂E/∂ŷ_i = g · w_i (ŷ_i − y_i) / max(ŷ_i (1 − ŷ_i), ε)   (÷ the number of elements for
               'mean'); ε = float32(1e-12): torch's clamp, which keeps ŷ = 0 or 1 finite (≈ ±1e12 · g)
    Checks:    input and target in [0, 1] (NaN refused), as torch ≥ 2.1 checks both.

    Example:
        >>> import numpy as np
        >>> value, cache = binary_cross_entropy(np.array([0.5]), np.array([1.0]))
        >>> round(float(value), 4), binary_cross_entropy_backward(1.0, cache).tolist()
        (0.6931, [-2.0])
    """
    checks.check_pair("binary_cross_entropy", input, target, reduction)
    checks.check_weight("binary_cross_entropy", "weight", weight, input, None)
    checks.check_unit_interval("binary_cross_entropy", "input", input)
    checks.check_unit_interval("binary_cross_entropy", "target", target)
    with np.errstate(divide="ignore"):  # log 0 = −inf, clamped to −100
        log_p, log_1mp = np.maximum(np.log(input), -100), np.maximum(np.log1p(-input), -100)
    loss = (target - 1) * log_1mp - target * log_p
    loss = loss if weight is None else loss * weight
    return _reduce(loss, reduction), BinaryCache(input, target, weight, None, reduction)


def binary_cross_entropy_backward(grad_output: np.ndarray | float, cache: BinaryCache) -> np.ndarray:
    """∂E/∂input of ``binary_cross_entropy`` (see its Backward line).

    Example:
        >>> import numpy as np
        >>> _, cache = binary_cross_entropy(np.array([1.0]), np.array([0.0]))  # ŷ = 1: the clamp
        >>> float(binary_cross_entropy_backward(1.0, cache)[0]) == 1 / BCE_EPSILON  # 1 / float32(1e-12)
        True
    """
    p, y = cache.input, cache.target
    grad = grad_output * (p - y) / np.maximum((1 - p) * p, BCE_EPSILON)
    grad = grad if cache.weight is None else grad * cache.weight
    return _per_element(grad, p.size, cache.reduction)


def binary_cross_entropy_with_logits(
    input: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    reduction: str = "mean",
    pos_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, BinaryCache]:
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (binary, on logits x: sigmoid fused), seed §3.1.2

    Math:      log σ(x) = min(x, 0) − log1p(e^(−|x|))             (stable for x = ±1e4: no overflow)
               ℓ_i = w_i [ (1 − y_i) x_i − (1 + (p − 1) y_i) log σ(x_i) ]
                   = −w_i [ p y_i log σ(x_i) + (1 − y_i) log(1 − σ(x_i)) ]   (p = pos_weight, 1 if None)
               reduced as MSE. The target is not range-checked (soft targets of any value, as torch).
    Backward:  ∂E/∂x_i = g · w_i ((p y_i + 1 − y_i) σ(x_i) − p y_i)   (÷ elements for 'mean'); σ(x) − y
               when p = 1. For a confidently wrong logit (x = 40, y = 0) it stays right, ≈ 1, where σ
               then BCE gives 0 (σ(40) rounds to 1.0; see ``models.supervised``); a confidently right
               one (x = 40, y = 1) does round to exactly 0 (true value ≈ −4e-18), as in torch.

    Example:
        >>> import numpy as np
        >>> z, y = np.array([40.0, 0.0]), np.array([0.0, 1.0])  # confidently wrong; undecided
        >>> value, cache = binary_cross_entropy_with_logits(z, y, reduction="none")
        >>> value.round(4).tolist()  # log 2 at z = 0; 40 at z = 40 (σ then BCE: clamped at 100)
        [40.0, 0.6931]
        >>> binary_cross_entropy_with_logits_backward(np.ones(2), cache).tolist()  # σ(z) − y
        [1.0, -0.5]
    """
    checks.check_pair("binary_cross_entropy_with_logits", input, target, reduction)
    checks.check_weight("binary_cross_entropy_with_logits", "weight", weight, input, None)
    checks.check_weight("binary_cross_entropy_with_logits", "pos_weight", pos_weight, input, None)
    log_sigmoid = np.minimum(input, 0) - np.log1p(np.exp(-np.abs(input)))
    if pos_weight is not None:
        log_sigmoid = log_sigmoid * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * input - log_sigmoid
    loss = loss if weight is None else loss * weight
    return _reduce(loss, reduction), BinaryCache(input, target, weight, pos_weight, reduction)


def binary_cross_entropy_with_logits_backward(
    grad_output: np.ndarray | float, cache: BinaryCache
) -> np.ndarray:
    """∂E/∂input of ``binary_cross_entropy_with_logits`` (see its Backward line).

    Example:
        >>> import numpy as np
        >>> p = np.array([3.0])
        >>> _, cache = binary_cross_entropy_with_logits(np.array([0.0]), np.array([1.0]), pos_weight=p)
        >>> binary_cross_entropy_with_logits_backward(1.0, cache).tolist()  # (p y + 1 − y) σ − p y
        [-1.5]
    """
    x, y, p = cache.input, cache.target, cache.pos_weight
    grad = sigmoid(x) - y if p is None else (p * y + 1 - y) * sigmoid(x) - p * y
    grad = grad * grad_output
    grad = grad if cache.weight is None else grad * cache.weight
    return _per_element(grad, x.size, cache.reduction)


# ---------------------------------------------------------------------------------------------- Huber
class HuberCache(NamedTuple):
    """What ``huber_loss_backward`` and ``smooth_l1_loss_backward`` need.

    Example:
        >>> import numpy as np
        >>> huber_loss(np.array([3.0]), np.array([1.0]))[1]
        HuberCache(diff=array([2.]), reduction='mean', delta=1.0)
    """

    diff: np.ndarray  # d = ŷ − y
    reduction: str
    delta: float  # Huber's δ, or SmoothL1's β


def huber_loss(
    input: np.ndarray, target: np.ndarray, reduction: str = "mean", delta: float = 1.0
) -> tuple[np.ndarray, HuberCache]:
    r"""C3.1.2-huber: 손실 함수 (Huber loss), seed §3.1.2

    Math:      d = ŷ − y;   ℓ = ½ d²  where |d| < δ,   δ (|d| − ½ δ)  elsewhere;   reduced as MSE
               (squared near 0, like MSE; a straight line of slope δ far away, so one outlier's pull is
               bounded: the DQN's TD errors)
    Backward:  ∂ℓ/∂ŷ = d  where |d| < δ,   δ · sign(d)  elsewhere   (= clip(d, −δ, δ); both branches
               give ±δ at the kink |d| = δ, so the gradient is continuous); ÷ the number of elements
               for 'mean'

    Example:
        >>> import numpy as np
        >>> value, cache = huber_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none")
        >>> value.tolist(), huber_loss_backward(np.ones(2), cache).tolist()  # ½·0.5², 3 − ½; d, 1
        ([0.125, 2.5], [0.5, 1.0])
    """
    checks.check_pair("huber_loss", input, target, reduction)
    delta = checks.check_threshold("huber_loss", "delta", delta, allow_zero=False)
    with np.errstate(over="ignore"):  # d = ±inf as in torch; np.where squares the large |d| it drops
        diff = input - target
        z = np.abs(diff)
        loss = np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))  # torch's branch: z < δ
    return _reduce(loss.astype(input.dtype, copy=False), reduction), HuberCache(diff, reduction, delta)


def huber_loss_backward(grad_output: np.ndarray | float, cache: HuberCache) -> np.ndarray:
    """∂E/∂input of ``huber_loss`` (see its Backward line): g · clip(d, −δ, δ).

    Example:
        >>> import numpy as np
        >>> _, cache = huber_loss(np.array([-5.0, 0.25, 5.0]), np.zeros(3), reduction="sum", delta=2.0)
        >>> huber_loss_backward(1.0, cache).tolist()
        [-2.0, 0.25, 2.0]
    """
    grad = np.clip(cache.diff, -cache.delta, cache.delta) * grad_output
    return _per_element(grad, cache.diff.size, cache.reduction).astype(cache.diff.dtype, copy=False)


def smooth_l1_loss(
    input: np.ndarray, target: np.ndarray, reduction: str = "mean", beta: float = 1.0
) -> tuple[np.ndarray, HuberCache]:
    r"""C3.1.2-huber: 손실 함수 (smooth L1 loss), seed §3.1.2

    Math:      d = ŷ − y;   ℓ = ½ d² / β  where |d| < β,   |d| − ½ β  elsewhere;   reduced as MSE.
               For β > 0 that is Huber with δ = β, divided by β; β = 0 is the L1 loss |d| (torch calls
               ``l1_loss`` then).
    Backward:  ∂ℓ/∂ŷ = d / β  where |d| < β,   sign(d)  elsewhere   (= clip(d / β, −1, 1)); for β = 0,
               sign(d), which is 0 at d = 0, as torch's L1

    Example:
        >>> import numpy as np
        >>> value, cache = smooth_l1_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none", beta=2.0)
        >>> value.tolist(), smooth_l1_loss_backward(np.ones(2), cache).tolist()  # ½·0.25/2, 3 − 1
        ([0.0625, 2.0], [0.25, 1.0])
    """
    checks.check_pair("smooth_l1_loss", input, target, reduction)
    beta = checks.check_threshold("smooth_l1_loss", "beta", beta, allow_zero=True)
    with np.errstate(over="ignore"):  # as in ``huber_loss``
        diff = input - target
        z = np.abs(diff)
        loss = z if beta == 0 else np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)
    return _reduce(loss.astype(input.dtype, copy=False), reduction), HuberCache(diff, reduction, beta)


def smooth_l1_loss_backward(grad_output: np.ndarray | float, cache: HuberCache) -> np.ndarray:
    """∂E/∂input of ``smooth_l1_loss`` (see its Backward line): g · clip(d / β, −1, 1); g · sign(d) at β = 0.

    Example:
        >>> import numpy as np
        >>> _, cache = smooth_l1_loss(np.array([-5.0, 0.0, 0.5]), np.zeros(3), reduction="sum", beta=0.0)
        >>> smooth_l1_loss_backward(1.0, cache).tolist()  # L1: sign(d)
        [-1.0, 0.0, 1.0]
    """
    d, beta = cache.diff, cache.delta
    slope = np.sign(d) if beta == 0 else np.clip(d / beta, -1, 1)
    return _per_element(slope * grad_output, d.size, cache.reduction).astype(d.dtype, copy=False)
