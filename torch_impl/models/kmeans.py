"""C1.1-kmeans: 비지도학습: 군집화 (k-means clustering, torch twin), seed §1.1

The torch twin of ``scratch.models.kmeans``: the same assignment and update on tensors (``torch.cdist``
is not used: it computes through ‖x‖² − 2x·c + ‖c‖² for large inputs, which loses digits), and the
k-means++ seeding with the uniforms drawn from the same ``np.random.Generator`` (torch's generator gives
other numbers: the draws are injected, as for dropout masks). The math is in the scratch twin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class KMeansResult:
    """Twin of ``scratch.models.kmeans.KMeansResult``: labels (N,) int64, centres (k, D), inertia, n_iter."""

    labels: torch.Tensor
    centres: torch.Tensor
    inertia: float
    n_iter: int


def squared_distances(x: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """‖xᵢ − c_j‖², (N, D), (k, D) -> (N, k), from the differences."""
    diff = x[:, None, :] - centres[None, :, :]
    return torch.einsum("nkd,nkd->nk", diff, diff)


def lloyd(x: torch.Tensor, centres: torch.Tensor, max_iter: int = 300) -> KMeansResult:
    """C1.1-kmeans: 비지도학습: 군집화 (Lloyd's iterations), seed §1.1

    Assign each point to its nearest centre, move each centre to its points' mean, until no label
    changes. Twin of ``scratch.models.kmeans.lloyd`` (an empty cluster keeps its centre).

    Example:
        >>> x = torch.tensor([[0.0], [1.0], [10.0], [11.0]], dtype=torch.float64)
        >>> result = lloyd(x, torch.tensor([[0.0], [1.0]], dtype=torch.float64))
        >>> result.labels.tolist(), result.centres.ravel().tolist(), result.inertia
        ([0, 0, 1, 1], [0.5, 10.5], 1.0)
    """
    if x.ndim != 2 or centres.ndim != 2 or centres.shape[1] != x.shape[1]:
        raise ValueError(
            f"lloyd: expected x (N, D) and centres (k, D), got shapes {tuple(x.shape)} and "
            f"{tuple(centres.shape)}"
        )
    if centres.dtype != x.dtype:
        raise ValueError(f"lloyd: expected centres of x's dtype {x.dtype}, got {centres.dtype}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter <= 0:
        raise ValueError(f"lloyd: expected max_iter to be a positive integer, got {max_iter!r}")
    centres = centres.clone()
    labels = torch.full((len(x),), -1, dtype=torch.int64, device=x.device)
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        new_labels = squared_distances(x, centres).argmin(dim=1)
        if torch.equal(new_labels, labels):
            break
        labels = new_labels
        for j in range(len(centres)):
            members = x[labels == j]
            if len(members):
                centres[j] = members.mean(dim=0)
    inertia = float(((x - centres[labels]) ** 2).sum())
    return KMeansResult(labels, centres, inertia, n_iter)


def kmeans_plusplus(x: torch.Tensor, k: int, rng: np.random.Generator) -> torch.Tensor:
    """C1.1-kmeans: 비지도학습: 군집화 (k-means++ seeding), seed §1.1

    The first centre uniformly, each next one with probability D(x)²/ΣD², drawn by inversion with the
    uniforms of the NumPy generator ``rng``. Twin of ``scratch.models.kmeans.kmeans_plusplus``.

    Example:
        >>> x = torch.tensor([[0.0], [1.0], [10.0]], dtype=torch.float64)
        >>> kmeans_plusplus(x, 3, np.random.default_rng(0)).ravel().tolist()
        [10.0, 0.0, 1.0]
    """
    if x.ndim != 2:
        raise ValueError(f"kmeans_plusplus: expected x of shape (N, D), got {tuple(x.shape)}")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(x):
        raise ValueError(f"kmeans_plusplus: expected k in [1, N = {len(x)}], got {k!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"kmeans_plusplus: expected rng to be a np.random.Generator, got {type(rng).__name__}"
        )
    chosen = [int(rng.integers(len(x)))]
    d2 = squared_distances(x, x[chosen]).min(dim=1).values
    for _ in range(k - 1):
        cumulative = torch.cumsum(d2, dim=0)
        u = torch.tensor(rng.random() * float(cumulative[-1]), dtype=x.dtype, device=x.device)
        i = int(torch.searchsorted(cumulative, u, right=True))
        chosen.append(min(i, len(x) - 1))
        d2 = torch.minimum(d2, squared_distances(x, x[chosen[-1:]])[:, 0])
    return x[chosen].clone()
