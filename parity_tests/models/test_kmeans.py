"""C1.1-kmeans: k-means in both twins against scikit-learn (seed §1.1, 군집화).

From the same k-means++ centres (drawn by both twins from generators in the same state), Lloyd's
iterations in the scratch twin, the torch twin and ``sklearn.cluster.KMeans(init=centres, n_init=1,
tol=0, algorithm="lloyd")`` end with the same labels (exactly), the same number of iterations, and centres
and inertia within the float64 contract (rtol 1e-10, atol 1e-12): scikit-learn computes in float64 too,
on the data minus its mean (added back to the centres) and in another summation order, so the three
differ only by round-off (measured: centres within 2.4e-15 absolute, inertia within 2.3e-16 relative,
on both sets). The seeding's D² law is checked statistically.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

from parity_tests.parity import assert_twin_close, to_torch, tolerance
from scratch.data.datasets import load_digits
from scratch.models import kmeans as sk
from torch_impl.models import kmeans as tk


def _blobs() -> tuple[np.ndarray, int]:
    x, _ = make_blobs(300, centers=4, cluster_std=1.5, random_state=0)
    return x, 4


def _digits() -> tuple[np.ndarray, int]:
    return load_digits()[0], 10


DATA = [pytest.param(_blobs, id="C1.1-kmeans-blobs"), pytest.param(_digits, id="C1.1-kmeans-digits")]


@pytest.mark.parametrize("make", DATA)
def test_twins_and_sklearn_reach_the_same_clustering(make, device):
    x, k = make()
    seed = np.random.SeedSequence(7)
    centres = sk.kmeans_plusplus(x, k, np.random.default_rng(seed))
    torch_centres = tk.kmeans_plusplus(to_torch(x, device), k, np.random.default_rng(seed))
    assert_twin_close(centres, torch_centres, "C1.1-kmeans: k-means++ centres")
    ours = sk.lloyd(x, centres)
    twin = tk.lloyd(to_torch(x, device), to_torch(centres, device))
    reference = KMeans(k, init=centres, n_init=1, tol=0.0, algorithm="lloyd").fit(x)
    assert ours.n_iter > 1, "C1.1-kmeans: the test should need more than one round"
    np.testing.assert_array_equal(ours.labels, twin.labels.cpu().numpy(), "C1.1-kmeans: labels, torch")
    np.testing.assert_array_equal(ours.labels, reference.labels_, "C1.1-kmeans: labels, scikit-learn")
    assert ours.n_iter == twin.n_iter == reference.n_iter_
    assert_twin_close(ours.centres, twin.centres, "C1.1-kmeans: centres")
    np.testing.assert_allclose(ours.centres, reference.cluster_centers_, **tolerance(np.float64))
    np.testing.assert_allclose([ours.inertia, twin.inertia], reference.inertia_, **tolerance(np.float64))


def test_lloyd_never_raises_the_inertia():
    x, k = _blobs()
    centres = sk.kmeans_plusplus(x, k, np.random.default_rng(3))
    inertias = [sk.lloyd(x, centres, max_iter=t).inertia for t in range(1, 8)]
    assert all(b <= a * (1 + 1e-12) for a, b in itertools.pairwise(inertias)), inertias
    assert inertias[-1] < inertias[0]


def test_kmeans_plusplus_draws_by_squared_distance():
    """On x = (0, 1, 3, 6): the first centre uniform, the second with probability D²/ΣD². Over M draws each
    pair's frequency lies within 5 standard deviations √(p(1 − p)/M) of its probability (a failure by
    chance has probability < 1e-5 over the 12 pairs)."""
    x = np.array([[0.0], [1.0], [3.0], [6.0]])
    d2 = (x - x.T) ** 2
    expected = d2 / d2.sum(axis=1, keepdims=True) / 4  # P(first = i, second = j)
    rng = np.random.default_rng(11)
    draws = 1500
    counts = np.zeros((4, 4))
    for _ in range(draws):
        first, second = sk.kmeans_plusplus(x, 2, rng)[:, 0]
        counts[int(np.flatnonzero(x[:, 0] == first)[0]), int(np.flatnonzero(x[:, 0] == second)[0])] += 1
    frequency = counts / draws
    sigma = np.sqrt(expected * (1 - expected) / draws)
    assert np.all(np.abs(frequency - expected) <= 5 * sigma + 1e-12), (frequency, expected)
    assert np.all(np.diag(counts) == 0), "a chosen point has D = 0 and is never drawn again"


def test_bad_input_is_named():
    x = np.zeros((5, 2))
    with pytest.raises(ValueError, match="k <= N"):
        sk.kmeans_plusplus(x, 6, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        sk.kmeans_plusplus(x, 2, 0)
    with pytest.raises(ValueError, match="centres"):
        sk.lloyd(x, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="k in"):
        tk.kmeans_plusplus(torch.zeros(5, 2), 6, np.random.default_rng(0))
