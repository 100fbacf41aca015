r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (cross-entropy and NLL), seed §3.1.2

The textbook case first, on one screen: ``softmax_cross_entropy`` (softmax, the target's −log-probability,
the mean) beside its backward, (ŷ − onehot(t)) / N. Then torch's ``nll_loss`` and ``cross_entropy`` with
every option (class weights, ignore_index, label smoothing, probability targets, extra dims), built on it:
with no option set ``cross_entropy`` *is* the textbook pair; with options it composes as torch does —
log-softmax, then NLL, plus an ε/C term for label smoothing, or the probability-target form — and a test
holds it equal to the textbook pair wherever both apply.

Example:
    >>> import numpy as np
    >>> value, cache = softmax_cross_entropy(np.array([[2.0, 0.0, 0.0]]), np.array([0]))
    >>> round(float(value), 4), softmax_cross_entropy_backward(1.0, cache).round(4).tolist()  # ŷ − onehot(t)
    (0.2395, [[-0.213, 0.1065, 0.1065]])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from scratch.nn.functional import loss_checks as checks
from scratch.nn.functional.activation import log_softmax, log_softmax_backward
from scratch.nn.functional.loss_checks import class_dim

Array = np.ndarray  # for short signatures


# ------------------------------------------------------------------------------- the textbook case
class SoftmaxCrossEntropyCache(NamedTuple):
    """What ``softmax_cross_entropy_backward`` needs: log ŷ (N, C) and the targets t (N,)."""

    log_prob: np.ndarray
    target: np.ndarray


def softmax_cross_entropy(x: Array, target: Array) -> tuple[np.ndarray, SoftmaxCrossEntropyCache]:
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (softmax and cross-entropy, the textbook case), seed §3.1.2

    Math:      ŷ_n = softmax(x_n)                  (the scores of sample n turned into probabilities)
               E = −(1/N) Σ_n log ŷ_{n, t_n}        (the seed's −Σ_k y_k log ŷ_k, y = onehot(t), averaged)
    Backward:  ∂E/∂x_n = g · (ŷ_n − onehot(t_n)) / N
    Shape:     x (N, C) raw scores, t (N,) class indices; ``cross_entropy`` checks and calls this.

    Example:
        >>> import numpy as np
        >>> value, cache = softmax_cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))
        >>> round(float(value), 4), softmax_cross_entropy_backward(1.0, cache).tolist()
        (0.6931, [[0.5, -0.5]])
    """
    log_prob = log_softmax(x, dim=1)  # log ŷ, computed in log space: stable for any scores
    rows = np.arange(len(target))
    value = -log_prob[rows, target].mean()  # −(1/N) Σ_n log ŷ_{n, t_n}
    return np.asarray(value, dtype=x.dtype), SoftmaxCrossEntropyCache(log_prob, target)


def softmax_cross_entropy_backward(
    grad_output: np.ndarray | float, cache: SoftmaxCrossEntropyCache
) -> np.ndarray:
    """∂E/∂x = g · (ŷ − onehot(t)) / N."""
    log_prob, target = cache
    grad = np.exp(log_prob)  # ŷ
    grad[np.arange(len(target)), target] -= 1  # ŷ − onehot(t)
    return grad * np.asarray(grad_output / len(target), dtype=grad.dtype)


# ---------------------------------------------------------------------------------------------- NLL
class NLLCache(NamedTuple):
    """What ``nll_loss_backward`` needs.

    Example:
        >>> import numpy as np
        >>> nll_loss(np.zeros((2, 3)), np.array([2, -100]))[1].keep.tolist()  # the second is ignored
        [True, False]
    """

    shape: tuple[int, ...]  # the input's shape
    target: np.ndarray  # t_n, flat (0 on ignored samples, which are masked)
    keep: np.ndarray  # t_n ≠ ignore_index, in the target's shape
    weight: np.ndarray  # w_{t_n}, flat: 1 without class weights, 0 on ignored samples
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

    Math:      ℓ_n = −w_{t_n} · x_{n, t_n}      (x = log ŷ, e.g. from ``log_softmax``; t_n the class: the
               seed's −Σ_k y_k log ŷ_k with y = onehot(t); w = ``weight``, all ones when None);
               ℓ_n = 0 and w_{t_n} = 0 where t_n = ignore_index
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
    ignore_index = checks.check_ignore_index("nll_loss", ignore_index)
    checks.check_index_target("nll_loss", input, target, ignore_index, probabilities=False)
    return _nll_loss(input, target, weight, ignore_index, reduction)


def _nll_loss(
    x: np.ndarray, target: np.ndarray, weight: np.ndarray | None, ignore_index: int, reduction: str
) -> tuple[np.ndarray, NLLCache]:
    """``nll_loss`` on checked arguments (``cross_entropy`` checks its own)."""
    rows, t = _rows(x), target.reshape(-1)  # (M, C) with the classes last; (M,)
    keep = t != ignore_index
    t = np.where(keep, t, 0)  # an ignored sample points at class 0, masked below
    w_t = keep.astype(x.dtype) if weight is None else np.where(keep, weight[t], 0).astype(x.dtype)
    x_t = rows[np.arange(len(t)), t]  # x_{n, t_n}
    with np.errstate(invalid="ignore"):  # −inf · 0 for a zero-weight class: nan, as torch
        loss = np.where(keep, -w_t * x_t, 0).reshape(target.shape)  # an ignored −inf never enters
    divisor = w_t.sum() if reduction == "mean" else np.ones((), x.dtype)
    cache = NLLCache(x.shape, t, keep.reshape(target.shape), w_t, divisor, reduction)
    return _divide(loss, divisor, reduction), cache


def nll_loss_backward(grad_output: np.ndarray | float, cache: NLLCache) -> np.ndarray:
    """∂E/∂input of ``nll_loss``: −w_{t_n} s_n at each sample's class, 0 elsewhere.

    Example:
        >>> import numpy as np
        >>> _, cache = nll_loss(np.zeros((2, 2)), np.array([1, 0]), weight=np.array([1.0, 3.0]))
        >>> nll_loss_backward(1.0, cache).tolist()  # −w_t / Σ w_t
        [[0.0, -0.75], [-0.25, 0.0]]
    """
    s = _per_sample(grad_output, cache.divisor, cache.keep).reshape(-1)
    grad = np.zeros((len(cache.target), cache.shape[class_dim(cache.shape)]), dtype=cache.weight.dtype)
    with np.errstate(invalid="ignore"):  # 0 · inf when every target weighs 0: 0, not torch's NaN
        grad[np.arange(len(cache.target)), cache.target] = np.where(cache.weight != 0, -cache.weight * s, 0)
    return _unrows(grad, cache.shape)


def _rows(x: np.ndarray) -> np.ndarray:
    """x as rows of classes, (M, C): (N, C) and (C,) as they are, (N, C, d1, …) with the classes last."""
    dim = class_dim(x.shape)
    return (x if dim == x.ndim - 1 else np.moveaxis(x, dim, -1)).reshape(-1, x.shape[dim])


def _unrows(rows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo ``_rows``: (M, C) back to the input's layout."""
    dim = class_dim(shape)
    if dim == len(shape) - 1:
        return rows.reshape(shape)
    moved = (*shape[:dim], *shape[dim + 1 :], shape[dim])
    return np.ascontiguousarray(np.moveaxis(rows.reshape(moved), -1, dim))


def _on_class_axis(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A (C,) vector shaped to broadcast along the class axis of x: (C,), (C, 1) or (C, 1, …)."""
    return v.reshape((-1,) + (1,) * (x.ndim - class_dim(x.shape) - 1))


def _unsqueeze(a: np.ndarray, dim: int) -> np.ndarray:
    """a with a length-1 class axis inserted at ``dim`` (torch's unsqueeze)."""
    return a.reshape((*a.shape[:dim], 1, *a.shape[dim:]))


def _divide(loss: np.ndarray, divisor: np.ndarray, reduction: str) -> np.ndarray:
    """'none': ℓ as is; otherwise Σ ℓ / divisor (0 / 0 = nan when nothing counts, as torch)."""
    if reduction == "none":
        return loss
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(loss.sum() / divisor, dtype=loss.dtype)


def _per_sample(g: np.ndarray | float, divisor: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """s_n = ∂E/∂ℓ_n = g / divisor (g_n for 'none'), 0 on ignored samples (even when g / 0 = inf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(keep, g / divisor, 0).astype(divisor.dtype, copy=False)


# ---------------------------------------------------------------------------------------------- CE
class SmoothingCache(NamedTuple):
    """What the backward of the ε/C term (or of a probability-target loss) needs.

    Example:
        >>> import numpy as np
        >>> cross_entropy(np.zeros((1, 2)), np.array([0]), label_smoothing=0.1)[1].smoothing.label_smoothing
        0.1
    """

    coefficient: np.ndarray  # ∂S/∂(log ŷ) per unit s_n: −w_c, or −w_c q_{n,c} for probability targets
    keep: np.ndarray  # which samples count (all, for probability targets)
    divisor: np.ndarray  # of the 'mean': the NLL's Σ w_t, or N for probability targets
    label_smoothing: float  # ε, with which ``cross_entropy`` mixes (1 − ε) NLL + (ε / C) S


class CrossEntropyCache(NamedTuple):
    """What ``cross_entropy_backward`` needs: log ŷ and the caches of the parts.

    Example:
        >>> import numpy as np
        >>> cache = cross_entropy(np.zeros((1, 2)), np.array([0]))[1]
        >>> np.exp(cache.log_prob).tolist(), cache.smoothing is None
        ([[0.5, 0.5]], True)
    """

    log_prob: np.ndarray  # log ŷ = log_softmax(x) along the class dimension
    nll: NLLCache | None  # the NLL part (class-index targets); None for probability targets
    smoothing: SmoothingCache | None  # the ε/C part, or the whole loss of probability targets
    textbook: SoftmaxCrossEntropyCache | None = None  # set when no option is: the textbook pair's cache


def cross_entropy(
    input: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> tuple[np.ndarray, CrossEntropyCache]:
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (cross-entropy: log-softmax, then NLL), seed §3.1.2

    Math:      the textbook case (class indices t of (N, C) scores x, no option set) is
               ``softmax_cross_entropy``, called as is: E = mean_n −log ŷ_{n, t_n}, ŷ = softmax(x);
               the general form log ŷ = log_softmax(x), E = nll_loss(log ŷ, t) gives the same E.
               Options, as torch composes them: ``weight`` and ``ignore_index`` go to ``nll_loss``;
               label_smoothing ε over C classes adds a term S (``_smoothing``):
                   E = (1 − ε) · nll_loss(log ŷ, t) + (ε / C) · S
               probability targets q (floating, the input's shape): ``_soft_cross_entropy``.
    Backward:  G = ∂E/∂(log ŷ) from ``nll_loss_backward`` (and S's), then the log-softmax chain rule
               ∂E/∂x = G − ŷ · Σ_c G_c;  with G = −w_t s_n onehot(t): w_t s_n (ŷ − onehot(t)), the
               textbook's backward weighted (tested equal to it where the options change nothing).
    Shape:     input (N, C), (C,) or (N, C, d1, …); target (N,), () or (N, d1, …) class indices, or
               probabilities of the input's shape; 'none' returns the input's shape without C.

    Example:
        >>> import numpy as np
        >>> value, cache = cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))
        >>> round(float(value), 4), cross_entropy_backward(1.0, cache).tolist()
        (0.6931, [[0.5, -0.5]])
    """
    eps, ignore_index, probabilities = checks.check_cross_entropy(
        "cross_entropy", input, target, weight, ignore_index, reduction, label_smoothing
    )
    if probabilities:
        return _soft_cross_entropy(input, target, weight, reduction, eps)
    if _is_textbook(input, target, weight, ignore_index, reduction, eps):
        value, textbook = softmax_cross_entropy(input, target)
        return value, CrossEntropyCache(textbook.log_prob, None, None, textbook)
    dim = class_dim(input.shape)
    log_prob = log_softmax(input, dim=dim)  # log ŷ
    value, nll = _nll_loss(log_prob, target, weight, ignore_index, reduction)  # −mean log ŷ_t
    if eps == 0:  # no S term to compute
        return value, CrossEntropyCache(log_prob, nll, None)
    smooth, smoothing = _smoothing(log_prob, weight, nll, eps)
    n_classes = input.shape[dim]
    return (1 - eps) * value + (eps / n_classes) * smooth, CrossEntropyCache(log_prob, nll, smoothing)


def cross_entropy_backward(grad_output: np.ndarray | float, cache: CrossEntropyCache) -> np.ndarray:
    """∂E/∂input of ``cross_entropy`` (index or probability targets).

    Example:
        >>> import numpy as np
        >>> _, cache = cross_entropy(np.zeros((2, 2)), np.array([0, 1]), reduction="sum")
        >>> cross_entropy_backward(1.0, cache).tolist()  # ŷ − onehot(t) per sample
        [[-0.5, 0.5], [0.5, -0.5]]
    """
    if cache.textbook is not None:  # no option set: the textbook pair
        return softmax_cross_entropy_backward(grad_output, cache.textbook)
    dim = class_dim(cache.log_prob.shape)
    if cache.nll is None:  # probability targets: the whole loss is the S-shaped term
        G = _smoothing_backward(grad_output, cache.smoothing)
    else:
        G = nll_loss_backward(grad_output, cache.nll)
        if cache.smoothing is not None:  # (1 − ε) G + ε/C · ∂S/∂(log ŷ)
            eps, n_classes = cache.smoothing.label_smoothing, cache.log_prob.shape[dim]
            G = (1 - eps) * G + (eps / n_classes) * _smoothing_backward(grad_output, cache.smoothing)
    return log_softmax_backward(G, cache.log_prob, dim=dim)  # ∂E/∂x = G − ŷ · Σ_c G_c


def _is_textbook(
    x: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None,
    ignore_index: int,
    reduction: str,
    eps: float,
) -> bool:
    """Whether no option changes the textbook case: (N, C) scores, N > 0 class indices none of them
    ignored, no class weights, no smoothing, the mean."""
    plain = x.ndim == 2 and weight is None and eps == 0 and reduction == "mean" and target.size > 0
    return plain and not np.any(target == ignore_index)


def _smoothing(
    log_prob: np.ndarray, weight: np.ndarray | None, nll: NLLCache, eps: float
) -> tuple[np.ndarray, SmoothingCache]:
    r"""S = Σ_n −Σ_c w_c log ŷ_{n,c} over kept samples, divided by the NLL's divisor ('mean', as torch).

    Backward:  ∂S/∂(log ŷ_{n,c}) = −w_c · s_n   (0 on ignored samples)
    """
    dim = class_dim(log_prob.shape)
    w = np.ones(log_prob.shape[dim], log_prob.dtype) if weight is None else weight
    coefficient = np.where(_unsqueeze(nll.keep, dim), -_on_class_axis(w, log_prob), 0).astype(log_prob.dtype)
    with np.errstate(invalid="ignore"):  # −inf · 0 for a zero-weight class: nan, as torch
        per_sample = np.where(nll.keep, np.sum(coefficient * log_prob, axis=dim), 0).astype(log_prob.dtype)
    cache = SmoothingCache(coefficient, nll.keep, nll.divisor, eps)
    return _divide(per_sample, nll.divisor, nll.reduction), cache


def _smoothing_backward(grad_output: np.ndarray | float, cache: SmoothingCache) -> np.ndarray:
    """∂S/∂(log ŷ_{n,c}) = coefficient_{n,c} · s_n."""
    s = _per_sample(grad_output, cache.divisor, cache.keep)
    return cache.coefficient * _unsqueeze(s, class_dim(cache.coefficient.shape))


def _soft_cross_entropy(
    input: np.ndarray, target: np.ndarray, weight: np.ndarray | None, reduction: str, eps: float
) -> tuple[np.ndarray, CrossEntropyCache]:
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (probability targets), seed §3.1.2

    Math:      q ← (1 − ε) q + ε / C;   ℓ_n = −Σ_c w_c q_{n,c} log ŷ_{n,c};   'mean' divides Σ_n ℓ_n by
               the number of per-sample losses (N·d₁·…), i.e. numel / C, not by the weights
    Backward:  G = −w q · s_n (s_n = g / (numel / C), g or g_n), then ∂E/∂x = G − ŷ · Σ_c G_c
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
    coefficient = -(q * _on_class_axis(w, input))  # −w_c q_{n,c}
    with np.errstate(invalid="ignore"):  # −inf · 0 = nan, as torch (its gradient stays finite)
        per_sample = np.sum(coefficient * log_prob, axis=dim)
    keep = np.ones(per_sample.shape, dtype=bool)
    divisor = np.asarray(per_sample.size if reduction == "mean" else 1, dtype=input.dtype)
    smoothing = SmoothingCache(coefficient, keep, divisor, eps)
    return _divide(per_sample, divisor, reduction), CrossEntropyCache(log_prob, None, smoothing)
