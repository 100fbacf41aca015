r"""C4.1-init-*: the initialisers against ``torch.nn.init`` (seed §4.1).

Two kinds of check, as the parity contract asks of stochastic pieces:

1. **The scale each scheme computes** (σ of a normal, the bound a of a uniform), over many fan shapes:
   NumPy's ``Generator.normal(0, σ)`` is σ · ``standard_normal()`` and ``uniform(−a, a)`` is
   −a + 2a · ``random()``, draw for draw, and torch's ``normal_`` / ``uniform_`` likewise; so drawing
   once with the scheme and once with the unit distribution from the same seed recovers the scale the
   scheme computed, to round-off. The two twins' scales must agree within the float64 contract and
   match the formula written here.
2. **The draws' statistics**, from each twin's own generator: the sample mean, the sample variance and,
   for a uniform, the extreme values, each within a bound derived from the sample size N at a stated
   false-alarm rate ALPHA (per check):
   * normal N(0, σ²): |mean| ≤ z·σ/√N; (N−1)s²/σ² inside the χ²_{N−1} quantiles ALPHA/2, 1−ALPHA/2;
   * uniform U(−a, a): every |w| ≤ a; max|w| ≥ a·ALPHA^(1/N) (P(max|w| < a(1−δ)) = (1−δ)^N);
     |mean| ≤ z·(a/√3)/√N; the mean of w² within z·√(4a⁴/45)/√N of a²/3 (Var(w²) = 4a⁴/45, CLT);
   with z the two-sided normal quantile of ALPHA.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

import scratch.nn.init as sinit
from parity_tests.parity import assert_twin_close
from torch_impl.models.seed_init import seed_xavier_normal_ as torch_seed_xavier_normal_
from torch_impl.nn import init as tinit

ALPHA = 1e-6  # false-alarm rate of each statistical check
Z = float(stats.norm.isf(ALPHA / 2))

FAN_SHAPES = [
    (1, 1),
    (3, 5),
    (5, 3),
    (100, 100),
    (10, 300),
    (300, 10),
    (64, 3, 3, 3),
    (8, 16, 5),
    (2, 4, 3, 3, 3),
]


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(n, m) = (fan_in, fan_out) for a weight (out, in, *receptive), written out for the expected values."""
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


# kind, scratch call, torch call, expected scale from (n, m); the scale is σ ("normal") or the bound a
# ("uniform").
SCHEMES = [
    pytest.param(
        "normal",
        lambda w, rng: sinit.normal_(w, 0.0, 0.01, rng=rng),
        lambda w, g: tinit.normal_(w, 0.0, 0.01, generator=g),
        lambda n, m: 0.01,
        id="C4.1-init-normal-std0.01",
    ),
    pytest.param(
        "normal",
        lambda w, rng: sinit.normal_(w, rng=rng),
        lambda w, g: tinit.normal_(w, generator=g),
        lambda n, m: 1.0,
        id="C4.1-init-normal-std1",
    ),
    pytest.param(
        "uniform",
        lambda w, rng: sinit.uniform_(w, -0.3, 0.3, rng=rng),
        lambda w, g: tinit.uniform_(w, -0.3, 0.3, generator=g),
        lambda n, m: 0.3,
        id="C4.1-init-uniform-bound0.3",
    ),
    pytest.param(
        "normal",
        lambda w, rng: sinit.xavier_normal_(w, rng=rng),
        lambda w, g: tinit.xavier_normal_(w, generator=g),
        lambda n, m: math.sqrt(2 / (n + m)),
        id="C4.1-init-xavier-normal",
    ),
    pytest.param(
        "normal",
        lambda w, rng: sinit.xavier_normal_(w, gain=5 / 3, rng=rng),
        lambda w, g: tinit.xavier_normal_(w, gain=5 / 3, generator=g),
        lambda n, m: 5 / 3 * math.sqrt(2 / (n + m)),
        id="C4.1-init-xavier-normal-gain-tanh",
    ),
    pytest.param(
        "uniform",
        lambda w, rng: sinit.xavier_uniform_(w, rng=rng),
        lambda w, g: tinit.xavier_uniform_(w, generator=g),
        lambda n, m: math.sqrt(6 / (n + m)),
        id="C4.1-init-xavier-uniform",
    ),
    pytest.param(
        "normal",
        lambda w, rng: sinit.seed_xavier_normal_(w, rng=rng),
        lambda w, g: torch_seed_xavier_normal_(w, generator=g),
        lambda n, m: 2 / math.sqrt(n + m),
        id="C4.1-init-xavier-seed-form",
    ),
    pytest.param(
        "normal",
        lambda w, rng: sinit.kaiming_normal_(w, nonlinearity="relu", rng=rng),
        lambda w, g: tinit.kaiming_normal_(w, nonlinearity="relu", generator=g),
        lambda n, m: math.sqrt(2 / n),
        id="C4.1-init-he-normal-relu",
    ),
    pytest.param(
        "normal",
        lambda w, rng: sinit.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", rng=rng),
        lambda w, g: tinit.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=g),
        lambda n, m: math.sqrt(2 / m),
        id="C4.1-init-he-normal-fan-out",
    ),
    pytest.param(
        "normal",
        lambda w, rng: sinit.kaiming_normal_(w, rng=rng),
        lambda w, g: tinit.kaiming_normal_(w, generator=g),
        lambda n, m: math.sqrt(2) / math.sqrt(n),  # default: leaky_relu with a = 0 → gain √(2/(1+0²))
        id="C4.1-init-he-normal-default",
    ),
    pytest.param(
        "uniform",
        lambda w, rng: sinit.kaiming_uniform_(w, nonlinearity="relu", rng=rng),
        lambda w, g: tinit.kaiming_uniform_(w, nonlinearity="relu", generator=g),
        lambda n, m: math.sqrt(3) * math.sqrt(2 / n),
        id="C4.1-init-he-uniform-relu",
    ),
    pytest.param(
        "uniform",
        lambda w, rng: sinit.kaiming_uniform_(w, a=math.sqrt(5), rng=rng),
        lambda w, g: tinit.kaiming_uniform_(w, a=math.sqrt(5), generator=g),
        lambda n, m: 1 / math.sqrt(n),  # Linear's default: √3 · √(2/(1+5)) / √n
        id="C4.1-init-he-uniform-linear-default",
    ),
    pytest.param(
        "uniform",
        lambda w, rng: sinit.kaiming_uniform_(w, a=0.2, mode="fan_out", rng=rng),
        lambda w, g: tinit.kaiming_uniform_(w, a=0.2, mode="fan_out", generator=g),
        lambda n, m: math.sqrt(3) * math.sqrt(2 / (1 + 0.2**2)) / math.sqrt(m),
        id="C4.1-init-he-uniform-leaky0.2-fan-out",
    ),
]


def _unit_scratch(kind: str, shape: tuple[int, ...], seed: int) -> np.ndarray:
    """What the scheme's generator draws before scaling: z ~ N(0, 1), or 2u − 1 with u ~ U(0, 1)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) if kind == "normal" else 2 * rng.random(shape) - 1


def _unit_torch(kind: str, shape: tuple[int, ...], seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    w = torch.empty(shape, dtype=torch.float64)
    return w.normal_(0, 1, generator=g) if kind == "normal" else 2 * w.uniform_(0, 1, generator=g) - 1


def _fitted_scale(w: np.ndarray, unit: np.ndarray) -> float:
    """Least-squares s in w = s · unit (exact up to round-off when w was drawn as s · unit)."""
    return float(np.sum(w * unit) / np.sum(unit * unit))


@pytest.mark.parametrize("shape", FAN_SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize(("kind", "scratch_init", "torch_init", "expected"), SCHEMES)
def test_scale_matches_torch_and_the_formula(kind, scratch_init, torch_init, expected, shape, request):
    what = f"{request.node.callspec.id}: scale"
    seed = 1234
    w = scratch_init(np.empty(shape), np.random.default_rng(seed))
    w_t = torch_init(torch.empty(shape, dtype=torch.float64), torch.Generator().manual_seed(seed))
    assert w.shape == shape and w.dtype == np.float64
    scratch_unit, torch_unit = _unit_scratch(kind, shape, seed), _unit_torch(kind, shape, seed)
    scratch_scale = _fitted_scale(w, scratch_unit)
    torch_scale = _fitted_scale(w_t.numpy(), torch_unit.numpy())
    # The draw is exactly scale × unit draw (so the fitted scale is the scale the scheme computed).
    np.testing.assert_allclose(w, scratch_scale * scratch_unit, rtol=1e-12, atol=1e-15, err_msg=what)
    assert_twin_close(np.array(scratch_scale), torch.tensor(torch_scale, dtype=torch.float64), what)
    assert_twin_close(
        np.array(scratch_scale), torch.tensor(expected(*fans(shape)), dtype=torch.float64), what
    )


@pytest.mark.parametrize(("kind", "scratch_init", "torch_init", "expected"), SCHEMES)
def test_draws_have_the_scheme_statistics_in_both_twins(
    kind, scratch_init, torch_init, expected, rng, request
):
    shape = (256, 512)  # N = 131072 draws
    scale = expected(*fans(shape))
    draws = {
        "scratch": scratch_init(np.empty(shape), rng),
        "torch": torch_init(
            torch.empty(shape, dtype=torch.float64), torch.Generator().manual_seed(int(rng.integers(2**31)))
        ).numpy(),
    }
    n = draws["scratch"].size
    for twin, w in draws.items():
        what = f"{request.node.callspec.id} ({twin})"
        if kind == "normal":
            assert abs(w.mean()) <= Z * scale / math.sqrt(n), f"{what}: mean {w.mean()}"
            statistic = (n - 1) * w.var(ddof=1) / scale**2
            low, high = stats.chi2.ppf([ALPHA / 2, 1 - ALPHA / 2], n - 1)
            assert low <= statistic <= high, f"{what}: (N−1)s²/σ² = {statistic}, expected in [{low}, {high}]"
        else:
            assert np.abs(w).max() <= scale, f"{what}: a draw beyond the bound {scale}"
            assert np.abs(w).max() >= scale * ALPHA ** (1 / n), (
                f"{what}: max |w| {np.abs(w).max()} far inside"
            )
            assert abs(w.mean()) <= Z * scale / math.sqrt(3 * n), f"{what}: mean {w.mean()}"
            second_moment_sd = math.sqrt(4 * scale**4 / 45 / n)
            assert abs(np.mean(w * w) - scale**2 / 3) <= Z * second_moment_sd, f"{what}: mean of w² off"


def test_statistical_checks_can_fail():
    """The variance check rejects σ 2 % too large at N = 131072 (its bound on s²/σ² is ≈ ±1.9 %)."""
    rng = np.random.default_rng(0)
    n = 256 * 512
    w = rng.normal(0, 1.02 * 0.1, n)
    statistic = (n - 1) * w.var(ddof=1) / 0.1**2
    low, high = stats.chi2.ppf([ALPHA / 2, 1 - ALPHA / 2], n - 1)
    assert not low <= statistic <= high


def test_zero_init_fills_zeros_in_both_twins(rng):
    """C4.1-init-zero: every weight exactly 0."""
    w = sinit.zeros_(rng.standard_normal((4, 6)))
    w_t = tinit.zeros_(torch.randn(4, 6, dtype=torch.float64))
    assert_twin_close(w, w_t, "C4.1-init-zero")
    assert not np.any(w)


def test_seed_xavier_is_sqrt2_times_glorot():
    """C4.1-init-xavier: the seed's σ = 2/√(n+m) over Glorot's √(2/(n+m)) is √2, whatever the fans; for
    n = m it equals He's √(2/n)."""
    for shape in FAN_SHAPES:
        seed_w = sinit.seed_xavier_normal_(np.empty(shape), rng=np.random.default_rng(7))
        glorot_w = sinit.xavier_normal_(np.empty(shape), rng=np.random.default_rng(7))
        np.testing.assert_allclose(seed_w, math.sqrt(2) * glorot_w, rtol=1e-12, atol=1e-300)
    seed_w = sinit.seed_xavier_normal_(np.empty((100, 100)), rng=np.random.default_rng(7))
    he_w = sinit.kaiming_normal_(np.empty((100, 100)), nonlinearity="relu", rng=np.random.default_rng(7))
    np.testing.assert_allclose(seed_w, he_w, rtol=1e-12)


GAINS = [
    pytest.param(name, None, id=f"C4.1-init-gain-{name}")
    for name in (
        *("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"),
        *("sigmoid", "tanh", "relu", "selu"),
    )
] + [
    pytest.param("leaky_relu", param, id=f"C4.1-init-gain-leaky_relu-{param}")
    for param in (None, 0.0, 0.01, 0.2, 1, 3.5)
]


@pytest.mark.parametrize(("nonlinearity", "param"), GAINS)
def test_calculate_gain_matches_torch(nonlinearity, param):
    expected = tinit.calculate_gain(nonlinearity, param)
    assert_twin_close(
        np.array(sinit.calculate_gain(nonlinearity, param)),
        torch.tensor(expected, dtype=torch.float64),
        f"C4.1-init gain of {nonlinearity} ({param})",
    )


@pytest.mark.parametrize(
    ("nonlinearity", "param"),
    [
        pytest.param("softplus", None, id="C4.1-init-gain-unknown"),
        pytest.param("identity", None, id="C4.1-init-gain-identity-rejected-as-in-torch"),
        pytest.param("leaky_relu", "0.2", id="C4.1-init-gain-slope-string"),
    ],
)
def test_calculate_gain_rejects_what_torch_rejects(nonlinearity, param):
    with pytest.raises(ValueError):
        tinit.calculate_gain(nonlinearity, param)
    with pytest.raises(ValueError, match=repr(param) if param else nonlinearity):
        sinit.calculate_gain(nonlinearity, param)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda w: sinit.xavier_normal_(w), id="C4.1-init-xavier-1d"),
        pytest.param(lambda w: sinit.kaiming_normal_(w), id="C4.1-init-he-1d"),
    ],
)
def test_fans_need_two_dimensions_as_in_torch(call):
    with pytest.raises(ValueError, match=r"fewer than 2 dimensions.*\(5,\)"):
        call(np.empty(5))
    with pytest.raises(ValueError):
        tinit.xavier_normal_(torch.empty(5))


def test_kaiming_rejects_an_unknown_mode():
    """C4.1-init-he: mode must be fan_in or fan_out (torch raises ValueError too)."""
    with pytest.raises(ValueError, match="fan_avg"):
        sinit.kaiming_normal_(np.empty((3, 4)), mode="fan_avg")
    with pytest.raises(ValueError):
        tinit.kaiming_normal_(torch.empty(3, 4), mode="fan_avg")


def test_ones_fills_ones_in_both_twins(rng):
    """batch norm's initial γ: every weight exactly 1."""
    w = sinit.ones_(rng.standard_normal((3, 2)))
    assert_twin_close(w, tinit.ones_(torch.randn(3, 2, dtype=torch.float64)), "C4.1-init ones_")
    assert np.all(w == 1.0)


@pytest.mark.parametrize(
    ("call", "torch_call", "match"),
    [
        pytest.param(
            lambda w: sinit.normal_(w, std=float("nan")),
            lambda w: tinit.normal_(w, std=float("nan")),
            r"normal_: expected std >= 0, got std=nan",
            id="C4.1-init-normal-std-nan",
        ),
        pytest.param(
            lambda w: sinit.normal_(w, std=-1.0),
            lambda w: tinit.normal_(w, std=-1.0),
            r"normal_: expected std >= 0, got std=-1.0",
            id="C4.1-init-normal-std-negative",
        ),
        pytest.param(
            lambda w: sinit.uniform_(w, 1.0, 0.0),
            lambda w: tinit.uniform_(w, 1.0, 0.0),
            r"uniform_: expected finite bounds a <= b, got a=1.0, b=0.0",
            id="C4.1-init-uniform-a-above-b",
        ),
        pytest.param(
            lambda w: sinit.uniform_(w, float("nan"), 1.0),
            lambda w: tinit.uniform_(w, float("nan"), 1.0),
            r"uniform_: expected finite bounds a <= b, got a=nan",
            id="C4.1-init-uniform-nan-bound",
        ),
    ],
)
def test_bad_distribution_arguments_raise_as_in_torch(call, torch_call, match):
    """torch raises RuntimeError; scratch ValueError (docs/differences-from-torch.md), nothing drawn."""
    with pytest.raises(RuntimeError):
        torch_call(torch.zeros(3, dtype=torch.float64))
    w = np.zeros(3)
    with pytest.raises(ValueError, match=match):
        call(w)
    assert not w.any()


@pytest.mark.parametrize(
    ("call", "torch_call"),
    [
        pytest.param(
            lambda w: sinit.uniform_(w, 0.25, 0.25),
            lambda w: tinit.uniform_(w, 0.25, 0.25),
            id="C4.1-init-uniform-a-equals-b",
        ),
        pytest.param(
            lambda w: sinit.normal_(w, mean=-0.5, std=0.0),
            lambda w: tinit.normal_(w, mean=-0.5, std=0.0),
            id="C4.1-init-normal-std-zero",
        ),
    ],
)
def test_degenerate_distributions_are_valid_and_fill_the_one_value_as_torch(call, torch_call):
    """The edges of the bounds checks: U(a, a) and N(μ, 0) are point masses, accepted by torch."""
    w, w_t = np.ones(4), torch.ones(4, dtype=torch.float64)
    assert call(w) is w
    torch_call(w_t)
    assert_twin_close(w, w_t, "C4.1: a point-mass init")
    assert len(set(w.tolist())) == 1


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("normal_", id="C4.1-init-normal-int"),
        pytest.param("uniform_", id="C4.1-init-uniform-int"),
    ],
)
def test_random_init_of_an_integer_array_raises_as_in_torch(name):
    """torch: NotImplementedError ("not implemented for 'Long'"); scratch: TypeError, the array untouched."""
    with pytest.raises(NotImplementedError):
        getattr(tinit, name)(torch.zeros(3, dtype=torch.long))
    w = np.zeros(3, dtype=np.int64)
    with pytest.raises(TypeError, match=f"{name}: expected a floating-point numpy.ndarray, got dtype=int64"):
        getattr(sinit, name)(w, rng=np.random.default_rng(0))
    assert not w.any()


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
@pytest.mark.parametrize("shape", [(0, 3), (3, 0)])
def test_kaiming_on_an_empty_weight_warns_and_does_nothing_as_in_torch(name, shape):
    """C4.1-init-he: torch warns "Initializing zero-element tensors is a no-op"; fan 0 must not divide."""
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        getattr(tinit, name)(torch.empty(shape))
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        w = getattr(sinit, name)(np.empty(shape), rng=np.random.default_rng(0))
    assert w.shape == shape
