"""Figures of seed §1.1's unsupervised learning (비지도학습), in Korean: 군집화, 차원축소, the autoencoder's
code, 이상 탐지.

  C1.1-kmeans-clusters.png     k-means on 2-D blobs: the clusters, the twins' and scikit-learn's centres,
                               the inertia per Lloyd iteration
  C1.1-pca-digits.png          the digits (64 pixels) on PCA's first two directions
  C1.1-autoencoder-codes.png   the test digits' 2-D codes: PCA against a tanh autoencoder (5-NN accuracy)
  C1.1-anomaly-errors.png      reconstruction errors of an autoencoder trained on 0–4: 0–4 against 5–9

The autoencoders are ``scripts/train.py --task autoencoder`` runs (``twin_nets.experiments.unsupervised``),
logged under the figure command's TensorBoard folder (``C1.1-autoencoder``: the codes in the Projector tab).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

from scratch.data.datasets import load_digits
from scratch.models import kmeans as scratch_kmeans
from scratch.models.pca import pca
from torch_impl.models import kmeans as torch_kmeans
from twin_nets.cli import TWINS
from twin_nets.experiments import unsupervised as experiment
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import legend_below
from twin_nets.notebooks.font import use_korean_font

DIGIT_COLORS = plt.get_cmap("tab10")
SEED = 0


def unsupervised_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    use_korean_font()
    impl = "both" if len(twins) == 2 else twins[0]
    with tempfile.TemporaryDirectory() as scratch_dir:
        logdir = board.logdir / "C1.1-autoencoder" if board.logdir is not None else Path(scratch_dir)
        return [
            _kmeans_figure(outdir, board),
            _pca_figure(outdir, board),
            _codes_figure(outdir, board, logdir, impl),
            _anomaly_figure(outdir, board, logdir, impl),
        ]


def _kmeans_figure(outdir: Path, board: FigureBoard) -> Path:
    import torch

    x, _ = make_blobs(300, centers=4, cluster_std=1.5, random_state=0)
    centres = scratch_kmeans.kmeans_plusplus(x, 4, np.random.default_rng(7))
    ours = scratch_kmeans.lloyd(x, centres)
    twin = torch_kmeans.lloyd(torch.from_numpy(x), torch.from_numpy(centres))
    reference = KMeans(4, init=centres, n_init=1, tol=0.0, algorithm="lloyd").fit(x)
    inertia = [scratch_kmeans.lloyd(x, centres, max_iter=t).inertia for t in range(1, ours.n_iter + 1)]
    fig, (ax, ax_inertia) = plt.subplots(1, 2, figsize=(10, 4.8), gridspec_kw={"width_ratios": [1.3, 1]})
    ax.scatter(x[:, 0], x[:, 1], c=[DIGIT_COLORS(k) for k in ours.labels], s=14, alpha=0.7)
    ax.scatter(*centres.T, marker="s", s=70, facecolor="none", edgecolor="0.3", label="k-means++ 초기 중심")
    ax.scatter(*ours.centres.T, marker="o", s=150, color="black", label="최종 중심 (scratch)")
    ax.scatter(*twin.centres.numpy().T, marker="+", s=220, color="tab:orange", label="최종 중심 (torch)")
    ax.scatter(
        *reference.cluster_centers_.T,
        marker="x",
        s=120,
        color="tab:red",
        linewidths=2,
        label="최종 중심 (scikit-learn)",
    )
    same = np.array_equal(ours.labels, reference.labels_) and np.array_equal(ours.labels, twin.labels.numpy())
    ax.set(
        title=f"군집 4개, 레이블 없이 (세 구현의 레이블 일치: {'예' if same else '아니오'})",
        xlabel="x₁",
        ylabel="x₂",
    )
    legend_below(ax, ncol=2, gap=0.16, fontsize=9)
    ax_inertia.plot(range(1, ours.n_iter + 1), inertia, marker="o")
    ax_inertia.axhline(reference.inertia_, color="tab:red", linestyle=":", label="scikit-learn의 최종 관성")
    ax_inertia.set(title="Lloyd 반복:\n관성(inertia) Σ‖x − c‖²은 늘지 않는다", xlabel="반복", ylabel="관성")
    ax_inertia.legend(fontsize=9)
    title = "C1.1-kmeans: 군집화 — 가장 가까운 중심에 배정하고, 중심을 평균으로 옮기기를 반복"
    return save_figure(fig, "C1.1-kmeans-clusters", outdir, board, title=title)


def _scatter_digits(ax, codes: np.ndarray, labels: np.ndarray) -> None:
    ax.scatter(codes[:, 0], codes[:, 1], c=[DIGIT_COLORS(int(k)) for k in labels], s=8, alpha=0.6)
    for digit in range(10):
        centre = np.median(codes[labels == digit], axis=0)
        ax.text(*centre, str(digit), fontsize=15, ha="center", va="center",
                color=DIGIT_COLORS(digit), bbox={"facecolor": "white", "alpha": 0.7, "pad": 1})  # fmt: skip


def _pca_figure(outdir: Path, board: FigureBoard) -> Path:
    x, y = load_digits()
    fitted = pca(x, 2)
    ratio = fitted.explained_variance_ratio
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    _scatter_digits(ax, fitted.transform(x), y)
    ax.set(xlabel=f"제1 주성분 (분산의 {ratio[0]:.1%})", ylabel=f"제2 주성분 (분산의 {ratio[1]:.1%})")
    title = f"C1.1-pca: 차원축소 — 숫자 이미지 1797장, 64차원 → 2차원 (분산의 {ratio.sum():.1%}를 남김)"
    return save_figure(fig, "C1.1-pca-digits", outdir, board, title=title)


def _first_twin(measured: dict[str, np.ndarray]) -> str:
    """The twin drawn: the first of ``TWINS`` (scratch, then torch) that ``measured`` has a result for."""
    return next(twin for twin in TWINS if twin in measured)


def _codes_figure(outdir: Path, board: FigureBoard, logdir: Path, impl: str) -> Path:
    result = experiment.separation(SEED, logdir, impl=impl)
    twin = _first_twin(result.codes)
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 5.4))
    names = {"pca": "PCA (선형 차원축소)", twin: f"오토인코더 64-32-2-32-64, tanh ({twin})"}
    for ax, (key, name) in zip(axes, names.items(), strict=True):
        _scatter_digits(ax, result.codes[key], result.labels)
        scores = f"5-최근접 이웃 정확도 {result.knn[key]:.1%}, 실루엣 {result.silhouette[key]:.3f}"
        ax.set(title=f"{name}\n{scores}", xlabel="z₁", ylabel="z₂")
    better = "더 잘" if result.knn[twin] > result.knn["pca"] else "더 잘 가르지 못한다: 덜"
    title = f"C1.1-autoencoder: 테스트 숫자 360장의 2차원 코드 — 오토인코더가 숫자를 PCA보다 {better} 가른다"
    return save_figure(fig, "C1.1-autoencoder-codes", outdir, board, title=title)


def _anomaly_figure(outdir: Path, board: FigureBoard, logdir: Path, impl: str) -> Path:
    result = experiment.anomaly(SEED, logdir, impl=impl)
    twin = _first_twin(result.scores)
    scores = result.scores[twin]
    fig, ax = plt.subplots(figsize=(9, 5))
    bins = np.linspace(0, np.quantile(scores, 0.995), 40)
    ax.hist(scores[~result.is_anomaly], bins=bins, alpha=0.6, label="정상: 학습한 숫자 0–4", color="tab:blue")
    ax.hist(
        scores[result.is_anomaly], bins=bins, alpha=0.6, label="이상: 처음 보는 숫자 5–9", color="tab:red"
    )
    ax.set(xlabel="재구성 오차 (한 장의 평균 제곱 오차)", ylabel="이미지 수")
    ax.legend()
    auc, reference = result.auc[twin], result.sklearn_auc[twin]
    same = (
        "scikit-learn과 같음"
        if abs(auc - reference) <= 1e-10 * reference
        else f"scikit-learn {reference:.3f}"
    )
    title = f"C1.1-anomaly: 이상 탐지 — 재구성 오차로 가른 ROC AUC {auc:.3f} ({twin}, {same})"
    return save_figure(fig, "C1.1-anomaly-errors", outdir, board, title=title)
