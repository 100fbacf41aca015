"""C3.2-autograd: the engine's op table against ``torch.autograd``, tinygrad's ``helper_test_op`` style.

One helper runs one expression on the engine's tensors and on torch's (the ops carry torch's names, so
the same lambda serves both), under a random upstream gradient, and compares the output and the gradient
of every input at the contract, in float64 and float32. A new case is one row. Then the walk's rules:
broadcast gradients summed back, a tensor used twice, accumulation over calls, ``no_grad``, and torch's
errors for misuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from parity_tests.parity import DTYPES, assert_twin_close, to_torch
from scratch.autograd import Tensor, no_grad, sum_to_shape, where

# (id, input shapes, expression, positive inputs?) — one row per op and broadcast pattern
OPS: list[tuple[str, tuple[tuple[int, ...], ...], Callable[..., Any], bool]] = [
    ("add", ((4, 3), (4, 3)), lambda a, b: a + b, False),
    ("add-broadcast-row", ((4, 3), (3,)), lambda a, b: a + b, False),
    ("add-broadcast-column", ((4, 3), (4, 1)), lambda a, b: a + b, False),
    ("add-broadcast-both", ((4, 1), (1, 3)), lambda a, b: a + b, False),
    ("add-broadcast-batch", ((2, 4, 3), (4, 3)), lambda a, b: a + b, False),
    ("add-scalar-tensor", ((4, 3), ()), lambda a, b: a + b, False),
    ("add-python-number", ((4, 3),), lambda a: a + 1.5, False),
    ("radd-python-number", ((4, 3),), lambda a: 1.5 + a, False),
    ("sub", ((4, 3), (3,)), lambda a, b: a - b, False),
    ("rsub-python-number", ((4, 3),), lambda a: 1 - a, False),
    ("neg", ((4, 3),), lambda a: -a, False),
    ("neg-method", ((4, 3),), lambda a: a.neg(), False),
    ("mul", ((4, 3), (4, 3)), lambda a, b: a * b, False),
    ("mul-broadcast", ((2, 4, 3), (1, 3)), lambda a, b: a * b, False),
    ("rmul-python-number", ((4, 3),), lambda a: 2.5 * a, False),
    ("div", ((4, 3), (4, 3)), lambda a, b: a / b, True),
    ("div-broadcast", ((4, 3), (4, 1)), lambda a, b: a / b, True),
    ("rdiv-python-number", ((4, 3),), lambda a: 1 / a, True),
    ("pow-square", ((4, 3),), lambda a: a**2, False),
    ("pow-cube", ((4, 3),), lambda a: a**3, False),
    ("pow-root", ((4, 3),), lambda a: a**0.5, True),
    ("pow-negative", ((4, 3),), lambda a: a**-1.5, True),
    ("matmul", ((4, 3), (3, 5)), lambda a, b: a @ b, False),
    ("matmul-vector-matrix", ((3,), (3, 5)), lambda a, b: a @ b, False),
    ("matmul-matrix-vector", ((4, 3), (3,)), lambda a, b: a @ b, False),
    ("matmul-dot", ((3,), (3,)), lambda a, b: a @ b, False),
    ("matmul-batch-broadcast", ((2, 4, 3), (3, 5)), lambda a, b: a @ b, False),
    ("matmul-batch", ((2, 4, 3), (2, 3, 5)), lambda a, b: a @ b, False),
    ("linear", ((4, 3), (5, 3), (5,)), lambda x, w, b: x @ w.T + b, False),
    ("exp", ((4, 3),), lambda a: a.exp(), False),
    ("log", ((4, 3),), lambda a: a.log(), True),
    ("sqrt", ((4, 3),), lambda a: a.sqrt(), True),
    ("tanh", ((4, 3),), lambda a: a.tanh(), False),
    ("sigmoid", ((4, 3),), lambda a: a.sigmoid(), False),
    ("sigmoid-large", ((4, 3),), lambda a: (a * 40).sigmoid(), False),
    ("relu", ((4, 3),), lambda a: a.relu(), False),
    ("clamp", ((4, 3),), lambda a: a.clamp(min=-0.5, max=0.5), False),
    ("clamp-max", ((4, 3),), lambda a: a.clamp(max=0), False),
    # inputs exactly at the bounds (x − x.data is an exact 0 that keeps the gradient): the ends block g
    ("clamp-at-max", ((4, 3),), lambda a: (a - a.data + 0.5).clamp(min=-0.5, max=0.5), False),
    ("clamp-at-min", ((4, 3),), lambda a: (a - a.data - 0.5).clamp(min=-0.5, max=0.5), False),
    ("pow-zero", ((4, 3),), lambda a: (a - a.data) ** 0, False),
    ("div-huge", ((4, 3),), lambda a: (a * 1e30) / (a * 1e30), True),  # b² overflows float32
    ("maximum", ((4, 3), (4, 3)), lambda a, b: a.maximum(b), False),
    ("maximum-tie-everywhere", ((4, 3),), lambda a: a.maximum(a), False),
    ("maximum-tie-at-zero", ((4, 3),), lambda a: a.maximum(a.clamp(min=0)), False),
    ("maximum-broadcast", ((4, 3), (3,)), lambda a, b: a.maximum(b), False),
    ("where", ((4, 3), (4, 3)), lambda a, b: a.where(a > b, b), False),
    ("where-broadcast", ((4, 3), (3,)), lambda a, b: a.where(a > 0, b), False),
    ("where-number", ((4, 3),), lambda a: a.where(a > 0, 0.01 * a), False),
    ("sum", ((4, 3),), lambda a: a.sum(), False),
    ("sum-dim", ((4, 3),), lambda a: a.sum(dim=1), False),
    ("sum-keepdim", ((4, 3),), lambda a: a.sum(dim=0, keepdim=True), False),
    ("sum-dims", ((2, 4, 3),), lambda a: a.sum(dim=(0, 2)), False),
    ("sum-negative-dim", ((2, 4, 3),), lambda a: a.sum(dim=-1, keepdim=True), False),
    ("mean", ((4, 3),), lambda a: a.mean(), False),
    ("mean-dim", ((4, 3),), lambda a: a.mean(dim=0), False),
    ("mean-keepdim", ((2, 4, 3),), lambda a: a.mean(dim=-1, keepdim=True), False),
    ("softmax", ((4, 3),), lambda a: a.softmax(dim=1), False),
    ("softmax-dim0", ((4, 3),), lambda a: a.softmax(dim=0), False),
    ("softmax-huge", ((4, 3),), lambda a: (a * 1000).softmax(dim=-1), False),
    ("log-softmax", ((4, 3),), lambda a: a.log_softmax(dim=1), False),
    ("log-softmax-huge", ((4, 3),), lambda a: (a * 1000).log_softmax(dim=1), False),
    ("reshape", ((4, 3),), lambda a: a.reshape(2, 6), False),
    ("reshape-tuple", ((2, 4, 3),), lambda a: a.reshape((8, 3)), False),
    ("transpose", ((2, 4, 3),), lambda a: a.transpose(0, 2), False),
    ("T", ((4, 3),), lambda a: a.T, False),
    ("index-row", ((4, 3),), lambda a: a[1], False),
    ("index-slice", ((4, 3),), lambda a: a[1:3, ::2], False),
    ("index-pick-class", ((4, 3),), lambda a: a[np.arange(4), np.array([2, 0, 1, 2])], False),
    ("index-repeated", ((4, 3),), lambda a: a[np.array([0, 0, 3])], False),
    ("used-twice", ((4, 3),), lambda a: a * a + a, False),
    (
        "cross-entropy",
        ((4, 3),),
        lambda a: -a.log_softmax(dim=1)[np.arange(4), np.array([2, 0, 1, 2])].mean(),
        False,
    ),
    ("mse", ((4, 3), (4, 3)), lambda a, b: ((a - b) ** 2).mean(), False),
    (
        "batch-norm-graph",
        ((6, 3), (3,), (3,)),
        lambda x, g, b: (
            (x - x.mean(dim=0, keepdim=True))
            / (((x - x.mean(dim=0, keepdim=True)) ** 2).mean(dim=0, keepdim=True) + 1e-5).sqrt()
            * g
            + b
        ),
        False,
    ),
]


def _draw(rng: np.random.Generator, shape: tuple[int, ...], positive: bool, dtype: Any) -> np.ndarray:
    values = rng.uniform(0.5, 2.0, shape) if positive else rng.standard_normal(shape)
    return np.asarray(values, dtype=dtype)


def helper_test_op(
    what: str,
    shapes: tuple[tuple[int, ...], ...],
    fn: Callable[..., Any],
    rng: np.random.Generator,
    dtype: Any = np.float64,
    positive: bool = False,
) -> None:
    """Forward and every input's gradient of ``fn`` on the engine and on torch, under one random
    upstream gradient, at the contract for ``dtype``."""
    arrays = [_draw(rng, shape, positive, dtype) for shape in shapes]
    ours = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [to_torch(a, requires_grad=True) for a in arrays]
    out, expected = fn(*ours), fn(*theirs)
    assert isinstance(out, Tensor), f"{what}: the engine returned {type(out).__name__}"
    assert_twin_close(out.data, expected, f"C3.2-autograd {what}: forward")
    upstream = np.asarray(rng.standard_normal(out.shape), dtype=out.dtype)
    out.backward(upstream)
    expected.backward(to_torch(upstream))
    for k, (mine, twin) in enumerate(zip(ours, theirs, strict=True)):
        assert_twin_close(mine.grad, twin.grad, f"C3.2-autograd {what}: gradient of input {k} {mine.shape}")


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(
    ("shapes", "fn", "positive"), [pytest.param(*row[1:], id=f"C3.2-autograd-{row[0]}") for row in OPS]
)
def test_op_forward_and_gradient_match_torch_autograd(shapes, fn, positive, dtype, rng, request):
    helper_test_op(request.node.callspec.id, shapes, fn, rng, dtype, positive)


def test_the_op_table_covers_every_op_the_issue_names():
    expressions = " ".join(row[0] for row in OPS)
    for op in (
        "add",
        "sub",
        "mul",
        "div",
        "matmul",
        "pow",
        "neg",
        "sum",
        "mean",
        "exp",
        "log",
        "tanh",
        "sigmoid",
        "relu",
        "maximum",
        "where",
        "reshape",
        "transpose",
        "T",
        "index",
        "softmax",
        "log-softmax",
    ):
        assert op in expressions, op


# ------------------------------------------------------------------------------------ the walk's rules
BROADCASTS = [  # (operand shape, result shape): the gradient is summed back to the operand
    ((3,), (4, 3)),
    ((1, 3), (4, 3)),
    ((4, 1), (4, 3)),
    ((), (4, 3)),
    ((1,), (4, 3)),
    ((4, 3), (2, 4, 3)),
    ((1, 4, 1), (2, 4, 3)),
    ((2, 1, 3), (2, 4, 3)),
    ((4, 3), (4, 3)),
]


@pytest.mark.parametrize(
    ("operand", "result"), BROADCASTS, ids=[f"C3.2-autograd-{a}-to-{b}" for a, b in BROADCASTS]
)
def test_a_broadcast_operands_gradient_is_summed_back_to_its_shape(operand, result, rng):
    g = rng.standard_normal(result)
    summed = sum_to_shape(g, operand)
    assert summed.shape == operand
    # each entry of the operand is used once per place it was copied to: its gradient sums those places
    expanded = torch.zeros(operand, dtype=torch.float64, requires_grad=True)
    expanded.expand(result).backward(torch.from_numpy(g))
    assert_twin_close(summed, expanded.grad, f"C3.2-autograd: sum_to_shape {operand} <- {result}")


def test_a_tensor_used_twice_gets_both_contributions(rng):
    x_data = rng.standard_normal(5)
    x = Tensor(x_data, requires_grad=True)
    y = x * x.exp()  # x feeds both sides of the product: ∂y/∂x = eˣ + x eˣ
    y.backward(np.ones(5))
    np.testing.assert_allclose(x.grad, np.exp(x_data) * (1 + x_data), rtol=1e-14)
    x_t = to_torch(x_data, requires_grad=True)
    (x_t * x_t.exp()).backward(torch.ones(5, dtype=torch.float64))
    assert_twin_close(x.grad, x_t.grad, "C3.2-autograd: a tensor used twice")


def test_gradients_accumulate_over_backward_calls_until_cleared_as_in_torch(rng):
    w_data = rng.standard_normal(3)
    w, w_t = Tensor(w_data, requires_grad=True), to_torch(w_data, requires_grad=True)
    for _ in range(3):
        (w * w).sum().backward()
        (w_t * w_t).sum().backward()
    assert_twin_close(w.grad, w_t.grad, "C3.2-autograd: three backward calls")
    np.testing.assert_allclose(w.grad, 3 * 2 * w_data, rtol=1e-14)
    e = (w**3).sum()
    e.backward(retain_graph=True)
    e.backward()  # a retained graph can be walked again; the leaf adds again
    np.testing.assert_allclose(w.grad, 6 * w_data + 2 * 3 * w_data**2, rtol=1e-14)


def test_only_leaves_keep_grad_unless_retain_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    hidden, kept = x * 3, x * 4
    kept.retain_grad()
    (hidden.sum() + kept.sum()).backward()
    assert hidden.grad is None and kept.grad.tolist() == [1.0, 1.0] and x.grad.tolist() == [7.0, 7.0]
    assert x.is_leaf and not hidden.is_leaf and hidden.grad_fn.name == "Mul"


def test_no_grad_records_nothing():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        y = (w * 2).sigmoid()
    assert not y.requires_grad and y.grad_fn is None
    z = w * 2  # recording is back on after the block
    assert z.requires_grad and z.grad_fn is not None
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()


def test_the_module_function_where_is_torch_where():
    a = np.array([1.0, -2.0, 3.0])
    x, x_t = Tensor(a, requires_grad=True), to_torch(a, requires_grad=True)
    where(x > 0, x, x * 0.1).sum().backward()
    torch.where(x_t > 0, x_t, x_t * 0.1).sum().backward()
    assert_twin_close(x.grad, x_t.grad, "C3.2-autograd: where")


# --------------------------------------------------------------------------------- torch's errors
def _torch_message(fn: Callable[[], Any]) -> str:
    with pytest.raises(RuntimeError) as error:
        fn()
    return str(error.value)


def test_backward_on_a_non_scalar_without_a_gradient_raises_torchs_error():
    torch_message = _torch_message(lambda: (torch.ones(3, requires_grad=True) * 2).backward())
    with pytest.raises(RuntimeError) as error:
        (Tensor(np.ones(3), requires_grad=True) * 2).backward()
    assert str(error.value) == torch_message


def test_backward_twice_through_a_freed_graph_raises_torchs_error():
    def twice(make: Callable[[], Any]) -> None:
        e = make()
        e.backward()
        e.backward()

    torch_message = _torch_message(lambda: twice(lambda: (torch.ones(3, requires_grad=True) ** 2).sum()))
    with pytest.raises(RuntimeError) as error:
        twice(lambda: (Tensor(np.ones(3), requires_grad=True) ** 2).sum())
    assert (
        str(error.value).split(". ")[0] == torch_message.split(". ")[0]
    )  # "Trying to backward … a second time (…)"


def test_a_gradient_of_the_wrong_shape_raises_torchs_error():
    torch_message = _torch_message(lambda: (torch.ones(3, requires_grad=True) * 2).backward(torch.ones(2)))
    with pytest.raises(RuntimeError) as error:
        (Tensor(np.ones(3), requires_grad=True) * 2).backward(np.ones(2))
    assert torch_message.startswith("Mismatch in shape: grad_output[0] has a shape of torch.Size([2])")
    assert (
        str(error.value)
        == "Mismatch in shape: grad_output[0] has a shape of (2,) and output[0] has a shape of (3,)."
    )


def test_a_tensor_that_needs_no_gradient_cannot_backward_and_an_integer_cannot_require_one():
    assert _torch_message(lambda: torch.ones(2).sum().backward()) == _torch_message(
        lambda: Tensor(np.ones(2)).sum().backward()
    )
    assert _torch_message(lambda: torch.ones(2, dtype=torch.int64).requires_grad_()).startswith(
        "only Tensors of floating point"
    )
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        Tensor(np.ones(2, dtype=np.int64), requires_grad=True)


def test_relu_passes_the_gradient_at_a_nan_input_and_blocks_it_at_zero_as_torch():
    x = np.array([np.nan, 0.0, -1.0, 2.0])
    engine = Tensor(x, requires_grad=True)
    engine.relu().backward(np.ones(4))
    x_t = to_torch(x, requires_grad=True)
    x_t.relu().backward(torch.ones(4, dtype=torch.float64))
    assert_twin_close(engine.grad, x_t.grad, "C3.2-autograd: relu's gradient at NaN, 0, −1, 2")
    np.testing.assert_array_equal(engine.grad, [1.0, 0.0, 0.0, 1.0])
