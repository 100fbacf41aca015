"""C1.1-pca: 비지도학습: 차원축소 (PCA, torch twin), seed §1.1

The torch twin of ``scratch.models.pca``: ``torch.linalg.svd`` of the centred data, the same sign
convention (each component's largest entry positive, scikit-learn's ``svd_flip`` with
``u_based_decision=False``). The math is in the scratch twin.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class PCAResult:
    """Twin of ``scratch.models.pca.PCAResult``: mean (D,), components (k, D), explained variance (k,)
    and its ratio (k,)."""

    mean: torch.Tensor
    components: torch.Tensor
    explained_variance: torch.Tensor
    explained_variance_ratio: torch.Tensor

    def transform(self, x: torch.Tensor) -> torch.Tensor:
        """z = (x − μ) Vₖᵀ, (N, D) -> (N, k)."""
        return (x - self.mean) @ self.components.T

    def inverse_transform(self, z: torch.Tensor) -> torch.Tensor:
        """x̂ = z Vₖ + μ, (N, k) -> (N, D)."""
        return z @ self.components + self.mean


def pca(x: torch.Tensor, n_components: int) -> PCAResult:
    """C1.1-pca: 비지도학습: 차원축소 (PCA by SVD), seed §1.1

    ``torch.linalg.svd(x − μ, full_matrices=False)``, signs flipped so each component's largest entry is
    positive. Twin of ``scratch.models.pca.pca``.

    Example:
        >>> x = torch.tensor([[0.0, 0.0], [2.0, 1.0], [4.0, 2.0]], dtype=torch.float64)
        >>> pca(x, 1).components.round(decimals=4).tolist()
        [[0.8944, 0.4472]]
    """
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"pca: expected x of shape (N, D) with N >= 2, got {tuple(x.shape)}")
    if (
        isinstance(n_components, bool)
        or not isinstance(n_components, int)
        or not 1 <= n_components <= min(x.shape)
    ):
        raise ValueError(
            f"pca: expected n_components in [1, min(N, D) = {min(x.shape)}], got {n_components!r}"
        )
    mean = x.mean(dim=0)
    _, s, vt = torch.linalg.svd(x - mean, full_matrices=False)
    largest = vt.abs().argmax(dim=1)
    vt = vt * torch.sign(vt[torch.arange(len(vt)), largest])[:, None]
    variance = s**2 / (len(x) - 1)
    k = n_components
    return PCAResult(mean, vt[:k].clone(), variance[:k].clone(), variance[:k] / variance.sum())


def principal_angles(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """C1.1-pca: 비지도학습: 차원축소 (principal angles), seed §1.1 — arccos of the singular values of
    Q_aᵀ Q_b, ascending, in radians. Twin of ``scratch.models.pca.principal_angles``.

    Example:
        >>> a = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
        >>> b = torch.tensor([[1.0], [1.0]], dtype=torch.float64)
        >>> torch.rad2deg(principal_angles(a, b)).round(decimals=6).tolist()
        [45.0]
    """
    qa, _ = torch.linalg.qr(a)
    qb, _ = torch.linalg.qr(b)
    cosines = torch.linalg.svdvals(qa.T @ qb)
    return torch.arccos(cosines.clamp(-1.0, 1.0))
