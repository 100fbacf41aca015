"""Figures of seed §1: classification and regression as one neuron (C1.1-supervised), and features made
by hand against features learned (C1.3-features).

  C1.1-supervised-logistic.png  logistic regression on two clusters: P(class 1 | x), its 0.5 line, the loss
  C1.1-supervised-linear.png    linear regression by gradient descent, and the closed-form least squares
  C1.3-features-circles.png     three boundaries: logistic regression on (x₁, x₂) and on x₁² + x₂², an MLP
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twin_nets.experiments import learning as experiment
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import (
    XOR_COLORS,
    grid,
    legend_below,
    plot_boundary,
    plot_points,
    plot_twins,
    shade_regions,
)

SUPERVISED = "C1.1-supervised"
FEATURES = "C1.3-features"
ROUND_OFF = 1e-14  # E − E_min below this is float64 round-off of an MSE near 0.2: not drawn
FEATURE_LIM = (-1.5, 1.5)
MODEL_TITLES = {  # the panels of C1.3-features, by FEATURE_MODELS' key
    "raw": "(x₁, x₂)에 로지스틱 회귀",
    "radial": "x₁² + x₂²에 로지스틱 회귀 (사람이 만든 특징)",
    "mlp": "(x₁, x₂)에 MLP 2→8→1 (학습한 특징)",
}


def supervised_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    return [_logistic_figure(outdir, board, twins), _linear_figure(outdir, board, twins)]


def _log_losses(board: FigureBoard, tag: str, runs: dict[str, experiment.Trained]) -> None:
    for twin, run in runs.items():
        board.scalars(twin, tag, run.losses)


def _logistic_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    settings = experiment.LOGISTIC
    runs = {twin: experiment.train_logistic(twin) for twin in twins}
    _log_losses(board, f"{SUPERVISED}/logistic/loss", runs)
    x, t = experiment.logistic_data()
    xlim = (x[:, 0].min() - 0.5, x[:, 0].max() + 0.5)
    ylim = (x[:, 1].min() - 0.5, x[:, 1].max() + 0.5)
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(10, 4.8), gridspec_kw={"width_ratios": [1.2, 1]})
    xx, yy, points = grid(xlim, ylim, 200)
    first = runs[twins[0]]
    probability = first.predict(points).reshape(xx.shape)
    image = ax.contourf(xx, yy, probability, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.35)
    fig.colorbar(image, ax=ax, label=f"ŷ = σ(w·x + b) = P(클래스 1 | x)  ({twins[0]})")
    for twin, run in runs.items():
        plot_boundary(ax, run.predict, xlim, ylim, twin)
    plot_points(ax, x, t, XOR_COLORS, ("클래스 0", "클래스 1"), size=28)
    accuracy = ", ".join(f"{twin} {experiment.accuracy(run.predict(x), t):.1%}" for twin, run in runs.items())
    ax.set(title=f"시그모이드 뉴런 하나 (정확도 {accuracy})", xlabel="x₁", ylabel="x₂", xlim=xlim, ylim=ylim)
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    steps = np.arange(settings.steps)
    plot_twins(
        ax_loss,
        steps,
        {twin: run.losses for twin, run in runs.items()},
        "이진 교차 엔트로피 (BCELoss)",
        "tab:blue",
        every=15,
    )
    ax_loss.set(title=f"손실: 전체 배치, SGD 학습률 {settings.lr:g}", xlabel="스텝", ylabel="E")
    ax_loss.legend(fontsize=9, loc="upper right")
    title = f"{SUPERVISED}: 로지스틱 회귀 — 결정 경계 w·x + b = 0은 직선입니다"
    return save_figure(fig, f"{SUPERVISED}-logistic", outdir, board, title=title)


def _linear_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    settings = experiment.LINEAR
    runs = {twin: experiment.train_linear(twin) for twin in twins}
    _log_losses(board, f"{SUPERVISED}/linear/loss", runs)
    x, y = experiment.linear_data()
    closed = experiment.closed_form(twins[0])
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(10, 5.2))
    ax.scatter(x[:, 0], y, s=22, color="0.35", label="데이터: y = 0.8x + 1.5 + 잡음")
    line_x = np.linspace(-3.2, 3.2, 2)[:, None]
    styles = {
        "scratch": {"color": "tab:blue", "linewidth": 2.2},
        "torch": {"color": "tab:orange", "linestyle": "none", "marker": "o", "markerfacecolor": "none"},
    }
    for twin, run in runs.items():
        w, b = run.state["linear.weight"][0, 0], run.state["linear.bias"][0]
        label = f"경사 하강법 ({twin}): ŷ = {w:.4f}x + {b:.4f}"
        ax.plot(line_x[:, 0], run.predict(line_x), label=label, markersize=9, **styles[twin])
    w, b = closed["linear.weight"][0, 0], closed["linear.bias"][0]
    label = f"최소제곱 직선 (해석해): ŷ = {w:.4f}x + {b:.4f}"
    ax.plot(line_x[:, 0], w * line_x[:, 0] + b, color="black", linestyle=":", linewidth=1.5, label=label)
    ax.set(title="회귀: 선형 뉴런 하나", xlabel="x", ylabel="y")
    legend_below(ax, ncol=1, gap=0.18, fontsize=9)
    steps = np.arange(settings.steps)
    excess = {}
    for twin, run in runs.items():
        values = experiment.excess_losses(run)
        excess[twin] = np.where(values > ROUND_OFF, values, np.nan)
    plot_twins(ax_loss, steps, excess, "E − E_least-squares", "tab:blue", every=10)
    reached = np.flatnonzero(np.isnan(excess[twins[0]]))
    if reached.size:
        ax_loss.axvline(reached[0], color="0.6", linestyle=":")
        ax_loss.annotate(
            f"{reached[0]}–{settings.steps} 스텝: {ROUND_OFF:g} 미만은\n"
            "부호가 오가는 반올림 오차라 그리지 않음",
            (reached[0], ROUND_OFF),
            xytext=(0.97, 0.8),  # the empty corner above the curve's end, an arrow down to the step
            textcoords="axes fraction",
            ha="right",
            va="top",
            fontsize=9,
            arrowprops={"arrowstyle": "->", "color": "0.4"},
        )
    ax_loss.set(
        yscale="log",
        ylim=(ROUND_OFF / 10, None),
        title=f"MSE와 그 최솟값의 차이 (전체 배치, SGD 학습률 {settings.lr:g})",
        xlabel="스텝",
        ylabel="E − E_min",
    )
    legend_below(ax_loss, ncol=1, gap=0.18, fontsize=9)
    title = f"{SUPERVISED}: 선형 회귀 — 경사 하강법이 최소제곱 직선에 도달합니다"
    return save_figure(fig, f"{SUPERVISED}-linear", outdir, board, title=title)


def features_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    x, t = experiment.features_data()
    fig, cells = plt.subplots(2, 2, figsize=(9.5, 10.6))
    axes, legend_ax = cells.ravel()[:3], cells[1, 1]  # three panels; their shared legend in the fourth cell
    for ax, model in zip(axes, experiment.FEATURE_MODELS, strict=True):
        runs = {twin: experiment.train_feature_model(twin, model.key) for twin in twins}
        _log_losses(board, f"{FEATURES}/{model.key}/loss", runs)
        shade_regions(ax, runs[twins[0]].predict, FEATURE_LIM, FEATURE_LIM, XOR_COLORS, alpha=0.2)
        for twin, run in runs.items():
            plot_boundary(ax, run.predict, FEATURE_LIM, FEATURE_LIM, twin)
        names = ("바깥 원 (0)", "안쪽 원 (1)")
        plot_points(ax, x, t, XOR_COLORS, names, size=14, linewidths=0.4)
        accuracy = ", ".join(
            f"{twin} {experiment.accuracy(run.predict(x), t):.1%}" for twin, run in runs.items()
        )
        ax.set(
            title=f"{MODEL_TITLES[model.key]}\n정확도: {accuracy}", xlabel="x₁", ylabel="x₂", aspect="equal"
        )
        ax.set(xlim=FEATURE_LIM, ylim=FEATURE_LIM)
    legend_ax.axis("off")
    legend_ax.legend(*axes[0].get_legend_handles_labels(), loc="center", fontsize=11, markerscale=2.5)
    title = (
        f"{FEATURES}: 선형 모델은 원래 특징으로는 실패하고\n사람이 만든 특징으로는 성공합니다 "
        "(feature engineering).\nMLP는 특징을 스스로 학습합니다"
    )
    return [save_figure(fig, f"{FEATURES}-circles", outdir, board, title=title, title_y=1.0)]
