r"""C3.2-autograd: the engine's torch-compatibility plumbing, kept off the math screen of ``tensor.py``.

Nothing here computes a derivative. It makes the engine's ``Tensor`` behave as ``torch.Tensor`` does
around the math: ``no_grad``, the shape properties, reflected operators (``2 * x`` is ``x * 2``),
comparisons (constants: no gradient), ``detach``/``retain_grad``, Python numbers taking the tensor's
dtype, and torch's errors for misuse, raised before any work:

* ``backward()`` on a tensor that needs no gradient, without a gradient on a non-scalar, with a
  gradient that is not an array (torch: ``TypeError``) or of the wrong shape (``RuntimeError``);
* a reduction over a dim outside [−ndim, ndim − 1] (torch: ``IndexError: Dimension out of range``; NumPy
  would wrap it modulo ndim and answer silently) or named twice; a softmax dim that is not an int.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scratch.autograd.tensor import Tensor


class GradMode:
    """Whether ops record the graph (torch's ``torch.is_grad_enabled()``); ``no_grad`` turns it off."""

    enabled = True


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Record nothing inside the block (torch's ``torch.no_grad()``): ops make plain tensors.

    Example:
        >>> from scratch.autograd import Tensor
        >>> w = Tensor([1.0, 2.0], requires_grad=True)
        >>> with no_grad():
        ...     y = w * 2
        >>> y.requires_grad, y.grad_fn is None
        (False, True)
    """
    previous, GradMode.enabled = GradMode.enabled, False
    try:
        yield
    finally:
        GradMode.enabled = previous


def as_array(value: Any, dtype: Any = None) -> np.ndarray:
    """The array of a ``Tensor``, or ``np.asarray(value)``."""
    return np.asarray(value.data if isinstance(value, TensorPlumbing) else value, dtype=dtype)


def check_requires_grad(data: np.ndarray, requires_grad: bool) -> None:
    """torch's rule: only a floating tensor can require a gradient."""
    if requires_grad and data.dtype.kind != "f":
        raise RuntimeError(
            f"only Tensors of floating point dtype can require gradients, got dtype={data.dtype}"
        )


def wrap_dim(dim: Any, ndim: int) -> int:
    """``dim`` in [−ndim, ndim − 1] (a 0-d tensor takes −1 and 0, as torch) as a non-negative axis.

    Example:
        >>> wrap_dim(-1, 2), wrap_dim(0, 0)
        (1, 0)
        >>> wrap_dim(2, 2)
        Traceback (most recent call last):
        IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)
    """
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"expected dim to be an int, got {type(dim).__name__}")
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return operator.index(dim) % n


class TensorPlumbing:
    """What ``Tensor`` shares with ``torch.Tensor`` beyond the math (mixed in; ``self`` is a ``Tensor``)."""

    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    is_leaf = property(lambda self: self.grad_fn is None)

    def __repr__(self) -> str:
        made = f", grad_fn={self.grad_fn!r}" if self.grad_fn else ""
        return f"Tensor({np.array2string(self.data, precision=4)}{made})"

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        return self.data.item()

    def numpy(self) -> np.ndarray:
        return self.data

    def detach(self) -> Tensor:
        """The same data (shared, as torch's), cut from the graph: no ``grad_fn``, no gradient."""
        return type(self)(self.data)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor too (torch's ``retain_grad``)."""
        self._retains_grad = True

    def _lift(self, other: Any) -> Tensor:
        """A constant operand as a tensor; a Python number takes this tensor's dtype, as in torch."""
        if isinstance(other, TensorPlumbing):
            return other
        if isinstance(other, (bool, int, float)) and self.dtype.kind == "f":
            return type(self)(other, dtype=self.dtype)
        return type(self)(other)

    # ------------------------------------------------------------ the reflected and derived operators
    def __radd__(self, other: Any) -> Tensor:
        return self._lift(other) + self

    def __rsub__(self, other: Any) -> Tensor:
        return self._lift(other) - self

    def __rmul__(self, other: Any) -> Tensor:
        return self._lift(other) * self

    def __rtruediv__(self, other: Any) -> Tensor:
        return self._lift(other) / self

    def __rmatmul__(self, other: Any) -> Tensor:
        return self._lift(other) @ self

    def neg(self) -> Tensor:
        return -self

    # ------------------------------------------------------------ comparisons: constants, no gradient
    def __gt__(self, other: Any) -> Tensor:
        return type(self)(self.data > as_array(other))

    def __ge__(self, other: Any) -> Tensor:
        return type(self)(self.data >= as_array(other))

    def __lt__(self, other: Any) -> Tensor:
        return type(self)(self.data < as_array(other))

    def __le__(self, other: Any) -> Tensor:
        return type(self)(self.data <= as_array(other))

    # ------------------------------------------------------------------------ torch's argument checks
    def _axes(self, dim: int | tuple[int, ...] | None) -> tuple[int, ...]:
        """The axes a reduction runs over: every one for None, else each dim checked as torch does."""
        if dim is None:
            return tuple(range(self.ndim))
        axes = tuple(wrap_dim(d, self.ndim) for d in ((dim,) if isinstance(dim, (int, np.integer)) else dim))
        for a in axes:
            if axes.count(a) > 1:
                raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
        return axes if self.ndim else ()  # a 0-d tensor's dim 0 (or −1) is the tensor itself

    def _root_gradient(self, gradient: Any) -> np.ndarray:
        """∂E/∂self to start ``backward`` from, checked as torch checks it, in self's dtype."""
        if not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            gradient = np.ones_like(self.data)
        if not isinstance(gradient, (np.ndarray, TensorPlumbing)):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(gradient).__name__}")
        gradient = as_array(gradient)
        if gradient.shape != self.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[0] has a shape of {gradient.shape} and output[0] has a "
                f"shape of {self.shape}."
            )
        return gradient.astype(self.dtype, copy=False)
