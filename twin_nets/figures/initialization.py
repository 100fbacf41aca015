"""Figures of seed §4.1 (C4.1-init-*): activation histograms of a 5-layer, 100-unit net under N(0, 1),
N(0, 0.01²), Xavier and He for sigmoid, tanh and ReLU; the seed's Xavier σ = 2/√(n+m) beside Glorot's
√(2/(n+m)); training from zero weights.

  C4.1-init-histograms-<activation>.png  one row per scheme, one column per layer, one x-axis per figure
  C4.1-init-xavier-seed-vs-glorot.png     the two σ's weights, and the sigmoid activations of layer 5
  C4.1-init-zero-symmetry.png             W₁ after training from zeros and from Xavier, in each twin

TensorBoard: every histogram under ``C4.1-init/<scheme>/<activation>/layer<k>`` in each twin's run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from scratch.models.mlp import INIT_SCHEMES
from twin_nets.experiments.deep_nets import ACTIVATIONS, ActivationRun, activation_run, build_deep_net
from twin_nets.experiments.symmetry import train_mlp
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import legend_below

SEED = 0
SCHEMES = {"normal": "N(0, 1)", "small_normal": "N(0, 0.01²)", "xavier": "사비에르 (Xavier)", "he": "He"}
RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}  # ReLU: log10 of its positive values, see below
HIST_STYLE = {
    "scratch": {"histtype": "stepfilled", "color": "tab:blue", "alpha": 0.6},
    "torch": {"histtype": "step", "color": "black", "alpha": 1.0},
}
TICKS = {"sigmoid": (0.0, 0.5, 1.0), "tanh": (-1.0, 0.0, 1.0)}
INIT_NAMES = {"zeros": "0", "xavier": "사비에르 초기화"}


def _values(run: ActivationRun, twin: str, layer: int) -> np.ndarray:
    return run.outputs(twin)[layer].ravel()


def _relu_range(runs: dict[str, ActivationRun]) -> tuple[float, float]:
    """One log10 range for every ReLU panel: from the smallest to the largest positive activation."""
    positive = np.concatenate([a[a > 0] for run in runs.values() for a in run.scratch])
    return float(np.floor(np.log10(positive.min()))), float(np.ceil(np.log10(positive.max())))


def _histogram_figure(activation: str, runs: dict[str, ActivationRun], twins: tuple[str, ...]):
    fig, axes = plt.subplots(len(SCHEMES), 5, figsize=(11, 9.5), sharex=True, sharey="row")
    fig.subplots_adjust(hspace=0.5, wspace=0.12)
    relu = activation not in RANGES
    hist_range = _relu_range(runs) if relu else RANGES[activation]
    for row, (scheme, title) in enumerate(SCHEMES.items()):
        for layer in range(5):
            ax = axes[row, layer]
            for twin in twins:
                values = _values(runs[scheme], twin, layer)
                ax.hist(
                    np.log10(values[values > 0]) if relu else values,
                    bins=40,
                    range=hist_range,
                    **HIST_STYLE[twin],
                    label=twin,
                )
            a = runs[scheme].scratch[layer]
            zeros = f", {np.mean(a == 0):.0%}가 0" if relu else ""
            ax.set_title(f"{layer + 1}층: 표준편차 {float(a.std()):.2g}{zeros}", fontsize=8)
            ax.tick_params(labelsize=8)
            if relu:
                ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
            else:
                ax.set_xticks(TICKS[activation])
            ax.yaxis.set_major_locator(MaxNLocator(3))
        axes[row, 0].set_ylabel(f"{title}\n개수", fontsize=9)
    for ax in axes[-1]:
        ax.set_xlabel("양수 출력의 log₁₀" if relu else f"{activation}(z)", fontsize=9)
    handles, labels = axes[0, 0].get_legend_handles_labels()  # one legend, above the panels
    fig.legend(handles, labels, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, 0.935), ncol=2)
    note = "\n(모든 칸이 같은 로그 축: N(0, 1)은 폭발하고 N(0, 0.01²)은 소실)" if relu else ""
    fig.suptitle(
        f"C4.1-init: 뉴런 100개짜리 5층 신경망의 {activation} 활성화 값 "
        f"(입력 x ~ N(0, 1), 샘플 1000개){note}",
        y=0.97,
    )
    return fig


def init_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    paths = []
    for activation in ACTIVATIONS:
        runs = {scheme: activation_run(activation, scheme, np.random.default_rng(SEED)) for scheme in SCHEMES}
        fig = _histogram_figure(activation, runs, twins)
        paths.append(save_figure(fig, f"C4.1-init-histograms-{activation}", outdir, board))
        for scheme, run in runs.items():
            for twin in twins:
                for layer in range(len(run.scratch)):
                    tag = f"C4.1-init/{scheme}/{activation}/layer{layer + 1}"
                    board.histogram(twin, tag, _values(run, twin, layer))
    paths.append(_seed_xavier_figure(outdir, board, twins))
    paths.append(_zero_init_figure(outdir, board, twins))
    return paths


def _zero_init_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    """W₁ (8 hidden units × 2 inputs) of a sigmoid MLP trained from zeros and from Xavier, each twin a row."""
    fig, axes = plt.subplots(len(twins), 2, figsize=(8.5, 2.6 + 2.4 * len(twins)), squeeze=False)
    for row, twin in enumerate(twins):
        for ax, init in zip(axes[row], ("zeros", "xavier"), strict=True):
            w = train_mlp(init, twin)["0.weight"]
            top = float(np.abs(w).max()) or 1.0
            image = ax.imshow(w, cmap="coolwarm", vmin=-top, vmax=top, aspect="auto")
            fig.colorbar(image, ax=ax, shrink=0.8)
            rows_equal = "모든 행이 같음" if np.ptp(w, axis=0).max() == 0 else "행마다 다름"
            ax.set(
                title=f"{twin} 쌍둥이, {INIT_NAMES[init]}에서 시작: {rows_equal}",
                xlabel="입력",
                ylabel="은닉 뉴런",
            )
            ax.set_xticks([0, 1])
    title = (
        "C4.1-init-zero: moons 데이터에 SGD 5 에폭 뒤의 W₁ — 0에서 시작하면 모든 은닉 뉴런이\n"
        "같은 가중치를 배워 (행이 같음) 뉴런 8개가 1개처럼 동작하고, 사비에르에서 시작하면 서로 다릅니다"
    )
    return save_figure(fig, "C4.1-init-zero-symmetry", outdir, board, title=title)


def _seed_xavier_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    """The seed's σ = 2/√(n+m) against Glorot's √(2/(n+m)): the weights, then layer 5 under sigmoid."""
    glorot = build_deep_net("sigmoid", "xavier", np.random.default_rng(SEED))
    seed_form = build_deep_net("sigmoid", "seed_xavier", np.random.default_rng(SEED))
    glorot_run = activation_run("sigmoid", "xavier", np.random.default_rng(SEED))
    seed_run = activation_run("sigmoid", "seed_xavier", np.random.default_rng(SEED))
    twin = twins[0]
    fig, (ax_w, ax_a) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    m, n = glorot[0].weight.data.shape  # (out, in)
    w_glorot, w_seed = glorot[0].weight.data.ravel(), seed_form[0].weight.data.ravel()
    label = f"Glorot √(2/(n+m)) = {np.sqrt(2 / (n + m)):.3f}, 표준편차 {w_glorot.std():.3f}"
    ax_w.hist(w_glorot, bins=60, range=(-0.6, 0.6), alpha=0.6, label=label)
    label = f"노트 2/√(n+m) = {2 / np.sqrt(n + m):.3f}, 표준편차 {w_seed.std():.3f}"
    ax_w.hist(w_seed, bins=60, range=(-0.6, 0.6), alpha=0.6, label=label)
    ax_w.set(title=f"{n} → {m} 층의 가중치 (n = {n}, m = {m})", xlabel="w", ylabel="개수")
    legend_below(ax_w, ncol=1, gap=0.2, fontsize=9)
    for run, name in ((glorot_run, "Glorot"), (seed_run, "노트의 식")):
        a = _values(run, twin, 4)
        ax_a.hist(a, bins=50, range=(0, 1), alpha=0.6, label=f"{name}: 표준편차 {a.std():.3f}")
    ax_a.set(title=f"5층의 시그모이드 활성화 값 ({twin} 쌍둥이)", xlabel="σ(z)", ylabel="개수")
    legend_below(ax_a, ncol=1, gap=0.2, fontsize=9)
    fig.text(
        0.5,
        0.0,
        f"노트는 사비에르 초기화의 σ를 2/√(n+m)로 씁니다 ({INIT_SCHEMES['seed_xavier'].function}).\n"
        "Glorot·Bengio (그리고 torch의 xavier_normal_)는 √(2/(n+m))입니다. 노트의 σ는 √2배 크므로\n"
        "(분산 4/(n+m), n = m이면 He의 2/n과 같음) 층마다 활성화 함수에 들어가는 값이 √2배 넓게 퍼집니다:\n"
        "여기서는 시그모이드 출력이 더 넓게 퍼지고, 더 깊은 신경망에서는 더 일찍 포화합니다.",
        ha="center",
        va="top",
        fontsize=9,
    )
    title = "C4.1-init-xavier: 노트의 식과 Glorot의 식"
    return save_figure(fig, "C4.1-init-xavier-seed-vs-glorot", outdir, board, title=title)
