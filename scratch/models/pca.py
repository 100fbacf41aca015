r"""C1.1-pca: 비지도학습: 차원축소 (principal component analysis), seed §1.1

The seed's third unsupervised task, 차원축소 (dimensionality reduction): describe each input by fewer
numbers while keeping as much of the data's spread as possible. PCA keeps the k directions of largest
variance, found by the singular value decomposition of the centred data.

Equal to ``sklearn.decomposition.PCA(k, svd_solver="full")``: components (with the same sign convention),
explained variance and its ratio, and the transform (``parity_tests/models/test_pca.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scratch.nn.checks import check_floating, check_positive_int


@dataclass(frozen=True)
class PCAResult:
    """A fitted PCA.

    Attributes:
        mean: (D,) the training data's mean μ.
        components: (k, D) the principal directions v₁…v_k as orthonormal rows, largest variance first.
        explained_variance: (k,) the variance along each, sᵢ² / (N − 1).
        explained_variance_ratio: (k,) each one's share of the total variance Σ_all sᵢ² / (N − 1).
    """

    mean: np.ndarray
    components: np.ndarray
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray

    def transform(self, x: np.ndarray) -> np.ndarray:
        """The codes z = (x − μ) Vₖᵀ, (N, D) -> (N, k)."""
        return (x - self.mean) @ self.components.T

    def inverse_transform(self, z: np.ndarray) -> np.ndarray:
        """The reconstruction x̂ = z Vₖ + μ, (N, k) -> (N, D): the projection of x onto the subspace."""
        return z @ self.components + self.mean


def pca(x: np.ndarray, n_components: int) -> PCAResult:
    r"""C1.1-pca: 비지도학습: 차원축소 (PCA by SVD), seed §1.1

    Math:      X̃ = X − μ (each column centred), X̃ = U S Vᵀ (thin SVD, s₁ ≥ s₂ ≥ …).
               The rows v₁…v_k of Vᵀ are the principal directions: the covariance
               X̃ᵀX̃/(N − 1) = V (S²/(N − 1)) Vᵀ,
               so vᵢ is its i-th eigenvector with variance sᵢ²/(N − 1); among all k-dimensional subspaces
               theirs keeps the most variance, i.e. the projection x̂ = μ + (x − μ)VₖᵀVₖ has the least
               squared reconstruction error Σ‖x − x̂‖² = Σ_{i>k} sᵢ².
               Sign: an SVD fixes each vᵢ only up to ±1; here, as scikit-learn's ``svd_flip(U, Vt,
               u_based_decision=False)``, each vᵢ's entry of largest magnitude is made positive.
    Shape:     x (N, D) -> components (k, D), explained_variance (k,), mean (D,);
               ``transform``: (N, D) -> (N, k).
    Args:
        x: the data, N ≥ 2 rows (floating).
        n_components: k, 1 ≤ k ≤ min(N, D).

    Example:
        >>> x = np.array([[0.0, 0.0], [2.0, 1.0], [4.0, 2.0]])  # points on the line y = x/2
        >>> fitted = pca(x, 1)
        >>> fitted.components.round(4).tolist(), fitted.explained_variance_ratio.round(12).tolist()
        ([[0.8944, 0.4472]], [1.0])
    """
    x = check_floating("pca", "x", x)
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"pca: expected x of shape (N, D) with N >= 2, got {x.shape}")
    k = check_positive_int("pca", "n_components", n_components)
    if k > min(x.shape):
        raise ValueError(f"pca: expected n_components <= min(N, D) = {min(x.shape)}, got {k}")
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    largest = np.abs(vt).argmax(axis=1)
    vt = vt * np.sign(vt[np.arange(len(vt)), largest])[:, None]  # svd_flip: largest entry positive
    variance = s**2 / (len(x) - 1)
    return PCAResult(mean, vt[:k].copy(), variance[:k].copy(), variance[:k] / variance.sum())


def principal_angles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""C1.1-pca: 비지도학습: 차원축소 (principal angles between two subspaces), seed §1.1

    Math:      with Q_a, Q_b orthonormal bases of span(columns of a) and span(columns of b), the cosines of
               the principal angles θ₁ ≤ … ≤ θ_k are the singular values of Q_aᵀ Q_b; θ = 0 for all k
               exactly when the subspaces are equal.
    Shape:     a (D, k), b (D, k) -> θ (k,) in radians, ascending.

    Example:
        >>> a, b = np.array([[1.0], [0.0]]), np.array([[1.0], [1.0]])
        >>> np.degrees(principal_angles(a, b)).round(6).tolist()
        [45.0]
    """
    qa, _ = np.linalg.qr(a)
    qb, _ = np.linalg.qr(b)
    cosines = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return np.arccos(np.clip(cosines, -1.0, 1.0))  # the cosines descend, so the angles ascend
