"""C3.2-autograd: the engine raises where torch raises, and answers as torch at the edges (issue 21, 8).

Each row is one call written once for both twins: ``T(array, requires_grad)`` makes the twin's tensor.
torch runs first and sets the expectation: the exception type (and, for ``IndexError``, its message),
or the values it returns, which the engine must match at the contract (dtype included). Before this
table NumPy wrapped a reduction's dim modulo ndim (``sum(5)`` on a matrix summed dim 1), a softmax took
``None`` as "every dim", ``backward`` took a list, and ``maximum`` gave a NaN input no gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from parity_tests.parity import assert_twin_close, to_torch
from scratch.autograd import Tensor, nets

M = np.arange(6.0).reshape(2, 3)


def _engine(a: Any, requires_grad: bool = False) -> Tensor:
    return Tensor(np.array(a), requires_grad=requires_grad)


def _torch(a: Any, requires_grad: bool = False) -> torch.Tensor:
    return to_torch(np.array(a), requires_grad=requires_grad)


def _backward(y: Any, *leaves: Any, gradient: Any = None) -> tuple:
    """Run y.backward(gradient) and return each leaf's gradient."""
    y.backward(gradient)
    return tuple(leaf.grad for leaf in leaves)


def _retained(T: Callable, dtype: Any) -> tuple:
    x = T(np.ones(2, dtype), True)
    y = x * 2
    y.retain_grad()
    y.backward(T(np.ones(2)))  # a float64 ∂E/∂y for a float32 y: torch casts it to y's dtype
    return y.grad, x.grad


def _leaf_root(T: Callable) -> Any:
    x = T(np.ones(2, np.float32), True)
    x.backward(T(np.array([1.5, 2.5])))  # a leaf as the root: its .grad is the (cast) gradient itself
    return x.grad


def _activation(T: Callable, name: str, x: list[float], param: Any) -> tuple:
    """The value and input gradient (and PReLU's weight gradient) of ``nets.<name>`` on the engine, of
    ``torch.nn.functional.<name>`` on torch."""
    x = T(np.array(x), True)
    weight = T(np.array(param), True) if name == "prelu" else None
    if T is _torch:
        fn = getattr(torch.nn.functional, name)
        y = fn(x, weight) if weight is not None else fn(x, param)
    else:
        y = nets.prelu(x, weight) if weight is not None else getattr(nets, name)(x, param)
    grads = _backward(y.sum(), *([x] if weight is None else [x, weight]))
    return (y, *grads)


ROWS: list[tuple[str, Callable[[Callable], Any]]] = [
    # reductions over a dim out of range: torch's IndexError, never a wrapped dim
    ("sum-dim-5", lambda T: T(M).sum(5)),
    ("sum-dim-2", lambda T: T(M).sum(2)),
    ("sum-dim-minus-3", lambda T: T(M).sum(-3)),
    ("sum-dims-one-out", lambda T: T(M).sum((0, 2))),
    ("mean-dim-2", lambda T: T(M).mean(2)),
    ("mean-dim-minus-5", lambda T: T(M).mean(-5)),
    ("scalar-sum-dim-1", lambda T: T(3.0).sum(1)),
    ("softmax-dim-2", lambda T: T(M).softmax(2)),
    ("log-softmax-dim-minus-3", lambda T: T(M).log_softmax(-3)),
    # ... and in range they work, negative dims and a 0-d tensor's dims 0 and −1 included
    ("sum-dim-minus-2", lambda T: T(M).sum(-2)),
    ("mean-dim-minus-1-keepdim", lambda T: T(M).mean(-1, keepdim=True)),
    ("scalar-sum-dim-0", lambda T: T(3.0).sum(0)),
    ("scalar-mean-dim-minus-1", lambda T: T(3.0).mean(-1)),
    ("sum-dims-tuple", lambda T: T(M).sum((0, -1))),
    ("sum-dim-twice", lambda T: T(M).sum((1, -1))),
    # torch's TypeErrors
    ("softmax-none", lambda T: T(M).softmax(None)),
    ("log-softmax-none", lambda T: T(M).log_softmax(None)),
    ("backward-list", lambda T: (T([1.0, 2.0], True) * 2).backward([1.0, 1.0])),
    ("backward-float", lambda T: (T([1.0, 2.0], True) * 2).sum().backward(1.0)),
    # implicit ∂E/∂E = 1 for any one-element output, not only a 0-d one
    ("backward-one-element", lambda T: _backward(T([2.0], True) * 3, *[])),
    ("backward-one-element-grad", lambda T: (lambda x: _backward(x * 3, x))(T([2.0], True))),
    (
        "backward-one-by-one",
        lambda T: (lambda x: _backward((x * x).sum(1, keepdim=True), x))(T([[2.0]], True)),
    ),
    # the root's gradient in the root's dtype
    ("retained-root-float32", lambda T: _retained(T, np.float32)),
    ("leaf-root-float32", _leaf_root),
    # maximum at NaN: torch passes g to both sides (masked only where a side is less)
    (
        "maximum-nan-number",
        lambda T: (lambda x: _backward(x.maximum(T(0.0)).sum(), x))(T([np.nan, 1.0], True)),
    ),
    (
        "maximum-nan-both",
        lambda T: (lambda a, b: _backward(a.maximum(b).sum(), a, b))(
            T([np.nan, 0.0, 2.0], True), T([0.0, np.nan, 2.0], True)
        ),
    ),
    # leaky ReLU, PReLU and ELU around 0: the engine's expressions (``nets``) against torch's own functions
    ("leaky-relu-at-0", lambda T: _activation(T, "leaky_relu", [0.0, -1.0, 1.0], 0.1)),
    ("prelu-at-0", lambda T: _activation(T, "prelu", [0.0, -2.0, 1.0], [0.3])),
    ("elu-alpha-negative", lambda T: _activation(T, "elu", [-1.0, -0.3, 0.0, 2.0], 0.5)),
]


def _as_numpy(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value
    return value.data if isinstance(value, Tensor) else value


def _flatten(result: Any) -> list:
    return list(result) if isinstance(result, tuple) else [result]


@pytest.mark.parametrize("fn", [pytest.param(fn, id=f"C3.2-autograd-{name}") for name, fn in ROWS])
def test_the_engine_raises_where_torch_raises_and_answers_as_torch(fn):
    try:
        expected = fn(_torch)
    except Exception as error:  # torch refuses: the engine must refuse with the same type
        with pytest.raises(type(error)) as ours:
            fn(_engine)
        if isinstance(error, IndexError):
            assert str(ours.value) == str(error)
        return
    actual = fn(_engine)
    for k, (mine, theirs) in enumerate(zip(_flatten(actual), _flatten(expected), strict=True)):
        if isinstance(theirs, torch.Tensor):
            assert_twin_close(_as_numpy(mine), theirs.detach(), f"C3.2-autograd: result {k}")
        else:
            assert mine == theirs, k


def test_the_edge_rows_are_ones_torch_answers_and_the_misuse_rows_ones_it_refuses():
    """The table tests what it says: torch raises on the misuse rows and answers the others."""
    refused = {name for name, fn in ROWS if _raises(fn)}
    assert refused == {
        "sum-dim-5",
        "sum-dim-2",
        "sum-dim-minus-3",
        "sum-dims-one-out",
        "mean-dim-2",
        "mean-dim-minus-5",
        "scalar-sum-dim-1",
        "softmax-dim-2",
        "log-softmax-dim-minus-3",
        "sum-dim-twice",
        "softmax-none",
        "log-softmax-none",
        "backward-list",
        "backward-float",
    }


def _raises(fn: Callable) -> bool:
    try:
        fn(_torch)
    except Exception:
        return True
    return False


def test_the_step_at_exactly_zero_is_zero_as_the_layer():
    """nets.step(0) = [0 > 0] = 0 (``nn.Step``'s value), with an exact zero gradient."""
    x = Tensor(np.array([0.0, -1.0, 1e-300]), requires_grad=True)
    y = nets.step(x)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


def test_detach_shares_the_data_and_leaves_the_graph_as_torchs():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    x_t = to_torch(np.array([1.0, 2.0]), requires_grad=True)
    d, d_t = (x * 2).detach(), (x_t * 2).detach()
    assert (
        (d.requires_grad, d.grad_fn, d.is_leaf)
        == (d_t.requires_grad, d_t.grad_fn, d_t.is_leaf)
        == (False, None, True)
    )
    leaf = x.detach()
    assert np.shares_memory(leaf.data, x.data) and not leaf.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        d.sum().backward()
