"""C3.1-forward: Linear against torch.nn.Linear — layout, default init, forward and every gradient."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

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

SHAPES = [
    pytest.param((5,), 3, 2, True, id="C3.1-forward-unbatched"),
    pytest.param((7, 3), 3, 4, True, id="C3.1-forward-batch"),
    pytest.param((2, 5, 3), 3, 4, True, id="C3.1-forward-leading-dims"),
    pytest.param((6, 8), 8, 10, False, id="C3.1-forward-no-bias"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("leading", "n_in", "n_out", "bias"), SHAPES)
def test_forward_and_gradients_match_torch(leading, n_in, n_out, bias, dtype, device, rng, request):
    scratch_linear = snn.Linear(n_in, n_out, bias=bias, dtype=dtype, rng=rng)
    torch_linear = tnn.Linear(n_in, n_out, bias=bias, dtype=TORCH_DTYPE[dtype])
    x = rng.standard_normal((*leading[:-1], n_in)).astype(dtype)
    check_module_parity(request.node.callspec.id, scratch_linear, torch_linear, x, rng, device)


@pytest.mark.parametrize(("leading", "n_in", "n_out", "bias"), SHAPES)
def test_three_way_finite_differences(leading, n_in, n_out, bias, rng):
    linear = snn.Linear(n_in, n_out, bias=bias, rng=rng)
    errors = gradcheck(linear, rng.standard_normal((*leading[:-1], n_in)), rng=rng)
    assert set(errors) == {"input", "weight"} | ({"bias"} if bias else set())
    for name, error in errors.items():
        assert error < FINITE_DIFFERENCE_RTOL, f"C3.1-forward {name}: relative error {error:.2e}"


def test_layout_and_state_dict_match_torch():
    scratch_linear, torch_linear = snn.Linear(3, 2), tnn.Linear(3, 2)
    scratch_state, torch_state = scratch_linear.state_dict(), torch_linear.state_dict()
    assert list(scratch_state) == list(torch_state) == ["weight", "bias"]
    assert scratch_state["weight"].shape == tuple(torch_state["weight"].shape) == (2, 3)
    assert "bias" not in snn.Linear(3, 2, bias=False).state_dict()


def test_state_dict_round_trip_both_ways(rng):
    scratch_linear = snn.Linear(4, 3, rng=rng)
    torch_linear = tnn.Linear(4, 3, dtype=torch.float64)
    load_numpy_state_dict(torch_linear, scratch_linear.state_dict())
    for name, tensor in torch_linear.state_dict().items():
        assert_twin_close(scratch_linear.state_dict()[name], tensor, f"C3.1-forward scratch → torch: {name}")
    fresh = snn.Linear(4, 3)
    fresh.load_state_dict(torch_linear.state_dict())
    for name, tensor in torch_linear.state_dict().items():
        assert_twin_close(fresh.state_dict()[name], tensor, f"C3.1-forward torch → scratch: {name}")


def test_default_init_is_torch_uniform_bound(rng):
    """torch's default: W, b ~ U(−1/√n, 1/√n). All draws inside the bound, and the sample variance of
    10⁴ draws within 5 standard errors of the uniform's variance bound²/3 (false alarm ≈ 6e-7)."""
    n_in = 100
    linear = snn.Linear(n_in, 100, rng=rng)
    bound = 1 / math.sqrt(n_in)
    w = linear.weight.data.ravel()
    assert np.abs(w).max() <= bound and np.abs(linear.bias.data).max() <= bound
    variance = bound**2 / 3
    # Var of the sample variance of U(−a, a): (μ4 − σ⁴)/N with μ4 = a⁴/5, σ⁴ = a⁴/9.
    standard_error = math.sqrt((bound**4 / 5 - variance**2) / w.size)
    assert abs(w.var() - variance) < 5 * standard_error


def test_gradients_accumulate_until_zero_grad(rng):
    linear = snn.Linear(3, 2, rng=rng)
    x, g = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    linear(x)
    linear.backward(g)
    once = linear.weight.grad.copy()
    linear(x)
    linear.backward(g)
    np.testing.assert_allclose(linear.weight.grad, 2 * once)
    linear.zero_grad()
    assert not linear.weight.grad.any()


def test_rejects_wrong_width_naming_expected_and_actual():
    with pytest.raises(ValueError, match=r"in_features=3, got shape \(2, 4\)"):
        snn.Linear(3, 2)(np.ones((2, 4)))


def test_rejects_dtype_mismatch_instead_of_upcasting():
    with pytest.raises(TypeError, match="expected input of dtype float64.*got dtype=float32"):
        snn.Linear(3, 2)(np.ones((2, 3), dtype=np.float32))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match=f"in_features to be a positive integer, got {bad!r}"):
        snn.Linear(bad, 2)


def test_backward_rejects_misshaped_grad_and_missing_forward():
    linear = snn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="Linear.backward\\(\\) called without a forward"):
        linear.backward(np.ones((1, 2)))
    linear(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"expected grad_output of shape \(4, 2\).*got \(4, 3\)"):
        linear.backward(np.ones((4, 3)))


def test_float32_layer_keeps_float32_through_backward(rng):
    linear = snn.Linear(3, 2, dtype=np.float32, rng=rng)
    y = linear(rng.standard_normal((4, 3)).astype(np.float32))
    dx = linear.backward(np.ones_like(y))
    assert (y.dtype, dx.dtype, linear.weight.grad.dtype) == (np.float32,) * 3
