r"""C3.1.2-mse: 손실 함수 (loss functions), seed §3.1.2

The loss modules, torch's classes: each holds its options (and class weights as buffers, as in torch)
and calls its pair of functions in ``scratch.nn.functional.loss`` or ``.cross_entropy_loss``, where the math
is.

Calling convention (all losses):
    ``value = loss(input, target)``: a 0-d array of the input's dtype for ``reduction='mean'`` or
    ``'sum'``, the per-element (per-sample) losses for ``'none'``.
    ``grad = loss.backward(grad_output=None)``: ∂E/∂input, the input's shape and dtype.
    ``grad_output`` is ∂(whatever comes after)/∂value; None means 1 (ones for ``'none'``). The cache
    is released, so a second ``backward`` without a new forward raises.

Differs from torch (stricter checks, and one gradient; listed in docs/differences-from-torch.md):
    * MSE: torch broadcasts a target of another shape with a warning; here it raises ValueError (torch's
      BCE and BCE-with-logits raise ValueError too).
    * a float32 target to a float64 input: torch's MSE and cross-entropy with probability targets promote
      it (a float64 loss), its BCE-with-logits returns a float32 loss, its BCE raises; here TypeError.
    * cross-entropy with 'mean' when every target's class weight is 0: the loss is NaN in both, the
      gradient 0 here where torch's is NaN (0/0).
    * an index target of any integer width is accepted (torch: int64 or uint8 only).
    * torch raises RuntimeError where these raise ValueError, TypeError or IndexError (bad values, dtypes,
      class indices); a bad ``label_smoothing`` (NaN included) raises at construction here.

Example:
    >>> import numpy as np
    >>> loss = CrossEntropyLoss()
    >>> float(loss(np.array([[0.0, 0.0]]), np.array([1]))) == float(np.log(2))
    True
    >>> loss.backward().tolist()
    [[0.5, -0.5]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.checks import check_floating, check_grad_output
from scratch.nn.functional import cross_entropy_loss as CE
from scratch.nn.functional import loss as F
from scratch.nn.functional import loss_checks
from scratch.nn.module import Module


class _Loss(Module):
    """The reduction, the cache of the last forward and the checks on the upstream gradient."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = loss_checks.check_reduction(type(self).__name__, reduction)
        self._cache: Any = None

    def _keep(self, value_and_cache: tuple[np.ndarray, Any]) -> np.ndarray:
        value, cache = value_and_cache
        self._cache, self._shape, self._dtype = cache, value.shape, value.dtype
        return value

    def _grad_output(self, grad_output: np.ndarray | float | None) -> np.ndarray:
        """The checked upstream gradient g (1 when None); then the cache, released."""
        if self._cache is None:
            self._take("_cache")  # raises: no forward came first
        where = f"{type(self).__name__}.backward"
        if grad_output is None:
            g = np.ones(self._shape, dtype=self._dtype)
        else:
            if (
                self._shape == ()
                and isinstance(grad_output, (int, float))
                and not isinstance(grad_output, bool)
            ):
                grad_output = np.asarray(grad_output, dtype=self._dtype)
            g = check_grad_output(where, grad_output, self._shape)
            if g.dtype != self._dtype:
                raise TypeError(
                    f"{where}: expected grad_output of dtype {self._dtype} (the input's dtype), "
                    f"got dtype={g.dtype}"
                )
        return g


class MSELoss(_Loss):
    r"""C3.1.2-mse: 평균 제곱 오차 (mean squared error), seed §3.1.2

    Math:      E = mean_i (ŷ_i − y_i)² over **every** element ('mean'), Σ ('sum') or per element ('none')
    Backward:  ∂E/∂ŷ = g · 2(ŷ − y) / (N·D)  ('mean'),  g · 2(ŷ − y)  ('sum', 'none')
    Shape:     input and target any shape, identical; the value is () or the input's shape.
    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
    Differs from seed: the seed writes E = ½ Σ (ŷ − y)², which is ``HalfSquaredErrorLoss``.
    Differs from torch: a target of another shape or dtype raises (torch warns and broadcasts).

    Example:
        >>> import numpy as np
        >>> loss = MSELoss()
        >>> float(loss(np.array([1.0, 2.0]), np.array([0.0, 0.0]))), loss.backward().tolist()
        (2.5, [1.0, 2.0])
    """

    def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return self._keep(F.mse_loss(input, target, self.reduction))

    def backward(self, grad_output: np.ndarray | float | None = None) -> np.ndarray:
        g = self._grad_output(grad_output)
        return F.mse_loss_backward(g, self._take("_cache"))


class HalfSquaredErrorLoss(_Loss):
    r"""C3.1.2-mse: 평균 제곱 오차 (the seed's ½ Σ form), seed §3.1.2

    Math:      E = ½ Σ_k (ŷ_k − y_k)²      (over every element) = ½ · MSELoss(reduction='sum')
    Backward:  ∂E/∂ŷ = g · (ŷ − y)
    Differs from torch: torch has no such class; its twin is ``torch_impl.nn.HalfSquaredErrorLoss``.

    Example:
        >>> import numpy as np
        >>> loss = HalfSquaredErrorLoss()
        >>> float(loss(np.array([1.0, 2.0]), np.array([0.0, 0.0]))), loss.backward().tolist()
        (2.5, [1.0, 2.0])
    """

    def __init__(self) -> None:
        super().__init__("sum")

    def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return self._keep(F.half_squared_error(input, target))

    def backward(self, grad_output: np.ndarray | float | None = None) -> np.ndarray:
        g = self._grad_output(grad_output)
        return F.half_squared_error_backward(g, self._take("_cache"))


class _ClassLoss(_Loss):
    """NLL and cross-entropy: the class-weight buffer and ``ignore_index``."""

    def __init__(self, weight: np.ndarray | None, ignore_index: int, reduction: str) -> None:
        super().__init__(reduction)
        where = type(self).__name__
        self.ignore_index = loss_checks.check_ignore_index(where, ignore_index)
        if weight is not None:
            check_floating(where, "weight", weight)
            if weight.ndim != 1:
                raise ValueError(f"{where}: expected weight with 1 dimension(s), got shape {weight.shape}")
        self.register_buffer("weight", weight)


class NLLLoss(_ClassLoss):
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (negative log-likelihood), seed §3.1.2

    Math:      ℓ_n = −w_{t_n} x_{n, t_n} on log-probabilities x (0 where t_n = ignore_index);
               E = Σ ℓ_n / Σ w_{t_n} ('mean'), Σ ℓ_n ('sum') or ℓ ('none') — ``functional.nll_loss``
    Backward:  ∂E/∂x_{n,t_n} = −w_{t_n} s_n, 0 elsewhere
    Shape:     input (N, C), (C,) or (N, C, d1, …); target (N,), () or (N, d1, …) integer class indices.
    Args:
        weight: per-class rescaling w, shape (C,), default None (all ones); a buffer, as in torch.
        ignore_index: class index whose samples contribute nothing, default -100.
        reduction: 'mean' (default), 'sum' or 'none'.

    Example:
        >>> import numpy as np
        >>> loss = NLLLoss()
        >>> float(loss(np.log(np.array([[0.5, 0.5]])), np.array([0]))) == float(np.log(2))
        True
    """

    def __init__(
        self, weight: np.ndarray | None = None, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(weight, ignore_index, reduction)

    def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return self._keep(CE.nll_loss(input, target, self.weight, self.ignore_index, self.reduction))

    def backward(self, grad_output: np.ndarray | float | None = None) -> np.ndarray:
        g = self._grad_output(grad_output)
        return CE.nll_loss_backward(g, self._take("_cache"))


class CrossEntropyLoss(_ClassLoss):
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (cross-entropy), seed §3.1.2

    Math:      on raw scores x: log ŷ = log_softmax(x), then E = nll_loss(log ŷ, t) — the seed's
               E = −Σ_k y_k log ŷ_k with ŷ = softmax(x), fused and stable; label smoothing ε adds
               (ε / C) · Σ_c −w_c log ŷ_c; probability targets q give −Σ_c w_c q_c log ŷ_c
               (``functional.cross_entropy`` has every case written out).
    Backward:  ∂E/∂x = G − ŷ · Σ_c G_c with G = ∂E/∂(log ŷ); ŷ − onehot(t) for one plain sample.
    Shape:     input (N, C), (C,) or (N, C, d1, …); target (N,), () or (N, d1, …) class indices, or
               probabilities of the input's shape; 'none' returns the input's shape without C.
    Args:
        weight: per-class rescaling, shape (C,), default None; a buffer, as in torch.
        ignore_index: class index whose samples are skipped, default -100 (index targets only; a
            non-negative value with probability targets raises, as in torch).
        reduction: 'mean' (default), 'sum' or 'none'.
        label_smoothing: ε in [0, 1], default 0.0.
    Differs from seed: the seed applies softmax, then −Σ y log ŷ; fused, the value is the same and
        stable, and the gradient is simply ŷ − y.

    Example:
        >>> import numpy as np
        >>> loss = CrossEntropyLoss(label_smoothing=1.0)  # all mass spread evenly: ŷ = ½ costs log 2
        >>> float(loss(np.array([[0.0, 0.0]]), np.array([1]))) == float(np.log(2))
        True
    """

    def __init__(
        self,
        weight: np.ndarray | None = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, ignore_index, reduction)
        self.label_smoothing = loss_checks.check_label_smoothing("CrossEntropyLoss", label_smoothing)

    def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return self._keep(
            CE.cross_entropy(
                input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
            )
        )

    def backward(self, grad_output: np.ndarray | float | None = None) -> np.ndarray:
        g = self._grad_output(grad_output)
        return CE.cross_entropy_backward(g, self._take("_cache"))


class BCELoss(_Loss):
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (binary cross-entropy), seed §3.1.2

    Math:      ℓ_i = −w_i [ y_i max(log ŷ_i, −100) + (1 − y_i) max(log(1 − ŷ_i), −100) ] on
               probabilities ŷ — ``functional.binary_cross_entropy``; reduced as MSELoss
    Backward:  ∂E/∂ŷ_i = g · w_i (ŷ_i − y_i) / max(ŷ_i (1 − ŷ_i), float32(1e-12))
    Shape:     input and target any shape, identical; weight broadcastable to it.
    Args:
        weight: per-element rescaling w, default None; a buffer, as in torch.
        reduction: 'mean' (default), 'sum' or 'none'.
    Differs from torch: an input or target outside [0, 1] (or NaN) raises ValueError; torch ≥ 2.1
        checks both too, raising RuntimeError.

    Example:
        >>> import numpy as np
        >>> loss = BCELoss()
        >>> round(float(loss(np.array([0.5]), np.array([1.0]))), 4), loss.backward().tolist()
        (0.6931, [-2.0])
    """

    def __init__(self, weight: np.ndarray | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer(
            "weight", None if weight is None else check_floating("BCELoss", "weight", weight)
        )

    def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return self._keep(F.binary_cross_entropy(input, target, self.weight, self.reduction))

    def backward(self, grad_output: np.ndarray | float | None = None) -> np.ndarray:
        g = self._grad_output(grad_output)
        return F.binary_cross_entropy_backward(g, self._take("_cache"))


class BCEWithLogitsLoss(_Loss):
    r"""C3.1.2-cross-entropy: 교차 엔트로피 오차 (binary cross-entropy on logits), seed §3.1.2

    Math:      ℓ_i = −w_i [ p y_i log σ(x_i) + (1 − y_i) log(1 − σ(x_i)) ], log σ(x) = min(x, 0) −
               log1p(e^(−|x|)) — ``functional.binary_cross_entropy_with_logits``; reduced as MSELoss
    Backward:  ∂E/∂x_i = g · w_i ((p y_i + 1 − y_i) σ(x_i) − p y_i);  σ(x) − y when p = 1
    Shape:     input (logits) and target any shape, identical; weight and pos_weight broadcastable to it.
    Args:
        weight: per-element rescaling w, default None; a buffer.
        reduction: 'mean' (default), 'sum' or 'none'.
        pos_weight: weight p of the positive term, default None; a buffer.
    The stable form of sigmoid + BCE: see ``scratch.models.supervised.LogisticRegression``.

    Example:
        >>> import numpy as np
        >>> loss = BCEWithLogitsLoss()
        >>> round(float(loss(np.array([0.0]), np.array([1.0]))), 4), loss.backward().tolist()
        (0.6931, [-0.5])
    """

    def __init__(
        self, weight: np.ndarray | None = None, reduction: str = "mean", pos_weight: np.ndarray | None = None
    ) -> None:
        super().__init__(reduction)
        for name, value in (("weight", weight), ("pos_weight", pos_weight)):
            self.register_buffer(
                name, None if value is None else check_floating(type(self).__name__, name, value)
            )

    def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return self._keep(
            F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)
        )

    def backward(self, grad_output: np.ndarray | float | None = None) -> np.ndarray:
        g = self._grad_output(grad_output)
        return F.binary_cross_entropy_with_logits_backward(g, self._take("_cache"))


class HuberLoss(_Loss):
    r"""C3.1.2-huber: 손실 함수 (Huber loss), seed §3.1.2

    Beyond the notes: DQN's loss (C1.2-dqn).

    Math:      ℓ_i = ½ d_i²  (|d_i| < δ),  δ (|d_i| − ½ δ)  otherwise,  d = ŷ − y — ``functional.huber_loss``;
               reduced as MSELoss. MSE near 0, a line of slope δ beyond δ: DQN's loss on TD errors.
    Backward:  ∂E/∂ŷ_i = g · clip(d_i, −δ, δ)  (÷ the number of elements for 'mean')
    Shape:     input and target any shape, identical; the value is () or the input's shape.
    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
        delta: δ > 0, default 1.0.
    Differs from torch: δ ≤ 0 raises ValueError at construction (torch: RuntimeError at the first call);
        a target of another shape raises (torch warns and broadcasts).

    Example:
        >>> import numpy as np
        >>> loss = HuberLoss()
        >>> float(loss(np.array([0.5, 3.0]), np.array([0.0, 0.0]))), loss.backward().tolist()
        (1.3125, [0.25, 0.5])
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = loss_checks.check_threshold("HuberLoss", "delta", delta, allow_zero=False)

    def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return self._keep(F.huber_loss(input, target, self.reduction, self.delta))

    def backward(self, grad_output: np.ndarray | float | None = None) -> np.ndarray:
        g = self._grad_output(grad_output)
        return F.huber_loss_backward(g, self._take("_cache"))


class SmoothL1Loss(_Loss):
    r"""C3.1.2-huber: 손실 함수 (smooth L1 loss), seed §3.1.2

    Beyond the notes: Huber divided by β.

    Math:      ℓ_i = ½ d_i² / β  (|d_i| < β),  |d_i| − ½ β  otherwise — ``functional.smooth_l1_loss``;
               HuberLoss(δ = β) / β for β > 0; the L1 loss |d| for β = 0; reduced as MSELoss.
    Backward:  ∂E/∂ŷ_i = g · clip(d_i / β, −1, 1);  g · sign(d_i) for β = 0
    Shape:     input and target any shape, identical; the value is () or the input's shape.
    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
        beta: β ≥ 0, default 1.0.
    Differs from torch: β < 0 raises ValueError at construction (torch: RuntimeError at the first call);
        a target of another shape raises (torch warns and broadcasts).

    Example:
        >>> import numpy as np
        >>> loss = SmoothL1Loss(beta=0.0)  # the L1 loss
        >>> float(loss(np.array([0.5, -3.0]), np.array([0.0, 0.0]))), loss.backward().tolist()
        (1.75, [0.5, -0.5])
    """

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = loss_checks.check_threshold("SmoothL1Loss", "beta", beta, allow_zero=True)

    def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return self._keep(F.smooth_l1_loss(input, target, self.reduction, self.beta))

    def backward(self, grad_output: np.ndarray | float | None = None) -> np.ndarray:
        g = self._grad_output(grad_output)
        return F.smooth_l1_loss_backward(g, self._take("_cache"))
