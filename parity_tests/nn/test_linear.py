"""C3.1-forward: Linear against torch.nn.Linear — layout, default init, forward and every gradient."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

import scratch.nn as snn
import torch_impl.nn as tnn
from parity_tests.parity import (
    DTYPES,
    FINITE_DIFFERENCE_RTOL,
    TORCH_DTYPE,
    check_module_parity,
)
from scratch.gradcheck import gradcheck

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


ALPHA = 1e-6  # false-alarm rate of each statistical check below
Z = float(stats.norm.isf(ALPHA / 2))  # two-sided normal quantile of ALPHA


def _check_uniform(draws: np.ndarray, bound: float, what: str) -> None:
    """Draws of U(−a, a): inside ±a, reaching near both ends (P(max < a(1 − δ)) = (1 − δ/2)^N), mean 0
    and mean square a²/3 within Z standard errors (Var(w) = a²/3, Var(w²) = 4a⁴/45)."""
    n = draws.size
    near = bound * (1 - 2 * (1 - ALPHA ** (1 / n)))  # the level the largest of N draws passes w.p. 1 − ALPHA
    assert np.abs(draws).max() <= bound, f"{what}: a draw beyond ±{bound}"
    assert draws.max() >= near and draws.min() <= -near, f"{what}: draws do not reach both ends ±{bound}"
    assert abs(draws.mean()) <= Z * bound / math.sqrt(3 * n), f"{what}: mean {draws.mean()}"
    second = math.sqrt(4 * bound**4 / 45 / n)
    assert abs(np.mean(draws**2) - bound**2 / 3) <= Z * second, f"{what}: mean square off a²/3"


def test_default_init_is_torch_uniform_with_the_fan_in_bound(rng):
    """C3.1-forward: torch's default W, b ~ U(−1/√n, 1/√n), n = in_features (fan-in, not fan-out: with
    n = 300 ≠ m = 2000 a fan-out bound 1/√2000 fails the "reaches both ends" check, a [0, a] bias the
    mean and both-ends checks). The torch twin's draws pass the same checks."""
    n_in, n_out = 300, 2000
    bound = 1 / math.sqrt(n_in)
    scratch_linear = snn.Linear(n_in, n_out, rng=rng)
    torch.manual_seed(int(rng.integers(2**31)))
    torch_linear = tnn.Linear(n_in, n_out, dtype=torch.float64)
    for twin, weight, bias in [
        ("scratch", scratch_linear.weight.data, scratch_linear.bias.data),
        ("torch", torch_linear.weight.detach().numpy(), torch_linear.bias.detach().numpy()),
    ]:
        _check_uniform(weight.ravel(), bound, f"C3.1-forward {twin} weight")
        _check_uniform(bias, bound, f"C3.1-forward {twin} bias")


def test_uniform_checks_can_fail(rng):
    """The checks above reject the two slips: a fan-out bound and a bias drawn from [0, a]."""
    bound = 1 / math.sqrt(300)
    with pytest.raises(AssertionError, match="both ends"):
        _check_uniform(rng.uniform(-1, 1, 600_000) / math.sqrt(2000), bound, "fan-out")
    with pytest.raises(AssertionError):
        _check_uniform(rng.uniform(0, bound, 2000), bound, "one-sided bias")


def test_bias_set_to_none_drops_it_as_in_torch(rng):
    """Assigning None to a registered parameter keeps the name but drops it from named_parameters and
    state_dict; the layer then computes x Wᵀ. An array is refused: a parameter must be a Parameter."""
    scratch_linear, torch_linear = snn.Linear(3, 2, rng=rng), tnn.Linear(3, 2, dtype=torch.float64)
    scratch_linear.bias = None
    torch_linear.bias = None
    assert [n for n, _ in scratch_linear.named_parameters()] == [
        n for n, _ in torch_linear.named_parameters()
    ]
    assert list(scratch_linear.state_dict()) == list(torch_linear.state_dict()) == ["weight"]
    check_module_parity(
        "C3.1-forward bias=None", scratch_linear, torch_linear, rng.standard_normal((4, 3)), rng
    )
    with pytest.raises(TypeError, match="cannot assign 'numpy.ndarray' as parameter 'weight'"):
        torch_linear.weight = np.ones((2, 3))
    with pytest.raises(TypeError, match="cannot assign 'numpy.ndarray' as parameter 'weight'"):
        scratch_linear.weight = np.ones((2, 3))
