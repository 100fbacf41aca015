"""C4.1-init-*: the seed's claims about initialisation, measured in both twins (seed §4.1).

A 5-layer, 100-unit net on x ~ N(0, 1) of shape (1000, 100), biases 0:
* N(0, 1) + sigmoid: the outputs pile up at 0 and 1 (tanh: at ±1; ReLU: they explode);
* N(0, 0.01²) + sigmoid: they collapse near 0.5 (tanh and ReLU: near 0);
* Xavier (sigmoid, tanh) and He (ReLU) keep the spread; Xavier under ReLU shrinks it layer by layer,
  the seed's reason for He.
Each claim is checked on the scratch twin, on the torch twin with the same weights (whose activations
must equal the scratch twin's) and on a torch twin that drew its own weights with ``torch.nn.init``.
And zero initialisation: every hidden unit stays identical through training.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from parity_tests.parity import PAIRED_TRAINING_ATOL, assert_twin_close, tolerance
from torch_impl.models import diagnostics as torch_diagnostics
from twin_nets.experiments.deep_nets import (
    ACTIVATION_RANGE,
    activation_run,
    build_torch_deep_net,
)
from twin_nets.experiments.symmetry import train_mlp


def _near_ends(s: dict[str, float]) -> float:
    return s["near_low"] + s["near_high"]


# activation, scheme, claim over the per-layer statistics (list of dicts, layer 1 first). The comments give
# the range measured over 30 seeds of the scratch twin.
CLAIMS = [
    pytest.param(
        "sigmoid",
        "normal",
        lambda st: all(_near_ends(s) > 0.5 for s in st),
        id="C4.1-init-normal-1-sigmoid-piles-up-at-0-and-1",  # 0.57–0.77 within 0.05 of 0 or 1
    ),
    pytest.param(
        "sigmoid",
        "small_normal",
        lambda st: all(s["std"] < 0.05 and abs(s["mean"] - 0.5) < 0.02 for s in st),
        id="C4.1-init-normal-0.01-sigmoid-collapses-to-0.5",  # std 0.010–0.026, |mean − ½| ≤ 0.004
    ),
    pytest.param(
        "sigmoid",
        "xavier",
        lambda st: all(s["std"] > 0.08 and _near_ends(s) < 0.05 for s in st),
        id="C4.1-init-xavier-sigmoid-keeps-the-spread",  # std 0.099–0.21, ≤ 0.4 % near 0 or 1
    ),
    pytest.param(
        "tanh",
        "normal",
        lambda st: all(_near_ends(s) > 0.5 for s in st),
        id="C4.1-init-normal-1-tanh-piles-up-at-plus-minus-1",  # 0.84–0.86 within 0.05 of ±1
    ),
    pytest.param(
        "tanh",
        "small_normal",
        lambda st: st[-1]["std"] < 1e-3,
        id="C4.1-init-normal-0.01-tanh-collapses-to-0",  # std ≈ 1e-5 at layer 5 (÷10 per layer)
    ),
    pytest.param(
        "tanh",
        "xavier",
        lambda st: all(s["std"] > 0.2 and _near_ends(s) < 0.2 for s in st),
        id="C4.1-init-xavier-tanh-keeps-the-spread",  # std 0.31–0.63, ≤ 7 % near ±1
    ),
    pytest.param(
        "relu",
        "normal",
        lambda st: st[-1]["std"] > 100 * st[0]["std"],
        id="C4.1-init-normal-1-relu-explodes",  # std × ≈ √50 per layer: ratio 2000–3150
    ),
    pytest.param(
        "relu",
        "small_normal",
        lambda st: st[-1]["std"] < 1e-4,
        id="C4.1-init-normal-0.01-relu-collapses-to-0",  # std × ≈ 0.07 per layer: ≤ 2e-6 at layer 5
    ),
    pytest.param(
        "relu",
        "xavier",
        lambda st: st[-1]["std"] < 0.5 * st[0]["std"],
        id="C4.1-init-xavier-relu-shrinks-with-depth",  # variance × ½ per layer: std ratio 0.20–0.32
    ),
    pytest.param(
        "relu",
        "he",
        lambda st: 0.5 < st[-1]["std"] / st[0]["std"] < 2,
        id="C4.1-init-he-relu-keeps-the-spread",  # std ratio 0.80–1.26
    ),
]


@pytest.mark.parametrize(("activation", "scheme", "claim"), CLAIMS)
def test_seed_claim_holds_in_both_twins(activation, scheme, claim, rng, request):
    what = request.node.callspec.id
    run = activation_run(activation, scheme, rng)
    assert (
        len(run.scratch) == 5 and run.scratch[0].shape == (1000, 100) and run.scratch[0].dtype == np.float64
    )
    for k, (a, a_t) in enumerate(zip(run.scratch, run.torch, strict=True), start=1):
        assert_twin_close(a, a_t, f"{what}: activations of layer {k}")
    for twin in ("scratch", "torch"):
        statistics = run.statistics(twin)
        assert claim(statistics), f"{what} ({twin} twin): {statistics}"
    # The torch twin's own initialisers (torch.nn.init, torch's generator) show the same effect.
    net = build_torch_deep_net(activation, scheme, torch.Generator().manual_seed(int(rng.integers(2**31))))
    low, high = ACTIVATION_RANGE[activation]
    outputs = torch_diagnostics.activation_outputs(net, torch.from_numpy(rng.standard_normal((1000, 100))))
    statistics = [torch_diagnostics.activation_statistics(a, low, high) for a in outputs]
    assert claim(statistics), f"{what} (torch.nn.init weights): {statistics}"


@pytest.mark.parametrize(
    "activation",
    [
        pytest.param("sigmoid", id="C4.1-init-xavier-seed-form-sigmoid"),
        pytest.param("tanh", id="C4.1-init-xavier-seed-form-tanh"),
    ],
)
def test_seed_xavier_spreads_wider_than_glorot(activation):
    """C4.1-init-xavier: the seed's σ = 2/√(n+m) is √2 × Glorot's; from the same draws, every layer's
    activations spread wider — and for n = m = 100 the seed's σ is He's √(2/n)."""
    glorot = activation_run(activation, "xavier", np.random.default_rng(3))
    seed_form = activation_run(activation, "seed_xavier", np.random.default_rng(3))
    he = activation_run(activation, "he", np.random.default_rng(3))
    for g, s in zip(glorot.statistics(), seed_form.statistics(), strict=True):
        assert s["std"] > g["std"]
    for s, h in zip(seed_form.scratch, he.scratch, strict=True):
        np.testing.assert_allclose(s, h, **tolerance(np.float64))


def test_activation_statistics_of_a_known_array():
    """C4.1: the summary the claims read, on an array whose answer is known, in both twins."""
    from scratch.models.diagnostics import activation_statistics

    a = np.array([0.0, 0.01, 0.5, 0.97, 1.0, 0.5, 0.5, 0.5])
    expected = {
        "mean": 0.4975,
        "std": math.sqrt(np.mean((a - 0.4975) ** 2)),
        "near_low": 0.25,
        "near_high": 0.25,
    }
    for got in (
        activation_statistics(a, 0.0, 1.0),
        torch_diagnostics.activation_statistics(torch.from_numpy(a), 0.0, 1.0),
    ):
        assert got.keys() == expected.keys()
        np.testing.assert_allclose([got[k] for k in expected], list(expected.values()), rtol=1e-12)
    with pytest.raises(ValueError, match="low < high"):
        activation_statistics(a, 1.0, 0.0)
    with pytest.raises(ValueError, match="low < high"):
        torch_diagnostics.activation_statistics(torch.from_numpy(a), 1.0, 0.0)


# ----------------------------------------------------------------------------------- C4.1-init-zero
@pytest.fixture(scope="module")
def trained() -> dict[tuple[str, str], dict[str, np.ndarray]]:
    """A 2 → 8 → 2 sigmoid MLP trained with SGD for 5 epochs on moons, per (init, twin)."""
    return {
        (init, impl): train_mlp(init, impl) for init in ("zeros", "xavier") for impl in ("scratch", "torch")
    }


def _assert_all_equal(a: np.ndarray, axis: int, what: str) -> None:
    """Every slice of ``a`` along ``axis`` equals the first one (to float64 round-off)."""
    first = np.take(a, [0], axis=axis)
    np.testing.assert_allclose(a, np.broadcast_to(first, a.shape), **tolerance(np.float64), err_msg=what)


@pytest.mark.parametrize(
    "twin",
    [pytest.param("scratch", id="C4.1-init-zero-scratch"), pytest.param("torch", id="C4.1-init-zero-torch")],
)
def test_zero_init_keeps_every_hidden_unit_identical(trained, twin):
    """C4.1-init-zero, the seed's claim: after training from all-zero weights every hidden unit has the same
    incoming weights and bias (equal rows of W₁) and the same outgoing weights (equal columns of W₂) —
    although training moved them."""
    state = trained[("zeros", twin)]
    assert state["0.weight"].shape == (8, 2)
    _assert_all_equal(state["0.weight"], 0, "rows of W₁")
    _assert_all_equal(state["0.bias"], 0, "entries of b₁")
    _assert_all_equal(state["2.weight"], 1, "columns of W₂")
    assert np.abs(state["0.weight"]).max() > 1e-3, "W₁ never moved: the claim would hold trivially"


def test_random_init_breaks_the_symmetry(trained):
    """C4.1-init-zero: the same training from Xavier weights leaves the hidden units different."""
    w = trained[("xavier", "scratch")]["0.weight"]
    assert np.ptp(w, axis=0).max() > 0.1


@pytest.mark.parametrize(
    "init", [pytest.param("zeros", id="C4.1-init-zero"), pytest.param("xavier", id="C4.1-init-xavier")]
)
def test_trained_weights_are_identical_in_both_twins(trained, init):
    """Paired training (same weights, same batches, 5 epochs): the contract's largest weight difference."""
    for key, value in trained[(init, "scratch")].items():
        twin = trained[(init, "torch")][key]
        assert value.shape == twin.shape and value.dtype == twin.dtype, key
        assert np.abs(value - twin).max() < PAIRED_TRAINING_ATOL, f"{init}: trained {key}"
