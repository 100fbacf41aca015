r"""C4.3-batchnorm: batch normalization over the batch dimension (seed §4.3).

The module holds γ, β and the running statistics; the math is ``scratch.nn.functional.batch_norm``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from scratch.nn.checks import (
    check_floating,
    check_floating_dtype,
    check_grad_output,
    check_positive_int,
    check_same_dtype,
)
from scratch.nn.functional.normalization import BatchNormCache, batch_norm, batch_norm_backward
from scratch.nn.module import Module, Parameter


class BatchNorm1d(Module):
    r"""C4.3-batchnorm: 배치 정규화 (Batch Normalization), seed §4.3

    Normalise each feature with the batch's mean and variance, then scale and shift.

    The seed: every batch has its own distribution, which drags the weights around; normalising each
    batch by its own mean and variance, usually just before the activation, stops that. At inference
    there is no batch to average over, so the running averages of the training batches' statistics
    stand in for them.

    Math (per feature c; the average runs over the batch and, for (N, C, L), over L: n = N·L values):
               μ = (1/n) Σ x,   σ² = (1/n) Σ (x − μ)²                    (biased: normalises the batch)
               x̂ = (x − μ) / √(σ² + eps),   y = γ x̂ + β        (computed as x·γs + (β − μγs), torch's
               grouping of the same sum: see ``scratch.nn.functional.batch_norm``)
               running_mean ← (1 − m)·running_mean + m·μ
               running_var  ← (1 − m)·running_var  + m·σ²·n/(n − 1)      (unbiased: estimates the data's)
               m = momentum, or 1/num_batches_tracked (a cumulative average) when momentum is None.
               In eval, μ and σ² are running_mean and running_var (the batch statistics again when
               track_running_stats=False, which keeps no running statistics).
    Backward:  with s = 1/√(σ² + eps) and x̂ cached by the forward, g = ∂E/∂y, ⟨·⟩ the per-feature mean:
               ∂E/∂β = Σ g,   ∂E/∂γ = Σ g x̂,
               training:  ∂E/∂x = γ s (g − ⟨g⟩ − x̂ ⟨g x̂⟩)      (μ and σ² depend on every x in the batch)
               eval:      ∂E/∂x = γ s g                        (running statistics are constants)
    Shape:     x (N, C) or (N, C, L) -> y of the same shape and dtype;  weight γ, bias β,
               running_mean, running_var (C,);  num_batches_tracked () int64.
    Args:
        num_features: C.
        eps: added to the variance inside the root, default 1e-5.
        momentum: m of the running averages, default 0.1 (torch's sense: the weight of the NEW batch);
            None for a cumulative average.
        affine: learn γ (ones) and β (zeros), default True.
        track_running_stats: keep running_mean, running_var and num_batches_tracked, default True;
            False: no buffers, and batch statistics in eval too.
        dtype: of parameters and running statistics, default float64; inputs must match.

    Differs from torch: no keyword-only ``bias=`` (recent torch releases only, absent from torch 2.4)
    and no device argument.

    Example:
        >>> import numpy as np
        >>> bn = BatchNorm1d(1)
        >>> np.round(bn(np.array([[1.0], [3.0]])), 4).tolist()                # (x − 2)/√(1 + eps)
        [[-1.0], [1.0]]
        >>> bn.running_mean.tolist(), bn.running_var.tolist()      # 0.9·0 + 0.1·2;  0.9·1 + 0.1·2
        ([0.2], [1.1])
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        self.num_features = check_positive_int("BatchNorm1d", "num_features", num_features)
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
            raise TypeError(f"BatchNorm1d: expected eps to be a real number, got {eps!r}")
        if momentum is not None and (isinstance(momentum, bool) or not isinstance(momentum, numbers.Real)):
            raise TypeError(f"BatchNorm1d: expected momentum to be a real number or None, got {momentum!r}")
        self.eps = float(eps)
        self.momentum = None if momentum is None else float(momentum)
        self.affine = bool(affine)
        self.track_running_stats = bool(track_running_stats)
        self.dtype = check_floating_dtype("BatchNorm1d", dtype)
        if self.affine:
            self.weight = Parameter(np.ones(num_features, dtype=self.dtype))
            self.bias = Parameter(np.zeros(num_features, dtype=self.dtype))
        else:
            self.weight = None
            self.bias = None
        if self.track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=self.dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype=self.dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self._cache: BatchNormCache | None = None  # for backward

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.fill(0)
            self.running_var.fill(1)
            self.num_batches_tracked.fill(0)

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            self.weight.data.fill(1)
            self.bias.data.fill(0)

    def _on_dtype_change(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def _check_input(self, x: np.ndarray) -> None:
        check_floating("BatchNorm1d", "input", x)
        if x.ndim not in (2, 3):
            raise ValueError(f"BatchNorm1d: expected 2D or 3D input (got {x.ndim}D input)")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d: expected input with num_features={self.num_features} channels in dim 1, "
                f"got shape {x.shape}"
            )
        check_same_dtype("BatchNorm1d", "input", x, self.dtype)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._check_input(x)
        use_batch_stats = self.training or not self.track_running_stats
        n = x.size // self.num_features  # values per channel
        if use_batch_stats:
            if n == 1:
                raise ValueError(
                    f"BatchNorm1d: Expected more than 1 value per channel when training, got input size "
                    f"{x.shape}"
                )
            if self.eps <= 0:
                raise ValueError(f"BatchNorm1d: eps must be positive during training, but got {self.eps}")
        elif self.eps < 0:
            raise ValueError(f"BatchNorm1d: eps must be non-negative, but got {self.eps}")

        m = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1  # torch counts an empty batch too
            m = 1.0 / float(self.num_batches_tracked) if m is None else m  # None: a cumulative average
        if x.size == 0:  # an empty batch: an empty output, the running statistics untouched (as torch)
            self._cache = BatchNormCache(x.copy(), x.copy(), None, False)
            return x.copy()
        weight, bias = (self.weight.data, self.bias.data) if self.affine else (None, None)
        y, self._cache = batch_norm(
            x, self.running_mean, self.running_var, weight, bias, use_batch_stats, m, self.eps
        )
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache = self._take("_cache")
        g = check_grad_output("BatchNorm1d.backward", grad_output, cache.x_hat.shape, cache.x_hat.dtype)
        grad_input, grad_weight, grad_bias = batch_norm_backward(g, cache)
        self._accumulate(weight=grad_weight, bias=grad_bias)  # γ, β (None without affine)
        return grad_input

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )
