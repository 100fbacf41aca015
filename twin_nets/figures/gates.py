"""Figures of seed §2.1 (C2.1-perceptron): the gates with hand-set weights and their lines, Rosenblatt's
rule learning them epoch by epoch, and why it never learns XOR.

  C2.1-perceptron-gates.png     AND, OR, NAND: the hand-set line and its y = 1 side; XOR: no line works
  C2.1-perceptron-learning.png  the rule's line after each epoch, and the mistakes per epoch, both twins
  C2.1-perceptron-xor.png       accuracy of every possible line on AND and XOR; the rule from 20 starts
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from twin_nets.experiments import logic as experiment
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import (
    GATE_COLORS,
    plot_line,
    plot_points,
    plot_twins,
    shade_regions,
    unit_square_axes,
)

CONCEPT = "C2.1-perceptron"
XLIM = (-0.35, 1.35)
GATE_TITLES = {"and": "AND", "or": "OR", "nand": "NAND", "xor": "XOR"}
MISTAKES_STYLE = {  # scratch a line, torch hollow markers on it
    "scratch": {"linestyle": "-", "marker": None},
    "torch": {"linestyle": "none", "marker": "o"},
}


def perceptron_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    return [
        _gates_figure(outdir, board, twins[0]),
        _learning_figure(outdir, board, twins),
        _xor_figure(outdir, board, twins),
    ]


def _equation(weight: Any, bias: float) -> str:
    """ "w₁·x₁ + w₂·x₂ + b = 0" with the seed's signs written out."""
    w1, w2 = weight
    sign = {True: "+", False: "−"}
    return (
        f"{'' if w1 >= 0 else '−'}{abs(w1):g}·x₁ {sign[w2 >= 0]} {abs(w2):g}·x₂ "
        f"{sign[bias >= 0]} {abs(bias):g} = 0"
    )


def _gates_figure(outdir: Path, board: FigureBoard, twin: str) -> Path:
    fig, axes = plt.subplots(2, 2, figsize=(9, 11.5))
    for ax, gate in zip(axes.ravel(), experiment.GATES, strict=True):
        x, t = experiment.gate_data(gate)
        # XOR: the best a line can do; OR's hand-set line gets 3 of 4, (1,1) wrong
        weight, bias = experiment.scratch_perceptron.GATE_WEIGHTS["or" if gate == "xor" else gate]
        title = f"{GATE_TITLES[gate]}: y = step({_equation(weight, bias).removesuffix(' = 0')})"
        if gate == "xor":
            title = "XOR: ●와 ○를 가르는 직선이 없음\n(OR의 직선: 4개 중 3개, (1,1)이 틀림)"
        shade_regions(
            ax,
            lambda p, w=weight, b=bias: experiment.perceptron_output(w, b, p, twin),
            XLIM,
            XLIM,
            colors=("0.55", "#fff2b3"),
            alpha=0.35,
        )
        plot_line(ax, weight, bias, XLIM, color="tab:blue", linewidth=2, label=_equation(weight, bias))
        plot_points(ax, x, t, GATE_COLORS, names=("출력 0 (검정)", "출력 1 (흰색)"))
        if gate == "xor":
            wrong = experiment.perceptron_output(weight, bias, x, twin) != t
            ax.scatter(
                x[wrong, 0],
                x[wrong, 1],
                s=420,
                facecolors="none",
                edgecolors="tab:red",
                linewidths=2,
                label="잘못 분류됨",
                zorder=4,
            )
        unit_square_axes(ax, title)
        ax.set_anchor("N")  # the square at the top of its cell, its legend under it
        ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, markerscale=0.45)
    title = f"{CONCEPT}: 퍼셉트론은 직선 하나를 긋습니다.\n노란 영역: y = 1인 쪽 ({twin} 쌍둥이)"
    return save_figure(fig, f"{CONCEPT}-gates", outdir, board, title=title)


def _learning_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    fits = {twin: {gate: experiment.fit_gate(gate, twin) for gate in experiment.GATES} for twin in twins}
    for twin, by_gate in fits.items():
        for gate, fit in by_gate.items():
            board.scalars(twin, f"{CONCEPT}/mistakes/{gate}", fit.mistakes, start=1)
    settings = experiment.ROSENBLATT
    fig, axes = plt.subplots(4, 2, figsize=(9, 19), gridspec_kw={"height_ratios": [1.6, 1, 1.6, 1]})
    cmap = plt.get_cmap("viridis")
    for k, gate in enumerate(experiment.GATES):  # each gate: its lines above its mistakes, two gates a row
        ax, ax_m = axes[2 * (k // 2), k % 2], axes[2 * (k // 2) + 1, k % 2]
        x, t = experiment.gate_data(gate)
        fit = fits[twins[0]][gate]
        for epoch in range(1, fit.epochs + 1):
            last = epoch == fit.epochs
            plot_line(
                ax,
                fit.weights[epoch],
                fit.biases[epoch],
                XLIM,
                color=cmap(epoch / max(fit.epochs, 1)),
                linewidth=2.4 if last else 1,
                alpha=1 if last else 0.6,
                label=f"{epoch} 에폭 후" if last or epoch == 1 else None,
            )
        plot_points(ax, x, t, GATE_COLORS, names=("0 (검정)", "1 (흰색)"))
        verdict = (
            f"{fit.epochs} 에폭 만에 수렴" if fit.converged else f"{fit.epochs} 에폭 내내 틀린 점이 남음"
        )
        unit_square_axes(ax, f"{GATE_TITLES[gate]}: {verdict}")
        ax.set_anchor("N")
        ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, markerscale=0.45)
        epochs = np.arange(1, fit.epochs + 1)
        plot_twins(ax_m, epochs, {twin: fits[twin][gate].mistakes for twin in twins}, "틀린 개수", "tab:red")
        ax_m.set(
            title=f"{GATE_TITLES[gate]}: 에폭별 틀린 개수",
            xlabel="에폭",
            ylabel="틀린 개수 (4개 중)",
            ylim=(-0.2, 4.4),
        )
        ax_m.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax_m.legend(fontsize=9)
    start = "w = ({:g}, {:g}), b = {:g}".format(*settings.start[0], settings.start[1]).replace("-", "−")
    title = (
        f"{CONCEPT}: 로젠블랫의 학습 규칙 w ← w + η(t − y)x, b ← b + η(t − y),\n"
        f"η = {settings.lr:g}, 시작점 {start}"
        f" — 위: 에폭마다의 직선 ({twins[0]}), 아래: 두 쌍둥이"
    )
    return save_figure(fig, f"{CONCEPT}-learning", outdir, board, title=title)


def _xor_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    angles, offsets = np.linspace(0, 2 * np.pi, 361), np.linspace(-2, 2, 201)
    fig = plt.figure(figsize=(10, 8))
    cells = fig.add_gridspec(2, 4)  # the two maps side by side, the training curves under them
    axes = [fig.add_subplot(cells[0, :2]), fig.add_subplot(cells[0, 2:]), fig.add_subplot(cells[1, 1:3])]
    for ax, gate in zip(axes[:2], ("and", "xor"), strict=True):
        accuracy = experiment.line_accuracy_map(gate, angles, offsets)
        image = ax.pcolormesh(
            np.degrees(angles), offsets, accuracy.T, cmap="viridis", vmin=0, vmax=1, shading="auto"
        )
        ax.set(
            title=f"{GATE_TITLES[gate]}: 모든 직선의 정확도 (최고 {accuracy.max():.2f})",
            xlabel="w = (cos α, sin α)의 방향 α (도)",
            ylabel="편향 b",
        )
        ax.set_xticks([0, 90, 180, 270, 360])
        if gate == "and":  # the hand-set AND perceptron, scaled to ‖w‖ = 1 (scaling changes nothing)
            weight, bias = experiment.scratch_perceptron.GATE_WEIGHTS["and"]
            norm = float(np.hypot(*weight))
            ax.plot(
                np.degrees(np.arctan2(weight[1], weight[0])),
                bias / norm,
                "r*",
                markersize=14,
                label="손으로 정한 (1, 1, −1.5) / ‖w‖",
            )
            ax.legend(fontsize=9, loc="upper left")
        fig.colorbar(image, ax=ax, label="점 4개에 대한 정확도")
    ax = axes[2]
    for gate, color in (("and", "tab:green"), ("xor", "tab:red")):
        for twin in twins:
            fits = experiment.random_start_fits(gate, twin, count=20, seed=7, max_epochs=30)
            for k, fit in enumerate(fits):
                ax.plot(
                    np.arange(1, fit.epochs + 1),
                    fit.mistakes,
                    color=color,
                    **MISTAKES_STYLE[twin],
                    markersize=3,
                    markerfacecolor="none",
                    alpha=0.5,
                    label=f"{GATE_TITLES[gate]} ({twin})" if k == 0 else None,
                )
    ax.set(
        title="무작위 시작점 20개에서 학습: XOR은 한 번도 0개에 닿지 못함",
        xlabel="에폭",
        ylabel="에폭별 틀린 개수",
        ylim=(-0.2, 4.4),
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=9)
    title = (
        f"{CONCEPT}: XOR이 안 되는 이유 — 어떤 방향과 편향으로도\n(0,1), (1,0)을 한쪽에, "
        "(0,0), (1,1)을 다른 쪽에 둘 수 없습니다"
    )
    return save_figure(fig, f"{CONCEPT}-xor", outdir, board, title=title, title_y=1.03)
