"""C3.1.1: every activation against its torch twin, and the seed's claims about them."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratch.nn as snn
import torch_impl.nn as tnn
from parity_tests.parity import (
    DTYPES,
    FINITE_DIFFERENCE_RTOL,
    TORCH_DTYPE,
    assert_twin_close,
    check_module_parity,
)
from scratch.gradcheck import gradcheck
from torch_impl.nn.state import load_numpy_state_dict

# (scratch factory, torch factory) per concept; dtype is passed to modules with parameters.
TWINS = [
    pytest.param(lambda d: snn.Step(), lambda d: tnn.Step(), id="C3.1.1-step"),
    pytest.param(lambda d: snn.Sigmoid(), lambda d: tnn.Sigmoid(), id="C3.1.1-sigmoid"),
    pytest.param(lambda d: snn.Tanh(), lambda d: tnn.Tanh(), id="C3.1.1-tanh"),
    pytest.param(lambda d: snn.ReLU(), lambda d: tnn.ReLU(), id="C3.1.1-relu"),
    pytest.param(lambda d: snn.LeakyReLU(), lambda d: tnn.LeakyReLU(), id="C3.1.1-leaky-relu"),
    pytest.param(lambda d: snn.LeakyReLU(0.2), lambda d: tnn.LeakyReLU(0.2), id="C3.1.1-leaky-relu-slope0.2"),
    pytest.param(
        lambda d: snn.PReLU(dtype=d), lambda d: tnn.PReLU(dtype=TORCH_DTYPE[d]), id="C3.1.1-prelu-shared"
    ),
    pytest.param(
        lambda d: snn.PReLU(4, init=0.1, dtype=d),
        lambda d: tnn.PReLU(4, init=0.1, dtype=TORCH_DTYPE[d]),
        id="C3.1.1-prelu-per-channel",
    ),
    pytest.param(lambda d: snn.ELU(), lambda d: tnn.ELU(), id="C3.1.1-elu"),
    pytest.param(lambda d: snn.ELU(alpha=0.5), lambda d: tnn.ELU(alpha=0.5), id="C3.1.1-elu-alpha0.5"),
    pytest.param(lambda d: snn.Softmax(dim=1), lambda d: tnn.Softmax(dim=1), id="C3.1.1-softmax-dim1"),
    pytest.param(lambda d: snn.Softmax(dim=0), lambda d: tnn.Softmax(dim=0), id="C3.1.1-softmax-dim0"),
    pytest.param(
        lambda d: snn.LogSoftmax(dim=1), lambda d: tnn.LogSoftmax(dim=1), id="C3.1.1-softmax-log-dim1"
    ),
    pytest.param(
        lambda d: snn.LogSoftmax(dim=-1), lambda d: tnn.LogSoftmax(dim=-1), id="C3.1.1-softmax-log-dim-1"
    ),
]

# Exact zeros of both signs, ±40 (sigmoid/tanh saturate, their gradient rounds to 0 in float32),
# values just either side of 0, and ordinary values.
EDGE_VALUES = np.array(
    [
        [0.0, -0.0, 40.0, -40.0],
        [1e-300, -1e-300, 36.5, -36.5],
        [0.5, -0.5, 3.0, -3.0],
        [2.0, -2.0, 1e-8, -7.0],
    ]
)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("make_scratch", "make_torch"), TWINS)
def test_forward_and_gradients_match_torch(make_scratch, make_torch, dtype, device, rng, request):
    x = rng.standard_normal((6, 4)).astype(dtype)
    check_module_parity(request.node.callspec.id, make_scratch(dtype), make_torch(dtype), x, rng, device)


@pytest.mark.parametrize(("make_scratch", "make_torch"), TWINS)
def test_edge_values_match_torch(make_scratch, make_torch, rng, request):
    """At exactly 0 and −0, near 0, and at ±40 saturation, values and gradients agree (float64)."""
    check_module_parity(
        request.node.callspec.id, make_scratch(np.float64), make_torch(np.float64), EDGE_VALUES.copy(), rng
    )


@pytest.mark.parametrize(("make_scratch", "make_torch"), TWINS)
def test_three_way_finite_differences(make_scratch, make_torch, rng):
    """NumPy's hand-written backward against central differences (torch agrees by the test above)."""
    # Keep away from the kinks at 0, where a central difference straddles two slopes.
    x = rng.uniform(0.1, 2.0, size=(5, 4)) * rng.choice([-1.0, 1.0], size=(5, 4))
    errors = gradcheck(make_scratch(np.float64), x, rng=rng)
    for name, error in errors.items():
        assert error < FINITE_DIFFERENCE_RTOL, f"{name}: relative error {error:.2e} vs finite differences"


@pytest.mark.parametrize(
    ("gradient_at_zero", "make"),
    [
        pytest.param(0.0, lambda: snn.ReLU(), id="C3.1.1-relu"),
        pytest.param(0.01, lambda: snn.LeakyReLU(), id="C3.1.1-leaky-relu"),
        pytest.param(1.0, lambda: snn.ELU(), id="C3.1.1-elu"),
        pytest.param(0.25, lambda: snn.PReLU(), id="C3.1.1-prelu"),
        pytest.param(0.0, lambda: snn.Step(), id="C3.1.1-step"),
    ],
)
def test_gradient_at_exact_zero_follows_torch(gradient_at_zero, make):
    module = make()
    module(np.array([0.0, -0.0]))
    np.testing.assert_array_equal(module.backward(np.ones(2)), [gradient_at_zero, gradient_at_zero])


def test_prelu_slope_gradient_is_zero_at_zero_and_sums_over_channels():
    """C3.1.1-prelu: ∂E/∂a = Σ g·x over x ≤ 0, per channel (dim 1)."""
    prelu = snn.PReLU(2)
    x = np.array([[0.0, -1.0], [-2.0, 3.0], [-0.0, -4.0]])
    prelu(x)
    prelu.backward(np.array([[1.0, 1.0], [1.0, 1.0], [5.0, 2.0]]))
    np.testing.assert_array_equal(prelu.weight.grad, [-2.0, -1.0 - 8.0])


def test_seed_softmax_example():
    """C3.1.1-softmax: the seed's scores cat 3.2, car 5.1, frog −1.7 → ≈ 0.13, 0.87, 0.00 (seed §3.1.1)."""
    scores = np.array([3.2, 5.1, -1.7])
    probabilities = snn.Softmax(dim=0)(scores)
    np.testing.assert_allclose(probabilities, [0.13, 0.87, 0.00], atol=0.005)
    assert probabilities.sum() == pytest.approx(1.0)
    assert_twin_close(probabilities, tnn.Softmax(dim=0)(torch.tensor(scores)), "C3.1.1-softmax: seed example")


def test_softmax_is_stable_for_huge_and_infinite_scores():
    x = np.array([[1e4, 0.0, -1e4], [-np.inf, 2.0, 1.0], [1e4, 1e4, -np.inf]])
    y = snn.Softmax(dim=1)(x)
    assert np.isfinite(y).all()
    assert_twin_close(y, torch.softmax(torch.tensor(x), dim=1), "C3.1.1-softmax: huge scores")
    log_y = snn.LogSoftmax(dim=1)(x)
    assert_twin_close(log_y, torch.log_softmax(torch.tensor(x), dim=1), "C3.1.1-softmax: log, huge scores")


@settings(max_examples=30, deadline=None)
@given(x=st.floats(-50, 50, allow_nan=False))
def test_sigmoid_derivative_is_at_most_a_quarter(x):
    """C3.1.1-sigmoid: σ′(x) = σ(x)(1 − σ(x)) ≤ 1/4, equality at 0 — why deep sigmoid nets vanish (§3.2.3)."""
    sigmoid = snn.Sigmoid()
    sigmoid(np.array([x]))
    derivative = sigmoid.backward(np.ones(1))[0]
    assert 0.0 <= derivative <= 0.25


def test_sigmoid_derivative_peaks_at_a_quarter_at_zero():
    sigmoid = snn.Sigmoid()
    sigmoid(np.array([0.0]))
    assert sigmoid.backward(np.ones(1))[0] == 0.25


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=4),
    seed=st.integers(0, 2**32 - 1),
    index=st.integers(0, len(TWINS) - 1),
)
def test_parity_over_generated_shapes(shape, seed, index):
    make_scratch, make_torch = TWINS[index].values
    concept = TWINS[index].id
    if "per-channel" in concept:  # one slope per channel along dim 1
        shape = [shape[0], 4, *shape[2:]]
    if "softmax" in concept and len(shape) < 2 and "dim-1" not in concept:
        shape = [*shape, 3]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    check_module_parity(f"{concept} shape={shape}", make_scratch(np.float64), make_torch(np.float64), x, rng)


def test_prelu_state_dict_round_trip_both_ways(rng):
    scratch_prelu = snn.PReLU(3)
    scratch_prelu.weight.data[:] = rng.standard_normal(3)
    torch_prelu = tnn.PReLU(3, dtype=torch.float64)
    load_numpy_state_dict(torch_prelu, scratch_prelu.state_dict())
    assert_twin_close(scratch_prelu.weight.data, torch_prelu.weight, "C3.1.1-prelu: scratch → torch")
    with torch.no_grad():
        torch_prelu.weight.copy_(torch.tensor([0.5, -0.5, 2.0]))
    scratch_prelu.load_state_dict(torch_prelu.state_dict())
    assert_twin_close(scratch_prelu.weight.data, torch_prelu.weight, "C3.1.1-prelu: torch → scratch")


@pytest.mark.parametrize(("make_scratch", "make_torch"), TWINS)
def test_float32_stays_float32(make_scratch, make_torch, rng):
    module = make_scratch(np.float32)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    y = module(x)
    assert y.dtype == np.float32
    assert module.backward(np.ones_like(y)).dtype == np.float32


@pytest.mark.parametrize(("make_scratch", "make_torch"), TWINS)
def test_backward_without_forward_raises(make_scratch, make_torch):
    with pytest.raises(RuntimeError, match="without a forward"):
        make_scratch(np.float64).backward(np.ones((2, 4)))


@pytest.mark.parametrize(("make_scratch", "make_torch"), TWINS)
def test_rejects_integer_input_and_misshaped_gradient(make_scratch, make_torch):
    module = make_scratch(np.float64)
    with pytest.raises(TypeError, match="floating dtype, got dtype=int64"):
        module(np.ones((2, 4), dtype=np.int64))
    module(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"grad_output of shape \(2, 4\).*got \(4, 2\)"):
        module.backward(np.ones((4, 2)))


def test_softmax_requires_dim_in_range():
    with pytest.raises(TypeError, match="dim"):
        snn.Softmax(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected dim in"):
        snn.Softmax(dim=2)(np.ones((2, 3)))


def test_prelu_rejects_wrong_channel_count():
    with pytest.raises(ValueError, match="expected input with 3 channels in dim 1"):
        snn.PReLU(3)(np.ones((2, 4)))


def test_backward_does_not_mutate_its_arguments(rng):
    for make_scratch, _ in (row.values for row in TWINS):
        module = make_scratch(np.float64)
        x = rng.standard_normal((3, 4))
        x_before = x.copy()
        module(x)
        g = rng.standard_normal((3, 4))
        g_before = g.copy()
        module.backward(g)
        np.testing.assert_array_equal(x, x_before)
        np.testing.assert_array_equal(g, g_before)
