r"""C3.2-autograd: 역전파 (backpropagation), seed §3.2 — a reverse-mode engine over NumPy arrays, the
scratch twin of ``torch.autograd``.

The notes: "미분의 연쇄법칙을 통해 손실함수의 값을 최종적으로 입력까지 전달" — the chain rule carries the loss
back to the input. The layers of ``scratch.nn`` each carry it by a backward written by hand; this engine
carries it for *any* expression, the way torch does:

* **forward records**: every op makes a new ``Tensor`` and, when an input requires a gradient, a
  ``Node`` (torch's ``grad_fn``) holding the inputs and the op's local backward, written right beside
  its forward (micrograd's habit): given g = ∂E/∂out, it returns ∂E/∂input = g · ∂out/∂input for each
  input;
* **backward walks**: ``E.backward()`` visits the tensors in reverse topological order (every consumer
  before what it consumed) and sums, for each tensor u, the contributions of all its consumers v:

      ∂E/∂u = Σ_v ∂E/∂v · ∂v/∂u                                   (the multivariate chain rule)

  so a tensor used twice gets both contributions; a leaf (a tensor no op made, e.g. a weight) adds the
  sum into ``.grad``, which accumulates over calls until cleared, as in torch;
* **broadcasting**: an op on operands of shapes (N, D) and (D,) broadcasts the second over the rows, so
  each of its entries is used N times: the walk sums the gradient back to the operand's shape
  (``sum_to_shape``);
* **freed graph**: after a backward the local backwards (and the arrays they saved) are dropped, so a
  second backward through the same graph raises torch's error unless ``retain_graph=True``.

What makes it behave as torch around the math (``no_grad``, shape properties, reflected operators,
comparisons, ``detach``, torch's errors for misuse) is in ``plumbing``; the element-wise functions,
reductions and shape ops, each with its backward beside it, are in ``ops``. This file is the core: the
``Node``, the ``Tensor``, the walk, and the arithmetic.

Differs from torch: CPU NumPy arrays only, no in-place ops and no version counter (an array changed in
place after the forward silently changes its gradient); a second backward through a freed graph raises
even where torch's op saved nothing; 0-d operands take part in type promotion as NumPy's do;
``backward`` also takes a NumPy array as the gradient (torch: a Tensor; a list or a number is a
``TypeError`` in both).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from scratch.autograd.ops import TensorOps
from scratch.autograd.plumbing import GradMode, TensorPlumbing, as_array, check_requires_grad, no_grad

__all__ = ["Node", "Tensor", "no_grad", "sum_to_shape", "tensor", "where"]

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call .backward(). "
    "Specify retain_graph=True if you need to backward through the graph a second time."
)


class Node:
    """The op that made a tensor (torch's ``grad_fn``): its ``name``, its ``inputs`` and its local
    backward, ``node(g) -> (∂E/∂input for each input)`` given g = ∂E/∂output.

    Example:
        >>> a, b = Tensor(3.0, requires_grad=True), Tensor(4.0, requires_grad=True)
        >>> c = a * b
        >>> c.grad_fn.name, [float(g) for g in c.grad_fn(np.array(1.0))]   # ∂c/∂a = b, ∂c/∂b = a
        ('Mul', [4.0, 3.0])
    """

    __slots__ = ("backward_fn", "inputs", "name")

    def __init__(self, name: str, inputs: tuple[Tensor, ...], backward_fn: Callable[..., tuple]) -> None:
        self.name, self.inputs, self.backward_fn = name, inputs, backward_fn

    def __call__(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        if self.backward_fn is None:
            raise RuntimeError(_FREED)
        return self.backward_fn(grad)

    def __repr__(self) -> str:
        return f"<{self.name}Backward>"


class Tensor(TensorOps, TensorPlumbing):
    """C3.2-autograd: 역전파 (backpropagation), seed §3.2

    An array that remembers the op that made it, so ``backward`` can apply the chain rule (twin of
    ``torch.Tensor`` with ``requires_grad``).

    Attributes:
        data: the value, a NumPy array (any shape, a 0-d array for a scalar).
        grad: ∂E/∂data after ``E.backward()``, an array of data's shape and dtype; None before. Kept for
            leaves (and tensors that called ``retain_grad()``), summed over backward calls.
        requires_grad: whether gradients flow to this tensor.
        grad_fn: the ``Node`` that made it (None for a leaf).
    Args:
        data: an array, a number or nested lists (copied only when a dtype conversion needs it).
        requires_grad: default False.
        dtype: convert data to it (default: keep data's dtype; a Python float becomes float64).

    Example:
        >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> E = (x * x).sum()          # E = Σ x², ∂E/∂x = 2x
        >>> E.backward()
        >>> x.grad.tolist()
        [2.0, 4.0, 6.0]
    """

    __array_priority__ = 1000  # ndarray ∘ Tensor calls Tensor's reflected op, not NumPy's
    __hash__ = object.__hash__

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        self.data = as_array(data, dtype)
        check_requires_grad(self.data, requires_grad)
        self.requires_grad = bool(requires_grad)
        self.grad: np.ndarray | None = None
        self.grad_fn: Node | None = None
        self._retains_grad = False

    def _make(self, data: Any, name: str, inputs: tuple[Tensor, ...], backward: Callable) -> Tensor:
        """The op's output; records the op when gradients are on and an input needs one."""
        out = Tensor(data)
        if GradMode.enabled and any(t.requires_grad for t in inputs):
            out.requires_grad = True
            out.grad_fn = Node(name, inputs, backward)
        return out

    # ------------------------------------------------------------------------------------ backward
    def backward(self, gradient: Any = None, retain_graph: bool = False) -> None:
        """Fill ``.grad`` of every leaf this tensor depends on with ∂self/∂leaf (times ``gradient``).

        Args:
            gradient: ∂E/∂self, of self's shape; None only for a scalar (then 1), as in torch.
            retain_graph: keep the local backwards for another backward (default False: free them).
        """
        grads = {id(self): self._root_gradient(gradient)}  # ∂E/∂self (checked in ``plumbing``)
        for t in reversed(self.topological_order()):  # every consumer before what it consumed
            g = grads.pop(id(t), None)  # ∂E/∂t, summed over all of t's consumers
            if g is None:
                continue
            if t.grad_fn is None or t._retains_grad:
                t.grad = g.copy() if t.grad is None else t.grad + g  # accumulate, as torch
            if t.grad_fn is None:
                continue
            for source, source_grad in zip(t.grad_fn.inputs, t.grad_fn(g), strict=True):  # g · ∂t/∂source
                if source_grad is None or not source.requires_grad:
                    continue
                source_grad = sum_to_shape(as_array(source_grad), source.shape).astype(
                    source.dtype, copy=False
                )
                grads[id(source)] = grads[id(source)] + source_grad if id(source) in grads else source_grad
            if not retain_graph:
                t.grad_fn.backward_fn = None

    def topological_order(self) -> list[Tensor]:
        """Every tensor that needs a gradient and leads to this one, each after all its inputs."""
        order: list[Tensor] = []
        seen: set[int] = set()
        stack: list[tuple[Tensor, bool]] = [(self, False)]
        while stack:  # iterative depth-first search: deep graphs do not hit Python's recursion limit
            t, inputs_done = stack.pop()
            if inputs_done:
                order.append(t)
                continue
            if id(t) in seen or not t.requires_grad:
                continue
            seen.add(id(t))
            stack.append((t, True))
            if t.grad_fn is not None:
                stack.extend((source, False) for source in reversed(t.grad_fn.inputs))
        return order

    # -------------------------------------------------------------- arithmetic: forward, then backward
    def __add__(self, other: Any) -> Tensor:
        other = self._lift(other)
        return self._make(self.data + other.data, "Add", (self, other), lambda g: (g, g))

    def __sub__(self, other: Any) -> Tensor:
        other = self._lift(other)
        return self._make(self.data - other.data, "Sub", (self, other), lambda g: (g, -g))

    def __mul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        a, b = self.data, other.data
        return self._make(a * b, "Mul", (self, other), lambda g: (g * b, g * a))

    def __truediv__(self, other: Any) -> Tensor:
        other = self._lift(other)
        a, b = self.data, other.data
        # ∂(a/b)/∂b = −a/b², computed as (a/b)/b: b² alone can overflow where a/b does not
        return self._make(a / b, "Div", (self, other), lambda g: (g / b, -g * (a / b) / b))

    def __pow__(self, exponent: float) -> Tensor:
        if not isinstance(exponent, (int, float)) or isinstance(exponent, bool):
            raise TypeError(
                f"Tensor.__pow__: expected exponent to be a number, got {type(exponent).__name__}"
            )
        x = self.data
        if exponent == 0:  # x⁰ = 1 is constant: its gradient is 0, even at x = 0 where 0 · 0⁻¹ is NaN
            return self._make(np.ones_like(x), "Pow", (self,), lambda g: (np.zeros_like(g),))
        return self._make(x**exponent, "Pow", (self,), lambda g: (g * exponent * x ** (exponent - 1),))

    def __neg__(self) -> Tensor:
        return self._make(-self.data, "Neg", (self,), lambda g: (-g,))

    def __matmul__(self, other: Any) -> Tensor:
        r"""C = A B:  ∂E/∂A = G Bᵀ,  ∂E/∂B = Aᵀ G  (last two dims).

        A 1-d ``a`` is taken as a row (1, k) and a 1-d ``b`` as a column (k, 1), as ``np.matmul`` does;
        the backward adds those dims to G, applies the two products, and drops them again."""
        other = self._lift(other)
        a, b = self.data, other.data

        def backward(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            if a.ndim == b.ndim == 1:  # a dot product: c = Σ aᵢbᵢ
                return g * b, g * a
            a2 = a[None, :] if a.ndim == 1 else a  # (k,) as a row (1, k)
            b2 = b[:, None] if b.ndim == 1 else b  # (k,) as a column (k, 1)
            g2 = g[..., None, :] if a.ndim == 1 else g
            g2 = g2[..., None] if b.ndim == 1 else g2
            grad_a = g2 @ np.swapaxes(b2, -1, -2)
            grad_b = np.swapaxes(a2, -1, -2) @ g2
            grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
            grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
            return grad_a, grad_b  # batch dims that broadcast are summed back by the walk

        return self._make(a @ b, "MatMul", (self, other), backward)


def sum_to_shape(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo broadcasting: sum ``grad`` over the dims that broadcasting added or stretched from 1.

    Example:
        >>> sum_to_shape(np.ones((4, 3)), (3,)).tolist()
        [4.0, 4.0, 4.0]
        >>> sum_to_shape(np.ones((4, 3)), (4, 1)).shape
        (4, 1)
    """
    extra = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(extra))) if extra else grad
    stretched = tuple(d for d, n in enumerate(shape) if n == 1 and grad.shape[d] != 1)
    return grad.sum(axis=stretched, keepdims=True) if stretched else grad


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """``Tensor(data, requires_grad, dtype)`` under torch's factory name.

    Example:
        >>> tensor([1.0, 2.0], requires_grad=True).requires_grad
        True
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """``torch.where(condition, input, other)``: input where condition holds, else other.

    Example:
        >>> where(np.array([True, False]), Tensor([1.0, 2.0]), 0.0).data.tolist()
        [1.0, 0.0]
    """
    input = input if isinstance(input, Tensor) else Tensor(input)
    return input.where(condition, other)
