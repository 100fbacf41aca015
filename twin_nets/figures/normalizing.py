"""Figures of seed §4.3: batch normalisation against the initial weights' scale (C4.3-batchnorm), and
batch norm against layer norm by batch size at equal updates (C4.3-layernorm).

1. Init scale: an MLP 64 → 100 → 100 → 100 → 100 → 10 (ReLU, plain SGD, lr 0.1) on 1000 digits at batch
   size 100 — the seed's example, 1000 / 100 = 10 iterations per epoch — with every weight drawn from
   N(0, σ²) for σ = 0.01, 0.1, 0.5, with and without batch norm before each activation.
2. Batch size: the same data, an MLP 64 → 64 → 64 → 10 (Adam) with batch norm or layer norm, at batch
   sizes 2, 8 and 64, every run the same number of updates, over several seeds.

  C4.3-batchnorm-init-scales.png   the loss of every iteration's batch, with and without batch norm, one
                                   panel per σ (scratch twin as lines, torch twin as markers)
  C4.3-layernorm-batch-size.png    test accuracy against updates per batch size: the mean over seeds
                                   (scratch line, torch markers) and the seeds' range (band); the table
                                   N / B → iterations per epoch
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twin_nets.experiments import batch_size as by_batch
from twin_nets.experiments import regularization as experiment
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import plot_twins

BATCHNORM = "C4.3-batchnorm"
LAYERNORM = "C4.3-layernorm"
NORM_COLORS = {None: "tab:red", "batch": "tab:blue", "layer": "tab:orange"}
NORM_NAMES = {None: "정규화 없음", "batch": "배치 정규화", "layer": "레이어 정규화"}  # on the figures
SUMMARY_NAMES = {None: "no normalisation", "batch": "batch norm", "layer": "layer norm"}  # printed
LOSS_LIMITS = (5e-3, 1e3)  # a run that blows up goes off the top of the chart
INIT_SETTING = experiment.BatchNormSetting()  # the documented settings
BATCH_SETTING = by_batch.BatchSizeSetting()


def _pair(values: dict[str, float], fmt: str) -> str:
    return " | ".join(f"{twin} {value:{fmt}}" for twin, value in values.items())


def arithmetic_table(batch_sizes: tuple[int, ...]) -> list[tuple[int, int, int]]:
    """The seed's example row (1000 samples, batch 100 → 10) and one row per batch size of the demo."""
    n, seed_batch = experiment.SEED_EXAMPLE
    return experiment.iterations_table(n, (seed_batch, *batch_sizes))


def _spread(values: np.ndarray) -> str:
    return f"{values.mean():.3f} (range {values.min():.3f}–{values.max():.3f})"


def summary(init_runs: dict, init_setting, batch_runs: dict, batch_setting) -> str:
    """What the demos measured: the arithmetic table, the final losses per σ, the accuracies by batch size."""
    lines = [f"{BATCHNORM}: batch / iteration / epoch (seed §4.3)"]
    lines += [
        f"  {n} samples / batch size {b} → {it} iterations per epoch"
        for n, b, it in arithmetic_table(batch_setting.batch_sizes)
    ]
    lines.append(f"{BATCHNORM}: final training loss (inference mode) after {init_setting.epochs} epochs")
    for (std, norm), curves in init_runs.items():
        losses = {twin: c.train_loss[-1] for twin, c in curves.items()}
        lines.append(f"  σ = {std:<5g} {SUMMARY_NAMES[norm]:<17} {_pair(losses, '.4f')}")
    seeds = len(batch_setting.seeds)
    lines.append(
        f"{LAYERNORM} vs {BATCHNORM}: test accuracy after {batch_setting.updates} updates, {seeds} seeds"
    )
    for (batch_size, norm), by_twin in batch_runs.items():
        cells = " | ".join(
            f"{twin} {_spread(by_batch.final_accuracies(runs))}" for twin, runs in by_twin.items()
        )
        lines.append(f"  batch {batch_size:<3} {SUMMARY_NAMES[norm]:<11} {cells}")
    return "\n".join(lines)


def _init_scale_figure(
    outdir: Path, board: FigureBoard, runs: dict, setting: experiment.BatchNormSetting
) -> Path:
    stds = setting.init_stds
    fig, axes = plt.subplots(len(stds), 1, figsize=(9.5, 3.3 * len(stds) + 1), sharex=True)
    for ax, std in zip(np.atleast_1d(axes), stds, strict=True):
        for norm in (None, "batch"):
            curves = runs[std, norm]
            first = next(iter(curves.values()))
            iterations = np.arange(1, len(first.batch_loss) + 1)
            ys = {twin: c.batch_loss for twin, c in curves.items()}
            named = {twin: f" ({twin})" if len(curves) > 1 else "" for twin in curves}
            label = {  # each twin's own accuracy
                twin: f"{NORM_NAMES[norm]}{named[twin]}: 테스트 정확도 {c.test_accuracy[-1]:.0%}"
                for twin, c in curves.items()
            }
            plot_twins(ax, iterations, ys, label, NORM_COLORS[norm], every=4)
            peak = float(np.nanmax(first.batch_loss))
            if peak > LOSS_LIMITS[1]:
                ax.annotate(
                    f"{NORM_NAMES[norm]}: 손실이 최대 {peak:.0e}까지 치솟음 (그래프 밖)",
                    (0.97, 0.95),
                    ha="right",
                    xycoords="axes fraction",
                    fontsize=9,
                    color=NORM_COLORS[norm],
                    va="top",
                )
        per_epoch = first.iterations_per_epoch
        for boundary in range(per_epoch, len(iterations) + 1, per_epoch):
            ax.axvline(boundary + 0.5, color="0.88", linewidth=0.8, zorder=0)
        ax.set(
            yscale="log",
            ylim=LOSS_LIMITS,
            title=f"W ~ N(0, {std:g}²)",
            ylabel="그 iteration 배치의\n교차 엔트로피",
        )
        ax.legend(fontsize=9, loc="center left", bbox_to_anchor=(1.02, 0.5))  # beside the panel
    np.atleast_1d(axes)[-1].set_xlabel(
        f"iteration (회색 선: 에폭 경계, {setting.n_train} / {setting.batch_size} = {per_epoch})"
    )
    title = (
        f"{BATCHNORM}: 배치 정규화 없이는 σ가 작으면 멈추고 크면 발산하지만,\n있으면 모든 σ에서 학습됩니다"
    )
    return save_figure(fig, f"{BATCHNORM}-init-scales", outdir, board, title=title)


def _batch_size_figure(
    outdir: Path, board: FigureBoard, runs: dict, setting: by_batch.BatchSizeSetting
) -> Path:
    sizes = setting.batch_sizes
    fig = plt.figure(figsize=(3.4 * len(sizes), 8.4))
    grid = fig.add_gridspec(3, len(sizes), height_ratios=(3, 0.45, 1.25))
    axes = [fig.add_subplot(grid[0, k]) for k in range(len(sizes))]
    for ax, batch_size in zip(axes, sizes, strict=True):
        for norm in ("batch", "layer"):
            by_twin = runs[batch_size, norm]
            first_twin, first = next(iter(by_twin.items()))
            updates = first[0].updates
            accuracy = {twin: np.array([c.test_accuracy for c in r]) for twin, r in by_twin.items()}
            means = {twin: a.mean(axis=0) for twin, a in accuracy.items()}
            plot_twins(ax, updates, means, f"{NORM_NAMES[norm]}, 평균", NORM_COLORS[norm])
            band = accuracy[first_twin]
            ax.fill_between(
                updates,
                band.min(axis=0),
                band.max(axis=0),
                color=NORM_COLORS[norm],
                alpha=0.15,
                label=f"{NORM_NAMES[norm]}, 시드 {len(setting.seeds)}개의 범위 ({first_twin})",
            )
        epochs = setting.updates / first[0].iterations_per_epoch
        ax.set_title(f"배치 크기 {batch_size}:\n갱신 {setting.updates}번 = {epochs:.3g} 에폭", fontsize=10)
        ax.set_ylim(0, 1)
        ax.set_xlabel("갱신 횟수")
        ax.grid(True, color="0.92")
    axes[0].set_ylabel("테스트 정확도")
    legend_ax = fig.add_subplot(grid[1, :])  # one legend for the three panels, off their data
    legend_ax.axis("off")
    handles, labels = axes[0].get_legend_handles_labels()
    legend_ax.legend(handles, labels, loc="center", ncol=2, fontsize=9)
    table_ax = fig.add_subplot(grid[2, :])
    table_ax.axis("off")
    rows = arithmetic_table(sizes)
    drawn = table_ax.table(
        cellText=[[f"{n}", f"{b}", f"⌈{n} / {b}⌉ = {it}"] for n, b, it in rows],
        colLabels=["샘플 수 N", "배치 크기 B", "에폭당 iteration"],
        loc="center",
        cellLoc="center",
        colWidths=[0.2, 0.2, 0.3],
    )
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(10)
    drawn.scale(1, 1.4)
    for column in range(3):  # the seed's example is the first row
        drawn[1, column].set_facecolor("#fff3b0")
    table_ax.set_title("배치, iteration, 에폭 (노란 칸: 노트의 예)", fontsize=10)
    title = (
        f"{LAYERNORM} vs {BATCHNORM}, 같은 갱신 횟수:\n배치 크기 2에서는 샘플 두 개로 낸 배치 정규화의 "
        "통계가 잡음이라\n모든 시드에서 크게 뒤처지고, 레이어 정규화는 샘플마다 따로 정규화합니다.\n"
        "(배치 크기 2의 배치 정규화는 혼돈적이라 두 쌍둥이의 평균이 갈라집니다.)"
    )
    return save_figure(fig, f"{LAYERNORM}-batch-size", outdir, board, title=title)


def normalization_figures(
    outdir: Path,
    board: FigureBoard,
    twins: tuple[str, ...],
    init_setting: experiment.BatchNormSetting = INIT_SETTING,
    batch_setting: by_batch.BatchSizeSetting = BATCH_SETTING,
) -> list[Path]:
    impl = "both" if len(twins) == 2 else twins[0]
    init_runs = experiment.batchnorm_vs_init_scale(init_setting, impl)
    batch_runs = by_batch.norm_vs_batch_size(batch_setting, impl)
    text = summary(init_runs, init_setting, batch_runs, batch_setting)
    print(text)
    board.text(f"{BATCHNORM}/summary", text)
    for (std, norm), curves in init_runs.items():
        for twin, c in curves.items():
            board.scalars(
                twin, f"{BATCHNORM}/sigma{std:g}/{norm or 'none'}/batch_loss", c.batch_loss, start=1
            )
    for (batch_size, norm), by_twin in batch_runs.items():
        for twin, per_seed in by_twin.items():
            for seed, c in zip(batch_setting.seeds, per_seed, strict=True):
                tag = f"{LAYERNORM}/batch{batch_size}/{norm}/seed{seed}/test_accuracy"
                for update, value in zip(c.updates, c.test_accuracy, strict=True):
                    board.scalars(twin, tag, [value], start=int(update))
    return [
        _init_scale_figure(outdir, board, init_runs, init_setting),
        _batch_size_figure(outdir, board, batch_runs, batch_setting),
    ]
