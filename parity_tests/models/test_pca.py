"""C1.1-pca: PCA by SVD in both twins against scikit-learn (seed §1.1, 차원축소).

On the digits (1797 × 64), the scratch twin (``np.linalg.svd``), the torch twin (``torch.linalg.svd``) and
``sklearn.decomposition.PCA(10, svd_solver="full")`` (``scipy.linalg.svd``) agree within the float64
contract: components (the same sign convention, scikit-learn's ``svd_flip`` with u_based_decision=False:
each component's largest entry positive — also checked up to sign, which needs no convention), explained
variance and its ratio, and the transform. The SVDs differ by round-off only, because the first 10
singular values are well apart (the test checks the smallest relative gap); measured: the scratch twin's
components equal scikit-learn's exactly (0.0), the torch twin's within 5.6e-15. ``svd_solver="full"``
is named: scikit-learn's default for this shape is "covariance_eigh", an eigendecomposition of XᵀX whose
components carry the squared condition number's error.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from parity_tests.parity import assert_twin_close, to_torch, tolerance
from scratch.data.datasets import load_digits
from scratch.models import pca as sp
from torch_impl.models import pca as tp

K = 10


@pytest.fixture(scope="module")
def fitted():
    x = load_digits()[0]
    return x, sp.pca(x, K), tp.pca(to_torch(x), K), PCA(K, svd_solver="full").fit(x)


def test_components_match_sklearn(fitted):
    _, ours, twin, reference = fitted
    gaps = np.diff(-reference.singular_values_) / reference.singular_values_[1:]
    assert gaps.min() > 1e-3, f"C1.1-pca: singular values too close for a stable comparison: {gaps.min()}"
    assert_twin_close(ours.components, twin.components, "C1.1-pca: components")
    np.testing.assert_allclose(ours.components, reference.components_, **tolerance(np.float64))
    signs = np.sign(np.sum(ours.components * reference.components_, axis=1))  # up to sign, no convention
    np.testing.assert_allclose(
        ours.components * signs[:, None], reference.components_, **tolerance(np.float64)
    )
    np.testing.assert_allclose(ours.components @ ours.components.T, np.eye(K), atol=1e-12)


def test_variance_and_transform_match_sklearn(fitted):
    x, ours, twin, reference = fitted
    for name in ("explained_variance", "explained_variance_ratio", "mean"):
        assert_twin_close(getattr(ours, name), getattr(twin, name), f"C1.1-pca: {name}")
    np.testing.assert_allclose(
        ours.explained_variance, reference.explained_variance_, **tolerance(np.float64)
    )
    np.testing.assert_allclose(
        ours.explained_variance_ratio, reference.explained_variance_ratio_, **tolerance(np.float64)
    )
    codes = ours.transform(x)
    assert_twin_close(codes, twin.transform(to_torch(x)), "C1.1-pca: transform")
    np.testing.assert_allclose(codes, reference.transform(x), **tolerance(np.float64))
    assert_twin_close(
        ours.inverse_transform(codes), twin.inverse_transform(to_torch(codes)), "C1.1-pca: inverse transform"
    )


def test_reconstruction_error_is_the_dropped_variance(fitted):
    """Σ‖x − x̂‖² = Σ_{i>k} sᵢ²: what PCA leaves out is exactly the variance of the dropped directions."""
    x, ours, _, _ = fitted
    total = np.sum((x - x.mean(axis=0)) ** 2)
    kept = ours.explained_variance.sum() * (len(x) - 1)
    error = np.sum((x - ours.inverse_transform(ours.transform(x))) ** 2)
    np.testing.assert_allclose(error, total - kept, **tolerance(np.float64))


def test_principal_angles():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 2))
    mixed = a @ rng.standard_normal((2, 2))  # the same plane, another basis
    np.testing.assert_allclose(sp.principal_angles(a, mixed), 0.0, atol=1e-7)
    b = rng.standard_normal((6, 2))
    assert_twin_close(sp.principal_angles(a, b), tp.principal_angles(to_torch(a), to_torch(b)), "angles")
    e = np.eye(3)
    np.testing.assert_allclose(np.degrees(sp.principal_angles(e[:, :2], e[:, 1:])), [0.0, 90.0], atol=1e-7)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="n_components"):
        sp.pca(np.zeros((5, 3)), 4)
    with pytest.raises(ValueError, match="n_components"):
        tp.pca(torch.zeros(5, 3, dtype=torch.float64), 0)
