"""C3.1.2: every loss against its torch twin, its finite differences, its edge values and the seed's claims.

Each row of ``CASES`` is one loss with one option combination: a scratch factory and a torch factory
(both given the number of classes or features C, so class weights fit any C) and a data factory
``(rng, dtype, n, c) -> (input, target)``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import scratch.nn as snn
import torch_impl.nn as tnn
from parity_tests.parity import (
    DTYPES,
    FINITE_DIFFERENCE_RTOL,
    TORCH_DTYPE,
    assert_twin_close,
    to_torch,
    tolerance,
)
from scratch.gradcheck import gradcheck_loss, numerical_gradient, relative_error
from scratch.nn import functional as SF
from torch_impl.nn.state import load_numpy_state_dict

N, C = 5, 4
IGNORE = 1  # the ignore_index of the rows that test it; each such data set ignores at least row 0
EPS = 0.1  # label smoothing


def class_weights(c: int) -> np.ndarray:
    return np.linspace(0.5, 2.0, c)


def tensor(a: np.ndarray) -> torch.Tensor:
    """A torch copy that keeps a 0-d array 0-d (``parity.to_torch`` goes through ``np.ascontiguousarray``,
    which turns a 0-d array into shape (1,))."""
    return torch.from_numpy(np.array(a))


# ---------------------------------------------------------------------------------------------- data
def regression(rng, dtype, n, c):
    return rng.standard_normal((n, c)).astype(dtype), rng.standard_normal((n, c)).astype(dtype)


def regression_3d(rng, dtype, n, c):
    return rng.standard_normal((n, c, 2)).astype(dtype), rng.standard_normal((n, c, 2)).astype(dtype)


def wide_regression(rng, dtype, n, c):
    return (2 * rng.standard_normal((n, c))).astype(dtype), rng.standard_normal((n, c)).astype(dtype)


def logits(rng, dtype, n, c, extra=()):
    return (2 * rng.standard_normal((n, c, *extra))).astype(dtype)


def class_indices(rng, dtype, n, c):
    return logits(rng, dtype, n, c), rng.integers(0, c, size=n)


def class_indices_ignored(rng, dtype, n, c):
    target = rng.integers(0, c, size=n)
    target[0] = IGNORE
    target[rng.random(n) < 0.3] = IGNORE
    return logits(rng, dtype, n, c), target


def class_indices_spatial(rng, dtype, n, c):
    target = rng.integers(0, c, size=(n, 3))
    target[0, 0] = IGNORE
    return logits(rng, dtype, n, c, (3,)), target


def class_indices_unbatched(rng, dtype, n, c):
    return logits(rng, dtype, 1, c)[0], np.asarray(rng.integers(0, c))


def probabilities(rng, dtype, n, c):
    return logits(rng, dtype, n, c), rng.dirichlet(np.ones(c), size=n).astype(dtype)


def probabilities_spatial(rng, dtype, n, c):
    q = np.moveaxis(rng.dirichlet(np.ones(c), size=(n, 3)), -1, 1)
    return logits(rng, dtype, n, c, (3,)), np.ascontiguousarray(q).astype(dtype)


def log_probabilities(make):
    def data(rng, dtype, n, c):
        x, target = make(rng, dtype, n, c)
        shifted = x - x.max(axis=1, keepdims=True)
        return (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))).astype(dtype), target

    return data


def binary(rng, dtype, n, c):
    # kept inside [0.05, 0.95] so a finite difference never leaves [0, 1]; 0 and 1 are edge rows below
    return rng.uniform(0.05, 0.95, (n, c)).astype(dtype), rng.uniform(0, 1, (n, c)).astype(dtype)


def binary_logits(rng, dtype, n, c):
    target = rng.uniform(0, 1, (n, c))
    target[0] = rng.integers(0, 2, c)  # hard labels too
    return (3 * rng.standard_normal((n, c))).astype(dtype), target.astype(dtype)


# ---------------------------------------------------------------------------------------------- cases
def case(case_id, make_scratch, make_torch, data):
    return pytest.param(make_scratch, make_torch, data, id=case_id)


def mse_rows():
    rows = []
    for r in ("mean", "sum", "none"):
        rows.append(
            case(
                f"C3.1.2-mse-{r}",
                lambda c, r=r: snn.MSELoss(r),
                lambda c, r=r: tnn.MSELoss(reduction=r),
                regression,
            )
        )
    rows.append(
        case(
            "C3.1.2-mse-none-3d",
            lambda c: snn.MSELoss("none"),
            lambda c: tnn.MSELoss(reduction="none"),
            regression_3d,
        )
    )
    rows.append(
        case(
            "C3.1.2-mse-half-sum",
            lambda c: snn.HalfSquaredErrorLoss(),
            lambda c: tnn.HalfSquaredErrorLoss(),
            regression,
        )
    )
    return rows


def huber_rows():
    """C3.1.2-huber: Huber(δ) and SmoothL1(β), every reduction; β = 0 is torch's L1 path. The data are
    scaled by 2 so both branches (|d| < δ and beyond) appear in every row."""
    rows = []
    for r in ("mean", "sum", "none"):
        for delta in (1.0, 0.5, 2.5):
            rows.append(
                case(
                    f"C3.1.2-huber-delta{delta}-{r}",
                    lambda c, r=r, d=delta: snn.HuberLoss(r, delta=d),
                    lambda c, r=r, d=delta: tnn.HuberLoss(reduction=r, delta=d),
                    wide_regression,
                )
            )
        for beta in (1.0, 0.5, 0.0):
            rows.append(
                case(
                    f"C3.1.2-huber-smooth-l1-beta{beta}-{r}",
                    lambda c, r=r, b=beta: snn.SmoothL1Loss(r, beta=b),
                    lambda c, r=r, b=beta: tnn.SmoothL1Loss(reduction=r, beta=b),
                    wide_regression,
                )
            )
    return rows


def cross_entropy_rows():
    rows = []
    options = {  # name: (keyword arguments given C, data)
        "plain": (lambda c: {}, class_indices),
        "weight": (lambda c: {"weight": class_weights(c)}, class_indices),
        "ignore": (lambda c: {"ignore_index": IGNORE}, class_indices_ignored),
        "smoothing": (lambda c: {"label_smoothing": EPS}, class_indices),
        "weight-ignore-smoothing": (
            lambda c: {"weight": class_weights(c), "ignore_index": IGNORE, "label_smoothing": EPS},
            class_indices_ignored,
        ),
        "prob": (lambda c: {}, probabilities),
        "prob-weight-smoothing": (
            lambda c: {"weight": class_weights(c), "label_smoothing": EPS},
            probabilities,
        ),
    }
    for r in ("mean", "sum", "none"):
        for name, (kwargs, data) in options.items():
            rows.append(
                case(
                    f"C3.1.2-cross-entropy-ce-{name}-{r}",
                    lambda c, k=kwargs, r=r: snn.CrossEntropyLoss(**k(c), reduction=r),
                    lambda c, k=kwargs, r=r: tnn.CrossEntropyLoss(**_tensors(k(c)), reduction=r),
                    data,
                )
            )
    spatial = {"weight": class_weights, "ignore_index": IGNORE, "label_smoothing": EPS}
    for r in ("mean", "none"):
        rows.append(
            case(
                f"C3.1.2-cross-entropy-ce-spatial-{r}",
                lambda c, r=r: snn.CrossEntropyLoss(**_call(spatial, c), reduction=r),
                lambda c, r=r: tnn.CrossEntropyLoss(**_tensors(_call(spatial, c)), reduction=r),
                class_indices_spatial,
            )
        )
    rows += [
        case(
            "C3.1.2-cross-entropy-ce-prob-spatial-none",
            lambda c: snn.CrossEntropyLoss(weight=class_weights(c), reduction="none", label_smoothing=EPS),
            lambda c: tnn.CrossEntropyLoss(
                weight=tensor(class_weights(c)), reduction="none", label_smoothing=EPS
            ),
            probabilities_spatial,
        ),
        case(
            "C3.1.2-cross-entropy-ce-unbatched-mean",
            lambda c: snn.CrossEntropyLoss(weight=class_weights(c), label_smoothing=EPS),
            lambda c: tnn.CrossEntropyLoss(weight=tensor(class_weights(c)), label_smoothing=EPS),
            class_indices_unbatched,
        ),
        case(
            "C3.1.2-cross-entropy-ce-unbatched-none",
            lambda c: snn.CrossEntropyLoss(reduction="none"),
            lambda c: tnn.CrossEntropyLoss(reduction="none"),
            class_indices_unbatched,
        ),
    ]
    return rows


def nll_rows():
    rows = []
    for r in ("mean", "sum", "none"):
        rows.append(
            case(
                f"C3.1.2-cross-entropy-nll-{r}",
                lambda c, r=r: snn.NLLLoss(reduction=r),
                lambda c, r=r: tnn.NLLLoss(reduction=r),
                log_probabilities(class_indices),
            )
        )
        rows.append(
            case(
                f"C3.1.2-cross-entropy-nll-weight-ignore-{r}",
                lambda c, r=r: snn.NLLLoss(weight=class_weights(c), ignore_index=IGNORE, reduction=r),
                lambda c, r=r: tnn.NLLLoss(weight=tensor(class_weights(c)), ignore_index=IGNORE, reduction=r),
                log_probabilities(class_indices_ignored),
            )
        )
    rows.append(
        case(
            "C3.1.2-cross-entropy-nll-spatial-mean",
            lambda c: snn.NLLLoss(weight=class_weights(c), ignore_index=IGNORE),
            lambda c: tnn.NLLLoss(weight=tensor(class_weights(c)), ignore_index=IGNORE),
            log_probabilities(class_indices_spatial),
        )
    )
    return rows


def binary_rows():
    rows = []
    for r in ("mean", "sum", "none"):
        rows.append(
            case(
                f"C3.1.2-cross-entropy-bce-{r}",
                lambda c, r=r: snn.BCELoss(reduction=r),
                lambda c, r=r: tnn.BCELoss(reduction=r),
                binary,
            )
        )
        rows.append(
            case(
                f"C3.1.2-cross-entropy-bce-weight-{r}",
                lambda c, r=r: snn.BCELoss(weight=class_weights(c), reduction=r),
                lambda c, r=r: tnn.BCELoss(weight=tensor(class_weights(c)), reduction=r),
                binary,
            )
        )
        for name, kwargs in {
            "plain": lambda c: {},
            "weight": lambda c: {"weight": class_weights(c)},
            "pos-weight": lambda c: {"pos_weight": class_weights(c)[::-1].copy()},
            "weight-pos-weight": lambda c: {"weight": class_weights(c), "pos_weight": 3 * class_weights(c)},
        }.items():
            rows.append(
                case(
                    f"C3.1.2-cross-entropy-bce-logits-{name}-{r}",
                    lambda c, k=kwargs, r=r: snn.BCEWithLogitsLoss(**k(c), reduction=r),
                    lambda c, k=kwargs, r=r: tnn.BCEWithLogitsLoss(**_tensors(k(c)), reduction=r),
                    binary_logits,
                )
            )
    return rows


def _call(kwargs: dict, c: int) -> dict:
    return {key: value(c) if callable(value) else value for key, value in kwargs.items()}


def _tensors(kwargs: dict) -> dict:
    return {key: tensor(value) if isinstance(value, np.ndarray) else value for key, value in kwargs.items()}


CASES = mse_rows() + huber_rows() + cross_entropy_rows() + nll_rows() + binary_rows()


# ---------------------------------------------------------------------------------------------- harness
def check_twins(what, scratch_loss, torch_loss, x, target, rng, device="cpu"):
    """Value and input gradient of two twin losses under a random upstream gradient (a random scalar
    for a reduced loss). Returns the largest absolute differences, for reports."""
    torch_loss = torch_loss.to(device=device, dtype=TORCH_DTYPE[x.dtype.type])
    value = scratch_loss(x, target)
    x_t = to_torch(x, device, requires_grad=True)
    value_t = torch_loss(x_t, tensor(target).to(device))
    assert_twin_close(value, value_t, f"{what}: value")
    upstream = np.asarray(rng.standard_normal(value.shape)).astype(x.dtype)
    grad = scratch_loss.backward(upstream)
    value_t.backward(tensor(upstream).to(device))
    assert_twin_close(grad, x_t.grad, f"{what}: gradient of the input")
    return value, grad, {"value": _max_diff(value, value_t), "grad": _max_diff(grad, x_t.grad)}


def _max_diff(actual: np.ndarray, expected: torch.Tensor) -> float:
    """Largest |scratch − torch| over entries that are not equal (equal infinities and nans count 0)."""
    a, b = np.asarray(actual, np.float64), expected.detach().cpu().double().numpy()
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(invalid="ignore"):
        return float(np.max(np.where(same, 0.0, np.abs(a - b)), initial=0.0))


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("make_scratch", "make_torch", "data"), CASES)
def test_value_and_gradient_match_torch(make_scratch, make_torch, data, dtype, device, rng, request):
    x, target = data(rng, dtype, N, C)
    scratch_loss = make_scratch(C).to(dtype)  # .to converts the weight buffers too
    check_twins(request.node.callspec.id, scratch_loss, make_torch(C), x, target, rng, device)


@pytest.mark.parametrize(("make_scratch", "make_torch", "data"), CASES)
def test_three_way_finite_differences(make_scratch, make_torch, data, rng, request):
    """float64: NumPy's backward vs central differences (random upstream) and vs torch's autograd."""
    x, target = data(rng, np.float64, 4, 3)
    loss = make_scratch(3)
    _, analytic, _ = check_twins(request.node.callspec.id, loss, make_torch(3), x, target, rng)
    upstream = np.asarray(rng.standard_normal(np.shape(loss(x, target))))
    loss(x, target)
    analytic = loss.backward(upstream)
    numeric = numerical_gradient(lambda: float(np.sum(upstream * loss(x, target))), x)
    assert relative_error(analytic, numeric) < FINITE_DIFFERENCE_RTOL
    assert gradcheck_loss(loss, x, target, rng=rng) < FINITE_DIFFERENCE_RTOL  # both measures


# ---------------------------------------------------------------------------------------------- edges
INF = np.inf
BIG_LOGITS = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 1e4], [0.0, 0.0, 1e4], [-1e4, -1e4, -1e4]])
NEG_INF_LOGITS = np.array([[1.0, -INF, 2.0], [-INF, 0.5, 1.0], [0.3, 0.2, -INF]])
EDGES = [
    pytest.param(
        snn.CrossEntropyLoss(),
        tnn.CrossEntropyLoss(),
        BIG_LOGITS,
        np.array([0, 2, 1, 0]),
        id="C3.1.2-cross-entropy-ce-logits-1e4-mean",
    ),
    pytest.param(
        snn.CrossEntropyLoss(reduction="none", label_smoothing=EPS),
        tnn.CrossEntropyLoss(reduction="none", label_smoothing=EPS),
        BIG_LOGITS,
        np.array([0, 2, 1, 0]),
        id="C3.1.2-cross-entropy-ce-logits-1e4-smoothing-none",
    ),
    pytest.param(
        snn.CrossEntropyLoss(),
        tnn.CrossEntropyLoss(),
        BIG_LOGITS,
        np.eye(3)[[0, 2, 1, 0]],
        id="C3.1.2-cross-entropy-ce-logits-1e4-prob",
    ),
    pytest.param(
        snn.CrossEntropyLoss(reduction="none"),
        tnn.CrossEntropyLoss(reduction="none"),
        NEG_INF_LOGITS,
        np.array([0, 2, 0]),
        id="C3.1.2-cross-entropy-ce-neg-inf-non-target",
    ),
    pytest.param(
        snn.CrossEntropyLoss(weight=np.array([1.0, 0.0, 2.0])),
        tnn.CrossEntropyLoss(weight=torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64)),
        NEG_INF_LOGITS,
        np.array([0, 2, 0]),
        id="C3.1.2-cross-entropy-ce-neg-inf-zero-weight",
    ),
    pytest.param(
        snn.CrossEntropyLoss(reduction="none"),
        tnn.CrossEntropyLoss(reduction="none"),
        NEG_INF_LOGITS,
        np.array([1, 2, 2]),
        id="C3.1.2-cross-entropy-ce-neg-inf-target-is-inf",
    ),
    pytest.param(
        snn.CrossEntropyLoss(reduction="none", label_smoothing=EPS),
        tnn.CrossEntropyLoss(reduction="none", label_smoothing=EPS),
        NEG_INF_LOGITS,
        np.array([0, 2, 0]),
        id="C3.1.2-cross-entropy-ce-neg-inf-smoothing-is-inf",
    ),
    pytest.param(
        snn.CrossEntropyLoss(weight=np.array([1.0, 0.0, 2.0]), label_smoothing=EPS),
        tnn.CrossEntropyLoss(weight=torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64), label_smoothing=EPS),
        NEG_INF_LOGITS,
        np.array([0, 2, 0]),
        id="C3.1.2-cross-entropy-ce-neg-inf-smoothing-zero-weight-nan",
    ),
    pytest.param(
        snn.CrossEntropyLoss(),
        tnn.CrossEntropyLoss(),
        NEG_INF_LOGITS,
        np.eye(3)[[0, 2, 0]],
        id="C3.1.2-cross-entropy-ce-neg-inf-prob-nan",
    ),
    pytest.param(
        snn.CrossEntropyLoss(ignore_index=1),
        tnn.CrossEntropyLoss(ignore_index=1),
        BIG_LOGITS,
        np.array([1, 1, 1, 1]),
        id="C3.1.2-cross-entropy-ce-all-ignored-mean-nan",
    ),
    pytest.param(
        snn.CrossEntropyLoss(weight=np.array([1.0, 3.0, 2.0]), ignore_index=1, label_smoothing=EPS),
        tnn.CrossEntropyLoss(
            weight=torch.tensor([1.0, 3.0, 2.0], dtype=torch.float64), ignore_index=1, label_smoothing=EPS
        ),
        BIG_LOGITS,
        np.array([1, 1, 1, 1]),
        id="C3.1.2-cross-entropy-ce-all-ignored-smoothing-nan",
    ),
    pytest.param(
        snn.CrossEntropyLoss(ignore_index=1, reduction="sum"),
        tnn.CrossEntropyLoss(ignore_index=1, reduction="sum"),
        BIG_LOGITS,
        np.array([1, 1, 1, 1]),
        id="C3.1.2-cross-entropy-ce-all-ignored-sum-zero",
    ),
    pytest.param(
        snn.CrossEntropyLoss(ignore_index=-1, reduction="none", label_smoothing=EPS),
        tnn.CrossEntropyLoss(ignore_index=-1, reduction="none", label_smoothing=EPS),
        BIG_LOGITS,
        np.array([-1, 2, -1, 0]),
        id="C3.1.2-cross-entropy-ce-ignored-rows-none",
    ),
    pytest.param(
        snn.NLLLoss(ignore_index=0),
        tnn.NLLLoss(ignore_index=0),
        np.log(np.full((2, 3), 1 / 3)),
        np.array([0, 0]),
        id="C3.1.2-cross-entropy-nll-all-ignored-mean-nan",
    ),
    pytest.param(
        snn.NLLLoss(reduction="none"),
        tnn.NLLLoss(reduction="none"),
        np.array([[0.0, -INF, -INF], [-INF, -0.5, -1.0]]),
        np.array([0, 1]),
        id="C3.1.2-cross-entropy-nll-neg-inf-non-target",
    ),
    pytest.param(
        snn.BCELoss(reduction="none"),
        tnn.BCELoss(reduction="none"),
        np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1e-50, 0.5]),
        np.array([0.0, 1.0, 1.0, 0.0, 0.3, 0.7, 1.0, 0.5]),
        id="C3.1.2-cross-entropy-bce-exact-0-1-none",
    ),
    pytest.param(
        snn.BCELoss(weight=np.array([2.0, 0.5])),
        tnn.BCELoss(weight=torch.tensor([2.0, 0.5], dtype=torch.float64)),
        np.array([[0.0, 1.0], [1.0, 0.0]]),
        np.array([[1.0, 0.0], [0.25, 0.75]]),
        id="C3.1.2-cross-entropy-bce-exact-0-1-weight-mean",
    ),
    pytest.param(
        snn.BCEWithLogitsLoss(reduction="none"),
        tnn.BCEWithLogitsLoss(reduction="none"),
        np.array([40.0, -40.0, 40.0, -40.0, 1e4, -1e4, 1e4, -1e4, 0.0]),
        np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.5]),
        id="C3.1.2-cross-entropy-bce-logits-40-1e4-none",
    ),
    pytest.param(
        snn.BCEWithLogitsLoss(pos_weight=np.array([3.0])),
        tnn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0], dtype=torch.float64)),
        np.array([[40.0], [-40.0], [1e4], [-1e4]]),
        np.array([[0.2], [0.9], [0.0], [1.0]]),
        id="C3.1.2-cross-entropy-bce-logits-40-1e4-pos-weight-mean",
    ),
    *[
        pytest.param(
            make(snn, reduction),
            make(tnn, reduction),
            np.array([1e300, -1e300, 1e-300, 2.0, -2.0, 1.5, -0.5, 0.0]),
            np.array([-1e300, 1e300, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
            id=f"C3.1.2-huber-{name}-huge-and-kink-{reduction}",
        )
        # d = ±inf (1e300 − (−1e300) overflows), 1e-300, and d = ±δ exactly (the kink) for δ = β = 2
        for name, make in {
            "delta2": lambda nn, r: nn.HuberLoss(reduction=r, delta=2.0),
            "smooth-l1-beta2": lambda nn, r: nn.SmoothL1Loss(reduction=r, beta=2.0),
            "smooth-l1-beta0": lambda nn, r: nn.SmoothL1Loss(reduction=r, beta=0.0),
        }.items()
        for reduction in ("none", "sum")
    ],
    pytest.param(
        snn.MSELoss(),
        tnn.MSELoss(),
        np.array([[1e150, -1e150], [0.0, 1e-300]]),
        np.array([[1e150, 1e150], [0.0, 0.0]]),
        id="C3.1.2-mse-extreme-values",
    ),
]


@pytest.mark.parametrize(("scratch_loss", "torch_loss", "x", "target"), EDGES)
def test_edge_values_match_torch(scratch_loss, torch_loss, x, target, device, rng, request):
    """Huge and infinite logits, ignored rows, probabilities of exactly 0 and 1 (float64): the same
    values (including inf and nan where torch gives them) and the same gradients."""
    check_twins(request.node.callspec.id, scratch_loss, torch_loss, x, target, rng, device)


def test_neg_inf_logit_of_another_class_gives_finite_loss_and_zero_gradient():
    """C3.1.2-cross-entropy: a masked class (logit −inf) is simply impossible, as in torch."""
    loss = snn.CrossEntropyLoss(reduction="none")
    value = loss(NEG_INF_LOGITS, np.array([0, 2, 0]))
    grad = loss.backward(np.ones(3))
    assert np.isfinite(value).all() and np.isfinite(grad).all()
    assert np.all(grad[np.isneginf(NEG_INF_LOGITS)] == 0.0)
    # the same rows with the −inf entry removed give the same loss
    np.testing.assert_allclose(
        value[0], snn.CrossEntropyLoss()(np.array([[1.0, 2.0]]), np.array([0])), rtol=1e-15
    )


def test_huge_logits_stay_finite():
    loss = snn.CrossEntropyLoss(reduction="none")
    value = loss(BIG_LOGITS, np.array([0, 2, 1, 0]))
    np.testing.assert_allclose(value, [0.0, np.log(2), 1e4, np.log(3)], rtol=1e-15, atol=0)
    assert np.isfinite(loss.backward(np.ones(4))).all()


@pytest.mark.parametrize(
    "loss",
    [
        pytest.param(snn.CrossEntropyLoss(ignore_index=1), id="C3.1.2-cross-entropy-ce"),
        pytest.param(
            snn.CrossEntropyLoss(ignore_index=1, label_smoothing=EPS), id="C3.1.2-cross-entropy-ce-smooth"
        ),
        pytest.param(snn.NLLLoss(ignore_index=1, weight=np.ones(3)), id="C3.1.2-cross-entropy-nll"),
    ],
)
def test_all_rows_ignored_gives_nan_mean_and_zero_gradient(loss):
    """0 / 0 for the mean, as torch; ignored rows pass no gradient."""
    assert np.isnan(loss(np.zeros((2, 3)), np.array([1, 1])))
    np.testing.assert_array_equal(loss.backward(np.asarray(2.0)), np.zeros((2, 3)))


def test_bce_clamps_each_log_at_minus_100():
    """C3.1.2-cross-entropy: a confident wrong answer costs exactly 100 (torch's clamp), not inf."""
    loss = snn.BCELoss(reduction="none")
    np.testing.assert_array_equal(
        loss(np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])), [100, 100, 0, 0]
    )
    np.testing.assert_allclose(loss.backward(np.ones(4)), [-1e12, 1e12, 0, 0], rtol=1e-8)


# ---------------------------------------------------------------------------------------------- hypothesis
@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 6),
    c=st.integers(1, 5),
    index=st.integers(0, len(CASES) - 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_parity_over_generated_shapes(n, c, index, seed):
    make_scratch, make_torch, data = CASES[index].values
    rng = np.random.default_rng(seed)
    x, target = data(rng, np.float64, n, c)
    check_twins(f"{CASES[index].id} n={n} c={c}", make_scratch(c), make_torch(c), x, target, rng)


# ---------------------------------------------------------------------------------------------- the seed
def test_seed_cross_entropy_is_minus_sum_y_log_softmax(rng):
    """C3.1.2-cross-entropy: the seed's E = −Σ_k y_k log ŷ_k with ŷ = softmax(z) and y one-hot equals
    CrossEntropyLoss on the raw logits z, with index targets and with one-hot probability targets."""
    z = rng.standard_normal((6, 4))
    t = rng.integers(0, 4, 6)
    y = np.eye(4)[t]
    y_hat = snn.Softmax(dim=1)(z)
    seed_e = -np.sum(y * np.log(y_hat), axis=1)
    by_index = snn.CrossEntropyLoss(reduction="none")(z, t)
    by_one_hot = snn.CrossEntropyLoss(reduction="none")(z, y)
    np.testing.assert_allclose(by_index, seed_e, **tolerance(np.float64))
    np.testing.assert_allclose(by_one_hot, seed_e, **tolerance(np.float64))
    assert_twin_close(
        seed_e, tnn.CrossEntropyLoss(reduction="none")(tensor(z), tensor(t)), "C3.1.2-cross-entropy"
    )
    # and its gradient is ŷ − y, per row
    loss = snn.CrossEntropyLoss(reduction="sum")
    loss(z, t)
    np.testing.assert_allclose(loss.backward(), y_hat - y, **tolerance(np.float64))


def test_seed_half_squared_error_is_half_n_d_times_mse(rng):
    """C3.1.2-mse: the seed's E = ½ Σ (ŷ − y)² = ½ · N · D · MSELoss('mean') = ½ · MSELoss('sum'); the
    ½ makes its gradient plain ŷ − y."""
    y_hat, y = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    half, mse = snn.HalfSquaredErrorLoss(), snn.MSELoss()
    e = half(y_hat, y)
    np.testing.assert_allclose(e, 0.5 * y_hat.size * mse(y_hat, y), **tolerance(np.float64))
    np.testing.assert_allclose(e, 0.5 * snn.MSELoss("sum")(y_hat, y), **tolerance(np.float64))
    np.testing.assert_allclose(half.backward(), y_hat - y, **tolerance(np.float64))
    np.testing.assert_allclose(mse.backward(), 2 * (y_hat - y) / y_hat.size, **tolerance(np.float64))
    assert_twin_close(e, 0.5 * y_hat.size * tnn.MSELoss()(tensor(y_hat), tensor(y)), "C3.1.2-mse: ½·N·D·MSE")


def test_seed_minus_log_grows_as_the_right_class_loses_probability():
    """C3.1.2-cross-entropy: −log ŷ is 0 at ŷ = 1 and grows without bound as ŷ → 0 (the seed's curve)."""
    p_right = np.array([0.999, 0.9, 0.5, 0.1, 1e-3])
    z = np.log(np.stack([p_right, 1 - p_right], axis=1))  # logits whose softmax is (p, 1 − p)
    e = snn.CrossEntropyLoss(reduction="none")(z, np.zeros(5, dtype=np.int64))
    np.testing.assert_allclose(e, -np.log(p_right), **tolerance(np.float64))
    assert np.all(np.diff(e) > 0)


# ---------------------------------------------------------------------------------------------- bad input
X64 = np.zeros((4, 3))
P64 = np.full((4, 3), 0.5)
BAD_INPUT = [
    pytest.param(
        snn.MSELoss(),
        X64,
        np.zeros((4, 1)),
        ValueError,
        r"target of shape \(4, 3\).*got \(4, 1\)",
        id="C3.1.2-mse-target-shape",
    ),
    pytest.param(
        snn.MSELoss(),
        X64,
        np.zeros((4, 3), dtype=np.int64),
        TypeError,
        "target to have a floating dtype",
        id="C3.1.2-mse-int-target",
    ),
    pytest.param(
        snn.MSELoss(),
        X64,
        np.zeros((4, 3), dtype=np.float32),
        TypeError,
        "target of dtype float64.*got dtype=float32",
        id="C3.1.2-mse-float32-target",
    ),
    pytest.param(
        snn.MSELoss(),
        X64.tolist(),
        X64,
        TypeError,
        "input to be a numpy.ndarray, got list",
        id="C3.1.2-mse-list-input",
    ),
    pytest.param(
        snn.HalfSquaredErrorLoss(),
        X64,
        np.zeros(3),
        ValueError,
        r"target of shape \(4, 3\)",
        id="C3.1.2-mse-half-target-shape",
    ),
    pytest.param(
        snn.CrossEntropyLoss(),
        X64,
        np.zeros(4),
        TypeError,
        "integer dtype.*got dtype=float64",
        id="C3.1.2-cross-entropy-float-index-target",
    ),
    pytest.param(
        snn.CrossEntropyLoss(),
        X64,
        np.zeros(4, dtype=bool),
        TypeError,
        "integer dtype.*got dtype=bool",
        id="C3.1.2-cross-entropy-bool-target",
    ),
    pytest.param(
        snn.CrossEntropyLoss(),
        X64,
        np.zeros((4, 1), dtype=np.int64),
        ValueError,
        r"shape \(4,\).*got \(4, 1\)",
        id="C3.1.2-cross-entropy-target-shape",
    ),
    pytest.param(
        snn.CrossEntropyLoss(),
        X64,
        np.array([0, 1, 3, 2]),
        IndexError,
        r"\[0, 3\).*got 3",
        id="C3.1.2-cross-entropy-index-too-large",
    ),
    pytest.param(
        snn.CrossEntropyLoss(),
        X64,
        np.array([0, -1, 1, 2]),
        IndexError,
        r"ignore_index=-100, got -1",
        id="C3.1.2-cross-entropy-index-negative",
    ),
    pytest.param(
        snn.NLLLoss(ignore_index=5),
        X64,
        np.array([0, 6, 5, 2]),
        IndexError,
        "got 6",
        id="C3.1.2-cross-entropy-nll-index-out-of-range",
    ),
    pytest.param(
        snn.CrossEntropyLoss(),
        X64,
        P64.astype(np.float32),
        TypeError,
        "probability target of dtype float64.*float32",
        id="C3.1.2-cross-entropy-prob-float32",
    ),
    pytest.param(
        snn.CrossEntropyLoss(ignore_index=1),
        X64,
        P64,
        ValueError,
        "ignore_index is not supported",
        id="C3.1.2-cross-entropy-prob-ignore-index",
    ),
    pytest.param(
        snn.NLLLoss(), X64, P64, TypeError, "integer dtype", id="C3.1.2-cross-entropy-nll-prob-target"
    ),
    pytest.param(
        snn.CrossEntropyLoss(weight=np.ones(4)),
        X64,
        np.zeros(4, dtype=np.int64),
        ValueError,
        r"weight of shape \(3,\).*got \(4,\)",
        id="C3.1.2-cross-entropy-weight-shape",
    ),
    pytest.param(
        snn.CrossEntropyLoss(weight=np.ones(3, np.float32)),
        X64,
        np.zeros(4, dtype=np.int64),
        TypeError,
        "weight of dtype float64.*got dtype=float32",
        id="C3.1.2-cross-entropy-weight-dtype",
    ),
    pytest.param(
        snn.CrossEntropyLoss(),
        np.zeros(()),
        np.zeros((), dtype=np.int64),
        ValueError,
        "at least 1 dimension",
        id="C3.1.2-cross-entropy-0d-input",
    ),
    pytest.param(
        snn.BCELoss(),
        np.array([0.5, 1.5]),
        np.array([0.0, 1.0]),
        ValueError,
        r"input in \[0, 1\].*1.5",
        id="C3.1.2-cross-entropy-bce-input-above-1",
    ),
    pytest.param(
        snn.BCELoss(),
        np.array([-0.1, 0.5]),
        np.array([0.0, 1.0]),
        ValueError,
        r"input in \[0, 1\]",
        id="C3.1.2-cross-entropy-bce-input-below-0",
    ),
    pytest.param(
        snn.BCELoss(),
        np.array([np.nan, 0.5]),
        np.array([0.0, 1.0]),
        ValueError,
        r"input in \[0, 1\].*nan",
        id="C3.1.2-cross-entropy-bce-input-nan",
    ),
    pytest.param(
        snn.BCELoss(),
        np.array([0.5, 0.5]),
        np.array([0.0, 2.0]),
        ValueError,
        r"target in \[0, 1\].*2.0",
        id="C3.1.2-cross-entropy-bce-target-above-1",
    ),
    pytest.param(
        snn.BCELoss(weight=np.ones(2)),
        P64,
        P64,
        ValueError,
        r"weight broadcastable.*\(4, 3\)",
        id="C3.1.2-cross-entropy-bce-weight-shape",
    ),
    pytest.param(
        snn.BCEWithLogitsLoss(pos_weight=np.ones((1, 4, 3))),
        X64,
        P64,
        ValueError,
        r"pos_weight broadcastable.*got shape \(1, 4, 3\)",
        id="C3.1.2-cross-entropy-bce-logits-pos-weight-shape",
    ),
    pytest.param(
        snn.BCEWithLogitsLoss(),
        X64,
        np.zeros((4, 3), np.int64),
        TypeError,
        "floating dtype",
        id="C3.1.2-cross-entropy-bce-logits-int-target",
    ),
]


@pytest.mark.parametrize(("loss", "x", "target", "error", "match"), BAD_INPUT)
def test_bad_input_fails_at_the_boundary(loss, x, target, error, match):
    with pytest.raises(error, match=match):
        loss(x, target)
    with pytest.raises(RuntimeError, match="without a forward"):  # nothing was cached
        loss.backward()


@pytest.mark.parametrize(
    ("name", "torch_gives"),
    [
        ("MSELoss", torch.float64),
        ("CrossEntropyLoss", torch.float64),
        ("BCEWithLogitsLoss", torch.float32),
        ("BCELoss", RuntimeError),
    ],
)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_a_float32_target_to_a_float64_input_torch_promotes_or_not_scratch_refuses(
    name, torch_gives, reduction
):
    """docs/differences-from-torch.md's row, as torch 2.14.1 behaves: MSE and cross-entropy with probability
    targets give a float64 loss, BCE-with-logits a float32 one (its ∂E/∂input stays float64), BCE raises;
    scratch raises ``TypeError`` naming both dtypes for every one of them."""
    x, target = np.full((4, 3), 0.25), np.full((4, 3), 0.5, dtype=np.float32)
    torch_loss = getattr(torch.nn, name)(reduction=reduction)
    x_t = torch.from_numpy(x).requires_grad_()
    if torch_gives is RuntimeError:
        with pytest.raises(RuntimeError, match="Found dtype Float but expected Double"):
            torch_loss(x_t, torch.from_numpy(target))
    else:
        e = torch_loss(x_t, torch.from_numpy(target))
        assert e.dtype == torch_gives
        e.sum().backward()
        assert x_t.grad.dtype == torch.float64
    with pytest.raises(TypeError, match=r"target of dtype float64 \(the input's dtype\), got dtype=float32"):
        getattr(snn, name)(reduction=reduction)(x, target)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        pytest.param(lambda: snn.MSELoss("avg"), "reduction to be one of", id="C3.1.2-mse-reduction"),
        pytest.param(
            lambda: snn.CrossEntropyLoss(reduction="batchmean"),
            "reduction",
            id="C3.1.2-cross-entropy-reduction",
        ),
        pytest.param(
            lambda: snn.NLLLoss(reduction=None), "reduction", id="C3.1.2-cross-entropy-nll-reduction"
        ),
        pytest.param(
            lambda: snn.BCELoss(reduction="max"), "reduction", id="C3.1.2-cross-entropy-bce-reduction"
        ),
        pytest.param(
            lambda: snn.BCEWithLogitsLoss(reduction=""), "reduction", id="C3.1.2-cross-entropy-bce-logits-red"
        ),
        pytest.param(
            lambda: snn.CrossEntropyLoss(label_smoothing=1.5),
            "label_smoothing in \\[0, 1\\], got 1.5",
            id="C3.1.2-cross-entropy-smoothing-range",
        ),
        pytest.param(
            lambda: snn.CrossEntropyLoss(weight=np.ones((2, 3))),
            "weight with 1 dimension",
            id="C3.1.2-cross-entropy-weight-2d",
        ),
    ],
)
def test_bad_arguments_fail_at_construction(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        pytest.param(
            lambda: snn.CrossEntropyLoss(ignore_index=1.0),
            TypeError,
            "ignore_index to be an int",
            id="C3.1.2-cross-entropy-ignore-index-float",
        ),
        pytest.param(
            lambda: snn.CrossEntropyLoss(weight=[1.0, 2.0]),
            TypeError,
            "weight to be a numpy.ndarray",
            id="C3.1.2-cross-entropy-weight-list",
        ),
        pytest.param(
            lambda: snn.BCEWithLogitsLoss(pos_weight=np.ones(3, dtype=np.int64)),
            TypeError,
            "pos_weight to have a floating dtype",
            id="C3.1.2-cross-entropy-pos-weight-int",
        ),
    ],
)
def test_bad_argument_types_fail_at_construction(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(("make_scratch", "make_torch", "data"), CASES)
def test_backward_needs_a_forward_and_the_right_gradient(make_scratch, make_torch, data, rng):
    loss = make_scratch(C)
    with pytest.raises(RuntimeError, match="without a forward"):
        loss.backward()
    x, target = data(rng, np.float64, N, C)
    value = loss(x, target)
    with pytest.raises(ValueError, match="grad_output of shape"):
        loss.backward(np.ones((*value.shape, 2)))
    with pytest.raises(TypeError, match="grad_output of dtype float64.*float32"):
        loss.backward(np.ones(value.shape, np.float32))
    grad = loss.backward()  # a rejected grad_output leaves the cache in place
    assert grad.shape == x.shape and grad.dtype == x.dtype


def test_backward_releases_its_cache(rng):
    loss = snn.CrossEntropyLoss()
    loss(rng.standard_normal((3, 4)), np.array([0, 1, 2]))
    loss.backward()
    with pytest.raises(RuntimeError, match="without a forward"):
        loss.backward()


def test_reduced_backward_defaults_to_one_and_takes_a_python_float(rng):
    x, target = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    loss = snn.MSELoss()
    loss(x, target)
    g1 = loss.backward()
    loss(x, target)
    np.testing.assert_array_equal(loss.backward(2.5), 2.5 * g1)
    loss = snn.MSELoss("none")
    loss(x, target)
    np.testing.assert_array_equal(loss.backward(), 2 * (x - target))


@pytest.mark.parametrize(("make_scratch", "make_torch", "data"), CASES)
def test_arguments_are_not_mutated(make_scratch, make_torch, data, rng):
    x, target = data(rng, np.float64, N, C)
    loss = make_scratch(C)
    x_before, target_before = x.copy(), target.copy()
    value = loss(x, target)
    upstream = np.asarray(rng.standard_normal(value.shape))
    upstream_before = upstream.copy()
    loss.backward(upstream)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(target, target_before)
    np.testing.assert_array_equal(upstream, upstream_before)


@pytest.mark.parametrize(("make_scratch", "make_torch", "data"), CASES)
def test_state_dict_keys_match_torch_and_load_both_ways(make_scratch, make_torch, data):
    """Class weights and pos_weight are buffers in both twins, under torch's keys."""
    scratch_loss, torch_loss = make_scratch(C), make_torch(C).double()
    assert list(scratch_loss.state_dict()) == list(torch_loss.state_dict())
    load_numpy_state_dict(torch_loss, scratch_loss.state_dict())
    scratch_loss.load_state_dict(torch_loss.state_dict())
    for key, value in torch_loss.state_dict().items():
        assert_twin_close(scratch_loss.state_dict()[key], value, f"state_dict[{key!r}]")


# ---------------------------------------------------------------------------------------------- functions
# Each function of scratch.nn.functional.loss against torch.nn.functional's of the same name, directly.
FUNCTIONS = [  # (id, scratch forward, scratch backward, torch function, keyword arguments given C, data)
    ("C3.1.2-mse-F-mse_loss", SF.mse_loss, SF.mse_loss_backward, TF.mse_loss, lambda c: {}, regression),
    (
        "C3.1.2-mse-F-mse_loss-none",
        SF.mse_loss,
        SF.mse_loss_backward,
        TF.mse_loss,
        lambda c: {"reduction": "none"},
        regression_3d,
    ),
    (
        "C3.1.2-cross-entropy-F-nll_loss",
        SF.nll_loss,
        SF.nll_loss_backward,
        TF.nll_loss,
        lambda c: {},
        log_probabilities(class_indices),
    ),
    (
        "C3.1.2-cross-entropy-F-nll_loss-weight-ignore-spatial",
        SF.nll_loss,
        SF.nll_loss_backward,
        TF.nll_loss,
        lambda c: {"weight": class_weights(c), "ignore_index": IGNORE},
        log_probabilities(class_indices_spatial),
    ),
    (
        "C3.1.2-cross-entropy-F-cross_entropy",
        SF.cross_entropy,
        SF.cross_entropy_backward,
        TF.cross_entropy,
        lambda c: {},
        class_indices,
    ),
    (
        "C3.1.2-cross-entropy-F-cross_entropy-all-options",
        SF.cross_entropy,
        SF.cross_entropy_backward,
        TF.cross_entropy,
        lambda c: {
            "weight": class_weights(c),
            "ignore_index": IGNORE,
            "label_smoothing": EPS,
            "reduction": "sum",
        },
        class_indices_spatial,
    ),
    (
        "C3.1.2-cross-entropy-F-cross_entropy-prob-smoothing",
        SF.cross_entropy,
        SF.cross_entropy_backward,
        TF.cross_entropy,
        lambda c: {"weight": class_weights(c), "label_smoothing": EPS, "reduction": "none"},
        probabilities_spatial,
    ),
    (
        "C3.1.2-cross-entropy-F-binary_cross_entropy",
        SF.binary_cross_entropy,
        SF.binary_cross_entropy_backward,
        TF.binary_cross_entropy,
        lambda c: {"weight": class_weights(c)},
        binary,
    ),
    (
        "C3.1.2-cross-entropy-F-binary_cross_entropy_with_logits",
        SF.binary_cross_entropy_with_logits,
        SF.binary_cross_entropy_with_logits_backward,
        TF.binary_cross_entropy_with_logits,
        lambda c: {"weight": class_weights(c), "pos_weight": 3 * class_weights(c), "reduction": "none"},
        binary_logits,
    ),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(
    ("forward", "backward", "torch_fn", "kwargs", "data"),
    [pytest.param(*row[1:], id=row[0]) for row in FUNCTIONS],
)
def test_functions_match_torch_functional(forward, backward, torch_fn, kwargs, data, dtype, rng, request):
    what = request.node.callspec.id
    x, target = data(rng, dtype, N, C)
    options = {k: v.astype(dtype) if isinstance(v, np.ndarray) else v for k, v in kwargs(C).items()}
    value, cache = forward(x, target, **options)
    x_t = to_torch(x, requires_grad=True)
    value_t = torch_fn(x_t, tensor(target), **_tensors(options))
    assert_twin_close(value, value_t, f"{what}: value")
    upstream = np.asarray(rng.standard_normal(value.shape)).astype(dtype)
    value_t.backward(tensor(upstream))
    assert_twin_close(backward(upstream, cache), x_t.grad, f"{what}: gradient of the input")


# ---------------------------------------------------------------------------------------------- boundaries
def test_bce_target_outside_0_1_is_refused_by_both_twins():
    """torch (2.14.1 here) checks the target too ("all elements of target should be between 0 and 1")."""
    x = np.array([0.5, 0.5, 0.5])
    for bad in (2.0, -0.1, np.nan):
        target = np.array([0.0, bad, 1.0])
        with pytest.raises(RuntimeError, match="target should be between 0 and 1"):
            tnn.BCELoss()(tensor(x), tensor(target))
        with pytest.raises(ValueError, match=r"every element of target in \[0, 1\]"):
            snn.BCELoss()(x, target)


@pytest.mark.parametrize(
    ("scratch_loss", "torch_loss"),
    [
        pytest.param(snn.BCELoss(), tnn.BCELoss(), id="C3.1.2-cross-entropy-bce-size-mismatch"),
        pytest.param(
            snn.BCEWithLogitsLoss(), tnn.BCEWithLogitsLoss(), id="C3.1.2-cross-entropy-bce-logits-size"
        ),
    ],
)
def test_binary_losses_refuse_a_target_of_another_size_in_both_twins(scratch_loss, torch_loss):
    x, target = np.full((4, 3), 0.5), np.full((4, 1), 0.5)
    with pytest.raises(ValueError):
        torch_loss(tensor(x), tensor(target))
    with pytest.raises(ValueError, match=r"target of shape \(4, 3\)"):
        scratch_loss(x, target)


def test_mse_size_mismatch_torch_warns_and_broadcasts_scratch_raises():
    """The one deliberate difference of shape rules (docs/differences-from-torch.md)."""
    x, target = np.zeros((4, 3)), np.zeros((4, 1))
    with pytest.warns(UserWarning, match="different to the input size"):
        tnn.MSELoss()(tensor(x), tensor(target))
    with pytest.raises(ValueError, match="no broadcasting"):
        snn.MSELoss()(x, target)


@pytest.mark.parametrize("ignore_index", [0, 2], ids=lambda i: f"C3.1.2-cross-entropy-prob-ignore-{i}")
def test_probability_targets_refuse_any_non_negative_ignore_index_as_torch(ignore_index):
    x, q = np.zeros((2, 3)), np.full((2, 3), 1 / 3)
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point target"):
        tnn.CrossEntropyLoss(ignore_index=ignore_index)(tensor(x), tensor(q))
    with pytest.raises(ValueError, match="ignore_index is not supported"):
        snn.CrossEntropyLoss(ignore_index=ignore_index)(x, q)


BOUNDARY_EDGES = [
    pytest.param(
        snn.CrossEntropyLoss(label_smoothing=1.0),
        tnn.CrossEntropyLoss(label_smoothing=1.0),
        np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]]),
        np.array([0, 2]),
        id="C3.1.2-cross-entropy-smoothing-1.0",
    ),
    pytest.param(
        snn.CrossEntropyLoss(ignore_index=0),
        tnn.CrossEntropyLoss(ignore_index=0),
        np.array([[-INF, 0.0, 1.0], [0.0, 1.0, 2.0]]),
        np.array([0, 1]),
        id="C3.1.2-cross-entropy-ignored-row-neg-inf-mean",
    ),
    pytest.param(
        snn.CrossEntropyLoss(ignore_index=0, reduction="none", label_smoothing=EPS),
        tnn.CrossEntropyLoss(ignore_index=0, reduction="none", label_smoothing=EPS),
        np.array([[-INF, 0.0, 1.0], [0.0, 1.0, 2.0]]),
        np.array([0, 1]),
        id="C3.1.2-cross-entropy-ignored-row-neg-inf-smoothing-none",
    ),
    pytest.param(
        snn.NLLLoss(ignore_index=0, reduction="sum"),
        tnn.NLLLoss(ignore_index=0, reduction="sum"),
        np.array([[-INF, -1.0], [-0.5, -1.0]]),
        np.array([0, 1]),
        id="C3.1.2-cross-entropy-nll-ignored-neg-inf-sum",
    ),
]


@pytest.mark.parametrize(("scratch_loss", "torch_loss", "x", "target"), BOUNDARY_EDGES)
def test_boundaries_match_torch(scratch_loss, torch_loss, x, target, rng, request):
    """label_smoothing = 1 is valid; an ignored row whose logit is −inf leaves the loss finite."""
    value, _, _ = check_twins(request.node.callspec.id, scratch_loss, torch_loss, x, target, rng)
    assert np.all(np.isfinite(value))


EMPTY = [  # (id, scratch factory, torch factory, input, target)
    ("C3.1.2-mse-empty", snn.MSELoss, tnn.MSELoss, np.zeros((0, 3)), np.zeros((0, 3))),
    (
        "C3.1.2-cross-entropy-ce-empty",
        snn.CrossEntropyLoss,
        tnn.CrossEntropyLoss,
        np.zeros((0, 3)),
        np.zeros(0, np.int64),
    ),
    (
        "C3.1.2-cross-entropy-ce-prob-empty",
        snn.CrossEntropyLoss,
        tnn.CrossEntropyLoss,
        np.zeros((0, 3)),
        np.zeros((0, 3)),
    ),
    ("C3.1.2-cross-entropy-nll-empty", snn.NLLLoss, tnn.NLLLoss, np.zeros((0, 3)), np.zeros(0, np.int64)),
    ("C3.1.2-cross-entropy-bce-empty", snn.BCELoss, tnn.BCELoss, np.zeros(0), np.zeros(0)),
    (
        "C3.1.2-cross-entropy-bce-logits-empty",
        snn.BCEWithLogitsLoss,
        tnn.BCEWithLogitsLoss,
        np.zeros(0),
        np.zeros(0),
    ),
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    ("make_scratch", "make_torch", "x", "target"), [pytest.param(*r[1:], id=r[0]) for r in EMPTY]
)
def test_zero_size_input_matches_torch(make_scratch, make_torch, x, target, reduction, rng, request):
    """An empty batch: 'mean' is nan (0 / 0), 'sum' 0, 'none' empty, as torch; no NumPy warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_twins(
            request.node.callspec.id,
            make_scratch(reduction=reduction),
            make_torch(reduction=reduction),
            x,
            target,
            rng,
        )


def test_nan_label_smoothing_is_refused_where_torch_lets_it_through():
    """A deliberate difference: torch's ``label_smoothing > 0`` is false for NaN, so it silently computes
    the loss without smoothing; here NaN raises at construction."""
    x, t = torch.tensor([[1.0, -1.0, 0.5]]), torch.tensor([0])
    assert torch.equal(tnn.CrossEntropyLoss(label_smoothing=float("nan"))(x, t), tnn.CrossEntropyLoss()(x, t))
    with pytest.raises(ValueError, match="label_smoothing in"):
        snn.CrossEntropyLoss(label_smoothing=np.nan)


@pytest.mark.parametrize(
    ("make", "name", "bad"),
    [
        pytest.param("HuberLoss", "delta", 0.0, id="C3.1.2-huber-delta-0"),
        pytest.param("HuberLoss", "delta", -1.0, id="C3.1.2-huber-delta-negative"),
        pytest.param("SmoothL1Loss", "beta", -1.0, id="C3.1.2-huber-smooth-l1-beta-negative"),
    ],
)
def test_huber_thresholds_are_refused_where_torch_refuses_them(make, name, bad):
    """torch refuses them at the first call (RuntimeError); scratch at construction, naming the argument."""
    with pytest.raises(RuntimeError, match=name):
        getattr(tnn, make)(**{name: bad})(torch.zeros(2), torch.zeros(2))
    with pytest.raises(ValueError, match=f"expected {name} to be a finite number"):
        getattr(snn, make)(**{name: bad})
    for fine in (0.5, 2):
        getattr(snn, make)(**{name: fine})
    if make == "SmoothL1Loss":
        snn.SmoothL1Loss(beta=0.0)  # β = 0 is the L1 loss, allowed in both
