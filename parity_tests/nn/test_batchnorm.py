"""C4.3-batchnorm: BatchNorm1d against torch.nn.BatchNorm1d — training and eval forward and gradients,
running statistics over many steps (torch's unbiased update), state dicts with buffers, error cases."""

from __future__ import annotations

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
    to_torch,
)
from scratch.gradcheck import gradcheck
from torch_impl.nn.state import load_numpy_state_dict

# (constructor kwargs, input shape, input offset and scale) per row; both twins take the same kwargs.
CONFIGS = [
    pytest.param({}, (8, 4), (0.0, 1.0), id="C4.3-batchnorm-2d"),
    pytest.param({}, (5, 3, 4), (0.0, 1.0), id="C4.3-batchnorm-3d"),
    pytest.param({}, (2, 3), (0.0, 1.0), id="C4.3-batchnorm-batch2"),
    pytest.param({}, (1, 3, 2), (0.0, 1.0), id="C4.3-batchnorm-3d-batch1"),
    pytest.param({}, (16, 3), (5.0, 3.0), id="C4.3-batchnorm-shifted-scaled"),
    pytest.param({"affine": False}, (6, 4), (0.0, 1.0), id="C4.3-batchnorm-no-affine"),
    pytest.param({"momentum": None}, (6, 4), (0.0, 1.0), id="C4.3-batchnorm-momentum-none"),
    pytest.param({"track_running_stats": False}, (6, 4, 2), (0.0, 1.0), id="C4.3-batchnorm-no-running-stats"),
    pytest.param({"eps": 1e-2, "momentum": 0.3}, (7, 2), (0.0, 0.1), id="C4.3-batchnorm-eps-momentum"),
]


def make_twins(kwargs: dict, num_features: int, dtype, rng: np.random.Generator):
    """A scratch and a torch BatchNorm1d; random γ, β (so a swapped γ/β would show) and, when tracked,
    random running statistics, copied into torch through the state dict."""
    scratch_bn = snn.BatchNorm1d(num_features, **kwargs, dtype=dtype)
    torch_bn = tnn.BatchNorm1d(num_features, **kwargs, dtype=TORCH_DTYPE[dtype])
    if scratch_bn.affine:
        scratch_bn.weight.data[:] = rng.uniform(0.5, 2.0, num_features)
        scratch_bn.bias.data[:] = rng.standard_normal(num_features)
    if scratch_bn.track_running_stats:
        scratch_bn.running_mean[:] = rng.standard_normal(num_features)
        scratch_bn.running_var[:] = rng.uniform(0.5, 2.0, num_features)
        scratch_bn.num_batches_tracked[...] = 3
    load_numpy_state_dict(torch_bn, scratch_bn.state_dict())
    return scratch_bn, torch_bn


def make_input(rng, shape, offset_scale, dtype):
    offset, scale = offset_scale
    return (offset + scale * rng.standard_normal(shape)).astype(dtype)


def assert_state_entry_close(actual: np.ndarray, expected: torch.Tensor, what: str) -> None:
    """A state-dict entry: floats through the contract; the int64 counter exactly (shape, dtype, value)."""
    if np.issubdtype(np.asarray(actual).dtype, np.integer):
        expected_np = expected.cpu().numpy()
        assert (actual.shape, actual.dtype) == (expected_np.shape, expected_np.dtype), (
            f"{what}: shape/dtype {actual.shape}, {actual.dtype} (scratch) != "
            f"{expected_np.shape}, {expected_np.dtype} (torch)"
        )
        np.testing.assert_array_equal(actual, expected_np, err_msg=what)
    else:
        assert_twin_close(actual, expected, what)


def assert_buffers_match(scratch_bn, torch_bn, what: str, kind: str = "value") -> None:
    for name in ("running_mean", "running_var"):
        if scratch_bn.track_running_stats:
            assert_twin_close(getattr(scratch_bn, name), getattr(torch_bn, name), f"{what}: {name}", kind)
        else:
            assert getattr(scratch_bn, name) is None and getattr(torch_bn, name) is None
    if scratch_bn.track_running_stats:
        assert_state_entry_close(scratch_bn.num_batches_tracked, torch_bn.num_batches_tracked, what)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("kwargs", "shape", "offset_scale"), CONFIGS)
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_forward_and_gradients_match_torch(
    kwargs, shape, offset_scale, training, dtype, device, rng, request
):
    """Output, ∂E/∂x, ∂E/∂γ, ∂E/∂β under a random upstream gradient; then the updated buffers."""
    what = request.node.callspec.id
    scratch_bn, torch_bn = make_twins(kwargs, shape[1], dtype, rng)
    scratch_bn.train(training)
    torch_bn.train(training)
    x = make_input(rng, shape, offset_scale, dtype)
    check_module_parity(what, scratch_bn, torch_bn, x, rng, device)
    assert_buffers_match(scratch_bn, torch_bn, what)


# (kwargs, per-step shape factory): batches of varying size, >= 50 steps.
RUNNING = [
    pytest.param({}, lambda r: (int(r.integers(2, 20)), 3), id="C4.3-batchnorm-running-2d"),
    pytest.param(
        {}, lambda r: (int(r.integers(1, 6)), 3, int(r.integers(2, 5))), id="C4.3-batchnorm-running-3d"
    ),
    pytest.param(
        {"momentum": None}, lambda r: (int(r.integers(2, 20)), 3), id="C4.3-batchnorm-running-momentum-none"
    ),
    pytest.param(
        {"momentum": 0.5}, lambda r: (int(r.integers(2, 20)), 3), id="C4.3-batchnorm-running-momentum0.5"
    ),
]
RUNNING_STEPS = 60


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("kwargs", "batch_shape"), RUNNING)
def test_running_statistics_follow_torch_over_many_steps(kwargs, batch_shape, dtype, device, rng, request):
    """60 training steps on batches of varying size, shifted away from 0 so the update matters: outputs
    at every step, then running_mean, running_var (unbiased) and num_batches_tracked, then eval output."""
    what = request.node.callspec.id
    scratch_bn, torch_bn = make_twins(kwargs, 3, dtype, rng)
    torch_bn.to(device)
    centre, spread = np.array([2.0, -1.0, 0.5]), np.array([0.5, 3.0, 1.0])
    for step in range(RUNNING_STEPS):
        shape = batch_shape(rng)
        x = rng.standard_normal(shape) * spread.reshape(1, 3, *[1] * (len(shape) - 2))
        x = (x + centre.reshape(1, 3, *[1] * (len(shape) - 2))).astype(dtype)
        assert_twin_close(scratch_bn(x), torch_bn(to_torch(x, device)), f"{what} step {step}: output")
    assert_buffers_match(scratch_bn, torch_bn, f"{what} after {RUNNING_STEPS} steps", kind="trajectory")
    assert int(scratch_bn.num_batches_tracked) == 3 + RUNNING_STEPS
    scratch_bn.eval()
    torch_bn.eval()
    x = make_input(rng, batch_shape(rng), (0.0, 1.0), dtype)
    assert_twin_close(scratch_bn(x), torch_bn(to_torch(x, device)), f"{what}: eval output")


def test_running_var_stores_the_unbiased_variance_and_momentum_weighs_the_new_batch(rng):
    """C4.3-batchnorm: one step from running (0, 1): mean ← 0.1·μ, var ← 0.9 + 0.1·s²,
    with s² = Σ(x−μ)²/(n−1) the unbiased variance."""
    x = rng.standard_normal((5, 2))
    bn = snn.BatchNorm1d(2)
    bn(x)
    np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=0, ddof=1), rtol=1e-14)
    assert bn.num_batches_tracked.dtype == np.int64 and int(bn.num_batches_tracked) == 1


def test_momentum_none_is_the_cumulative_average_of_batch_statistics(rng):
    """C4.3-batchnorm: momentum=None makes running_mean the plain average of every batch mean so far."""
    bn = snn.BatchNorm1d(2, momentum=None)
    batches = [rng.standard_normal((int(rng.integers(2, 9)), 2)) + 3 for _ in range(7)]
    for x in batches:
        bn(x)
    np.testing.assert_allclose(
        bn.running_mean, np.mean([x.mean(axis=0) for x in batches], axis=0), rtol=1e-13
    )
    np.testing.assert_allclose(
        bn.running_var, np.mean([x.var(axis=0, ddof=1) for x in batches], axis=0), rtol=1e-13
    )


def test_seed_batch_iteration_epoch_arithmetic():
    """C4.3-batchnorm: 1000 samples in batches of 100 are 10 iterations per epoch (seed §4.3): both twins
    count 10 batches after one epoch."""
    data = np.random.default_rng(0).standard_normal((1000, 3))
    scratch_bn, torch_bn = snn.BatchNorm1d(3), tnn.BatchNorm1d(3, dtype=torch.float64)
    for start in range(0, len(data), 100):
        scratch_bn(data[start : start + 100])
        torch_bn(to_torch(data[start : start + 100]))
    assert int(scratch_bn.num_batches_tracked) == int(torch_bn.num_batches_tracked) == 10


def test_track_running_stats_false_uses_batch_statistics_in_eval(rng):
    x = rng.standard_normal((6, 3)) * 4 + 2
    bn = snn.BatchNorm1d(3, track_running_stats=False).eval()
    y = bn(x)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)  # normalised by the batch itself
    torch_bn = tnn.BatchNorm1d(3, track_running_stats=False, dtype=torch.float64).eval()
    assert_twin_close(y, torch_bn(to_torch(x)), "C4.3-batchnorm-no-running-stats: eval output")


# With only two values per channel, training-mode x̂ = ±d/√(d² + 4eps) is ±1 up to O(eps): ∂E/∂x is
# O(eps) and central differences' round-off (~1e-10) swamps it in relative terms. Torch parity still
# covers those rows; the finite-difference check takes the well-conditioned ones.
GRADCHECK_CONFIGS = [row for row in CONFIGS if np.prod(row.values[1]) // row.values[1][1] > 2]


@pytest.mark.parametrize(("kwargs", "shape", "offset_scale"), GRADCHECK_CONFIGS)
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_three_way_finite_differences(kwargs, shape, offset_scale, training, rng):
    """Training mode: the batch statistics are a function of x, so E(x) is still deterministic; every
    forward also updates the running statistics, but training-mode outputs never read them, so the
    finite differences see the same function throughout (checked: the buffers did move)."""
    scratch_bn, _ = make_twins(kwargs, shape[1], np.float64, rng)
    scratch_bn.train(training)
    x = make_input(rng, shape, offset_scale, np.float64)
    errors = gradcheck(scratch_bn, x, rng=rng)
    assert set(errors) == {"input"} | ({"weight", "bias"} if scratch_bn.affine else set())
    for name, error in errors.items():
        assert error < FINITE_DIFFERENCE_RTOL, f"C4.3-batchnorm {name}: relative error {error:.2e}"
    if scratch_bn.track_running_stats:  # the probes' forwards do move the buffers in training
        before = scratch_bn.running_mean.copy()
        scratch_bn(x)
        assert (not np.array_equal(scratch_bn.running_mean, before)) == training


STATE_CONFIGS = [
    pytest.param({}, id="C4.3-batchnorm-state"),
    pytest.param({"affine": False}, id="C4.3-batchnorm-state-no-affine"),
    pytest.param({"track_running_stats": False}, id="C4.3-batchnorm-state-no-running-stats"),
    pytest.param({"affine": False, "track_running_stats": False}, id="C4.3-batchnorm-state-empty"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("kwargs", STATE_CONFIGS)
def test_state_dict_keys_shapes_and_dtypes_match_torch(kwargs, dtype):
    scratch_state = snn.BatchNorm1d(5, **kwargs, dtype=dtype).state_dict()
    torch_state = tnn.BatchNorm1d(5, **kwargs, dtype=TORCH_DTYPE[dtype]).state_dict()
    assert list(scratch_state) == list(torch_state)
    for name, tensor in torch_state.items():
        assert_state_entry_close(scratch_state[name], tensor, f"C4.3-batchnorm initial {name}")


def test_float32_is_kept_and_to_converts_the_buffers(rng):
    bn = snn.BatchNorm1d(3, dtype=np.float32)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    y = bn(x)
    dx = bn.backward(rng.standard_normal((4, 3)).astype(np.float32))
    assert {a.dtype for a in (y, dx, bn.weight.grad, bn.running_mean, bn.running_var)} == {
        np.dtype(np.float32)
    }
    bn.double()
    torch_bn = tnn.BatchNorm1d(3).double()
    for name, tensor in torch_bn.state_dict().items():
        assert bn.state_dict()[name].dtype == tensor.numpy().dtype, f"C4.3-batchnorm .double(): {name}"
    assert bn(x.astype(np.float64)).dtype == np.float64
    bn.to(np.float32)
    assert bn.running_var.dtype == np.float32 and bn.num_batches_tracked.dtype == np.int64


ONE_VALUE_PER_CHANNEL = [
    pytest.param({}, True, (1, 3), id="C4.3-batchnorm-one-sample-train"),
    pytest.param({}, True, (1, 3, 1), id="C4.3-batchnorm-one-value-3d-train"),
    pytest.param(
        {"track_running_stats": False}, False, (1, 3), id="C4.3-batchnorm-one-sample-eval-untracked"
    ),
]


@pytest.mark.parametrize(("kwargs", "training", "shape"), ONE_VALUE_PER_CHANNEL)
def test_one_value_per_channel_raises_when_batch_statistics_are_used(kwargs, training, shape):
    message = "Expected more than 1 value per channel when training"
    with pytest.raises(ValueError, match=message):
        tnn.BatchNorm1d(3, **kwargs).train(training)(torch.ones(shape))
    bn = snn.BatchNorm1d(3, **kwargs).train(training)
    with pytest.raises(ValueError, match=rf"{message}, got input size \({shape[0]}, 3"):
        bn(np.ones(shape))
    if bn.track_running_stats:
        assert int(bn.num_batches_tracked) == 0  # nothing was updated before the error


def test_two_samples_normalise_to_plus_minus_one_and_pass_back_almost_no_gradient(rng):
    """C4.3-batchnorm at batch size 2: each channel's two values x₁, x₂ become ±d/√(d² + ε), d = (x₁ − x₂)/2,
    i.e. ±1 whatever they are, so the gradient passed back to x is only ε-small (∝ ε/(d² + ε)^{3/2}):
    why batch norm at batch size 2 learns little below it, and chaotically (see the batch-size demo)."""
    eps = 1e-5
    x = 3.0 * rng.standard_normal((2, 5))
    d = (x[0] - x[1]) / 2
    expected = np.stack([d, -d]) / np.sqrt(d**2 + eps)
    upstream = rng.standard_normal((2, 5))
    scratch_bn = snn.BatchNorm1d(5, eps=eps)  # γ = 1, β = 0
    torch_bn = tnn.BatchNorm1d(5, eps=eps, dtype=torch.float64)
    x_t = to_torch(x).requires_grad_(True)
    for name, y in (("scratch", scratch_bn(x)), ("torch", torch_bn(x_t).detach().numpy())):
        np.testing.assert_allclose(y, expected, rtol=1e-12, err_msg=name)
        assert np.all(np.abs(np.abs(y) - 1) < eps / np.minimum(d**2, 1.0)), name
    grad_x = scratch_bn.backward(upstream)
    torch_bn(x_t).backward(to_torch(upstream))
    assert_twin_close(grad_x, x_t.grad, "C4.3-batchnorm-batch2-grad")
    bound = eps / (d**2 + eps) ** 1.5 * np.abs(upstream).sum(axis=0)  # |∂x̂/∂x| · |upstream|, per channel
    assert np.all(np.abs(grad_x) <= bound + 1e-15)
    apart = np.abs(d) > 0.1  # two values further apart than 0.2: under 1% of the gradient comes back
    assert apart.sum() >= 3
    assert np.all(np.abs(grad_x[:, apart]) < 1e-2 * np.abs(upstream[:, apart]).sum(axis=0))


def test_one_sample_in_eval_uses_running_statistics(rng):
    scratch_bn, torch_bn = make_twins({}, 3, np.float64, rng)
    x = rng.standard_normal((1, 3))
    assert_twin_close(scratch_bn.eval()(x), torch_bn.eval()(to_torch(x)), "C4.3-batchnorm-eval-batch1")


@pytest.mark.parametrize("shape", [(3,), (2, 3, 4, 5)])
def test_rejects_inputs_that_are_not_2d_or_3d_like_torch(shape):
    with pytest.raises(ValueError, match=f"expected 2D or 3D input \\(got {len(shape)}D input\\)"):
        tnn.BatchNorm1d(3)(torch.ones(shape))
    with pytest.raises(
        ValueError, match=f"BatchNorm1d: expected 2D or 3D input \\(got {len(shape)}D input\\)"
    ):
        snn.BatchNorm1d(3)(np.ones(shape))


def test_rejects_wrong_channels_dtype_and_arguments():
    with pytest.raises(RuntimeError):
        tnn.BatchNorm1d(3)(torch.ones(4, 2))
    with pytest.raises(ValueError, match=r"num_features=3 channels in dim 1, got shape \(4, 2\)"):
        snn.BatchNorm1d(3)(np.ones((4, 2)))
    with pytest.raises(TypeError, match="expected input of dtype float64.*got dtype=float32"):
        snn.BatchNorm1d(3)(np.ones((4, 3), dtype=np.float32))
    with pytest.raises(TypeError, match="floating dtype, got dtype=int64"):
        snn.BatchNorm1d(3)(np.ones((4, 3), dtype=np.int64))
    with pytest.raises(ValueError, match="num_features to be a positive integer, got 0"):
        snn.BatchNorm1d(0)
    with pytest.raises(TypeError, match="momentum to be a real number or None, got '0.1'"):
        snn.BatchNorm1d(3, momentum="0.1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="eps must be positive during training, but got 0.0"):
        snn.BatchNorm1d(3, eps=0)(np.ones((4, 3)))
    with pytest.raises(ValueError, match="eps must be non-negative, but got -1.0"):
        snn.BatchNorm1d(3, eps=-1).eval()(np.ones((4, 3)))


def test_repr_matches_torch_fields():
    assert repr(snn.BatchNorm1d(4)) == (
        "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
    )


@pytest.mark.parametrize("method", ["reset_running_stats", "reset_parameters"])
def test_reset_methods_match_torch(method, rng):
    """C4.3-batchnorm: after training steps, ``reset_running_stats`` zeroes the mean, sets the variance to
    1 and the counter to 0; ``reset_parameters`` also sets γ = 1, β = 0 — the state torch's resets leave."""
    scratch_bn, torch_bn = make_twins({}, 3, np.float64, rng)
    for _ in range(2):
        x = make_input(rng, (6, 3), (2.0, 3.0), np.float64)
        scratch_bn(x)
        torch_bn(to_torch(x))
    getattr(scratch_bn, method)()
    getattr(torch_bn, method)()
    for name, tensor in torch_bn.state_dict().items():
        assert_state_entry_close(scratch_bn.state_dict()[name], tensor, f"C4.3-batchnorm {method}: {name}")


@pytest.mark.parametrize("shape", [(0, 3), (2, 3, 0)])
def test_an_empty_batch_leaves_the_running_statistics_as_torch_does(shape, rng):
    """torch: an empty training batch gives an empty output, leaves running_mean and running_var as they
    were (no NaN from a mean over nothing) and still counts the batch; its gradients are empty and 0."""
    scratch_bn, torch_bn = make_twins({}, 3, np.float64, rng)
    x = np.zeros(shape)
    x_t = to_torch(x, requires_grad=True)
    y, y_t = scratch_bn(x), torch_bn(x_t)
    assert_twin_close(y, y_t, "C4.3-batchnorm empty batch: output")
    assert_buffers_match(scratch_bn, torch_bn, "C4.3-batchnorm empty batch")
    y_t.backward(torch.zeros(shape, dtype=torch.float64))
    assert_twin_close(scratch_bn.backward(np.zeros(shape)), x_t.grad, "C4.3-batchnorm empty batch: ∂E/∂x")
    for name in ("weight", "bias"):
        assert_twin_close(
            getattr(scratch_bn, name).grad, getattr(torch_bn, name).grad, f"empty batch: {name}"
        )
