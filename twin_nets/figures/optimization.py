"""Figures of seed §3.2.1–§3.2.3: full-batch GD against mini-batch SGD (C3.2.1-gd, C3.2.1-sgd), every
optimizer's path on f = x²/20 + y² (C3.2.1-*), the paths on two minima and on a saddle (C3.2.2-*), and the
per-layer gradient norms of a deep net (C3.2.3-vanishing).

  C3.2.1-gd-vs-sgd-loss.png           the same MLP and start: loss per update and per epoch
  C3.2.1-optimizer-paths.png          six optimizers, 30 steps each, from (−7, 2)
  C3.2.2-local-minima-paths.png       GD stops in the shallow minimum; momentum and Adam reach the deep one
  C3.2.2-saddle-paths.png             GD crawls at the saddle; momentum and Adam leave it (|y| > 1)
  C3.2.3-vanishing-gradient-norms.png ‖∂E/∂W_k‖ per layer of a 10-layer net, per activation
  C3.2.3-vanishing-derivatives.png    the derivatives backpropagation multiplies

The scratch twin steps on the hand-written gradient, the torch twin on autograd's; the paths are drawn
twice (the torch twin dashed, on top).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from scratch.models import surfaces as scratch_surfaces
from twin_nets.experiments import gd_vs_sgd
from twin_nets.experiments.curves import ACTIVATIONS, activation_curve
from twin_nets.experiments.deep_nets import vanishing_gradient_norms
from twin_nets.experiments.paths import (
    BOWL,
    LEAVE_RADIUS,
    LOCAL_MINIMA,
    SADDLE,
    PathSetting,
    run_path,
    steps_to_leave,
)
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import plot_twins

PATH_COLORS = ("tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange", "tab:brown")
VANISHING_SEED = 0
VANISHING_COLORS = {"sigmoid": "tab:orange", "tanh": "tab:green", "relu": "tab:red"}


def optimizer_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    return [_gd_vs_sgd(outdir, board, twins), _bowl_paths(outdir, board, twins)]


def _gd_vs_sgd(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    setting = gd_vs_sgd.GdVsSgdSetting()
    curves = {twin: gd_vs_sgd.run(setting, twin) for twin in twins}
    fig, (ax_it, ax_ep) = plt.subplots(2, 1, figsize=(8, 8.4))
    for label, color in (("SGD", "tab:orange"), ("GD", "tab:blue")):
        batch = {twin: curves[twin][label].batch_loss for twin in twins}
        updates = np.arange(1, len(batch[twins[0]]) + 1)
        plot_twins(
            ax_it,
            updates,
            batch,
            f"{label}: 갱신마다 그 배치의 손실",
            color,
            every=1 if label == "GD" else 25,
        )
        epoch = {twin: curves[twin][label].epoch_loss for twin in twins}
        plot_twins(ax_ep, np.arange(setting.epochs + 1), epoch, f"{label}: 학습 손실", color)
        for twin in twins:
            board.scalars(twin, f"C3.2.1-gd-vs-sgd/{label}/batch_loss", batch[twin], start=1)
            board.scalars(twin, f"C3.2.1-gd-vs-sgd/{label}/epoch_loss", epoch[twin])
    n_sgd = len(curves[twins[0]]["SGD"].batch_loss) // setting.epochs
    ax_it.set(
        xscale="log",
        xlabel="갱신 횟수 (파라미터 스텝, 로그 눈금)",
        ylabel="교차 엔트로피",
        title=f"갱신마다: 에폭당 GD 1번, SGD {n_sgd}번 (배치 크기 {setting.batch_size})",
    )
    ax_ep.set(
        xlabel="에폭 (데이터 전체를 한 번 훑음)",
        ylabel="학습 데이터 전체의 교차 엔트로피",
        title="에폭마다",
    )
    ax_ep.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_ep.set_xlim(-0.5, setting.epochs + 0.5)
    ax_it.legend(fontsize=9, loc="lower left")
    ax_ep.legend(fontsize=9, loc="upper right")
    title = (
        f"C3.2.1-gd vs C3.2.1-sgd: 같은 MLP (2→{setting.hidden}→2, 같은 초기 가중치),\n"
        f"데이터 {setting.dataset}, 학습률 {setting.lr}:\n"
        "SGD는 갱신마다 들쭉날쭉하지만 같은 에폭 뒤 손실이 더 낮습니다"
    )
    return save_figure(fig, "C3.2.1-gd-vs-sgd-loss", outdir, board, title=title)


def _bowl_paths(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    xs, ys = np.linspace(*BOWL.xlim, 200), np.linspace(*BOWL.ylim, 200)
    grid_x, grid_y = np.meshgrid(xs, ys)
    values = scratch_surfaces.Bowl.function(grid_x, grid_y)
    fig, axes = plt.subplots(3, 2, figsize=(9, 10), sharex=True, sharey=True)
    drawn = []
    for ax, spec in zip(axes.ravel(), BOWL.optimizers, strict=True):
        ax.contour(grid_x, grid_y, values, levels=np.geomspace(0.05, 30, 12), cmap="Greys", linewidths=0.7)
        for twin in twins:
            path = run_path(BOWL.surface, spec, BOWL.start, BOWL.steps, twin)
            drawn.append(path)
            if twin == twins[0]:
                ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, linewidth=1, label=twin)
            else:
                ax.plot(
                    path[:, 0],
                    path[:, 1],
                    "--",
                    color="black",
                    linewidth=0.7,
                    label=f"{twin} (위에 겹쳐 그림)",
                )
        ax.plot(0, 0, "b+", markersize=10, label="최솟값 (0, 0)")
        ax.set_title(f"{spec.concept}: {spec.label}", fontsize=10)
    points = np.concatenate(drawn)  # the axes on where the paths go, with a margin of 1
    axes[0, 0].set(
        xlim=(points[:, 0].min() - 1, max(points[:, 0].max(), 0) + 1),
        ylim=(points[:, 1].min() - 1, points[:, 1].max() + 1),
    )
    axes[0, 0].legend(fontsize=9, loc="upper right")
    for ax in axes[-1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("y")
    fig.suptitle(f"C3.2.1: f = x²/20 + y²에서 {_point(BOWL.start)}부터 {BOWL.steps} 스텝")
    return save_figure(fig, BOWL.name, outdir, board)


def _draw_paths(
    setting: PathSetting, twins: tuple[str, ...], levels: Any, f_legend: str = "lower left"
) -> tuple[Any, dict[str, np.ndarray]]:
    """The contour of the setting's surface with every optimizer's path (the first twin as a line with
    markers, the second dashed on top; the first optimizer drawn over the others), and f along each path
    (log-scaled steps, legend at ``f_legend``); returns the figure and the first twin's paths by label."""
    function = getattr(scratch_surfaces, setting.surface).function
    grid_x, grid_y = np.meshgrid(np.linspace(*setting.xlim, 300), np.linspace(*setting.ylim, 300))
    fig, (ax, ax_f) = plt.subplots(
        2, 1, figsize=(8.5, 9.5), gridspec_kw={"height_ratios": [1.4, 1], "hspace": 0.3}
    )
    contour = ax.contour(
        grid_x, grid_y, function(grid_x, grid_y), levels=levels, cmap="Greys", linewidths=0.7
    )
    ax.clabel(contour, fontsize=8, fmt="%.2g")
    firsts = {}
    for k, (spec, color) in enumerate(zip(setting.optimizers, PATH_COLORS, strict=False)):
        paths = {twin: run_path(setting.surface, spec, setting.start, setting.steps, twin) for twin in twins}
        first = firsts[spec.label] = paths[twins[0]]
        z = 2 + 2 * (len(setting.optimizers) - k)
        ax.plot(first[:, 0], first[:, 1], "o-", color=color, markersize=2.5, linewidth=1.2, label=spec.label,
                zorder=z)  # fmt: skip
        if len(twins) == 2:
            other = paths[twins[1]]
            ax.plot(other[:, 0], other[:, 1], "--", color="black", linewidth=0.6, zorder=z + 1)
        ax_f.plot(
            np.arange(1, len(first) + 1), function(first[:, 0], first[:, 1]), color=color, label=spec.label
        )
    ax.plot(*setting.start, "k*", markersize=10, label=f"시작점 {_point(setting.start)}", zorder=20)
    ax.set(xlim=setting.xlim, ylim=setting.ylim, xlabel="x", ylabel="y")
    ax.legend(fontsize=9, loc="lower left")
    if len(twins) == 2:
        ax.set_title(f"{twins[0]} 쌍둥이 (점), {twins[1]} 쌍둥이 (점선, 위에 겹침)", fontsize=10)
    ax_f.set(
        xscale="log",
        xlabel="스텝 + 1 (로그 눈금)",
        ylabel="f(x, y)",
        title=f"각 경로를 따라 잰 f, {setting.steps} 스텝",
    )
    ax_f.legend(fontsize=9, loc=f_legend)
    return fig, firsts


def _point(point: tuple[float, float]) -> str:
    """A start as the figures print it: (x, y) as given, true minus signs."""
    return "({:g}, {:g})".format(*point).replace("-", "−")


def _where(point: np.ndarray) -> str:
    """A path's end as the title prints it: (x, y) to two decimals, true minus signs, no −0.00."""
    x, y = (0.0 if abs(v) < 0.005 else float(v) for v in point)
    return f"({x:.2f}, {y:.2f})".replace("-", "−")


def surface_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    fig, ends = _draw_paths(LOCAL_MINIMA, twins, levels=np.linspace(-0.3, 4, 25), f_legend="upper right")
    end = {label.split()[0]: _where(path[-1]) for label, path in ends.items()}  # where each path ends
    escaped = sorted({end["Momentum"], end["Adam"]})  # one point when both end in the same place
    fig.suptitle(
        f"C3.2.2-local-minima: f = (x² − 1)² + 0.3x + y²\nGD는 얕은 극소점 {end['GD']}에서 멈추고, "
        f"Momentum과 Adam은 전역 최솟값 {', '.join(escaped)}에 도달합니다",
        fontsize=10,
    )
    paths = [save_figure(fig, LOCAL_MINIMA.name, outdir, board)]
    fig, firsts = _draw_paths(SADDLE, twins, levels=np.linspace(-4, 4, 33))
    ax, ax_f = fig.axes[0], fig.axes[1]
    ax_f.set_ylim(-4, 2.5)
    for (label, path), color in zip(firsts.items(), PATH_COLORS, strict=False):
        leave = steps_to_leave(path)
        if leave is None:
            name, y = label.split()[0], abs(path[-1, 1])
            text = f"{name}: {SADDLE.steps} 스텝에서 |y| = {y:.2g}, 아직 안장점에 머묾"
            ax_f.annotate(text, (0.02, 0.3), xycoords="axes fraction", fontsize=9, color=color)
        else:
            ax_f.plot(leave + 1, path[leave, 0] ** 2 - path[leave, 1] ** 2, "o", color=color, markersize=6)
            ax_f.annotate(f"{leave} 스텝에서 벗어남", (leave + 1, path[leave, 0] ** 2 - path[leave, 1] ** 2),
                          xytext=(6, 4), textcoords="offset points", fontsize=9, color=color)  # fmt: skip
    ax.axhspan(-LEAVE_RADIUS, LEAVE_RADIUS, color="gold", alpha=0.12, zorder=0)
    fig.suptitle(
        f"C3.2.2-saddle: f = x² − y², 시작점 {_point(SADDLE.start)}\n"
        "GD는 안장점 (0, 0) 근처에서 거의 나아가지 못하고, "
        f"Momentum과 Adam은 벗어납니다\n(벗어남: |y| > {LEAVE_RADIUS:g}, 노란 띠 밖)",
        fontsize=10,
    )
    paths.append(save_figure(fig, SADDLE.name, outdir, board))
    return paths


def vanishing_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    fig, ax = plt.subplots(figsize=(6.5, 4))
    layers = np.arange(1, 11)
    lowest = np.inf
    for activation, color in VANISHING_COLORS.items():
        norms = vanishing_gradient_norms(activation, np.random.default_rng(VANISHING_SEED))
        by_twin = {twin: getattr(norms, twin) for twin in twins}
        lowest = min(lowest, *(float(np.min(v)) for v in by_twin.values()))
        plot_twins(ax, layers, by_twin, f"{activation} + {norms.scheme}", color)
        for twin, values in by_twin.items():  # step = layer, 1 = input side
            board.scalars(twin, f"C3.2.3-vanishing/{activation}-{norms.scheme}", values, start=1)
        ax.annotate(
            f"첫 층/마지막 층 = {norms.first_over_last:.1e}",
            (1, by_twin[twins[0]][0]),
            xytext=(4, -10),
            textcoords="offset points",
            color=color,
            fontsize=8,
        )
    ax.set_yscale("log")
    ax.set_ylim(bottom=lowest / 10)  # room for the annotation under the lowest curve
    ax.set(
        title="C3.2.3-vanishing: 층별 ‖∂E/∂W_k‖, 뉴런 100개 × 10층",
        xlabel="층 k (1 = 입력 쪽, 10 = 출력 쪽)",
        ylabel="기울기의 노름 (로그 눈금)",
        xticks=layers,
    )
    ax.legend(fontsize=7)
    paths = [save_figure(fig, "C3.2.3-vanishing-gradient-norms", outdir, board)]

    x = np.linspace(-6, 6, 241)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for activation in VANISHING_COLORS:
        spec = next(a for a in ACTIVATIONS if a.concept == f"C3.1.1-{activation}")
        derivatives = {twin: activation_curve(spec, x, twin)[1] for twin in twins}
        plot_twins(ax, x, derivatives, f"{activation}′", VANISHING_COLORS[activation], every=12)
    ax.axhline(0.25, color="tab:orange", linestyle=":", linewidth=1)
    ax.annotate(
        f"σ′ ≤ 0.25: 시그모이드 층 10개를 지나면 σ′만으로 ≤ 0.25¹⁰ ≈ {0.25**10:.0e} (가중치도 곱해짐)",
        (-5.8, 0.28),
        fontsize=8,
    )
    ax.set(title="C3.2.3-vanishing: 역전파가 곱하는 미분", xlabel="x", ylim=(-0.05, 1.1))
    ax.legend(fontsize=7, loc="center right")
    paths.append(save_figure(fig, "C3.2.3-vanishing-derivatives", outdir, board))
    return paths
