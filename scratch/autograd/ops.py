r"""C3.2-autograd: 역전파 (backpropagation), seed §3.2 — the engine's functions, reductions and shape ops.

Each op computes its output and defines its local backward right beside it: given g = ∂E/∂output, the
backward returns ∂E/∂input = g · ∂output/∂input. ``Tensor`` (``scratch.autograd.tensor``) inherits
them; its ``_make`` records the op, its ``backward`` walks the record. The derivatives, as coded:

    exp′ = exp (the output)      log′(x) = 1/x        √′ = 1/(2√x)        tanh′ = 1 − tanh²
    σ′ = σ(1 − σ)                relu′ = [x > 0] (NaN passes g, as torch)   clamp′ = [min < x < max]
    max(a, b)′ = [not a < b] (½ each at a tie; NaN passes g, as torch)   where: to the side picked
    Σ: copy g back over the summed dims; mean: the same, divided by n
    softmax: y ⊙ (g − Σⱼ gⱼyⱼ);  log_softmax: g − softmax · Σⱼ gⱼ
    reshape / transpose: the same move, undone;  indexing: g added back at the picked places
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from scratch.autograd.plumbing import as_array, wrap_dim

if TYPE_CHECKING:
    from scratch.autograd.tensor import Tensor

__all__ = ["TensorOps", "as_array"]


class TensorOps:
    """The ops of ``Tensor`` that are not arithmetic (mixed in; ``self`` is always a ``Tensor``)."""

    # ----------------------------------------------------------------------- element-wise functions
    def exp(self) -> Tensor:
        y = np.exp(self.data)
        return self._make(y, "Exp", (self,), lambda g: (g * y,))  # (eˣ)′ = eˣ, the output itself

    def log(self) -> Tensor:
        x = self.data
        return self._make(np.log(x), "Log", (self,), lambda g: (g / x,))

    def sqrt(self) -> Tensor:
        y = np.sqrt(self.data)
        return self._make(y, "Sqrt", (self,), lambda g: (g / (2 * y),))

    def tanh(self) -> Tensor:
        y = np.tanh(self.data)
        return self._make(y, "Tanh", (self,), lambda g: (g * (1 - y * y),))  # from the output, as torch

    def sigmoid(self) -> Tensor:
        x = self.data
        e = np.exp(-np.abs(x))  # ≤ 1: no overflow; σ(x) = 1/(1+e⁻ˣ) for x ≥ 0, eˣ/(1+eˣ) for x < 0
        y = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        return self._make(y, "Sigmoid", (self,), lambda g: (g * (1 - y) * y,))  # σ′ = σ(1 − σ)

    def relu(self) -> Tensor:
        y = np.maximum(self.data, 0)
        # [y ≠ 0] is [x > 0] for every number (0 at x = 0, as torch) and passes g at a NaN input, as torch
        return self._make(y, "Relu", (self,), lambda g: (g * (y != 0),))

    def clamp(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Clip into [min, max]; the gradient passes where min < x < max: at exactly min or max it is 0,
        as torch 2.14 gives (measured; the derivative is undefined there)."""
        x = self.data
        y = np.clip(x, min, max)
        inside = (x > (-np.inf if min is None else min)) & (x < (np.inf if max is None else max))
        return self._make(y, "Clamp", (self,), lambda g: (g * inside,))

    def maximum(self, other: Any) -> Tensor:
        """Element-wise max; at a tie each side gets half the gradient, and where a or b is NaN both get
        all of it (torch's ``maximum`` backward: g, halved at a tie, masked only where that side is less)."""
        other = self._lift(other)
        a, b = self.data, other.data
        share = np.where(a == b, 0.5, 1.0)

        def backward(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return g * share * ~(a < b), g * share * ~(b < a)

        return self._make(np.maximum(a, b), "Maximum", (self, other), backward)

    def where(self, condition: Any, other: Any) -> Tensor:
        """``condition ? self : other`` element-wise (torch's ``x.where(condition, y)``): the gradient
        goes to the side that was picked."""
        other = self._lift(other)
        c = as_array(condition).astype(bool)
        y = np.where(c, self.data, other.data)
        return self._make(y, "Where", (self, other), lambda g: (g * c, g * ~c))

    # --------------------------------------------------------------------------------- reductions
    def sum(self, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> Tensor:
        """Σ over ``dim`` (every dim when None); each entry's local derivative is 1, so the backward
        copies g back over the summed dims."""
        axes, shape = self._axes(dim), self.shape

        def backward(g: np.ndarray) -> tuple[np.ndarray]:
            return (np.broadcast_to(g if keepdim else np.expand_dims(g, axes), shape).copy(),)

        return self._make(self.data.sum(axis=axes, keepdims=keepdim), "Sum", (self,), backward)

    def mean(self, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> Tensor:
        """(1/n) Σ over ``dim``; each entry's local derivative is 1/n."""
        axes, shape = self._axes(dim), self.shape
        n = int(np.prod([shape[a] for a in axes]))

        def backward(g: np.ndarray) -> tuple[np.ndarray]:
            return (np.broadcast_to((g if keepdim else np.expand_dims(g, axes)) / n, shape).copy(),)

        return self._make(self.data.mean(axis=axes, keepdims=keepdim), "Mean", (self,), backward)

    def softmax(self, dim: int) -> Tensor:
        r"""yᵢ = e^(xᵢ − max x) / Σⱼ e^(xⱼ − max x) along ``dim``;  ∂E/∂x = y ⊙ (g − Σⱼ gⱼ yⱼ)."""
        dim = wrap_dim(dim, self.ndim)  # an int in range, as torch (None: TypeError)
        e = np.exp(self.data - self.data.max(axis=dim, keepdims=True))  # subtract the max: no overflow
        y = e / e.sum(axis=dim, keepdims=True)
        return self._make(y, "Softmax", (self,), lambda g: (y * (g - (g * y).sum(axis=dim, keepdims=True)),))

    def log_softmax(self, dim: int) -> Tensor:
        r"""yᵢ = xᵢ − log Σⱼ e^(xⱼ) along ``dim``;  ∂E/∂x = g − softmax(x) · Σⱼ gⱼ."""
        dim = wrap_dim(dim, self.ndim)
        shifted = self.data - self.data.max(axis=dim, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        return self._make(
            y, "LogSoftmax", (self,), lambda g: (g - np.exp(y) * g.sum(axis=dim, keepdims=True),)
        )

    # -------------------------------------------------------------------------------------- shape
    def reshape(self, *shape: int | tuple[int, ...]) -> Tensor:
        old = self.shape
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape
        return self._make(self.data.reshape(shape), "Reshape", (self,), lambda g: (g.reshape(old),))

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        y = np.swapaxes(self.data, dim0, dim1)
        return self._make(y, "Transpose", (self,), lambda g: (np.swapaxes(g, dim0, dim1),))

    @property
    def T(self) -> Tensor:
        """All dims reversed (torch's ``.T``; for a matrix, the transpose)."""
        return self._make(self.data.T, "Transpose", (self,), lambda g: (g.T,))

    def __getitem__(self, index: Any) -> Tensor:
        """Picking entries (e.g. ``logp[np.arange(N), y]``, the target class of each row): the gradient
        goes back to the picked places, summed where one place was picked twice."""
        index = (
            tuple(as_array(i) if isinstance(i, TensorOps) else i for i in index)
            if isinstance(index, tuple)
            else index
        )
        shape, dtype = self.shape, self.dtype

        def backward(g: np.ndarray) -> tuple[np.ndarray]:
            grad = np.zeros(shape, dtype=dtype)
            np.add.at(grad, index, g)  # unbuffered: a repeated index adds every time
            return (grad,)

        return self._make(self.data[index], "Index", (self,), backward)
