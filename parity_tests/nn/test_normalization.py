"""C4.3-layernorm: LayerNorm against torch.nn.LayerNorm — forward and every gradient over one or several
normalised dims, and the seed's contrast with batch norm: a sample's output ignores the rest of its batch."""

from __future__ import annotations

import re

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
    to_torch,
)
from scratch.gradcheck import gradcheck
from torch_impl.nn.state import load_numpy_state_dict

# (normalized_shape, constructor kwargs, input shape, input offset and scale)
CONFIGS = [
    pytest.param(5, {}, (6, 5), (0.0, 1.0), id="C4.3-layernorm-features"),
    pytest.param((5,), {}, (5,), (0.0, 1.0), id="C4.3-layernorm-unbatched"),
    pytest.param((3, 4), {}, (2, 5, 3, 4), (0.0, 1.0), id="C4.3-layernorm-two-dims"),
    pytest.param(4, {}, (3, 2, 4), (0.0, 1.0), id="C4.3-layernorm-sequence"),
    pytest.param(6, {}, (4, 6), (10.0, 3.0), id="C4.3-layernorm-shifted-scaled"),
    pytest.param(5, {"elementwise_affine": False}, (4, 5), (0.0, 1.0), id="C4.3-layernorm-no-affine"),
    pytest.param(5, {"bias": False}, (4, 5), (0.0, 1.0), id="C4.3-layernorm-no-bias"),
    pytest.param(3, {"eps": 1e-2}, (4, 3), (0.0, 0.2), id="C4.3-layernorm-eps"),
]


def make_twins(normalized_shape, kwargs: dict, dtype, rng: np.random.Generator):
    """A scratch and a torch LayerNorm with random γ and β (a swapped γ/β or a wrong axis would show)."""
    scratch_ln = snn.LayerNorm(normalized_shape, **kwargs, dtype=dtype)
    torch_ln = tnn.LayerNorm(normalized_shape, **kwargs, dtype=TORCH_DTYPE[dtype])
    if scratch_ln.weight is not None:
        scratch_ln.weight.data[...] = rng.uniform(0.5, 2.0, scratch_ln.weight.shape)
    if scratch_ln.bias is not None:
        scratch_ln.bias.data[...] = rng.standard_normal(scratch_ln.bias.shape)
    load_numpy_state_dict(torch_ln, scratch_ln.state_dict())
    return scratch_ln, torch_ln


def make_input(rng, shape, offset_scale, dtype):
    offset, scale = offset_scale
    return (offset + scale * rng.standard_normal(shape)).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("normalized_shape", "kwargs", "shape", "offset_scale"), CONFIGS)
def test_forward_and_gradients_match_torch(
    normalized_shape, kwargs, shape, offset_scale, dtype, device, rng, request
):
    scratch_ln, torch_ln = make_twins(normalized_shape, kwargs, dtype, rng)
    x = make_input(rng, shape, offset_scale, dtype)
    check_module_parity(request.node.callspec.id, scratch_ln, torch_ln, x, rng, device)


@pytest.mark.parametrize(("normalized_shape", "kwargs", "shape", "offset_scale"), CONFIGS)
def test_three_way_finite_differences(normalized_shape, kwargs, shape, offset_scale, rng):
    scratch_ln, _ = make_twins(normalized_shape, kwargs, np.float64, rng)
    errors = gradcheck(scratch_ln, make_input(rng, shape, offset_scale, np.float64), rng=rng)
    expected = {"input"} | {name for name, _ in scratch_ln.named_parameters()}
    assert set(errors) == expected
    for name, error in errors.items():
        assert error < FINITE_DIFFERENCE_RTOL, f"C4.3-layernorm {name}: relative error {error:.2e}"


def test_biased_variance_and_eps_inside_the_root(rng):
    """C4.3-layernorm: y = (x − μ)/√(σ² + eps) with σ² = Σ(x − μ)²/D — checked against the formula."""
    x = rng.standard_normal((3, 4))
    y = snn.LayerNorm(4, eps=0.5)(x)
    mean, variance = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)  # ddof=0: biased
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(variance + 0.5), rtol=1e-13)


def test_train_and_eval_compute_the_same_function(rng):
    ln = snn.LayerNorm(4)
    x = rng.standard_normal((3, 4))
    np.testing.assert_array_equal(ln.train()(x), ln.eval()(x))


@pytest.mark.parametrize(
    ("normalized_shape", "kwargs"),
    [
        pytest.param(5, {}, id="C4.3-layernorm-state"),
        pytest.param((2, 3), {}, id="C4.3-layernorm-state-two-dims"),
        pytest.param(5, {"bias": False}, id="C4.3-layernorm-state-no-bias"),
        pytest.param(5, {"elementwise_affine": False}, id="C4.3-layernorm-state-no-affine"),
    ],
)
@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
def test_state_dict_matches_torch_and_round_trips(normalized_shape, kwargs, dtype, rng):
    scratch_ln, torch_ln = make_twins(normalized_shape, kwargs, dtype, rng)
    scratch_state, torch_state = scratch_ln.state_dict(), torch_ln.state_dict()
    assert list(scratch_state) == list(torch_state)
    for name, tensor in torch_state.items():
        assert_twin_close(scratch_state[name], tensor, f"C4.3-layernorm scratch → torch: {name}")
    with torch.no_grad():
        for parameter in torch_ln.parameters():
            parameter.normal_()
    scratch_ln.load_state_dict(torch_ln.state_dict())
    for name, tensor in torch_ln.state_dict().items():
        assert_twin_close(scratch_ln.state_dict()[name], tensor, f"C4.3-layernorm torch → scratch: {name}")


def test_float32_is_kept_and_to_converts(rng):
    ln = snn.LayerNorm(3, dtype=np.float32)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    y = ln(x)
    dx = ln.backward(rng.standard_normal((2, 3)).astype(np.float32))
    assert {a.dtype for a in (y, dx, ln.weight.grad, ln.bias.grad)} == {np.dtype(np.float32)}
    ln.double()
    assert ln.weight.dtype == np.float64 and ln(x.astype(np.float64)).dtype == np.float64


@settings(max_examples=20, deadline=None)
@given(
    # From 3 samples: with 2, BatchNorm maps each feature to ≈ ±1 whatever the values, so replacing the
    # other sample can leave sample 0's output unchanged (allclose) and the claim cannot be shown.
    batch=st.integers(3, 6),
    features=st.integers(2, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_layernorm_output_ignores_the_batch_while_batchnorm_depends_on_it(batch, features, seed):
    """C4.3-layernorm vs C4.3-batchnorm (seed §4.3): replace every other sample of the batch; sample 0's
    LayerNorm output stays the same (both twins) and equals its output as a batch of one, while its
    training-mode BatchNorm1d output changes."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, features))
    other = x.copy()
    other[1:] = rng.standard_normal((batch - 1, features)) * 3 + 1
    scratch_ln, torch_ln = make_twins(features, {}, np.float64, rng)
    for name, ln in (("scratch", scratch_ln), ("torch", lambda a: torch_ln(to_torch(a)).detach().numpy())):
        first, second, alone = ln(x)[0], ln(other)[0], ln(x[:1])[0]
        np.testing.assert_array_equal(first, second, err_msg=f"C4.3-layernorm {name}: batch leaked in")
        np.testing.assert_array_equal(first, alone, err_msg=f"C4.3-layernorm {name}: batch of one differs")
    bn = snn.BatchNorm1d(features)
    assert not np.allclose(bn(x)[0], bn(other)[0]), "C4.3-batchnorm: sample 0 ignored its batch"
    torch_bn = tnn.BatchNorm1d(features, dtype=torch.float64)
    assert not torch.allclose(torch_bn(to_torch(x))[0], torch_bn(to_torch(other))[0])


def test_layernorm_works_on_a_batch_of_one_where_batchnorm_cannot(rng):
    """C4.3-layernorm: a batch of one is fine (statistics are per sample); training BatchNorm1d raises."""
    x = rng.standard_normal((1, 4))
    scratch_ln, torch_ln = make_twins(4, {}, np.float64, rng)
    assert_twin_close(scratch_ln(x), torch_ln(to_torch(x)), "C4.3-layernorm-batch1: output")
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        snn.BatchNorm1d(4)(x)


@pytest.mark.parametrize(("normalized_shape", "shape"), [(4, (2, 3)), ((3, 4), (2, 4, 3)), ((2, 3), (3,))])
def test_rejects_input_whose_trailing_shape_differs_like_torch(normalized_shape, shape):
    with pytest.raises(RuntimeError):
        tnn.LayerNorm(normalized_shape)(torch.ones(shape))
    with pytest.raises(
        ValueError, match=rf"LayerNorm: expected input with shape \(\*, .*got shape \({shape[0]},"
    ):
        snn.LayerNorm(normalized_shape)(np.ones(shape))


def test_rejects_bad_arguments_naming_them():
    for bad in (0, (), (3, -1), "4", 2.5):
        with pytest.raises(
            ValueError, match=f"expected normalized_shape to be .*got {re.escape(repr(bad))}$"
        ):
            snn.LayerNorm(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="eps to be a non-negative real number, got -1"):
        snn.LayerNorm(3, eps=-1)
    with pytest.raises(TypeError, match="expected input of dtype float64.*got dtype=float32"):
        snn.LayerNorm(3)(np.ones((2, 3), dtype=np.float32))
    with pytest.raises(TypeError, match="floating dtype, got dtype=int64"):
        snn.LayerNorm(3)(np.ones((2, 3), dtype=np.int64))


def test_repr_matches_torch():
    assert repr(snn.LayerNorm((2, 3), bias=False)) == repr(tnn.LayerNorm((2, 3), bias=False))


def test_eps_zero_is_valid_and_a_negative_eps_is_refused(rng):
    """C4.3-layernorm: eps = 0 is allowed in both twins (σ² > 0 for any non-constant sample). A negative
    eps: torch computes NaN wherever σ² + eps < 0; scratch refuses it at construction
    (docs/differences-from-torch.md)."""
    x = rng.standard_normal((4, 3))
    check_module_parity(
        "C4.3-layernorm eps=0",
        snn.LayerNorm(3, eps=0.0),
        tnn.LayerNorm(3, eps=0.0, dtype=torch.float64),
        x,
        rng,
    )
    assert torch.isnan(tnn.LayerNorm(3, eps=-10.0)(torch.ones(1, 3) + torch.tensor([0.0, 1.0, 2.0]))).all()
    with pytest.raises(ValueError, match="eps to be a non-negative real number, got -10.0"):
        snn.LayerNorm(3, eps=-10.0)
