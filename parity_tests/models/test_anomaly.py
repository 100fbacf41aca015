"""C1.1-anomaly: the ROC AUC by ranks in both twins against scikit-learn, and the reconstruction error as
the score (seed §1.1, 이상 탐지).

``roc_auc`` (midranks, ties counting ½) equals ``sklearn.metrics.roc_auc_score`` (which integrates the ROC
curve by the trapezoid rule) within the float64 contract, with and without ties; the midranks equal
``scipy.stats.rankdata`` exactly. The detector itself, trained on 0–4 and flagging 5–9, is in
``parity_tests/experiments/test_unsupervised.py`` (slow).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

from parity_tests.parity import assert_twin_close, to_torch, tolerance
from scratch.models import anomaly as sa
from scratch.models import autoencoder as sae
from torch_impl.models import anomaly as ta
from torch_impl.models import autoencoder as tae


def _scores(rng, ties: bool) -> tuple[np.ndarray, np.ndarray]:
    truth = rng.random(400) < 0.3
    scores = rng.standard_normal(400) + 1.2 * truth
    return (np.round(scores * 2) / 2 if ties else scores), truth  # ties: many equal scores


@pytest.mark.parametrize("ties", [False, True], ids=["C1.1-anomaly-auc", "C1.1-anomaly-auc-ties"])
def test_roc_auc_matches_sklearn(ties, rng, device):
    scores, truth = _scores(rng, ties)
    if ties:
        assert len(np.unique(scores)) < len(scores) / 10
    auc = sa.roc_auc(scores, truth)
    twin = ta.roc_auc(to_torch(scores, device), to_torch(truth, device))
    np.testing.assert_allclose([auc, twin], roc_auc_score(truth, scores), **tolerance(np.float64))
    np.testing.assert_array_equal(sa.midranks(scores), rankdata(scores))
    np.testing.assert_array_equal(ta.midranks(to_torch(scores, device)).cpu().numpy(), rankdata(scores))


def test_roc_auc_extremes():
    truth = np.array([0, 0, 1, 1])
    assert sa.roc_auc(np.array([0.0, 1.0, 2.0, 3.0]), truth) == 1.0  # every anomaly above every normal
    assert sa.roc_auc(np.array([3.0, 2.0, 1.0, 0.0]), truth) == 0.0
    assert sa.roc_auc(np.ones(4), truth) == 0.5  # all tied: chance
    with pytest.raises(ValueError, match="both kinds"):
        sa.roc_auc(np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="is_anomaly"):
        sa.roc_auc(np.ones(3), np.zeros(4))


def test_reconstruction_error_twins(rng):
    spec = sae.AutoencoderSpec(8, (5,), 2, "tanh")
    model = sae.Autoencoder(spec, rng)
    twin = tae.Autoencoder(spec)
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    x = rng.random((20, 8))
    errors = sae.reconstruction_error(model, x)
    assert errors.shape == (20,)
    assert_twin_close(
        errors, tae.reconstruction_error(twin, to_torch(x)), "C1.1-anomaly: reconstruction error"
    )
    np.testing.assert_allclose(errors, np.mean((model(x) - x) ** 2, axis=1), **tolerance(np.float64))
