"""C2.1-perceptron, C2.2-mlp-xor, C2.2-mlp: the perceptron chapter in both twins (seed §2.1, §2.2).

The gates with hand-set weights; Rosenblatt's rule walking the same weight path in both twins, reaching
4/4 on AND, OR, NAND and never on XOR; the seed's XOR network reproducing its three tables and hidden map;
the step's zero gradient; the sigmoid 2-2-1 network trained by backpropagation along the same path in
both twins to 4/4; and the seed's 8 → 10 → 3 picture with 80 + 10 and 30 + 3 parameters.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from parity_tests.parity import (
    DTYPES,
    FINITE_DIFFERENCE_RTOL,
    TORCH_DTYPE,
    assert_twin_close,
    check_module_parity,
    to_torch,
)
from scratch.gradcheck import gradcheck
from scratch.models import perceptron as sp
from torch_impl.models import perceptron as tp
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.experiments import logic as experiment

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TRUTH = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0], "xor": [0, 1, 1, 0]}
DTYPE_IDS = ["float64", "float32"]


GATES = [pytest.param(g, id=f"C2.1-perceptron-{g}") for g in ("and", "or", "nand")]


# ------------------------------------------------------------------------ C2.1: gates, forward, backward
@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("gate", GATES)
def test_hand_set_gates_reproduce_their_truth_tables(gate, dtype, device):
    y = sp.logic_gate_perceptron(gate, dtype=dtype)(X.astype(dtype))
    y_t = tp.logic_gate_perceptron(gate, dtype=TORCH_DTYPE[dtype]).to(device)(
        to_torch(X.astype(dtype), device)
    )
    assert y.shape == (4,) and y.dtype == dtype
    np.testing.assert_array_equal(y, np.array(TRUTH[gate], dtype=dtype), err_msg=f"C2.1-perceptron {gate}")
    assert_twin_close(y, y_t, f"C2.1-perceptron {gate}: output")


@pytest.mark.parametrize("gate", GATES)
def test_and_or_weights_are_the_seeds_hidden_perceptrons(gate):
    """The gate table's AND and OR are the seed's (1, 1, −1.5) and (1, 1, −0.5); NAND is −AND."""
    seed = {
        "and": ((1.0, 1.0), -1.5),
        "or": ((1.0, 1.0), -0.5),
        "nand": ((-1.0, -1.0), 1.5),
    }
    assert sp.GATE_WEIGHTS[gate] == seed[gate]


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(
    "n_in", [pytest.param(2, id="C2.1-perceptron-2-inputs"), pytest.param(5, id="C2.1-perceptron-5-inputs")]
)
def test_forward_and_zero_gradients_match_torch(n_in, dtype, device, rng, request):
    """Forward parity on random inputs; backward: the step passes no gradient, in both twins."""
    scratch_p = sp.Perceptron(n_in, dtype=dtype, rng=rng)
    torch_p = tp.Perceptron(n_in, dtype=TORCH_DTYPE[dtype])
    x = rng.standard_normal((9, n_in)).astype(dtype)
    diffs = check_module_parity(request.node.callspec.id, scratch_p, torch_p, x, rng, device)
    assert set(diffs) == {"output", "input.grad", "weight.grad", "bias.grad"}
    assert not scratch_p.weight.grad.any() and not scratch_p.bias.grad.any()


def test_weighted_sum_and_state_dict_layout(rng):
    p = sp.Perceptron(3, rng=rng)
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(p.weighted_sum(x), x @ p.weight.data + p.bias.data, rtol=0, atol=0)
    t = tp.Perceptron(3)
    assert list(p.state_dict()) == list(t.state_dict()) == ["weight", "bias"]
    assert p.state_dict()["weight"].shape == tuple(t.state_dict()["weight"].shape) == (3,)
    assert p.state_dict()["bias"].shape == tuple(t.state_dict()["bias"].shape) == ()


def test_state_dict_round_trip_both_ways(rng):
    p = sp.Perceptron(3, rng=rng)
    t = tp.Perceptron(3)
    load_numpy_state_dict(t, p.state_dict())
    fresh = sp.Perceptron(3)
    fresh.load_state_dict(t.state_dict())
    for name, tensor in t.state_dict().items():
        assert_twin_close(p.state_dict()[name], tensor, f"C2.1-perceptron scratch → torch: {name}")
        assert_twin_close(fresh.state_dict()[name], tensor, f"C2.1-perceptron torch → scratch: {name}")


def test_default_start_is_zero(rng):
    assert not sp.Perceptron(4).weight.data.any() and sp.Perceptron(4).bias.data == 0


def _check_uniform(what: str, draws: np.ndarray, bound: float) -> None:
    """``draws`` ~ U(−bound, bound): both bounds, mean 0 and variance bound²/3, with limits derived from
    the sample size n (5 standard errors; the extremes within 20/n of each bound: missed with
    probability (1 − 10/n)ⁿ ≈ e⁻¹⁰)."""
    n = draws.size
    assert draws.min() >= -bound and draws.max() <= bound, f"{what}: a draw outside ±{bound}"
    assert draws.min() < -bound * (1 - 20 / n) and draws.max() > bound * (1 - 20 / n), f"{what}: one-sided"
    variance = bound**2 / 3
    assert abs(draws.mean()) < 5 * np.sqrt(variance / n), f"{what}: mean {draws.mean()}"
    # Var(x²) = E x⁴ − (E x²)² = b⁴/5 − b⁴/9 = 4b⁴/45 for U(−b, b)
    assert abs(draws.var() - variance) < 5 * np.sqrt(4 * bound**4 / 45 / n), f"{what}: variance {draws.var()}"


def test_rng_start_is_torch_linears_uniform_distribution(rng):
    """C2.1-perceptron: w, b ~ U(−1/√n, 1/√n) (torch's Linear default), tested as a distribution: the
    weights of one wide perceptron (n = 10 000) and the biases of many narrow ones (n = 4)."""
    _check_uniform("weight", sp.Perceptron(10_000, rng=rng).weight.data, 1 / np.sqrt(10_000))
    biases = np.array([float(sp.Perceptron(4, rng=rng).bias.data) for _ in range(4000)])
    _check_uniform("bias", biases, 0.5)


# ------------------------------------------------------------------------ C2.1: Rosenblatt's rule
def test_rule_first_epoch_on_and_by_hand():
    """From w = 0, b = 0, η = 1: (0,0), (0,1), (1,0) give z = 0 → y = 0 = t; (1,1) gives y = 0 ≠ 1, so
    w ← (0,0) + 1·(1 − 0)·(1,1) = (1,1), b ← 0 + 1 = 1. One mistake."""
    fit = sp.Perceptron(2).fit(X, np.array(TRUTH["and"]), lr=1.0, max_epochs=1)
    np.testing.assert_array_equal(fit.weights, [[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(fit.biases, [0.0, 1.0])
    np.testing.assert_array_equal(fit.mistakes, [1])
    assert not fit.converged


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("lr", [1.0, 0.1, 0.37])
@pytest.mark.parametrize("gate", [pytest.param(g, id=f"C2.1-perceptron-rule-{g}") for g in TRUTH])
def test_rule_walks_the_same_weight_path_in_both_twins(gate, lr, dtype, device, rng):
    scratch_p = sp.Perceptron(2, dtype=dtype, rng=rng)
    torch_p = tp.Perceptron(2, dtype=TORCH_DTYPE[dtype], device=device)
    load_numpy_state_dict(torch_p, scratch_p.state_dict())
    x, t = X.astype(dtype), np.array(TRUTH[gate])
    fit = scratch_p.fit(x, t, lr=lr, max_epochs=30)
    fit_t = torch_p.fit(to_torch(x, device), to_torch(t, device), lr=lr, max_epochs=30)
    assert fit.weights.shape == (fit.epochs + 1, 2) and fit.weights.dtype == dtype
    assert fit.epochs == fit_t.epochs and fit.converged == fit_t.converged
    np.testing.assert_array_equal(fit.mistakes, fit_t.mistakes.cpu().numpy())
    assert_twin_close(fit.weights, fit_t.weights, f"C2.1-perceptron {gate}: weight path", kind="trajectory")
    assert_twin_close(fit.biases, fit_t.biases, f"C2.1-perceptron {gate}: bias path", kind="trajectory")
    assert_twin_close(scratch_p.weight.data, torch_p.weight, f"C2.1-perceptron {gate}: final weight")


def _starts(count: int, seed: int) -> list[tuple[np.ndarray, float]]:
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-2, 2, 2), float(rng.uniform(-2, 2))) for _ in range(count)]


@pytest.mark.parametrize("gate", GATES)
def test_rule_converges_on_separable_gates_from_many_starts(gate):
    t = np.array(TRUTH[gate])
    for weight, bias in [(np.zeros(2), 0.0), *_starts(40, seed=1)]:
        for lr in (1.0, 0.25):
            p = sp.Perceptron(2)
            p.load_state_dict({"weight": weight, "bias": np.array(bias)})
            fit = p.fit(X, t, lr=lr, max_epochs=100)
            assert fit.converged, f"C2.1-perceptron {gate}: no convergence from {weight}, {bias}, lr={lr}"
            assert (
                fit.mistakes[-1] == 0 and (fit.mistakes[:-1] > 0).all()
            )  # stops after the first clean epoch
            np.testing.assert_array_equal(p(X), t)
            # a further fit finds nothing to correct: one epoch, no mistake, weights unchanged
            again = p.fit(X, t, lr=lr)
            assert again.epochs == 1 and again.converged
            np.testing.assert_array_equal(again.weights[0], again.weights[1])


def test_rule_never_reaches_four_of_four_on_xor():
    """Over 50 starts × 2 learning rates × 100 epochs, every epoch makes a mistake and no weights the
    rule ever holds at an epoch's end classify XOR 4/4 (at best 3/4: no line separates XOR)."""
    t = np.array(TRUTH["xor"])
    best = 0.0
    for weight, bias in [(np.zeros(2), 0.0), *_starts(49, seed=2)]:
        for lr in (1.0, 0.25):
            p = sp.Perceptron(2)
            p.load_state_dict({"weight": weight, "bias": np.array(bias)})
            fit = p.fit(X, t, lr=lr, max_epochs=100)
            assert not fit.converged and fit.epochs == 100 and (fit.mistakes >= 1).all()
            z = X @ fit.weights.T + fit.biases  # (4, epochs + 1): every weight the rule held
            accuracy = ((z > 0) == (t[:, None] == 1)).mean(axis=0)
            assert accuracy.max() <= 0.75
            best = max(best, accuracy.max())
    assert best == 0.75  # 3/4 is reached: the bound is tight


@pytest.mark.parametrize(
    ("gate", "best"),
    [
        pytest.param("xor", 0.75, id="C2.1-perceptron-xor-no-line"),
        *[pytest.param(g, 1.0, id=f"C2.1-perceptron-{g}-line") for g in ("and", "or", "nand")],
    ],
)
def test_best_line_over_all_directions_and_offsets(gate, best):
    """The figure's accuracy map: over every direction and offset, the best line gets ``best``."""
    accuracy = experiment.line_accuracy_map(gate, np.linspace(0, 2 * np.pi, 181), np.linspace(-2, 2, 161))
    assert accuracy.max() == best


@pytest.mark.parametrize("gate", [pytest.param(g, id=f"C2.1-perceptron-settings-{g}") for g in TRUTH])
def test_documented_rosenblatt_setting(gate):
    """``ROSENBLATT`` (η = 1 from w = 0, b = −0.5): AND, OR, NAND converge within 6 epochs with no point on
    the final line; XOR never converges; the twins agree exactly (every value is a half-integer)."""
    fits = [experiment.fit_gate(gate, impl) for impl in ("scratch", "torch")]
    fit = fits[0]
    assert fit.converged == (gate != "xor")
    assert fit.epochs <= 6 if gate != "xor" else fit.epochs == experiment.ROSENBLATT.max_epochs
    assert (X @ fit.weights[-1] + fit.biases[-1] != 0).all()
    np.testing.assert_array_equal(fits[0].weights, fits[1].weights)
    np.testing.assert_array_equal(fits[0].biases, fits[1].biases)


# ------------------------------------------------------------------------ C2.2: the seed's XOR network
# The seed's tables (§2.2), row by row for (x₁, x₂) = (0,0), (0,1), (1,0), (1,1):
# table 1, perceptron (1, 1, −1.5): weighted sum and y₁ = h₁; table 2, (1, 1, −0.5): y₂ = h₂;
# table 3, output (−1, 1, −0.5) on (h₁, h₂).
SEED_TABLE_1 = {"sum": [-1.5, -0.5, -0.5, 0.5], "y": [0, 0, 0, 1]}
SEED_TABLE_2 = {"sum": [-0.5, 0.5, 0.5, 1.5], "y": [0, 1, 1, 1]}
SEED_TABLE_3 = {"h": [[0, 0], [0, 1], [0, 1], [1, 1]], "sum": [-0.5, 0.5, 0.5, -0.5], "y": [0, 1, 1, 0]}


@pytest.mark.parametrize(
    "impl",
    [
        pytest.param("scratch", id="C2.2-mlp-xor-tables-scratch"),
        pytest.param("torch", id="C2.2-mlp-xor-tables-torch"),
    ],
)
def test_seed_xor_network_reproduces_the_three_tables(impl):
    tables = experiment.seed_xor_tables(impl)
    np.testing.assert_array_equal(tables["z_hidden"][:, 0], SEED_TABLE_1["sum"])
    np.testing.assert_array_equal(tables["h"][:, 0], SEED_TABLE_1["y"])
    np.testing.assert_array_equal(tables["z_hidden"][:, 1], SEED_TABLE_2["sum"])
    np.testing.assert_array_equal(tables["h"][:, 1], SEED_TABLE_2["y"])
    np.testing.assert_array_equal(tables["h"], SEED_TABLE_3["h"])
    np.testing.assert_array_equal(tables["z_out"], SEED_TABLE_3["sum"])
    np.testing.assert_array_equal(tables["y"], SEED_TABLE_3["y"])
    np.testing.assert_array_equal(tables["y"], TRUTH["xor"])


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_seed_xor_hidden_map_and_output_in_both_twins(dtype, device):
    """(0,0)→(0,0), (0,1)→(0,1), (1,0)→(0,1), (1,1)→(1,1), then XOR; the twins agree layer by layer."""
    net = sp.seed_xor_network(dtype)
    net_t = tp.seed_xor_network(TORCH_DTYPE[dtype]).to(device)
    x = X.astype(dtype)
    h = net[1](net[0](x))
    h_t = net_t[1](net_t[0](to_torch(x, device)))
    assert h.shape == (4, 2) and h.dtype == dtype
    hidden_map = {tuple(map(int, xi)): tuple(map(int, hi)) for xi, hi in zip(X, h, strict=True)}
    assert hidden_map == {(0, 0): (0, 0), (0, 1): (0, 1), (1, 0): (0, 1), (1, 1): (1, 1)}
    assert_twin_close(h, h_t, "C2.2-mlp-xor: hidden h")
    y, y_t = net(x), net_t(to_torch(x, device))
    assert y.shape == (4, 1)
    np.testing.assert_array_equal(y[:, 0], TRUTH["xor"])
    assert_twin_close(y, y_t, "C2.2-mlp-xor: output")


def test_seed_xor_state_dict_is_the_nine_seed_weights():
    state = sp.seed_xor_network().state_dict()
    assert {k: v.tolist() for k, v in state.items()} == {
        "0.weight": [[1.0, 1.0], [1.0, 1.0]],
        "0.bias": [-1.5, -0.5],
        "2.weight": [[-1.0, 1.0]],
        "2.bias": [-0.5],
    }
    torch_state = tp.seed_xor_network().state_dict()
    for key, value in state.items():
        assert_twin_close(value, torch_state[key], f"C2.2-mlp-xor: {key}")


def test_step_network_gets_zero_gradient_so_backprop_cannot_train_it(device, rng):
    """Why the seed's weights are set by hand: under any upstream gradient every weight's gradient is 0
    in both twins, while the sigmoid network of the same shape gets a non-zero one."""
    upstream = rng.standard_normal((4, 1))
    net = sp.seed_xor_network()
    net(X)
    net.backward(upstream)
    net_t = tp.seed_xor_network().to(device)
    net_t(to_torch(X, device)).backward(to_torch(upstream, device))
    for (name, p), (name_t, p_t) in zip(net.named_parameters(), net_t.named_parameters(), strict=True):
        assert name == name_t and not p.grad.any()
        assert_twin_close(p.grad, p_t.grad, f"C2.2-mlp-xor step net: gradient of {name}")
    sigmoid_net = sp.xor_sigmoid_network(rng)
    sigmoid_net(X)
    sigmoid_net.backward(upstream)
    assert all(p.grad.any() for p in sigmoid_net.parameters())


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_sigmoid_xor_network_forward_and_gradients_match_torch(dtype, device, rng):
    scratch_net = sp.xor_sigmoid_network(rng, dtype)
    torch_net = tp.xor_sigmoid_network(TORCH_DTYPE[dtype])
    x = rng.standard_normal((6, 2)).astype(dtype)
    check_module_parity("C2.2-mlp-xor sigmoid net", scratch_net, torch_net, x, rng, device)


def test_sigmoid_xor_network_three_way_finite_differences(rng):
    # eps ≈ ∛(machine epsilon), the central difference's best step: with the default 1e-6 the rounding
    # error (~1e-10 absolute) dominates whenever a hidden bias's gradient happens to be ~1e-3.
    errors = gradcheck(sp.xor_sigmoid_network(rng), rng.standard_normal((8, 2)), eps=1e-5, rng=rng)
    assert set(errors) == {"input", "0.weight", "0.bias", "2.weight", "2.bias"}
    for name, error in errors.items():
        assert error < FINITE_DIFFERENCE_RTOL, f"C2.2-mlp-xor {name}: relative error {error:.2e}"


def test_backprop_learns_xor_along_the_same_path_in_both_twins(device):
    """``XOR_BACKPROP``: every step's nine weights agree (float64 trajectory contract) and both twins end
    4/4 with each output within 0.01 of its target."""
    runs = {impl: experiment.train_xor(impl, device=device) for impl in ("scratch", "torch")}
    steps = experiment.XOR_BACKPROP.steps
    assert runs["scratch"].path.shape == (steps + 1, 9) and runs["scratch"].path.dtype == np.float64
    np.testing.assert_array_equal(runs["scratch"].path[0], runs["torch"].path[0])  # the same start
    assert_twin_close(
        runs["scratch"].path,
        torch.from_numpy(runs["torch"].path),
        "C2.2-mlp-xor: weight path",
        kind="trajectory",
    )
    assert_twin_close(
        runs["scratch"].losses,
        torch.from_numpy(runs["torch"].losses),
        "C2.2-mlp-xor: losses",
        kind="trajectory",
    )
    for run in runs.values():
        y, _ = run.predict(X)
        np.testing.assert_array_equal(y > 0.5, np.array(TRUTH["xor"]) == 1)
        assert np.abs(y - np.array(TRUTH["xor"])).max() < 0.01
        assert run.losses[-1] < run.losses[0] / 100


# ------------------------------------------------------------------------ C2.2: the seed's 8 → 10 → 3 picture
@pytest.mark.parametrize(
    "impl",
    [
        pytest.param("scratch", id="C2.2-mlp-8-10-3-scratch"),
        pytest.param("torch", id="C2.2-mlp-8-10-3-torch"),
    ],
)
def test_seed_8_10_3_parameter_counts(impl):
    counts = experiment.parameter_counts(impl)
    assert counts == {"0.weight": 80, "0.bias": 10, "2.weight": 30, "2.bias": 3}
    summary = experiment.architecture_summary(impl)
    assert "8×10 = 80 weights + 10 biases = 90" in summary
    assert "10×3 = 30 weights + 3 biases = 33" in summary
    assert "total: 123 parameters" in summary


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_seed_8_10_3_forward_and_gradients_match_torch(dtype, device, rng):
    from scratch.models.mlp import build_mlp
    from torch_impl.models.mlp import build_mlp as build_torch_mlp

    scratch_net = build_mlp(experiment.SEED_MLP_SPEC, rng, dtype=dtype)
    torch_net = build_torch_mlp(experiment.SEED_MLP_SPEC, dtype=TORCH_DTYPE[dtype])
    x = rng.standard_normal((5, 8)).astype(dtype)
    check_module_parity("C2.2-mlp-8-10-3", scratch_net, torch_net, x, rng, device)


# ------------------------------------------------------------------------ boundary checks
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        pytest.param(
            lambda: sp.Perceptron(0), ValueError, "in_features.*got 0", id="C2.1-perceptron-bad-in-features"
        ),
        pytest.param(
            lambda: tp.Perceptron(0),
            ValueError,
            "in_features.*got 0",
            id="C2.1-perceptron-torch-bad-in-features",
        ),
        pytest.param(
            lambda: sp.Perceptron(2)(np.zeros((3, 3))),
            ValueError,
            r"\(N, 2\).*\(3, 3\)",
            id="C2.1-perceptron-bad-width",
        ),
        pytest.param(
            lambda: tp.Perceptron(2)(torch.zeros(3, 3, dtype=torch.float64)),
            ValueError,
            r"\(N, 2\).*\(3, 3\)",
            id="C2.1-perceptron-torch-bad-width",
        ),
        pytest.param(
            lambda: sp.Perceptron(2)(np.zeros((3, 2), np.float32)),
            TypeError,
            "float64.*float32",
            id="C2.1-perceptron-bad-dtype",
        ),
        pytest.param(
            lambda: tp.Perceptron(2)(torch.zeros(3, 2)),
            TypeError,
            "float64.*float32",
            id="C2.1-perceptron-torch-bad-dtype",
        ),
        pytest.param(
            lambda: sp.Perceptron(2)(np.zeros((3, 2), np.int64)),
            TypeError,
            "floating.*int64",
            id="C2.1-perceptron-int-input",
        ),
        pytest.param(
            lambda: sp.Perceptron(2).fit(X, np.array([0, 1, 1])),
            ValueError,
            r"target of shape \(4,\).*\(3,\)",
            id="C2.1-perceptron-fit-target-shape",
        ),
        pytest.param(
            lambda: tp.Perceptron(2).fit(torch.from_numpy(X), torch.tensor([0, 1, 1])),
            ValueError,
            r"\(4,\).*\(3,\)",
            id="C2.1-perceptron-torch-fit-target-shape",
        ),
        pytest.param(
            lambda: sp.Perceptron(2).fit(X, np.array([0, 1, 2, 1])),
            ValueError,
            r"\{0, 1\}.*2",
            id="C2.1-perceptron-fit-target-values",
        ),
        pytest.param(
            lambda: tp.Perceptron(2).fit(torch.from_numpy(X), torch.tensor([0, 1, 2, 1])),
            ValueError,
            r"\{0, 1\}.*2",
            id="C2.1-perceptron-torch-fit-target-values",
        ),
        pytest.param(
            lambda: sp.Perceptron(2).fit(X, np.array(TRUTH["and"]), lr=0),
            ValueError,
            "lr > 0, got 0",
            id="C2.1-perceptron-fit-lr",
        ),
        pytest.param(
            lambda: tp.Perceptron(2).fit(torch.from_numpy(X), torch.tensor(TRUTH["and"]), lr=-1.0),
            ValueError,
            "lr > 0, got -1.0",
            id="C2.1-perceptron-torch-fit-lr",
        ),
        pytest.param(
            lambda: sp.Perceptron(2).fit(X, np.array(TRUTH["and"]), max_epochs=0),
            ValueError,
            "max_epochs.*got 0",
            id="C2.1-perceptron-fit-epochs",
        ),
        pytest.param(
            lambda: tp.Perceptron(2).fit(torch.from_numpy(X), torch.tensor(TRUTH["and"]), max_epochs=0),
            ValueError,
            "max_epochs.*got 0",
            id="C2.1-perceptron-torch-fit-epochs",
        ),
        pytest.param(
            lambda: sp.logic_gate_perceptron("xor"),
            ValueError,
            "and.*'xor'",
            id="C2.1-perceptron-no-xor-weights",
        ),
        pytest.param(
            lambda: tp.logic_gate_perceptron("xor"),
            ValueError,
            "and.*'xor'",
            id="C2.1-perceptron-torch-no-xor-weights",
        ),
        pytest.param(
            lambda: sp.Perceptron(2).backward(np.zeros(4)),
            RuntimeError,
            "without a forward",
            id="C2.1-perceptron-backward-first",
        ),
        pytest.param(
            lambda: experiment.fit_gate("and", "jax"),
            ValueError,
            "scratch, torch.*'jax'",
            id="C2.1-perceptron-bad-impl",
        ),
    ],
)
def test_bad_input_fails_at_the_boundary(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_backward_rejects_a_misshaped_upstream_gradient():
    p = sp.Perceptron(2)
    p(X)
    with pytest.raises(ValueError, match=r"grad_output of shape \(4,\).*\(4, 1\)"):
        p.backward(np.zeros((4, 1)))
