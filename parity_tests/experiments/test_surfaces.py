"""C3.2.1 and C3.2.2-local-minima, C3.2.2-saddle: the test surfaces and the optimizer paths on them.

The scratch twin's hand-written gradient against torch's autograd and against finite differences; the
paths of every documented setting identical in both twins; and the seed's claims (§3.2.2) as
assertions: plain gradient descent stops in the local minimum and crawls at the saddle, while momentum
and Adam escape.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from parity_tests.parity import DTYPES, FINITE_DIFFERENCE_RTOL, TORCH_DTYPE, assert_twin_close, to_torch
from scratch.gradcheck import numerical_gradient, relative_error
from scratch.models import surfaces as scratch_surfaces
from torch_impl.models import surfaces as torch_surfaces
from twin_nets.experiments.paths import (
    BOWL,
    LOCAL_MINIMA,
    SADDLE,
    OptimizerSpec,
    run_path,
    steps_to_leave,
)

SURFACES = [
    pytest.param("Bowl", id="C3.2.1-bowl"),
    pytest.param("TwoMinima", id="C3.2.2-local-minima"),
    pytest.param("Saddle", id="C3.2.2-saddle"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("name", SURFACES)
def test_value_and_gradient_match_autograd(name, dtype, device, rng, request):
    """f and ∂E/∂(x, y) under a random upstream gradient, at random points, in both twins."""
    what = request.node.callspec.id
    for _ in range(5):
        start = tuple(rng.uniform(-3, 3, 2))
        surface = getattr(scratch_surfaces, name)(start, dtype=dtype)
        twin = getattr(torch_surfaces, name)(start, dtype=TORCH_DTYPE[dtype]).to(device)
        value, value_t = surface(), twin()
        assert value.shape == () and value.dtype == dtype, f"{what}: value shape {value.shape}, {value.dtype}"
        assert_twin_close(value, value_t, f"{what}: f{start}")
        upstream = np.asarray(rng.standard_normal(), dtype=dtype)
        surface.backward(upstream)
        value_t.backward(to_torch(upstream, device))
        assert_twin_close(surface.xy.grad, twin.xy.grad, f"{what}: gradient at {start}")


@pytest.mark.parametrize("name", SURFACES)
def test_gradient_matches_finite_differences(name, rng):
    for _ in range(5):
        surface = getattr(scratch_surfaces, name)(tuple(rng.uniform(-3, 3, 2)))
        surface()
        surface.backward()
        numeric = numerical_gradient(lambda s=surface: float(s.function(*s.xy.data)), surface.xy.data)
        assert relative_error(surface.xy.grad, numeric) < FINITE_DIFFERENCE_RTOL


def test_backward_accumulates_and_needs_a_forward():
    """As every scratch module: backward adds into .grad and fails clearly without a forward."""
    surface = scratch_surfaces.Bowl((-7.0, 2.0))
    with pytest.raises(RuntimeError, match="without a forward"):
        surface.backward()
    for _ in range(2):
        surface()
        surface.backward()
    np.testing.assert_array_equal(surface.xy.grad, 2 * np.array([-0.7, 4.0]))


@pytest.mark.parametrize(
    "start",
    [(1.0,), (1.0, np.nan), "ab"],
    ids=["C3.2.2-saddle-one-number", "C3.2.2-saddle-nan", "C3.2.2-saddle-string"],
)
def test_start_must_be_two_finite_numbers(start):
    with pytest.raises(ValueError, match="expected start to be two finite numbers"):
        scratch_surfaces.Saddle(start)
    with pytest.raises(ValueError, match="expected start to be two finite numbers"):
        torch_surfaces.Saddle(start)


def test_two_minima_has_a_shallow_local_and_a_deeper_global_minimum():
    """C3.2.2-local-minima: ∂f/∂x = 4x³ − 4x + 0.3 has three roots; the outer two are minima, the left
    one deeper, the middle one the ridge between them."""
    left, ridge, right = np.sort(np.roots([4, 0, -4, scratch_surfaces.TwoMinima.tilt]).real)
    f, grad = scratch_surfaces.TwoMinima.function, scratch_surfaces.TwoMinima.gradient
    for x in (left, ridge, right):
        assert abs(grad(x, 0.0)[0]) < 1e-12
    assert 12 * left**2 - 4 > 0 and 12 * right**2 - 4 > 0 and 12 * ridge**2 - 4 < 0  # f″(x) signs
    assert f(left, 0.0) < f(right, 0.0) - 0.5 < f(ridge, 0.0)
    np.testing.assert_allclose(
        [left, right, f(left, 0.0), f(right, 0.0)], [-1.0356, 0.9601, -0.3054, 0.2941], atol=1e-4
    )


def test_saddle_is_a_minimum_along_x_and_a_maximum_along_y():
    """C3.2.2-saddle: ∇f(0, 0) = 0, f grows along x and falls along y."""
    f, grad = scratch_surfaces.Saddle.function, scratch_surfaces.Saddle.gradient
    assert grad(0.0, 0.0) == (0.0, -0.0)
    t = np.linspace(-1, 1, 21)
    assert np.all(f(t, 0 * t) >= 0) and np.all(f(0 * t, t) <= 0)


# ------------------------------------------------------------------------------------------- paths
def _rows(setting):
    return [
        pytest.param(setting, spec, id=f"{setting.name}-{spec.concept}-{spec.name}")
        for spec in setting.optimizers
    ]


PATH_ROWS = _rows(BOWL) + _rows(LOCAL_MINIMA) + _rows(SADDLE)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("setting", "spec"), PATH_ROWS)
def test_paths_are_identical_in_both_twins(setting, spec, dtype, device):
    """The analytic-gradient path (scratch) equals the autograd path (torch), step by step (≥ 30 steps)."""
    steps = min(setting.steps, 100)
    path = run_path(setting.surface, spec, setting.start, steps, "scratch", dtype)
    path_t = run_path(setting.surface, spec, setting.start, steps, "torch", dtype, device)
    assert path.shape == (steps + 1, 2) and path.dtype == dtype
    assert_twin_close(path, torch.from_numpy(path_t), f"{setting.name} {spec.label}", kind="trajectory")


@pytest.mark.parametrize("impl", ["scratch", "torch"])
def test_bowl_every_optimizer_approaches_the_minimum_and_sgd_zigzags(impl):
    """C3.2.1: on x²/20 + y² every optimizer of the comparison ends nearer (0, 0) than it started; plain
    SGD with lr 0.95 flips the sign of y every step (y ← (1 − 2·0.95) y = −0.9 y): the zig-zag."""
    f = scratch_surfaces.Bowl.function
    for spec in BOWL.optimizers:
        path = run_path(BOWL.surface, spec, BOWL.start, BOWL.steps, impl)
        assert f(*path[-1]) < 0.1 * f(*path[0]), spec.label
    sgd = run_path(BOWL.surface, BOWL.optimizers[0], BOWL.start, BOWL.steps, impl)
    assert np.all(np.sign(sgd[1:, 1]) == -np.sign(sgd[:-1, 1]))


def _spec(setting, label_start):
    return next(spec for spec in setting.optimizers if spec.label.startswith(label_start))


LEFT, RIGHT = -1.0355787140888542, 0.9601495555191059  # the two minima of TwoMinima (roots above)


@pytest.mark.parametrize("impl", ["scratch", "torch"])
def test_local_minima_gd_stops_where_momentum_and_adam_escape(impl):
    """C3.2.2-local-minima, the documented setting: GD (lr 0.01) from (2, 1.5) stops in the local minimum
    (≈ 0.96, 0): its gradient there is 0. Momentum (0.9, same lr) and Adam (lr 0.3) reach the global one."""
    gd = run_path("TwoMinima", _spec(LOCAL_MINIMA, "GD"), LOCAL_MINIMA.start, LOCAL_MINIMA.steps, impl)
    np.testing.assert_allclose(gd[-1], [RIGHT, 0.0], atol=1e-6)
    assert np.all(gd[:, 0] > 0.5), "GD crossed the ridge"
    assert np.hypot(*scratch_surfaces.TwoMinima.gradient(*gd[-1])) < 1e-6, "GD has not stopped"
    for label in ("Momentum", "Adam"):
        path = run_path("TwoMinima", _spec(LOCAL_MINIMA, label), LOCAL_MINIMA.start, LOCAL_MINIMA.steps, impl)
        np.testing.assert_allclose(path[-1], [LEFT, 0.0], atol=1e-3, err_msg=label)


ROBUSTNESS = (
    [
        pytest.param(OptimizerSpec("GD", "SGD", {"lr": lr}), False, id=f"C3.2.2-local-minima-gd-lr{lr}")
        for lr in (0.005, 0.02, 0.05)
    ]
    + [
        pytest.param(
            OptimizerSpec("Momentum", "SGD", {"lr": lr, "momentum": 0.9}),
            True,
            id=f"C3.2.2-local-minima-momentum-lr{lr}",
        )
        for lr in (0.005, 0.02, 0.05)
    ]
    + [
        pytest.param(OptimizerSpec("Adam", "Adam", {"lr": lr}), True, id=f"C3.2.2-local-minima-adam-lr{lr}")
        for lr in (0.25, 0.4, 0.5)
    ]
)


@pytest.mark.parametrize(("spec", "escapes"), ROBUSTNESS)
def test_local_minima_claim_holds_for_nearby_learning_rates(spec, escapes):
    """Not one lucky setting: GD stays for lr from 0.005 to 0.05; momentum escapes from 0.005 to 0.05 and
    Adam from 0.25 to 0.5 (500 steps)."""
    end = run_path("TwoMinima", spec, LOCAL_MINIMA.start, 500, "scratch")[-1]
    assert abs(end[0] - (LEFT if escapes else RIGHT)) < 1e-3, end  # the well it settles in (y decays slowly)


@pytest.mark.parametrize("impl", ["scratch", "torch"])
def test_saddle_gd_crawls_while_momentum_and_adam_leave(impl):
    """C3.2.2-saddle, the documented setting from (1.5, 0.001): after 100 steps GD is still within 0.01 of
    the saddle along y (y grows by 1.02 a step); momentum and Adam are past |y| = 1. GD does leave —
    it crawls: it needs at least 3 times as many steps to reach |y| = 1."""
    paths = {
        label: run_path("Saddle", _spec(SADDLE, label), SADDLE.start, 500, impl)
        for label in ("GD", "Momentum", "Adam")
    }
    assert abs(paths["GD"][SADDLE.steps, 1]) < 0.01
    leave = {label: steps_to_leave(path) for label, path in paths.items()}  # |y| > LEAVE_RADIUS = 1
    assert leave["Momentum"] <= SADDLE.steps and leave["Adam"] <= SADDLE.steps, leave
    assert leave["GD"] is not None and leave["GD"] >= 3 * max(leave["Momentum"], leave["Adam"]), leave


@pytest.mark.parametrize("impl", ["scratch", "torch"])
def test_exactly_on_the_saddle_axis_every_optimizer_stops(impl):
    """C3.2.2-saddle: started on y = 0 the gradient never has a y component, so no optimizer ever finds
    the lower values f < 0; GD converges to the saddle itself, where ∇f = 0."""
    for spec in SADDLE.optimizers:
        path = run_path("Saddle", spec, (1.5, 0.0), 1000, impl)
        assert np.all(path[:, 1] == 0), spec.label
        assert np.all(scratch_surfaces.Saddle.function(path[:, 0], path[:, 1]) >= 0), spec.label
    gd = run_path("Saddle", _spec(SADDLE, "GD"), (1.5, 0.0), 1000, impl)
    np.testing.assert_allclose(gd[-1], [0.0, 0.0], atol=1e-8)


def test_run_path_rejects_bad_arguments():
    spec = SADDLE.optimizers[0]
    with pytest.raises(ValueError, match="surface.*'Ring'"):
        run_path("Ring", spec, (0.0, 0.0), 3)
    with pytest.raises(ValueError, match="steps.*-1"):
        run_path("Saddle", spec, (0.0, 0.0), -1)
    with pytest.raises(ValueError, match="impl.*'jax'"):
        run_path("Saddle", spec, (0.0, 0.0), 3, "jax")
