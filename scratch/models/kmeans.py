r"""C1.1-kmeans: 비지도학습: 군집화 (k-means clustering), seed §1.1

The seed's first unsupervised task, 군집화 (clustering): group inputs that have no labels. k-means groups
N points into k clusters, each the set of points nearest to its centre.

* ``kmeans_plusplus``: the k-means++ seeding (Arthur & Vassilvitskii 2007), every draw from an explicit
  ``np.random.Generator``;
* ``lloyd``: Lloyd's iterations from given centres, to the fixed point where no label changes.

Given the same initial centres, ``sklearn.cluster.KMeans(init=centres, n_init=1, tol=0)`` reaches the same
labels, centres and inertia (``parity_tests/models/test_kmeans.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scratch.nn.checks import check_floating, check_positive_int


@dataclass(frozen=True)
class KMeansResult:
    """What ``lloyd`` returns.

    Attributes:
        labels: (N,) int64, each point's cluster (the nearest centre).
        centres: (k, D), the mean of each cluster's points.
        inertia: Σᵢ ‖xᵢ − c_{labelᵢ}‖², the objective k-means lowers.
        n_iter: how many assignment-and-update rounds ran (the last one changed no label).
    """

    labels: np.ndarray
    centres: np.ndarray
    inertia: float
    n_iter: int


def squared_distances(x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """‖xᵢ − c_j‖² for every point and centre, (N, D), (k, D) -> (N, k), from the differences (no
    ‖x‖² − 2x·c + ‖c‖² expansion, whose cancellation loses digits near a centre)."""
    diff = x[:, None, :] - centres[None, :, :]  # (N, k, D)
    return np.einsum("nkd,nkd->nk", diff, diff)


def lloyd(x: np.ndarray, centres: np.ndarray, max_iter: int = 300) -> KMeansResult:
    r"""C1.1-kmeans: 비지도학습: 군집화 (Lloyd's iterations), seed §1.1

    Math:      E = Σᵢ ‖xᵢ − c_{lᵢ}‖² (the inertia), lowered by turns in each of its two arguments:
               assign   lᵢ ← argmin_j ‖xᵢ − c_j‖²            (each point to its nearest centre; E ↓ in l)
               update   c_j ← (1/|S_j|) Σ_{i∈S_j} xᵢ,  S_j = {i : lᵢ = j}   (the mean minimises Σ‖xᵢ − c‖²)
               until an assignment changes no label (then the update changes no centre: a fixed point).
               E never rises, and there are finitely many labelings, so it stops.
    Shape:     x (N, D), centres (k, D) -> labels (N,), centres (k, D), inertia (a float).
    Args:
        x: the points (floating).
        centres: the initial centres (e.g. ``kmeans_plusplus``), x's dtype; not modified.
        max_iter: the most rounds (default 300, scikit-learn's); the result is then the last assignment.
    Differs from scikit-learn: a cluster that loses every point keeps its centre (scikit-learn moves it to
        a far point) — never the case from k-means++ centres on the data sets here; the tie-break
        (lowest index) is the same (argmin).

    Example:
        >>> x = np.array([[0.0], [1.0], [10.0], [11.0]])
        >>> result = lloyd(x, np.array([[0.0], [1.0]]))
        >>> result.labels.tolist(), result.centres.ravel().tolist(), result.inertia
        ([0, 0, 1, 1], [0.5, 10.5], 1.0)
    """
    x, centres = _check(x, centres, max_iter)
    labels = np.full(len(x), -1)
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        new_labels = squared_distances(x, centres).argmin(axis=1)  # assign
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for j in range(len(centres)):  # update; an empty cluster keeps its centre
            members = x[labels == j]
            if len(members):
                centres[j] = members.mean(axis=0)
    inertia = float(np.sum((x - centres[labels]) ** 2))
    return KMeansResult(labels.astype(np.int64), centres, inertia, n_iter)


def kmeans_plusplus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    r"""C1.1-kmeans: 비지도학습: 군집화 (k-means++ seeding), seed §1.1

    Math:      c₁ = x_i with i ~ uniform{1…N};  then, k − 1 times, with D(xᵢ)² = min over the chosen
               centres of ‖xᵢ − c‖²:  the next centre is xᵢ with probability D(xᵢ)² / Σ_m D(x_m)²
               (far points are likely, a point already chosen has probability 0).
               Drawn by inversion: u ~ U[0, 1), i = the first index whose cumulative sum of D² exceeds
               u · Σ D²; the torch twin takes the same generator and draws the same u.
    Shape:     x (N, D) -> centres (k, D), copies of k of the points.
    Args:
        x: the points (floating).
        k: how many centres (1 ≤ k ≤ N).
        rng: the generator of every draw (one integer, then k − 1 uniforms).
    Differs from scikit-learn: its ``kmeans_plusplus`` is the "greedy" variant (2 + ⌊ln k⌋ candidates per
        centre, the one that lowers the inertia most kept) and draws from a ``RandomState``; this is the
        paper's one-candidate version.

    Example:
        >>> x = np.array([[0.0], [1.0], [10.0]])
        >>> kmeans_plusplus(x, 3, np.random.default_rng(0)).ravel().tolist()  # every point, in some order
        [10.0, 0.0, 1.0]
    """
    x = check_floating("kmeans_plusplus", "x", x)
    if x.ndim != 2:
        raise ValueError(f"kmeans_plusplus: expected x of shape (N, D), got {x.shape}")
    k = check_positive_int("kmeans_plusplus", "k", k)
    if k > len(x):
        raise ValueError(f"kmeans_plusplus: expected k <= N = {len(x)}, got {k}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"kmeans_plusplus: expected rng to be a np.random.Generator, got {type(rng).__name__}"
        )
    chosen = [int(rng.integers(len(x)))]
    d2 = squared_distances(x, x[chosen]).min(axis=1)  # D(xᵢ)²
    for _ in range(k - 1):
        cumulative = np.cumsum(d2)
        i = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
        chosen.append(min(i, len(x) - 1))
        d2 = np.minimum(d2, squared_distances(x, x[chosen[-1:]])[:, 0])
    return x[chosen].copy()


def _check(x: np.ndarray, centres: np.ndarray, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    x = check_floating("lloyd", "x", x)
    centres = check_floating("lloyd", "centres", centres)
    if x.ndim != 2 or centres.ndim != 2 or centres.shape[1] != x.shape[1]:
        raise ValueError(
            f"lloyd: expected x (N, D) and centres (k, D), got shapes {x.shape} and {centres.shape}"
        )
    if centres.dtype != x.dtype:
        raise ValueError(f"lloyd: expected centres of x's dtype {x.dtype}, got {centres.dtype}")
    check_positive_int("lloyd", "max_iter", max_iter)
    return x, centres.copy()
