r"""C3.1.2: loss functions, each with the gradient its ``backward`` returns (seed §3.1.2).

A loss E(ŷ, y) measures how far the model's output ŷ (``input``) is from the answer y (``target``).
Training lowers E, so the first gradient of backpropagation is ∂E/∂ŷ: ``loss.backward()`` returns it,
and the model's ``backward`` carries it on (seed §3.2).

Calling convention (all losses):
    ``value = loss(input, target)``: a 0-d array of the input's dtype for ``reduction='mean'`` or
    ``'sum'``, the per-element (per-sample) losses for ``'none'``.
    ``grad = loss.backward(grad_output=None)``: ∂E/∂input, the input's shape and dtype.
    ``grad_output`` is ∂(whatever comes after)/∂value; None means 1 (ones for ``'none'``). The cache
    is released, so a second ``backward`` without a new forward raises.

Target rule (checked before any work, each error naming the argument, the expected and the actual value):
    * a regression or binary target (MSE, BCE, probability targets of cross-entropy) is a floating
      array with exactly the input's shape **and** dtype;
    * a class-index target (cross-entropy, NLL) is an integer array (any signed or unsigned width,
      not bool) with the input's shape minus the class dimension, each value in [0, C) or
      ``ignore_index``;
    * ``weight`` / ``pos_weight`` have the input's dtype (``loss.to(dtype)`` converts them).

Differs from torch (stricter, never different values): torch broadcasts a target of another shape
with only a warning (MSE) or silently, promotes a float32 target to a float64 input, and accepts an
index target only as int64 or uint8; here a misshaped target raises ValueError and a mismatched dtype
raises TypeError. BCELoss also checks that the *target* lies in [0, 1] (torch checks only the input).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.checks import check_choice, check_floating, check_grad_output
from scratch.nn.module import Module

_REDUCTIONS = ("none", "mean", "sum")


# ---------------------------------------------------------------------------------------------- checks
def _check_input(where: str, input: Any, min_ndim: int = 0) -> np.ndarray:
    input = check_floating(where, "input", input)
    if input.ndim < min_ndim:
        raise ValueError(
            f"{where}: expected input with at least {min_ndim} dimension(s), got shape {input.shape}"
        )
    return input


def _check_float_target(where: str, input: np.ndarray, target: Any) -> np.ndarray:
    """A floating target with the input's shape and dtype (no broadcasting, no promotion)."""
    target = check_floating(where, "target", target)
    if target.shape != input.shape:
        raise ValueError(
            f"{where}: expected target of shape {input.shape} (the input's shape; no broadcasting), "
            f"got {target.shape}"
        )
    if target.dtype != input.dtype:
        raise TypeError(
            f"{where}: expected target of dtype {input.dtype} (the input's dtype), got dtype={target.dtype}"
        )
    return target


def _check_unit_interval(where: str, name: str, x: np.ndarray) -> None:
    # written as "not inside" so that NaN fails too, as in torch's check
    if not np.all((x >= 0) & (x <= 1)):
        bad = x[~((x >= 0) & (x <= 1))]
        raise ValueError(f"{where}: expected every element of {name} in [0, 1], got {bad.ravel()[0]!r}")


def _check_buffer(where: str, name: str, value: Any, ndim: int | None = None) -> np.ndarray | None:
    """A weight given at construction: None or a floating array (``ndim`` dimensions when given)."""
    if value is None:
        return None
    value = check_floating(where, name, value)
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{where}: expected {name} with {ndim} dimension(s), got shape {value.shape}")
    return value


def _check_buffer_dtype(where: str, name: str, value: np.ndarray, input: np.ndarray) -> None:
    if value.dtype != input.dtype:
        raise TypeError(
            f"{where}: expected {name} of dtype {input.dtype} (the input's dtype), got dtype={value.dtype}; "
            f"call .to({input.dtype}) on the loss"
        )


def _check_broadcasts_to(where: str, name: str, value: np.ndarray, shape: tuple[int, ...]) -> None:
    """``value`` must broadcast to exactly the input's ``shape`` (it rescales elements, never adds any)."""
    try:
        result = np.broadcast_shapes(value.shape, shape)
    except ValueError:
        result = None
    if result != shape:
        raise ValueError(
            f"{where}: expected {name} broadcastable to the input's shape {shape}, got shape {value.shape}"
        )


# ---------------------------------------------------------------------------------------------- base
class _Loss(Module):
    """Shared plumbing: the reduction, the cache and the upstream gradient.

    ``_cache`` holds ``(output_shape, dtype, payload)``; ``payload`` is what the subclass's
    ``_backward`` needs.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = check_choice(type(self).__name__, "reduction", reduction, _REDUCTIONS)
        object.__setattr__(self, "_cache", None)

    def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        value, payload = self._forward(input, target)
        object.__setattr__(self, "_cache", (value.shape, input.dtype, payload))
        return value

    def backward(self, grad_output: np.ndarray | float | None = None) -> np.ndarray:
        if self.__dict__.get("_cache") is None:
            self._take("_cache")  # raises: no forward came first
        shape, dtype, payload = self._cache
        where = f"{type(self).__name__}.backward"
        if grad_output is None:
            g = np.ones(shape, dtype=dtype)
        else:
            if shape == () and isinstance(grad_output, (int, float)) and not isinstance(grad_output, bool):
                grad_output = np.asarray(grad_output, dtype=dtype)
            g = check_grad_output(where, grad_output, shape)
            if g.dtype != dtype:
                raise TypeError(
                    f"{where}: expected grad_output of dtype {dtype} (the input's dtype), got dtype={g.dtype}"
                )
        self._take("_cache")  # released only once grad_output passed its checks
        return self._backward(g, payload)

    def _reduce(self, loss: np.ndarray, dtype: np.dtype) -> np.ndarray:
        """'none': as is; 'sum': Σ; 'mean': Σ / (number of elements), as a 0-d array of ``dtype``."""
        if self.reduction == "none":
            return loss
        total = np.mean(loss) if self.reduction == "mean" else np.sum(loss)
        return np.asarray(total, dtype=dtype)

    def _scale(self, g: np.ndarray, size: int) -> np.ndarray:
        """∂(reduced)/∂(each element) times ``g``: g, g (sum) or g / size (mean)."""
        return g / size if self.reduction == "mean" else g

    def _forward(self, input: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, Any]:
        raise NotImplementedError

    def _backward(self, g: np.ndarray, payload: Any) -> np.ndarray:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------- MSE
class MSELoss(_Loss):
    r"""C3.1.2-mse: mean squared error, torch's form (seed §3.1.2).

    Math:      ℓ_i = (ŷ_i − y_i)²,  E = mean_i ℓ_i ('mean'), Σ_i ℓ_i ('sum') or ℓ ('none'); 'mean'
               divides by **every** element (N·D for an (N, D) input), not by N.
    Backward:  ∂E/∂ŷ = g · 2(ŷ − y) / (N·D)  ('mean'),  g · 2(ŷ − y)  ('sum', 'none'; g per element)
    Shape:     input and target any shape, identical; the value is () or the input's shape.
    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
    Differs from seed: the seed writes E = ½ Σ (ŷ − y)², which is ``HalfSquaredErrorLoss``:
        ½ · (number of elements) · MSELoss('mean').
    Differs from torch: a target of another shape or dtype raises instead of broadcasting/promoting.
    """

    def _forward(self, input: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, Any]:
        input = _check_input("MSELoss", input)
        target = _check_float_target("MSELoss", input, target)
        diff = input - target
        return self._reduce(diff * diff, input.dtype), diff

    def _backward(self, g: np.ndarray, diff: np.ndarray) -> np.ndarray:
        norm = 2.0 / diff.size if self.reduction == "mean" else 2.0
        return norm * diff * g


class HalfSquaredErrorLoss(_Loss):
    r"""C3.1.2-mse: the seed's squared error with a ½, summed over everything (seed §3.1.2).

    Math:      E = ½ Σ_k (ŷ_k − y_k)²      (sum over every element: samples and outputs)
    Backward:  ∂E/∂ŷ = g · (ŷ − y)          (the ½ cancels the 2 from the square: why the seed puts it there)
    Shape:     input and target any shape, identical; the value is ().
    Differs from torch: torch has no such class. E = ½ · (number of elements) · ``MSELoss()(ŷ, y)``
        = ½ · ``MSELoss(reduction='sum')(ŷ, y)``; the gradient is ``N·D / 2`` times MSELoss's.
    """

    def __init__(self) -> None:
        super().__init__("sum")

    def _forward(self, input: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, Any]:
        input = _check_input("HalfSquaredErrorLoss", input)
        target = _check_float_target("HalfSquaredErrorLoss", input, target)
        diff = input - target
        return np.asarray(0.5 * np.sum(diff * diff), dtype=input.dtype), diff

    def _backward(self, g: np.ndarray, diff: np.ndarray) -> np.ndarray:
        return diff * g


# ---------------------------------------------------------------------------------------------- classes
def _class_rows(
    where: str, input: np.ndarray, target: Any, ignore_index: int, probabilities_allowed: bool
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Check ``target`` against ``input`` and flatten both to rows of classes.

    Input (C,), (N, C) or (N, C, d1, …): the class dimension is 1 (0 when unbatched). Returns
    ``(x, t, is_probability)``: x is (M, C) with the classes last; t is (M,) class indices or (M, C)
    probabilities.
    """
    input = _check_input(where, input, min_ndim=1)
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    if not isinstance(target, np.ndarray):
        raise TypeError(f"{where}: expected target to be a numpy.ndarray, got {type(target).__name__}")
    index_shape = input.shape[:class_dim] + input.shape[class_dim + 1 :]
    rows = np.moveaxis(input, class_dim, -1).reshape(-1, n_classes)
    if probabilities_allowed and np.issubdtype(target.dtype, np.floating) and target.shape == input.shape:
        if target.dtype != input.dtype:
            raise TypeError(
                f"{where}: expected probability target of dtype {input.dtype} (the input's dtype), "
                f"got dtype={target.dtype}"
            )
        if ignore_index >= 0:  # torch: "ignore_index is not supported for floating point target"
            raise ValueError(
                f"{where}: ignore_index is not supported with probability targets; expected a negative "
                f"ignore_index (default -100), got {ignore_index}"
            )
        return rows, np.moveaxis(target, class_dim, -1).reshape(-1, n_classes), True
    if not np.issubdtype(target.dtype, np.integer):
        also = (
            f" or probabilities of dtype {input.dtype} and shape {input.shape}"
            if probabilities_allowed
            else ""
        )
        raise TypeError(
            f"{where}: expected target of class indices with an integer dtype{also}, "
            f"got dtype={target.dtype} and shape {target.shape}"
        )
    if target.shape != index_shape:
        raise ValueError(
            f"{where}: expected target of class indices of shape {index_shape} (the input's shape "
            f"{input.shape} without the class dimension {class_dim}), got {target.shape}"
        )
    bad = (target != ignore_index) & ((target < 0) | (target >= n_classes))
    if np.any(bad):
        raise IndexError(
            f"{where}: expected every class index in target in [0, {n_classes}) or equal to "
            f"ignore_index={ignore_index}, got {target[bad].ravel()[0]}"
        )
    return rows, target.reshape(-1), False


def _rows_to_input(grad_rows: np.ndarray, input_shape: tuple[int, ...]) -> np.ndarray:
    """Undo ``_class_rows``: (M, C) with classes last back to the input's layout."""
    class_dim = 0 if len(input_shape) == 1 else 1
    moved = input_shape[:class_dim] + input_shape[class_dim + 1 :] + input_shape[class_dim : class_dim + 1]
    return np.ascontiguousarray(np.moveaxis(grad_rows.reshape(moved), -1, class_dim))


def _log_softmax_rows(x: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, stable: subtract the row max so exp never overflows (±1e4 logits);
    a −inf logit gives exp(−inf) = 0 and log-probability −inf, as in torch."""
    with np.errstate(invalid="ignore"):  # a row of only −inf: (−inf) − (−inf) = nan, as torch
        shifted = x - x.max(axis=1, keepdims=True)
        shifted -= np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # in place: one (N, C) array
        return shifted


class _IndexedLoss(_Loss):
    """NLL and cross-entropy share the class-weight buffer, ``ignore_index`` and the weighted mean."""

    def __init__(self, weight: np.ndarray | None, ignore_index: int, reduction: str) -> None:
        super().__init__(reduction)
        where = type(self).__name__
        if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
            raise TypeError(f"{where}: expected ignore_index to be an int, got {ignore_index!r}")
        self.register_buffer("weight", _check_buffer(where, "weight", weight, ndim=1))
        self.ignore_index = int(ignore_index)

    def _class_weights(self, rows: np.ndarray) -> np.ndarray | None:
        if self.weight is None:
            return None
        where = type(self).__name__
        if self.weight.shape != (rows.shape[1],):
            raise ValueError(
                f"{where}: expected weight of shape ({rows.shape[1]},) (one per class), "
                f"got {self.weight.shape}"
            )
        _check_buffer_dtype(where, "weight", self.weight, rows)
        return self.weight

    def _picked(self, logp: np.ndarray, t: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, ...]:
        """Per row: −w_t log p_t (0 on ignored rows), the row's weight w_t (0 if ignored), the safe
        target (ignored rows point at class 0, masked out) and the kept-row mask."""
        keep = t != self.ignore_index
        safe_t = np.where(keep, t, 0)
        picked = logp[np.arange(len(t)), safe_t]
        w_row = np.ones_like(picked) if w is None else w[safe_t]
        w_row = np.where(keep, w_row, 0).astype(logp.dtype, copy=False)
        # −inf · 0 on an ignored row (masked) or a zero-weight class (nan, as torch)
        with np.errstate(invalid="ignore"):
            nll = np.where(keep, -(picked * w_row), 0).astype(logp.dtype, copy=False)
        return nll, w_row, safe_t, keep

    def _row_scale(self, g: np.ndarray, total_weight: np.ndarray) -> np.ndarray:
        """∂E/∂(row loss): g per row ('none'), g ('sum'), g / Σ w_t ('mean'; inf when all rows are ignored,
        masked to 0 by the caller)."""
        if self.reduction == "mean":
            with np.errstate(divide="ignore", invalid="ignore"):
                return g / total_weight
        return g


class NLLLoss(_IndexedLoss):
    r"""C3.1.2-cross-entropy: negative log-likelihood of class indices, on log-probabilities (seed §3.1.2).

    Math:      ℓ_n = −w_{t_n} · x_{n, t_n}       (x = log ŷ, e.g. from ``LogSoftmax(dim=1)``; t_n the class)
               ℓ_n = 0 and w_{t_n} counts as 0 where t_n = ignore_index
               E = Σ_n ℓ_n / Σ_n w_{t_n} ('mean': a weighted mean; nan when every row is ignored),
                   Σ_n ℓ_n ('sum'), or ℓ ('none')
    Backward:  ∂E/∂x_{n,c} = −s_n · w_c  where c = t_n (row kept), else 0;
               s_n = g / Σ w_t ('mean'), g ('sum'), g_n ('none')
    Shape:     input (N, C), (C,) or (N, C, d1, …); target (N,), () or (N, d1, …) integer class indices;
               'none' returns the target's shape.
    Args:
        weight: per-class rescaling w, shape (C,), default None (all ones); a buffer, as in torch.
        ignore_index: class index whose rows contribute nothing, default -100.
        reduction: 'mean' (default), 'sum' or 'none'.
    Differs from torch: the target must be an integer array of exactly the expected shape (see the
        module docstring); any integer width is accepted (torch: int64 or uint8).
    """

    def __init__(
        self, weight: np.ndarray | None = None, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(weight, ignore_index, reduction)

    def _forward(self, input: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, Any]:
        rows, t, _ = _class_rows("NLLLoss", input, target, self.ignore_index, probabilities_allowed=False)
        w = self._class_weights(rows)
        nll, w_row, safe_t, keep = self._picked(rows, t, w)
        total_weight = np.sum(w_row)
        if self.reduction == "none":
            value = nll.reshape(target.shape)
        elif self.reduction == "sum":
            value = np.asarray(np.sum(nll), dtype=input.dtype)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 = nan when all rows are ignored
                value = np.asarray(np.sum(nll) / total_weight, dtype=input.dtype)
        return value, (input.shape, rows.shape, w_row, safe_t, keep, total_weight)

    def _backward(self, g: np.ndarray, payload: Any) -> np.ndarray:
        input_shape, rows_shape, w_row, safe_t, keep, total_weight = payload
        s = np.broadcast_to(self._row_scale(g, total_weight).reshape(-1), keep.shape)
        grad = np.zeros(rows_shape, dtype=w_row.dtype)
        with np.errstate(invalid="ignore"):
            grad[np.arange(len(safe_t)), safe_t] = np.where(keep, -(s * w_row), 0)
        return _rows_to_input(grad, input_shape)


class CrossEntropyLoss(_IndexedLoss):
    r"""C3.1.2-cross-entropy: softmax and cross-entropy fused, on raw logits (seed §3.1.2).

    Math:      log ŷ = log softmax(x) = x − max(x) − log Σ_c e^(x_c − max(x))   (row max subtracted:
               stable for logits of ±1e4; a −inf logit gets probability 0)
               the seed's cross-entropy E = −Σ_k y_k log ŷ_k, with y one-hot (class index t) or a
               probability vector (soft target):
               index targets, ε = label_smoothing, w = weight (ones when None), C classes:
                   ℓ_n = (1 − ε) · (−w_{t_n} log ŷ_{n,t_n}) + (ε / C) · (−Σ_c w_c log ŷ_{n,c})
                   rows with t_n = ignore_index give 0;
                   'mean' divides Σ_n ℓ_n by Σ_n w_{t_n} over kept rows (nan if none is kept) — the
                   smoothing term included, as torch does
               probability targets q (the input's shape): q ← (1 − ε) q + ε / C, then
                   ℓ_n = −Σ_c w_c q_{n,c} log ŷ_{n,c};  'mean' divides by N (rows), not by the weights
    Backward:  with G = ∂E/∂(log ŷ) per row (above, times g), the log-softmax chain rule gives
               ∂E/∂x = G − ŷ · Σ_c G_c, e.g. ŷ − onehot(t) for one unweighted row with ε = 0.
               A −inf logit of a non-target class gives ŷ = 0 there: a finite loss and a zero gradient
               (with ε > 0 its −log ŷ = +inf enters the smoothing term: loss +inf, as in torch).
    Shape:     input (N, C), (C,) or (N, C, d1, …); target class indices of shape (N,), () or
               (N, d1, …), or probabilities of the input's shape; 'none' returns (N,), () or (N, d1, …).
    Args:
        weight: per-class rescaling, shape (C,), default None; a buffer, as in torch.
        ignore_index: class index whose rows are skipped, default -100 (index targets only; a
            non-negative value with probability targets raises, as in torch).
        reduction: 'mean' (default), 'sum' or 'none'.
        label_smoothing: ε in [0, 1], default 0.0.
    Differs from seed: the seed applies softmax, then −Σ y log ŷ; fusing them is the same value,
        stable, and the gradient is simply ŷ − y.
    Differs from torch: the target's shape and dtype are checked strictly (module docstring); a bad
        label_smoothing raises at construction (torch: at the first call).
    """

    def __init__(
        self,
        weight: np.ndarray | None = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, ignore_index, reduction)
        if isinstance(label_smoothing, bool) or not (0.0 <= float(label_smoothing) <= 1.0):
            raise ValueError(f"CrossEntropyLoss: expected label_smoothing in [0, 1], got {label_smoothing!r}")
        self.label_smoothing = float(label_smoothing)

    def _is_plain(self, input: Any, target: Any) -> bool:
        """The textbook case: (N, C) logits, class indices all in [0, C), no class weights, no label
        smoothing (so no row is ignored and every row weighs 1). It takes the short path below: the
        same values, about a third of the time of the general path (which handles every option)."""
        return (
            self.weight is None
            and self.label_smoothing == 0.0
            and isinstance(input, np.ndarray)
            and input.ndim == 2
            and input.dtype.kind == "f"
            and isinstance(target, np.ndarray)
            and target.dtype.kind in "iu"
            and target.shape == input.shape[:1]
            and target.size > 0
            and not 0 <= self.ignore_index < input.shape[1]
            and target.min() >= 0
            and target.max() < input.shape[1]
        )

    def _forward(self, input: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, Any]:
        if self._is_plain(input, target):
            logp = _log_softmax_rows(input)
            nll = -logp[np.arange(len(target)), target]  # ℓ_n = −log ŷ_{n, t_n}
            if self.reduction == "none":
                value = nll
            else:
                total = nll.sum()
                value = np.asarray(total / len(nll) if self.reduction == "mean" else total, dtype=input.dtype)
            return value, (None, logp, target)
        rows, t, is_probability = _class_rows(
            "CrossEntropyLoss", input, target, self.ignore_index, probabilities_allowed=True
        )
        w = self._class_weights(rows)
        logp = _log_softmax_rows(rows)
        eps, n_classes = self.label_smoothing, rows.shape[1]
        index_shape = input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()
        if is_probability:
            q = t * (1 - eps) + eps / n_classes if eps > 0 else t
            qw = q if w is None else q * w
            with np.errstate(invalid="ignore"):  # −inf · 0 = nan, as torch (its gradient stays finite)
                per_row = -np.sum(logp * qw, axis=1)
            value = self._reduce(per_row.reshape(index_shape), input.dtype)
            return value, (input.shape, logp, -qw, None, None, np.asarray(len(per_row), dtype=input.dtype))
        nll, w_row, safe_t, keep = self._picked(logp, t, w)
        total_weight = np.sum(w_row)
        if eps > 0:
            with np.errstate(invalid="ignore"):  # −inf · 0 for a zero-weight class: nan, as torch
                smooth = -np.sum(logp if w is None else logp * w, axis=1)
                per_row = (1 - eps) * nll + np.where(keep, smooth, 0) * (eps / n_classes)
        else:
            per_row = nll
        if self.reduction == "none":
            value = per_row.reshape(index_shape)
        elif self.reduction == "sum":
            value = np.asarray(np.sum(per_row), dtype=input.dtype)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 = nan when all rows are ignored
                value = np.asarray(np.sum(per_row) / total_weight, dtype=input.dtype)
        return value, (input.shape, logp, w_row, safe_t, keep, total_weight)

    def _backward(self, g: np.ndarray, payload: Any) -> np.ndarray:
        if payload[0] is None:  # the plain case: ∂E/∂x = s_n · (ŷ − onehot(t)), as torch computes it
            _, logp, target = payload
            s = g / len(target) if self.reduction == "mean" else g  # ∂E/∂ℓ_n
            s = s if s.ndim == 0 else s[:, None]
            grad = np.exp(logp)
            grad *= s
            grad[np.arange(len(target)), target] -= s if s.ndim == 0 else s[:, 0]
            return grad
        input_shape, logp, w_part, safe_t, keep, total = payload
        eps, n_classes = self.label_smoothing, logp.shape[1]
        if safe_t is None:  # probability targets: G = −w q · s_n, s_n = g / N ('mean'), g, g_n
            s = self._scale(g, total) if self.reduction == "mean" else g
            G = w_part * np.broadcast_to(np.reshape(s, (-1, 1)), (logp.shape[0], 1))
        else:
            s = np.broadcast_to(self._row_scale(g, total).reshape(-1), keep.shape)
            # every term is masked on ignored rows (their s may be inf when all rows are ignored)
            s = np.where(keep, s, 0).astype(logp.dtype, copy=False)
            G = np.zeros_like(logp)
            G[np.arange(len(safe_t)), safe_t] = -(1 - eps) * s * w_part
            if eps > 0:
                w = np.ones(n_classes, dtype=logp.dtype) if self.weight is None else self.weight
                G -= (eps / n_classes) * s[:, None] * w[None, :]
        # log-softmax chain rule: ∂E/∂x = G − softmax(x) · Σ_c G_c   (softmax = exp(log ŷ); 0 at −inf)
        grad = G - np.exp(logp) * np.sum(G, axis=1, keepdims=True)
        return _rows_to_input(grad, input_shape)


# ---------------------------------------------------------------------------------------------- binary
# torch's backward clamp: ``static const float EPSILON = 1e-12`` in ATen's Loss.cpp, a *float*, so its
# value is float32(1e-12) = 9.99999996e-13 even in float64 (1e-12 itself is off by 4e-9 relative).
_BCE_EPSILON = float(np.float32(1e-12))


class BCELoss(_Loss):
    r"""C3.1.2-cross-entropy: binary cross-entropy on probabilities (seed §1.1, §3.1.2).

    Math:      ℓ_i = −w_i [ y_i · max(log ŷ_i, −100) + (1 − y_i) · max(log(1 − ŷ_i), −100) ]
               (each log clamped at −100, as torch, so ŷ = 0 or 1 gives a finite loss); reduced as MSELoss
    Backward:  ∂E/∂ŷ_i = g · w_i · (ŷ_i − y_i) / max(ŷ_i (1 − ŷ_i), ε)   (÷ number of elements for
               'mean'), ε = float32(1e-12) ≈ 9.99999996e-13: torch's backward, whose denominator clamp
               keeps ŷ = 0 or 1 finite (≈ ±1e12·g)
    Shape:     input (probabilities) and target any shape, identical; weight broadcastable to it.
    Args:
        weight: per-element rescaling w, default None; a buffer, as in torch.
        reduction: 'mean' (default), 'sum' or 'none'.
    Differs from torch: input outside [0, 1] (or nan) raises ValueError (torch: RuntimeError), and so
        does a target outside [0, 1] (torch does not check it); shapes and dtypes as in the module
        docstring.
    """

    def __init__(self, weight: np.ndarray | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _check_buffer("BCELoss", "weight", weight))

    def _forward(self, input: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, Any]:
        input = _check_input("BCELoss", input)
        target = _check_float_target("BCELoss", input, target)
        if self.weight is not None:
            _check_broadcasts_to("BCELoss", "weight", self.weight, input.shape)
            _check_buffer_dtype("BCELoss", "weight", self.weight, input)
        _check_unit_interval("BCELoss", "input", input)
        _check_unit_interval("BCELoss", "target", target)
        with np.errstate(divide="ignore"):  # log 0 = −inf, clamped to −100 just below
            log_p = np.maximum(np.log(input), -100)
            log_1mp = np.maximum(np.log1p(-input), -100)
        loss = (target - 1) * log_1mp - target * log_p
        if self.weight is not None:
            loss = loss * self.weight
        return self._reduce(loss, input.dtype), (input, target)

    def _backward(self, g: np.ndarray, payload: Any) -> np.ndarray:
        input, target = payload
        grad = g * (input - target) / np.maximum((1 - input) * input, _BCE_EPSILON)
        if self.weight is not None:
            grad = grad * self.weight
        return self._scale(grad, input.size)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) in two forms so exp never overflows (x = ±1e4)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


class BCEWithLogitsLoss(_Loss):
    r"""C3.1.2-cross-entropy: sigmoid and binary cross-entropy fused, on logits (seed §1.1, §3.1.2).

    Math:      log σ(x) = min(x, 0) − log1p(e^(−|x|))             (stable for x = ±1e4: no overflow)
               ℓ_i = w_i [ (1 − y_i) x_i − (1 + (p − 1) y_i) log σ(x_i) ]
               = −w_i [ p y_i log σ(x_i) + (1 − y_i) log(1 − σ(x_i)) ]   (p = pos_weight, 1 when None)
               reduced as MSELoss
    Backward:  ∂E/∂x_i = g · w_i · ((p y_i + 1 − y_i) σ(x_i) − p y_i)   (÷ elements for 'mean'); σ(x) − y
               when p = 1
    Shape:     input (logits) and target any shape, identical; weight and pos_weight broadcastable to it
               (pos_weight typically (C,), one per class in the last dimension).
    Args:
        weight: per-element rescaling w, default None; a buffer.
        reduction: 'mean' (default), 'sum' or 'none'.
        pos_weight: weight p of the positive term, default None; a buffer.
    Differs from torch: shapes and dtypes as in the module docstring; the target is not range-checked
        (soft targets of any value are allowed, as in torch).
    """

    def __init__(
        self, weight: np.ndarray | None = None, reduction: str = "mean", pos_weight: np.ndarray | None = None
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _check_buffer("BCEWithLogitsLoss", "weight", weight))
        self.register_buffer("pos_weight", _check_buffer("BCEWithLogitsLoss", "pos_weight", pos_weight))

    def _forward(self, input: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, Any]:
        input = _check_input("BCEWithLogitsLoss", input)
        target = _check_float_target("BCEWithLogitsLoss", input, target)
        for name in ("weight", "pos_weight"):
            value = getattr(self, name)
            if value is not None:
                _check_broadcasts_to("BCEWithLogitsLoss", name, value, input.shape)
                _check_buffer_dtype("BCEWithLogitsLoss", name, value, input)
        log_sigmoid = np.minimum(input, 0) - np.log1p(np.exp(-np.abs(input)))
        if self.pos_weight is not None:
            log_sigmoid = log_sigmoid * ((self.pos_weight - 1) * target + 1)
        loss = (1 - target) * input - log_sigmoid
        if self.weight is not None:
            loss = loss * self.weight
        return self._reduce(loss, input.dtype), (input, target)

    def _backward(self, g: np.ndarray, payload: Any) -> np.ndarray:
        input, target = payload
        if self.pos_weight is not None:
            pt = self.pos_weight * target
            grad = (pt + 1 - target) * _sigmoid(input) - pt
        else:
            grad = _sigmoid(input) - target
        grad = grad * g
        if self.weight is not None:
            grad = grad * self.weight
        return self._scale(grad, input.size)
