r"""C3.1.2-cross-entropy: 손실 함수 (loss functions), seed §3.1.2

The math of the losses (MSE too), as functions. A loss E(ŷ, y) measures how far the output ŷ
(``input``) is from the answer y (``target``); backpropagation starts from ∂E/∂ŷ (seed §3.2). Each loss
is a pair, in the style of CS231n's ``affine_forward`` / ``affine_backward``, named as
``torch.nn.functional``:

    value, cache = mse_loss(input, target, reduction="mean")
    grad = mse_loss_backward(grad_output, cache)        # ∂E/∂input, the input's shape and dtype

``grad_output`` is g = ∂(whatever comes after)/∂value, of the value's shape (1 for a plain loss). The
cache is a NamedTuple holding what the backward needs, each field named. The checks of the arguments
live in ``loss_checks``; below them, each function is its docstring's math.

Reading order: ``mse_loss``; ``nll_loss`` and ``cross_entropy`` (log-softmax, then NLL: the textbook
case first, the options — class weights, ignored rows, label smoothing, probability targets — after);
``binary_cross_entropy`` and ``binary_cross_entropy_with_logits``.

Example:
    >>> import numpy as np
    >>> from scratch.nn import functional as F
    >>> value, cache = F.cross_entropy(np.array([[2.0, 0.0, 0.0]]), np.array([0]))
    >>> round(float(value), 4), F.cross_entropy_backward(1.0, cache).round(4).tolist()
    (0.2395, [[-0.213, 0.1065, 0.1065]])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from scratch.nn.functional import loss_checks as checks
from scratch.nn.functional.activation import log_softmax, log_softmax_backward, sigmoid
from scratch.nn.functional.loss_checks import class_dim

Array = np.ndarray  # for short signatures


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
    """∂E/∂input of ``mse_loss`` (see its Backward line)."""
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
    """∂E/∂input of ``half_squared_error``: g · (ŷ − y)."""
    return cache.diff * grad_output


# ---------------------------------------------------------------------------------------------- NLL
class NLLCache(NamedTuple):
    shape: tuple[int, ...]  # the input's shape; the classes are on dim 1 (dim 0 when unbatched)
    target: np.ndarray  # t_n, the class of each sample (0 on ignored samples)
    keep: np.ndarray  # t_n ≠ ignore_index
    weight: np.ndarray  # w_{t_n}: 1 without class weights, 0 on ignored samples
    divisor: np.ndarray  # Σ_n w_{t_n} for 'mean', else 1
    reduction: str


def nll_loss(
    input: Array,
    target: Array,
    weight: Array | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> tuple[np.ndarray, NLLCache]:
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (negative log-likelihood), seed §3.1.2

    Math:      ℓ_n = −w_{t_n} · x_{n, t_n}      (x = log ŷ, e.g. from ``log_softmax``; t_n the class;
               w = ``weight``, all ones when None); ℓ_n = 0 and w_{t_n} = 0 where t_n = ignore_index
               E = Σ_n ℓ_n / Σ_n w_{t_n} ('mean': a weighted mean, nan when every sample is ignored),
               Σ_n ℓ_n ('sum'), or ℓ ('none')
    Backward:  ∂E/∂x_{n,c} = −w_{t_n} · s_n where c = t_n, else 0;  s_n = g / Σ w_t ('mean'), g ('sum'), g_n
    Shape:     input (N, C), (C,) or (N, C, d1, …); target (N,), () or (N, d1, …).

    Example:
        >>> import numpy as np
        >>> value, cache = nll_loss(np.log(np.array([[0.5, 0.5], [0.8, 0.2]])), np.array([0, 1]))
        >>> round(float(value), 4), nll_loss_backward(1.0, cache).tolist()
        (1.1513, [[-0.5, 0.0], [0.0, -0.5]])
    """
    checks.check_class_input("nll_loss", input, weight, reduction)
    checks.check_index_target(
        "nll_loss", input, target, checks.check_ignore_index("nll_loss", ignore_index), False
    )
    dim = class_dim(input.shape)
    keep = target != ignore_index
    t = np.where(keep, target, 0)  # an ignored sample points at class 0, masked below
    w_t = np.where(keep, 1 if weight is None else weight[t], 0).astype(input.dtype)
    x_t = np.take_along_axis(input, np.expand_dims(t, dim), axis=dim).squeeze(dim)  # x_{n, t_n}
    with np.errstate(invalid="ignore"):  # −inf · 0 for a zero-weight class: nan, as torch
        loss = np.where(keep, -w_t * x_t, 0).astype(input.dtype)  # an ignored −inf never enters
    divisor = np.sum(w_t) if reduction == "mean" else np.ones((), input.dtype)
    return _divide(loss, divisor, reduction), NLLCache(input.shape, t, keep, w_t, divisor, reduction)


def nll_loss_backward(grad_output: np.ndarray | float, cache: NLLCache) -> np.ndarray:
    """∂E/∂input of ``nll_loss``: −w_{t_n} s_n at each sample's class, 0 elsewhere."""
    dim = class_dim(cache.shape)
    s = _per_sample(grad_output, cache.divisor, cache.keep)
    grad = np.zeros(cache.shape, dtype=cache.weight.dtype)
    np.put_along_axis(
        grad, np.expand_dims(cache.target, dim), np.expand_dims(-cache.weight * s, dim), axis=dim
    )
    return grad


def _divide(loss: np.ndarray, divisor: np.ndarray, reduction: str) -> np.ndarray:
    """'none': ℓ as is; otherwise Σ ℓ / divisor (0 / 0 = nan when nothing counts, as torch)."""
    if reduction == "none":
        return loss
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.sum(loss) / divisor, dtype=loss.dtype)


def _per_sample(g: np.ndarray | float, divisor: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """s_n = ∂E/∂ℓ_n = g / divisor (g_n for 'none'), 0 on ignored samples (even when g / 0 = inf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(keep, g / divisor, 0).astype(divisor.dtype)


# ---------------------------------------------------------------------------------------------- CE
class SmoothingCache(NamedTuple):
    coefficient: np.ndarray  # ∂S/∂(log ŷ) per unit s_n: −w_c, or −w_c q_{n,c} for probability targets
    keep: np.ndarray  # which samples count (all, for probability targets)
    divisor: np.ndarray  # of the 'mean': the NLL's Σ w_t, or N for probability targets
    label_smoothing: float  # ε, with which ``cross_entropy`` mixes (1 − ε) NLL + (ε / C) S


class CrossEntropyCache(NamedTuple):
    log_prob: np.ndarray  # log ŷ = log_softmax(x) along the class dimension
    nll: NLLCache | None  # the NLL part (class-index targets); None for probability targets
    smoothing: SmoothingCache | None  # the ε/C part, or the whole loss of probability targets


def cross_entropy(
    input: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> tuple[np.ndarray, CrossEntropyCache]:
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (cross-entropy: log-softmax, then NLL), seed §3.1.2

    Math:      the textbook case (class indices t, no options), on raw scores x:
                   log ŷ = log_softmax(x) = x − max x − log Σ_c e^(x_c − max x)   (stable for ±1e4)
                   E = mean_n −log ŷ_{n, t_n} = nll_loss(log ŷ, t)
               which is the seed's E = −Σ_k y_k log ŷ_k with y one-hot; a −inf score gets ŷ = 0.
               Options, as torch composes them: ``weight`` and ``ignore_index`` go to ``nll_loss``;
               label_smoothing ε over C classes adds a term S (``_smoothing``):
                   E = (1 − ε) · nll_loss(log ŷ, t) + (ε / C) · S
               probability targets q (floating, the input's shape): ``_soft_cross_entropy``.
    Backward:  G = ∂E/∂(log ŷ) from ``nll_loss_backward`` (and S's), then the log-softmax chain rule
               ∂E/∂x = G − ŷ · Σ_c G_c;  for one unweighted sample, ŷ − onehot(t).
    Shape:     input (N, C), (C,) or (N, C, d1, …); target (N,), () or (N, d1, …) class indices, or
               probabilities of the input's shape; 'none' returns the input's shape without C.

    Example:
        >>> import numpy as np
        >>> value, cache = cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))
        >>> round(float(value), 4), cross_entropy_backward(1.0, cache).tolist()
        (0.6931, [[0.5, -0.5]])
    """
    eps = checks.check_label_smoothing("cross_entropy", label_smoothing)
    checks.check_class_input("cross_entropy", input, weight, reduction)
    ignore_index = checks.check_ignore_index("cross_entropy", ignore_index)
    if checks.is_probability_target(input, target):
        checks.check_probability_target("cross_entropy", input, target, ignore_index)
        return _soft_cross_entropy(input, target, weight, reduction, eps)
    checks.check_index_target("cross_entropy", input, target, ignore_index, probabilities=True)
    log_prob = log_softmax(input, dim=class_dim(input.shape))  # log ŷ
    value, nll = nll_loss(log_prob, target, weight, ignore_index, reduction)  # −mean log ŷ_t
    if eps == 0:
        return value, CrossEntropyCache(log_prob, nll, None)
    smooth, smoothing = _smoothing(log_prob, weight, nll, eps)
    n_classes = log_prob.shape[class_dim(input.shape)]
    return (1 - eps) * value + (eps / n_classes) * smooth, CrossEntropyCache(log_prob, nll, smoothing)


def cross_entropy_backward(grad_output: np.ndarray | float, cache: CrossEntropyCache) -> np.ndarray:
    """∂E/∂input of ``cross_entropy`` (index or probability targets)."""
    if cache.nll is None:  # probability targets: the whole loss is the S-shaped term
        G = _smoothing_backward(grad_output, cache.smoothing)
    else:
        G = nll_loss_backward(grad_output, cache.nll)
        if cache.smoothing is not None:  # ε/C · ∂S/∂(log ŷ)
            eps, n_classes = cache.smoothing.label_smoothing, cache.log_prob.shape[class_dim(cache.nll.shape)]
            G = (1 - eps) * G + (eps / n_classes) * _smoothing_backward(grad_output, cache.smoothing)
    return log_softmax_backward(G, cache.log_prob, dim=class_dim(cache.log_prob.shape))


def _smoothing(
    log_prob: np.ndarray, weight: np.ndarray | None, nll: NLLCache, eps: float
) -> tuple[np.ndarray, SmoothingCache]:
    r"""S = Σ_n −Σ_c w_c log ŷ_{n,c} over kept samples, divided by the NLL's divisor ('mean', as torch).

    Backward:  ∂S/∂(log ŷ_{n,c}) = −w_c · s_n   (0 on ignored samples)
    """
    dim = class_dim(log_prob.shape)
    w = np.ones(log_prob.shape[dim], log_prob.dtype) if weight is None else weight
    w = w.reshape((-1,) + (1,) * (log_prob.ndim - dim - 1))  # classes on dim
    coefficient = np.where(np.expand_dims(nll.keep, dim), -w, 0).astype(log_prob.dtype)  # −w_c; 0 if ignored
    with np.errstate(invalid="ignore"):  # −inf · 0 for a zero-weight class: nan, as torch
        per_sample = np.where(nll.keep, np.sum(coefficient * log_prob, axis=dim), 0).astype(log_prob.dtype)
    cache = SmoothingCache(coefficient, nll.keep, nll.divisor, eps)
    return _divide(per_sample, nll.divisor, nll.reduction), cache


def _soft_cross_entropy(
    input: np.ndarray, target: np.ndarray, weight: np.ndarray | None, reduction: str, eps: float
) -> tuple[np.ndarray, CrossEntropyCache]:
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (probability targets), seed §3.1.2

    Math:      q ← (1 − ε) q + ε / C;   ℓ_n = −Σ_c w_c q_{n,c} log ŷ_{n,c};   'mean' divides Σ_n ℓ_n by
               N (the number of samples), not by the weights
    Backward:  G = −w q · s_n (s_n = g / N, g or g_n), then ∂E/∂x = G − ŷ · Σ_c G_c
    ``cross_entropy`` calls this for a floating target of the input's shape (torch's rule).

    Example:
        >>> import numpy as np
        >>> value, cache = cross_entropy(np.array([[0.0, 0.0]]), np.array([[0.5, 0.5]]))
        >>> round(float(value), 4), cross_entropy_backward(1.0, cache).tolist()
        (0.6931, [[0.0, 0.0]])
    """
    dim = class_dim(input.shape)
    n_classes = input.shape[dim]
    log_prob = log_softmax(input, dim=dim)
    q = (1 - eps) * target + eps / n_classes if eps > 0 else target
    w = np.ones(n_classes, input.dtype) if weight is None else weight
    coefficient = -(q * w.reshape((-1,) + (1,) * (input.ndim - dim - 1)))  # −w_c q_{n,c}
    with np.errstate(invalid="ignore"):  # −inf · 0 = nan, as torch (its gradient stays finite)
        per_sample = np.sum(coefficient * log_prob, axis=dim)
    keep = np.ones(per_sample.shape, dtype=bool)
    divisor = np.asarray(per_sample.size if reduction == "mean" else 1, dtype=input.dtype)
    smoothing = SmoothingCache(coefficient, keep, divisor, eps)
    return _divide(per_sample, divisor, reduction), CrossEntropyCache(log_prob, None, smoothing)


def _smoothing_backward(grad_output: np.ndarray | float, cache: SmoothingCache) -> np.ndarray:
    """∂S/∂(log ŷ_{n,c}) = coefficient_{n,c} · s_n."""
    s = _per_sample(grad_output, cache.divisor, cache.keep)
    return cache.coefficient * np.expand_dims(s, class_dim(cache.coefficient.shape))


# ---------------------------------------------------------------------------------------------- binary
# torch's backward clamp: ``static const float EPSILON = 1e-12`` in ATen's Loss.cpp, a *float*, so its
# value is float32(1e-12) = 9.99999996e-13 even in float64 (1e-12 itself is off by 4e-9 relative).
BCE_EPSILON = float(np.float32(1e-12))


class BinaryCache(NamedTuple):
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
    """∂E/∂input of ``binary_cross_entropy`` (see its Backward line)."""
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
               when p = 1 — never 0 by round-off, unlike σ then BCE (see ``models.supervised``).

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
    """∂E/∂input of ``binary_cross_entropy_with_logits`` (see its Backward line)."""
    x, y, p = cache.input, cache.target, cache.pos_weight
    grad = sigmoid(x) - y if p is None else (p * y + 1 - y) * sigmoid(x) - p * y
    grad = grad * grad_output
    grad = grad if cache.weight is None else grad * cache.weight
    return _per_element(grad, x.size, cache.reduction)
