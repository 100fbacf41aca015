"""C4.2-dropout: inverted dropout against torch — exact given torch's mask, drop rate statistically p,
and identical masks for paired training through SharedMaskDropout."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
import torch

import scratch.nn as snn
import torch_impl.nn as tnn
from parity_tests.parity import DTYPES, FINITE_DIFFERENCE_RTOL, TORCH_DTYPE, assert_twin_close, to_torch
from scratch.gradcheck import gradcheck
from scratch.nn.functional import dropout, dropout_backward

PROBABILITIES = [
    pytest.param(0.0, id="C4.2-dropout-p0"),
    pytest.param(0.2, id="C4.2-dropout-p0.2"),
    pytest.param(0.5, id="C4.2-dropout-p0.5"),
    pytest.param(0.9, id="C4.2-dropout-p0.9"),
    pytest.param(1.0, id="C4.2-dropout-p1"),
]

# Statistical drop-rate test: the number of dropped units among n is Binomial(n, p), so the observed
# rate has standard error √(p(1−p)/n). A two-sided bound at z = Φ⁻¹(1 − α/2) raises a false alarm with
# probability α per check; α = 1e-6 gives z ≈ 4.89.
FALSE_ALARM_RATE = 1e-6
Z = NormalDist().inv_cdf(1 - FALSE_ALARM_RATE / 2)
STAT_SHAPE = (400, 250)  # n = 10⁵ draws: the bound is ±0.0077 at p = 0.5


def nonzero_input(rng: np.random.Generator, shape: tuple[int, ...], dtype) -> np.ndarray:
    """Entries bounded away from 0, so ``out != 0`` recovers the keep-mask exactly."""
    x = (rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)).astype(dtype)
    assert np.all(x != 0)
    return x


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("p", PROBABILITIES)
def test_forward_and_gradient_given_torchs_mask(p, dtype, device, rng, request):
    what = request.node.callspec.id
    x = nonzero_input(rng, (8, 5, 3), dtype)
    x_t = to_torch(x, device, requires_grad=True)
    y_t = tnn.Dropout(p).train()(x_t)
    keep_mask = (y_t != 0).cpu().numpy()  # x has no zeros: a zero output is a dropped unit (all, at p = 1)
    y = dropout(x, keep_mask, p)
    assert_twin_close(y, y_t, f"{what}: output")
    upstream = rng.standard_normal(x.shape).astype(dtype)
    y_t.backward(to_torch(upstream, device))
    dx = dropout_backward(upstream, keep_mask, p)
    assert_twin_close(dx, x_t.grad, f"{what}: gradient of the input")
    if device == "cpu":  # same mask, same arithmetic as torch's CPU kernel: bit for bit
        np.testing.assert_array_equal(y, y_t.detach().numpy(), err_msg=f"{what}: output")
        np.testing.assert_array_equal(dx, x_t.grad.numpy(), err_msg=f"{what}: gradient")
    if p == 1:
        assert not y.any() and not dx.any()


@pytest.mark.parametrize("p", PROBABILITIES)
def test_module_is_the_pure_function_of_its_own_mask(p, rng):
    """C4.2-dropout: the module draws a mask and applies ``dropout``; survivors are scaled by 1/(1 − p)."""
    module = snn.Dropout(p, rng=rng)
    x = nonzero_input(rng, (6, 7), np.float64)
    y = module(x)
    keep_mask = y != 0
    np.testing.assert_array_equal(y, dropout(x, keep_mask, p))
    if p < 1:
        np.testing.assert_allclose(y[keep_mask], x[keep_mask] / (1 - p), rtol=1e-15)
    upstream = rng.standard_normal(x.shape)
    np.testing.assert_array_equal(module.backward(upstream), dropout_backward(upstream, keep_mask, p))


@pytest.mark.parametrize(
    "p", [pytest.param(0.3, id="C4.2-dropout-p0.3"), pytest.param(0.7, id="C4.2-dropout-p0.7")]
)
def test_three_way_finite_differences_with_a_fixed_mask(p, rng):
    """Given its mask, dropout is linear in x: the backward against central differences (float64)."""
    keep_mask = rng.random((5, 4)) >= p

    class FixedMask(snn.Module):
        def forward(self, x):
            self._x_shape = x.shape
            return dropout(x, keep_mask, p)

        def backward(self, g):
            self._take("_x_shape")
            return dropout_backward(g, keep_mask, p)

    errors = gradcheck(FixedMask(), rng.standard_normal((5, 4)), rng=rng)
    assert errors["input"] < FINITE_DIFFERENCE_RTOL, f"C4.2-dropout: relative error {errors['input']:.2e}"


@pytest.mark.parametrize("p", [pytest.param(p, id=f"C4.2-dropout-p{p}") for p in (0.1, 0.5, 0.9)])
def test_drop_rate_is_p_within_the_binomial_bound(p, device, rng):
    """Both twins drop a fraction p of 10⁵ units, within Z standard errors (false alarm 1e-6 each)."""
    n = math.prod(STAT_SHAPE)
    bound = Z * math.sqrt(p * (1 - p) / n)
    x = np.ones(STAT_SHAPE)
    rates = {
        "scratch Dropout": np.mean(snn.Dropout(p, rng=rng)(x) == 0),
        "torch Dropout": (tnn.Dropout(p)(to_torch(x, device)) == 0).double().mean().item(),
        "SharedMaskDropout": (
            (
                tnn.SharedMaskDropout(p, rng=np.random.default_rng(rng.integers(2**63)))(to_torch(x, device))
                == 0
            )
            .double()
            .mean()
            .item()
        ),
    }
    for twin, rate in rates.items():
        assert abs(rate - p) <= bound, (
            f"C4.2-dropout {twin}: drop rate {rate:.5f}, p = {p}, bound ±{bound:.5f}"
        )


def test_statistical_bound_catches_a_wrong_rate(rng):
    """The bound has teeth: a dropout at p = 0.5 does not pass as p = 0.52."""
    n = math.prod(STAT_SHAPE)
    rate = np.mean(snn.Dropout(0.5, rng=rng)(np.ones(STAT_SHAPE)) == 0)
    assert abs(rate - 0.52) > Z * math.sqrt(0.52 * 0.48 / n)


@pytest.mark.parametrize("p", PROBABILITIES)
def test_eval_is_the_identity_in_both_twins(p, rng):
    x = nonzero_input(rng, (4, 3), np.float64)
    module = snn.Dropout(p, rng=rng).eval()
    y = module(x)
    np.testing.assert_array_equal(y, x)
    upstream = rng.standard_normal(x.shape)
    np.testing.assert_array_equal(module.backward(upstream), upstream)
    assert_twin_close(y, tnn.Dropout(p).eval()(to_torch(x)), "C4.2-dropout: eval output")


def test_eval_and_edge_probabilities_do_not_draw():
    """p = 0, p = 1 and eval leave the generator untouched, in both twins, so paired streams stay in step."""
    for p, training in [(0.0, True), (1.0, True), (0.5, False)]:
        rng, reference = np.random.default_rng(7), np.random.default_rng(7)
        snn.Dropout(p, rng=rng).train(training)(np.ones((3, 3)))
        tnn.SharedMaskDropout(p, rng=rng).train(training)(torch.ones(3, 3))
        assert rng.random() == reference.random(), f"C4.2-dropout p={p} training={training}: drew"


PAIRED_CALLS = [
    pytest.param(0.5, [(4, 5), (3, 5), (2, 3, 4), (4, 5)], id="C4.2-dropout-paired-p0.5"),
    pytest.param(0.1, [(16, 8), (16, 8), (1, 8)], id="C4.2-dropout-paired-p0.1"),
    pytest.param(0.8, [(5, 5), (5, 5)], id="C4.2-dropout-paired-p0.8"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("p", "shapes"), PAIRED_CALLS)
def test_shared_mask_dropout_drops_the_same_units_as_scratch(p, shapes, dtype, device, rng, request):
    """Two generators from one seed: identical outputs and gradients over several forward/backward calls,
    with an eval call in between (which must not draw)."""
    what = request.node.callspec.id
    seed = int(rng.integers(2**63))
    scratch_dropout = snn.Dropout(p, rng=np.random.default_rng(seed))
    torch_dropout = tnn.SharedMaskDropout(p, rng=np.random.default_rng(seed))
    for step, shape in enumerate(shapes):
        training = step != 1
        scratch_dropout.train(training)
        torch_dropout.train(training)
        x = nonzero_input(rng, shape, dtype)
        x_t = to_torch(x, device, requires_grad=True)
        y, y_t = scratch_dropout(x), torch_dropout(x_t)
        assert_twin_close(y, y_t, f"{what} step {step}: output")
        upstream = rng.standard_normal(shape).astype(dtype)
        y_t.backward(to_torch(upstream, device))
        assert_twin_close(scratch_dropout.backward(upstream), x_t.grad, f"{what} step {step}: gradient")
        if training and device == "cpu":
            np.testing.assert_array_equal(y, y_t.detach().numpy(), err_msg=f"{what} step {step}")


def test_different_seeds_give_different_masks():
    """The paired test above would pass for a constant mask; this one would not."""
    x = np.ones((20, 20))
    a = snn.Dropout(0.5, rng=np.random.default_rng(1))(x)
    b = tnn.SharedMaskDropout(0.5, rng=np.random.default_rng(2))(torch.ones(20, 20)).numpy()
    assert not np.array_equal(a != 0, b != 0)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
def test_dtype_is_kept_and_state_dict_is_empty_like_torch(dtype, rng):
    module = snn.Dropout(0.5, rng=rng)
    x = nonzero_input(rng, (3, 4), dtype)
    y = module(x)
    assert y.dtype == dtype and module.backward(np.ones_like(y)).dtype == dtype
    assert list(module.state_dict()) == list(tnn.Dropout(0.5).state_dict()) == []
    assert list(tnn.SharedMaskDropout(0.5, rng=rng).state_dict()) == []
    assert TORCH_DTYPE[dtype] == tnn.SharedMaskDropout(0.5, rng=rng)(to_torch(x)).dtype


@pytest.mark.parametrize("bad", [-0.1, 1.1, 2])
def test_rejects_p_outside_unit_interval_like_torch(bad):
    with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, but got {bad}"):
        tnn.Dropout(bad)
    with pytest.raises(
        ValueError, match=f"Dropout: dropout probability has to be between 0 and 1, but got {bad}"
    ):
        snn.Dropout(bad)
    with pytest.raises(ValueError, match=f"SharedMaskDropout: dropout probability .* but got {bad}"):
        tnn.SharedMaskDropout(bad, rng=np.random.default_rng())


def test_rejects_bad_arguments_naming_them():
    with pytest.raises(TypeError, match="expected p to be a real number in \\[0, 1\\], got '0.5'"):
        snn.Dropout("0.5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected rng to be a numpy.random.Generator, got NoneType"):
        tnn.SharedMaskDropout(0.5, rng=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="floating dtype, got dtype=int64"):
        snn.Dropout()(np.ones((2, 2), dtype=np.int64))


def test_p_one_keeps_nan_as_nan_as_torch_does():
    """C4.2-dropout: p = 1 is ``x · 0`` in torch (no mask, no division), so a NaN input stays NaN
    while every finite unit is 0; the gradient is all zeros."""
    x = np.array([np.nan, 3.0, -2.0, 0.0])
    expected = torch.nn.functional.dropout(torch.tensor(x), p=1.0, training=True)
    for module in (snn.Dropout(1.0), tnn.SharedMaskDropout(1.0, rng=np.random.default_rng(0))):
        y = module(x) if isinstance(module, snn.Dropout) else module(torch.tensor(x))
        assert_twin_close(y, expected, f"C4.2-dropout p=1: {type(module).__name__}")
    scratch = snn.Dropout(1.0)
    scratch(x)
    np.testing.assert_array_equal(scratch.backward(np.ones(4)), np.zeros(4))
