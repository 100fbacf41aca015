r"""C1.1-anomaly: 비지도학습: 이상 탐지 (anomaly detection), seed §1.1

The seed's second unsupervised task, 이상 탐지 (anomaly detection; "딥러닝에서도 자주 다루는 주제"): flag the
inputs unlike the ones seen in training. The score is an autoencoder's 재구성 오차 (reconstruction error,
``scratch.models.autoencoder.reconstruction_error``); how well a score separates anomalies from normal
inputs, over every threshold at once, is the area under the ROC curve, ``roc_auc``.
"""

from __future__ import annotations

import numpy as np

from scratch.nn.checks import check_floating


def midranks(s: np.ndarray) -> np.ndarray:
    """Each value's rank among ``s`` (1 = smallest), tied values sharing the mean of their ranks:
    (N,) -> (N,) float64. ``midranks([1, 5, 5, 9]) = [1, 2.5, 2.5, 4]``."""
    order = np.argsort(s, kind="stable")
    ordered = s[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(ordered)) + 1])  # where each run of ties starts
    ends = np.concatenate([starts[1:], [len(s)]])
    ranks = np.empty(len(s), dtype=np.float64)
    ranks[order] = np.repeat((starts + 1 + ends) / 2, ends - starts)  # a run holds ranks starts+1 … ends
    return ranks


def roc_auc(scores: np.ndarray, is_anomaly: np.ndarray) -> float:
    r"""C1.1-anomaly: 비지도학습: 이상 탐지 (ROC AUC by ranks), seed §1.1

    Math:      AUC = P(s⁺ > s⁻) + ½ P(s⁺ = s⁻) for an anomaly's score s⁺ and a normal input's s⁻ drawn at
               random — the area under the ROC curve (true-positive rate against false-positive rate as the
               threshold sweeps). By ranks (Mann–Whitney): with rᵢ the midrank of sᵢ among all N = n⁺ + n⁻
               scores (ties share their mean rank, which counts a tied pair as ½),
               AUC = (Σ_{i anomalous} rᵢ − n⁺(n⁺ + 1)/2) / (n⁺ n⁻).
               1: every anomaly scores above every normal input; 0.5: the score is no better than chance.
    Shape:     scores (N,), is_anomaly (N,) bool or 0/1 -> a float in [0, 1].
    Args:
        scores: higher means more anomalous (floating).
        is_anomaly: the truth, with at least one of each kind.

    Example:
        >>> roc_auc(np.array([0.1, 0.4, 0.4, 0.8]), np.array([0, 0, 1, 1]))  # one tied pair counts ½
        0.875
    """
    scores = check_floating("roc_auc", "scores", scores)
    truth = np.asarray(is_anomaly)
    if scores.ndim != 1 or truth.shape != scores.shape:
        raise ValueError(
            f"roc_auc: expected scores (N,) and is_anomaly (N,), got {scores.shape} and {truth.shape}"
        )
    if not np.isin(truth, (0, 1)).all():
        raise ValueError("roc_auc: expected is_anomaly to hold only 0/1 or False/True")
    truth = truth.astype(bool)
    n_pos, n_neg = int(truth.sum()), int((~truth).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError(
            f"roc_auc: expected both kinds in is_anomaly, got {n_pos} anomalies and {n_neg} normal"
        )
    rank_sum = midranks(scores)[truth].sum()
    return float((rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
