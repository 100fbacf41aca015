"""Figures of seed §4.2 (C4.2-dropout): dropout against over-fitting.

The same wide, deep MLP (2 → 128 → 128 → 128 → 2, ReLU, He init, Adam) trained on 100 noisy two-moons
samples, with and without dropout (p = 0.5), from the same initial weights and in the same batch order;
1000 test samples measure what it learned. The gap between training and test accuracy is printed.

  C4.2-dropout-accuracy-gap.png   training and test accuracy per epoch without and with dropout, the gap
                                  shaded and measured (scratch twin as lines, torch twin as markers)
  C4.2-dropout-boundaries.png     the two networks' decision boundaries over the training points
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twin_nets.experiments import regularization as experiment
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import (
    XOR_COLORS,
    legend_below,
    plot_boundary,
    plot_points,
    plot_twins,
    shade_regions,
)

CONCEPT = "C4.2-dropout"
COLORS = {"train": "tab:green", "test": "tab:purple"}
PARTS = {"train": "학습", "test": "테스트"}
SETTING = experiment.DropoutSetting()  # the documented setting


def _label(p: float, english: bool = False) -> str:
    """The run's name: Korean on the figures, English in the printed summary (as every command prints)."""
    if english:
        return f"dropout p = {p:g}" if p else "no dropout"
    return f"드롭아웃 p = {p:g}" if p else "드롭아웃 없음"


def summary(runs: dict[float, dict[str, experiment.TrainedTwin]], last: int) -> str:
    """The measured gaps, one line per run, each twin's value side by side."""
    lines = [f"{CONCEPT}: train − test accuracy, mean of the last {last} epochs"]
    for p, trained in runs.items():
        values = {twin: run.curves for twin, run in trained.items()}
        cells = " | ".join(
            f"{twin}: train {c.train_accuracy[-last:].mean():.3f}, "
            f"test {c.test_accuracy[-last:].mean():.3f}, gap {c.gap(last):+.3f}"
            for twin, c in values.items()
        )
        difference = experiment.max_twin_difference(values)
        twins = f"; twins' largest curve difference {difference:.1e}" if len(values) == 2 else ""
        lines.append(f"  {_label(p, english=True):<16} {cells}{twins}")
    return "\n".join(lines)


def _accuracy_figure(
    outdir: Path, board: FigureBoard, runs: dict, setting: experiment.DropoutSetting
) -> Path:
    fig, axes = plt.subplots(1, len(runs), figsize=(4.7 * len(runs), 4.4), sharey=True)
    for ax, (p, trained) in zip(np.atleast_1d(axes), runs.items(), strict=True):
        curves = {twin: run.curves for twin, run in trained.items()}
        first = next(iter(curves.values()))
        epochs = np.arange(len(first.train_accuracy))
        for part, color in COLORS.items():
            ys = {twin: getattr(c, f"{part}_accuracy") for twin, c in curves.items()}
            plot_twins(ax, epochs, ys, f"{PARTS[part]} 정확도", color, every=5)
        ax.fill_between(
            epochs,
            first.test_accuracy,
            first.train_accuracy,
            color="0.85",
            zorder=0,
            label="학습 − 테스트 차이",
        )
        ax.axvspan(epochs[-setting.last], epochs[-1], color="gold", alpha=0.15, zorder=0)
        ax.set(
            title=f"{_label(p)}: 학습 − 테스트 차이 {first.gap(setting.last):+.3f}\n(노란 띠 구간의 평균)",
            xlabel="에폭",
            ylim=(0.4, 1.01),
        )
        ax.grid(True, color="0.92")
        ax.legend(fontsize=9, loc="lower right")
    np.atleast_1d(axes)[0].set_ylabel("정확도 (추론 모드)")
    widths = "→".join(map(str, setting.hidden))
    title = (
        f"{CONCEPT}: 잡음 섞인 two-moons 샘플 {setting.n_train}개, MLP 2→{widths}→2:\n"
        "드롭아웃을 쓰면 신경망이 잡음까지 외우지 못해\n학습 정확도와 테스트 정확도가 가깝게 유지됩니다"
    )
    return save_figure(fig, f"{CONCEPT}-accuracy-gap", outdir, board, title=title)


def _boundary_figure(
    outdir: Path, board: FigureBoard, data, runs: dict, setting: experiment.DropoutSetting
) -> Path:
    pad = 0.4
    xlim = (data.x_train[:, 0].min() - pad, data.x_train[:, 0].max() + pad)
    ylim = (data.x_train[:, 1].min() - pad, data.x_train[:, 1].max() + pad)
    fig, axes = plt.subplots(1, len(runs), figsize=(4.7 * len(runs), 5.0), sharey=True)
    for ax, (p, trained) in zip(np.atleast_1d(axes), runs.items(), strict=True):
        predict = {twin: (lambda x, run=run: run.probabilities(x)[:, 1]) for twin, run in trained.items()}
        shade_regions(ax, next(iter(predict.values())), xlim, ylim, XOR_COLORS, resolution=150)
        for twin, function in predict.items():
            plot_boundary(ax, function, xlim, ylim, twin, resolution=150)
        plot_points(
            ax, data.x_train, data.y_train, XOR_COLORS, ("클래스 0", "클래스 1"), size=22, linewidths=0.6
        )
        c = next(iter(trained.values())).curves
        ax.set(
            title=f"{_label(p)}: 학습 {c.train_accuracy[-1]:.0%}, 테스트 {c.test_accuracy[-1]:.0%}",
            xlabel="x₁",
            xlim=xlim,
            ylim=ylim,
        )
        legend_below(ax, fontsize=9)
    np.atleast_1d(axes)[0].set_ylabel("x₂")
    title = (
        f"{CONCEPT}: 학습 데이터 {setting.n_train}개로 {setting.epochs} 에폭 학습한 뒤의 결정 경계\n"
        "(드롭아웃이 없으면 경계가 잡음 섞인 점들을 돌아 휘어짐)"
    )
    return save_figure(fig, f"{CONCEPT}-boundaries", outdir, board, title=title)


def dropout_figures(
    outdir: Path, board: FigureBoard, twins: tuple[str, ...], setting: experiment.DropoutSetting = SETTING
) -> list[Path]:
    impl = "both" if len(twins) == 2 else twins[0]
    data, runs = experiment.dropout_vs_overfitting(setting, impl)
    text = summary(runs, setting.last)
    print(text)
    board.text(f"{CONCEPT}/summary", text)
    for p, trained in runs.items():
        for twin, run in trained.items():
            for name in ("train_accuracy", "test_accuracy", "train_loss", "test_loss"):
                board.scalars(twin, f"{CONCEPT}/p{p:g}/{name}", getattr(run.curves, name))
    return [
        _accuracy_figure(outdir, board, runs, setting),
        _boundary_figure(outdir, board, data, runs, setting),
    ]
