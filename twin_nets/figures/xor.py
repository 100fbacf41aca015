"""Figures of seed §2.2 (C2.2-mlp-xor, C2.2-mlp): the seed's XOR network (its three tables; the x-plane
and the h-plane with their lines), the same 2-2-1 shape learned by backpropagation, and the seed's
8 → 10 → 3 picture.

  C2.2-mlp-xor-tables.png    the seed's three tables, computed by the network
  C2.2-mlp-xor-planes.png    x-plane with the hidden lines; h-plane where one line separates red from blue
  C2.2-mlp-xor-backprop.png  sigmoid 2-2-1 trained by backpropagation: loss, x-plane, learned h-plane
  C2.2-mlp-8-10-3.png        the seed's 8 → 10 → 3 network with its 80 + 10 and 30 + 3 parameters
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from twin_nets.experiments import logic as experiment
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import (
    XOR_COLORS,
    plot_boundary,
    plot_line,
    plot_points,
    plot_twins,
    shade_regions,
    unit_square_axes,
)

CONCEPT = "C2.2-mlp-xor"
LIM = (-0.35, 1.35)
NAMES = ("라벨 0 (빨강)", "라벨 1 (파랑)")


def xor_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    return [
        _tables_figure(outdir, board, twins),
        _planes_figure(outdir, board, twins[0]),
        _backprop_figure(outdir, board, twins),
        _architecture_figure(outdir, board, twins),
    ]


def _tables_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    tables = {twin: experiment.seed_xor_tables(twin) for twin in twins}
    same = all(np.array_equal(tables[twins[0]][k], t[k]) for t in tables.values() for k in t)
    t = tables[twins[0]]
    x, z, h = t["x"].astype(int), t["z_hidden"], t["h"].astype(int)
    specs = [
        (
            "퍼셉트론 1: (w₁, w₂, b) = (1, 1, −1.5)",
            ["x₁", "x₂", "x₁ + x₂ − 1.5", "y₁ = h₁"],
            [[*x[i], f"{z[i, 0]:g}", h[i, 0]] for i in range(4)],
        ),
        (
            "퍼셉트론 2: (w₁, w₂, b) = (1, 1, −0.5)",
            ["x₁", "x₂", "x₁ + x₂ − 0.5", "y₂ = h₂"],
            [[*x[i], f"{z[i, 1]:g}", h[i, 1]] for i in range(4)],
        ),
        (
            "출력: (h₁, h₂)에 (w₁, w₂, b) = (−1, 1, −0.5)",
            ["h₁", "h₂", "−h₁ + h₂ − 0.5", "y"],
            [[*h[i], f"{t['z_out'][i]:g}", int(t["y"][i])] for i in range(4)],
        ),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(13, 2.8))
    for ax, (title, header, rows) in zip(axes, specs, strict=True):
        ax.axis("off")
        table = ax.table(
            cellText=[[str(v).replace("-", "−") for v in row] for row in rows],
            colLabels=header,
            colWidths=[0.17, 0.17, 0.42, 0.24],
            loc="center",
            cellLoc="center",
        )
        table.auto_set_font_size(False)
        table.set_fontsize(10)
        table.scale(1, 1.6)
        for (row, col), cell in table.get_celld().items():
            if row == 0:
                cell.set_facecolor("#e8e8e8")
            elif col == 3:
                cell.set_facecolor("#dbe8ff" if rows[row - 1][3] == 1 else "#ffdede")
        ax.set_title(title, fontsize=10)
    agreement = " (scratch와 torch 결과 동일)" if len(twins) == 2 and same else f" ({twins[0]} 쌍둥이)"
    fig.suptitle(f"{CONCEPT}: 노트의 표 세 개를 계단 함수 신경망으로 계산{agreement}", y=1.08)
    return save_figure(fig, f"{CONCEPT}-tables", outdir, board)


def _planes_figure(outdir: Path, board: FigureBoard, twin: str) -> Path:
    tables = experiment.seed_xor_tables(twin)
    x, t, h = tables["x"], tables["y"], tables["h"]
    hidden_w = experiment.scratch_perceptron.SEED_XOR_HIDDEN_WEIGHT
    hidden_b = experiment.scratch_perceptron.SEED_XOR_HIDDEN_BIAS
    out_w = experiment.scratch_perceptron.SEED_XOR_OUTPUT_WEIGHT[0]
    out_b = experiment.scratch_perceptron.SEED_XOR_OUTPUT_BIAS[0]
    fig, (ax_x, ax_h) = plt.subplots(1, 2, figsize=(11, 5.6))
    # x-plane: the whole network's output shaded, the two hidden perceptrons' lines
    shade_regions(ax_x, lambda p: experiment.seed_xor_output(p, twin), LIM, LIM, XOR_COLORS)
    for k, (color, label) in enumerate(
        (("tab:purple", "h₁: x₁ + x₂ − 1.5 = 0 (AND)"), ("tab:green", "h₂: x₁ + x₂ − 0.5 = 0 (OR)"))
    ):
        plot_line(ax_x, hidden_w[k], hidden_b[k], LIM, color=color, linewidth=2, label=label)
    plot_points(ax_x, x, t, XOR_COLORS, NAMES)
    for xi, hi in zip(x, h, strict=True):
        ax_x.annotate(
            f"→ h = ({hi[0]:g}, {hi[1]:g})", xi, xytext=(8, -16), textcoords="offset points", fontsize=9
        )
    unit_square_axes(ax_x, "x 평면: 빨강과 파랑을 가르는 직선 하나는 없음")
    ax_x.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    # h-plane: the hidden map moves (0,1) and (1,0) onto the same point (0,1)
    shade_regions(ax_h, lambda p: experiment.perceptron_output(out_w, out_b, p, twin), LIM, LIM, XOR_COLORS)
    plot_line(ax_h, out_w, out_b, LIM, color="black", linewidth=2, label="출력: −h₁ + h₂ − 0.5 = 0")
    plot_points(ax_h, h, t, XOR_COLORS, NAMES)
    ax_h.annotate(
        "(0,1)과 (1,0) 모두 ↦ (0,1)", (0, 1), xytext=(10, 10), textcoords="offset points", fontsize=9
    )
    ax_h.annotate("(0,0) ↦ (0,0)", (0, 0), xytext=(10, 10), textcoords="offset points", fontsize=9)
    ax_h.annotate("(1,1) ↦ (1,1)", (1, 1), xytext=(-30, -22), textcoords="offset points", fontsize=9)
    unit_square_axes(ax_h, "h 평면: 이제 직선 하나로 나뉨", xlabel="h₁", ylabel="h₂")
    ax_h.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    title = f"{CONCEPT}: 은닉층이 점들을 XOR을 직선으로 가를 수 있는 평면으로 옮깁니다 ({twin} 쌍둥이)"
    return save_figure(fig, f"{CONCEPT}-planes", outdir, board, title=title)


def _backprop_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    settings = experiment.XOR_BACKPROP
    runs = {twin: experiment.train_xor(twin) for twin in twins}
    for twin, run in runs.items():
        board.scalars(twin, f"{CONCEPT}/loss", run.losses, every=10)
    x, t = experiment.gate_data("xor")
    fig = plt.figure(figsize=(10, 10))
    cells = fig.add_gridspec(
        2, 2, height_ratios=[0.65, 1]
    )  # the loss across the top, the two planes under it
    ax_loss, ax_x, ax_h = (
        fig.add_subplot(cells[0, :]),
        fig.add_subplot(cells[1, 0]),
        fig.add_subplot(cells[1, 1]),
    )
    steps = np.arange(1, settings.steps + 1)
    plot_twins(
        ax_loss, steps, {twin: run.losses for twin, run in runs.items()}, settings.loss, "tab:blue", every=50
    )
    ax_loss.set(
        yscale="log",
        title=f"학습 손실 (전체 배치, SGD 학습률 {settings.lr:g})",
        xlabel="스텝",
        ylabel=f"이진 교차 엔트로피 ({settings.loss})",
    )
    ax_loss.legend(fontsize=9)
    if len(twins) == 2:
        diff = np.abs(runs["scratch"].path - runs["torch"].path).max()
        ax_loss.text(
            0.03,
            0.05,
            f"전체 스텝에서 최대 |w_scratch − w_torch|: {diff:.1e}",
            transform=ax_loss.transAxes,
            fontsize=9,
        )
    first = runs[twins[0]]
    shade_regions(ax_x, lambda p: first.predict(p)[0], LIM, LIM, XOR_COLORS)
    for twin, run in runs.items():
        plot_boundary(ax_x, lambda p, r=run: r.predict(p)[0], LIM, LIM, twin)
    plot_points(ax_x, x, t, XOR_COLORS, NAMES)
    y_hat, h = first.predict(x)
    for xi, yi in zip(x, y_hat, strict=True):
        ax_x.annotate(f"ŷ = {yi:.3f}", xi, xytext=(8, -16), textcoords="offset points", fontsize=9)
    unit_square_axes(ax_x, "x 평면: 학습한 결정 영역 (4개 중 4개 정답)")
    ax_x.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    # h-plane of the trained network: the output unit's line v·h + c = 0
    state = first.state
    plot_line(
        ax_h,
        state["2.weight"][0],
        float(state["2.bias"][0]),
        (-0.1, 1.1),
        color="black",
        linewidth=2,
        label="출력 뉴런: v·h + c = 0",
    )
    plot_points(ax_h, h, t, XOR_COLORS, NAMES)
    ax_h.annotate(  # the text in the open middle of the plane, off the output unit's line
        "(0,1)과 (1,0)이 한곳에 모임",
        h[1],
        xytext=(0.3, 0.6),
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": "0.3"},
    )
    ax_h.set(
        xlim=(-0.1, 1.1),
        ylim=(-0.1, 1.1),
        aspect="equal",
        xlabel="h₁ = σ(·)",
        ylabel="h₂ = σ(·)",
        title="학습한 h 평면: σ 은닉 뉴런, 다시 직선으로 나뉨",
    )
    ax_h.grid(True, color="0.9")
    ax_h.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    title = (
        f"{CONCEPT}: 같은 2-2-1 구조에 시그모이드를 써서 역전파로 학습 ({settings.steps} 스텝;\n"
        f"계단 함수 신경망은 기울기가 0이라 학습하지 못함) — {', '.join(twins)}"
    )
    return save_figure(fig, f"{CONCEPT}-backprop", outdir, board, title=title)


def _architecture_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    for twin in twins:
        board.text("C2.2-mlp/architecture", experiment.architecture_summary(twin), twin=twin)
    by_twin = {twin: experiment.parameter_counts(twin) for twin in twins}
    counts = by_twin[twins[0]]
    sizes = experiment.SEED_MLP_SPEC.sizes
    layers = [
        ("I", sizes[0], "#fff3b0", "입력층"),
        ("H", sizes[1], "#d4f0c0", "은닉층"),
        ("O", sizes[2], "#cfe3ff", "출력층"),
    ]
    height = 1.4  # the layers' height: room between the hidden layer's 10 circles
    fig, ax = plt.subplots(figsize=(9, 8))
    positions = []
    for column, (prefix, n, color, name) in enumerate(layers):
        ys = np.linspace(0, height, n + 2)[1:-1][::-1]
        positions.append([(column, y) for y in ys])
        ax.add_patch(plt.Rectangle((column - 0.18, 0.02), 0.36, height - 0.04, color=color, zorder=0))
        ax.text(column, -0.03, f"{name}\n(노드 {n}개)", ha="center", va="top", fontsize=10)
        for k, y in enumerate(ys, start=1):
            ax.add_patch(plt.Circle((column, y), 0.044, facecolor="tab:blue", edgecolor="black", zorder=3))
            ax.text(column, y, f"{prefix}{k}", ha="center", va="center", color="white", fontsize=7, zorder=4)
    for (left, right), key in zip(itertools.pairwise(positions), ("0", "2"), strict=True):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="tab:red", linewidth=0.5, alpha=0.45, zorder=1)
        n, m = len(left), len(right)
        ax.text(
            (left[0][0] + right[0][0]) / 2,
            height + 0.04,
            f"가중치 {n}×{m} = {counts[key + '.weight']}개\n+ 편향 {counts[key + '.bias']}개",
            ha="center",
            va="bottom",
            fontsize=10,
        )
    ax.set(xlim=(-0.5, 2.5), ylim=(-0.15, height + 0.2), aspect="equal")
    ax.axis("off")
    layer_counts = " + ".join(f"({counts[key + '.weight']} + {counts[key + '.bias']})" for key in ("0", "2"))
    totals = ", ".join(f"{twin} {sum(c.values())}" for twin, c in by_twin.items())
    ax.set_title(
        f"C2.2-mlp: 노트의 {' → '.join(map(str, sizes))} 신경망: {layer_counts} = "
        f"파라미터 {sum(counts.values())}개\n(각 쌍둥이의 build_mlp가 센 개수: {totals})",
        fontsize=11,
        pad=16,
    )
    return save_figure(fig, "C2.2-mlp-8-10-3", outdir, board)
