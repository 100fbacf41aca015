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
        pytest.param(0.5, lambda: snn.ELU(alpha=0.5), id="C3.1.1-elu-alpha0.5"),
        pytest.param(0.25, lambda: snn.PReLU(), id="C3.1.1-prelu"),
        pytest.param(0.0, lambda: snn.Step(), id="C3.1.1-step"),
    ],
)
def test_gradient_at_exact_zero_follows_torch(gradient_at_zero, make):
    module = make()
    module(np.array([0.0, -0.0]))
    np.testing.assert_array_equal(module.backward(np.ones(2)), [gradient_at_zero, gradient_at_zero])


# PReLU on inputs of more than two dims: the channel is dim 1 (torch's), never the last dim.
PRELU_SHAPES = [
    pytest.param(3, (2, 3, 5), id="C3.1.1-prelu-per-channel-3d"),
    pytest.param(3, (2, 3, 4, 2), id="C3.1.1-prelu-per-channel-4d"),
    pytest.param(1, (2, 3, 5), id="C3.1.1-prelu-shared-3d"),
]


@pytest.mark.parametrize(("channels", "shape"), PRELU_SHAPES)
def test_prelu_slopes_run_along_dim_1(channels, shape, rng, request):
    scratch_prelu = snn.PReLU(channels)
    scratch_prelu.weight.data[...] = rng.uniform(0.1, 0.9, channels)  # a slope of its own per channel
    check_module_parity(
        request.node.callspec.id,
        scratch_prelu,
        tnn.PReLU(channels, dtype=torch.float64),
        rng.standard_normal(shape),
        rng,
    )


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


def test_softmax_requires_dim_in_range():
    with pytest.raises(TypeError, match="dim"):
        snn.Softmax(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected dim in"):
        snn.Softmax(dim=2)(np.ones((2, 3)))


def test_prelu_rejects_wrong_channel_count():
    with pytest.raises(ValueError, match="expected input with 3 channels in dim 1"):
        snn.PReLU(3)(np.ones((2, 4)))


@pytest.mark.parametrize(("alpha", "smooth"), [(1.0, True), (0.5, False), (2.0, False)])
def test_elu_is_smooth_at_zero_only_for_alpha_one(alpha, smooth):
    """C3.1.1-elu: the slope is α just left of 0 and 1 just right: one slope at 0 only when α = 1."""
    elu = snn.ELU(alpha=alpha)
    elu(np.array([-1e-9, 1e-9]))
    left, right = elu.backward(np.ones(2))
    assert left == pytest.approx(alpha, rel=1e-8) and right == 1.0
    assert (abs(left - right) < 1e-8) == smooth


def test_log_softmax_is_not_a_softmax_as_in_torch():
    """C3.1.1-softmax: two classes side by side, neither a subclass of the other (as torch.nn)."""
    assert isinstance(tnn.LogSoftmax(1), tnn.Softmax) is False
    assert isinstance(snn.LogSoftmax(1), snn.Softmax) is False
    assert isinstance(snn.Softmax(1), snn.LogSoftmax) is False


@pytest.mark.parametrize(
    ("make_scratch", "make_torch"),
    [
        pytest.param(lambda: snn.Softmax(dim=-2), lambda: tnn.Softmax(dim=-2), id="C3.1.1-softmax-dim-2"),
        pytest.param(
            lambda: snn.LogSoftmax(dim=-2), lambda: tnn.LogSoftmax(dim=-2), id="C3.1.1-softmax-log-dim-2"
        ),
    ],
)
def test_softmax_along_the_first_dim_counted_from_the_end(make_scratch, make_torch, rng, request):
    """dim = −ndim is the first axis: the columns of a 2-D input sum to 1 (the boundary of dim's range)."""
    x = rng.standard_normal((4, 3))
    check_module_parity(request.node.callspec.id, make_scratch(), make_torch(), x, rng)
    with pytest.raises(ValueError, match=r"expected dim in \[-1, 0\], got dim=-2"):
        make_scratch()(np.ones(3))


@pytest.mark.parametrize("shape", [(2, 0), (0, 3), (0,)])
@pytest.mark.parametrize(
    ("make_scratch", "make_torch"),
    [
        pytest.param(lambda: snn.Softmax(dim=-1), lambda: tnn.Softmax(dim=-1), id="C3.1.1-softmax"),
        pytest.param(lambda: snn.LogSoftmax(dim=-1), lambda: tnn.LogSoftmax(dim=-1), id="C3.1.1-softmax-log"),
    ],
)
def test_softmax_of_an_empty_array_is_empty_as_in_torch(make_scratch, make_torch, shape, rng, request):
    check_module_parity(
        f"{request.node.callspec.id} {shape}", make_scratch(), make_torch(), np.ones(shape), rng
    )


def test_prelu_refuses_an_input_of_another_dtype_as_torch_does():
    """torch: RuntimeError "prelu: Type promoting not supported"; scratch: TypeError (a float32 output
    from a float64 layer would be a silent downcast of its weight)."""
    with pytest.raises(RuntimeError, match="Type promoting not supported"):
        tnn.PReLU(dtype=torch.float64)(torch.ones(3, dtype=torch.float32))
    with pytest.raises(TypeError, match=r"PReLU: expected input of dtype float64.*got dtype=float32"):
        snn.PReLU()(np.ones(3, dtype=np.float32))
