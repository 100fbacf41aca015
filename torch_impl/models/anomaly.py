"""C1.1-anomaly: 비지도학습: 이상 탐지 (anomaly detection, torch twin), seed §1.1

The torch twin of ``scratch.models.anomaly``: midranks by ``torch.sort(stable=True)`` and runs of ties,
and the rank-sum ROC AUC. torch has no ROC AUC of its own. The math is in the scratch twin.
"""

from __future__ import annotations

import torch


def midranks(s: torch.Tensor) -> torch.Tensor:
    """Ranks (1 = smallest), ties sharing their mean rank, (N,) -> (N,) float64."""
    ordered, order = torch.sort(s, stable=True)
    boundaries = torch.nonzero(torch.diff(ordered)).flatten() + 1
    starts = torch.cat([torch.zeros(1, dtype=torch.int64, device=s.device), boundaries])
    ends = torch.cat([starts[1:], torch.tensor([len(s)], device=s.device)])
    mean_rank = (starts + 1 + ends).to(torch.float64) / 2
    ranks = torch.empty(len(s), dtype=torch.float64, device=s.device)
    ranks[order] = torch.repeat_interleave(mean_rank, ends - starts)
    return ranks


def roc_auc(scores: torch.Tensor, is_anomaly: torch.Tensor) -> float:
    """C1.1-anomaly: 비지도학습: 이상 탐지 (ROC AUC by ranks), seed §1.1

    (Σ midranks of the anomalies − n⁺(n⁺ + 1)/2) / (n⁺ n⁻). Twin of ``scratch.models.anomaly.roc_auc``.

    Example:
        >>> roc_auc(torch.tensor([0.1, 0.4, 0.4, 0.8]), torch.tensor([0, 0, 1, 1]))
        0.875
    """
    if scores.ndim != 1 or is_anomaly.shape != scores.shape:
        raise ValueError(
            f"roc_auc: expected scores (N,) and is_anomaly (N,), got {tuple(scores.shape)} and "
            f"{tuple(is_anomaly.shape)}"
        )
    truth = is_anomaly.to(torch.bool)
    n_pos, n_neg = int(truth.sum()), int((~truth).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError(
            f"roc_auc: expected both kinds in is_anomaly, got {n_pos} anomalies and {n_neg} normal"
        )
    rank_sum = midranks(scores)[truth].sum()
    return float((rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
