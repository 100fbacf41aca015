"""C4.3-batchnorm, C4.3-layernorm: batch normalisation against the initial weights' scale, and batch norm
against layer norm at small batches (seed §4.3).

1. Init scale: an MLP 64 → 100 → 100 → 100 → 100 → 10 (ReLU, plain SGD, lr 0.1) on 1000 digits at batch
   size 100 — the seed's example, 1000 / 100 = 10 iterations per epoch — with every weight drawn from
   N(0, σ²) for σ = 0.01, 0.1, 0.5, with and without batch norm before each activation.
2. Batch size: the same data, an MLP 64 → 64 → 64 → 10 (Adam) with batch norm or layer norm, at batch
   sizes 2, 8 and 64, for the same number of epochs.
The iterations-per-epoch arithmetic, the final losses and accuracies are printed.

Figures (in --outdir, and in TensorBoard with every curve as scalars per twin):
  C4.3-batchnorm-init-scales.png   the loss of every iteration's batch, with and without batch norm, one
                                   panel per σ (scratch twin as lines, torch twin as markers)
  C4.3-layernorm-batch-size.png    test accuracy per epoch of batch norm and layer norm at each batch
                                   size, and the table N / B → iterations per epoch

Usage: python scripts/batchnorm.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                   [--impl {scratch,torch,both}]
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from twin_nets.experiments import regularization as experiment
from twin_nets.experiments.cli import run_figure_script
from twin_nets.experiments.plotting import check_impl, plot_twins
from twin_nets.figures import plt, save_figure

BATCHNORM = "C4.3-batchnorm"
LAYERNORM = "C4.3-layernorm"
NORM_COLORS = {None: "tab:red", "batch": "tab:blue", "layer": "tab:orange"}
NORM_NAMES = {None: "no normalisation", "batch": "batch norm", "layer": "layer norm"}
LOSS_LIMITS = (5e-3, 1e3)  # a run that blows up goes off the top of the chart
CHAOTIC = 1e-6  # twins further apart than this are called out on the figure
INIT_SETTING = experiment.BatchNormSetting()  # the documented settings
BATCH_SETTING = experiment.BatchSizeSetting()


def _pair(values: dict[str, float], fmt: str) -> str:
    return " | ".join(f"{twin} {value:{fmt}}" for twin, value in values.items())


def arithmetic_table(batch_sizes: tuple[int, ...]) -> list[tuple[int, int, int]]:
    """The seed's example row (1000 samples, batch 100 → 10) and one row per batch size of the demo."""
    n, seed_batch = experiment.SEED_EXAMPLE
    return experiment.iterations_table(n, (seed_batch, *batch_sizes))


def _twins_apart(curves: dict[str, experiment.TrainingCurves]) -> str:
    if len(curves) < 2:
        return ""
    return f"; twins' largest curve difference {experiment.max_twin_difference(curves):.1e}"


def summary(
    init_runs: dict,
    init_setting: experiment.BatchNormSetting,
    batch_runs: dict,
    batch_setting: experiment.BatchSizeSetting,
) -> str:
    """What the demo measured: the arithmetic table, the final losses per σ, the accuracies per batch size."""
    lines = [f"{BATCHNORM}: batch / iteration / epoch (seed §4.3)"]
    lines += [
        f"  {n} samples / batch size {b} → {it} iterations per epoch"
        for n, b, it in arithmetic_table(batch_setting.batch_sizes)
    ]
    lines.append(f"{BATCHNORM}: final training loss (inference mode) after {init_setting.epochs} epochs")
    for (std, norm), curves in init_runs.items():
        losses = {twin: c.train_loss[-1] for twin, c in curves.items()}
        lines.append(f"  σ = {std:<5g} {NORM_NAMES[norm]:<17} {_pair(losses, '.4f')}{_twins_apart(curves)}")
    lines.append(f"{LAYERNORM} vs {BATCHNORM}: test accuracy after {batch_setting.epochs} epochs")
    for (batch_size, norm), curves in batch_runs.items():
        accuracy = {twin: c.test_accuracy[-1] for twin, c in curves.items()}
        lines.append(
            f"  batch {batch_size:<3} {NORM_NAMES[norm]:<11} {_pair(accuracy, '.3f')}{_twins_apart(curves)}"
        )
    return "\n".join(lines)


def _init_scale_figure(outdir, writer, runs, setting: experiment.BatchNormSetting) -> Path:
    stds = setting.init_stds
    fig, axes = plt.subplots(1, len(stds), figsize=(5.2 * len(stds), 4.2), sharey=True)
    for ax, std in zip(np.atleast_1d(axes), stds, strict=True):
        for norm in (None, "batch"):
            curves = runs[std, norm]
            first = next(iter(curves.values()))
            iterations = np.arange(1, len(first.batch_loss) + 1)
            ys = {twin: c.batch_loss for twin, c in curves.items()}
            label = f"{NORM_NAMES[norm]}: test accuracy {first.test_accuracy[-1]:.0%}"
            plot_twins(ax, iterations, ys, label, NORM_COLORS[norm], every=4)
            peak = float(np.nanmax(first.batch_loss))
            if peak > LOSS_LIMITS[1]:
                ax.annotate(
                    f"{NORM_NAMES[norm]}: the loss peaks at {peak:.0e} (off the chart)",
                    (0.97, 0.95),
                    ha="right",
                    xycoords="axes fraction",
                    fontsize=7,
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
            xlabel=f"iteration (grey: epochs of {setting.n_train} / {setting.batch_size} = {per_epoch})",
        )
        ax.legend(fontsize=7, loc="lower left")
    np.atleast_1d(axes)[0].set_ylabel("cross-entropy of the iteration's batch")
    fig.suptitle(
        f"{BATCHNORM}: without batch norm a small σ stalls at chance and a large σ blows up; "
        "with it every σ trains"
    )
    fig.tight_layout()
    return save_figure(fig, f"{BATCHNORM}-init-scales", outdir, writer)


def _batch_size_figure(outdir, writer, runs, setting: experiment.BatchSizeSetting) -> Path:
    sizes = setting.batch_sizes
    fig = plt.figure(figsize=(4.6 * len(sizes), 7.2))
    grid = fig.add_gridspec(2, len(sizes), height_ratios=(3, 1.25))
    axes = [fig.add_subplot(grid[0, k]) for k in range(len(sizes))]
    notes = []
    for ax, batch_size in zip(axes, sizes, strict=True):
        for norm in ("batch", "layer"):
            curves = runs[batch_size, norm]
            first = next(iter(curves.values()))
            ys = {twin: c.test_accuracy for twin, c in curves.items()}
            plot_twins(ax, np.arange(len(first.test_accuracy)), ys, NORM_NAMES[norm], NORM_COLORS[norm])
            difference = experiment.max_twin_difference(curves)
            if difference > CHAOTIC:
                config = experiment.batch_size_config(setting, batch_size, norm)
                nudged = experiment.nudged_difference(
                    config, experiment.digits(setting.n_train, setting.seed)
                )
                notes.append(
                    f"{NORM_NAMES[norm]} at batch size {batch_size}: the twins part after a few steps "
                    f"(largest curve difference {difference:.2f}). Training is chaotic here: the scratch "
                    f"twin run again with its initial weights scaled by (1 + 1e-15) parts from itself too "
                    f"(by {nudged:.2f}). Both twins show the same fall."
                )
        ax.set(
            title=f"batch size {batch_size}: {first.iterations_per_epoch} iterations per epoch",
            xlabel="epoch",
            ylim=(0, 1),
            xticks=np.arange(len(first.test_accuracy)),
        )
        ax.grid(True, color="0.92")
        ax.legend(fontsize=7, loc="lower right")
    axes[0].set_ylabel("test accuracy (inference mode)")

    table_ax = fig.add_subplot(grid[1, : max(1, len(sizes) - 1)])
    table_ax.axis("off")
    rows = arithmetic_table(sizes)
    drawn = table_ax.table(
        cellText=[[f"{n}", f"{b}", f"⌈{n} / {b}⌉ = {it}"] for n, b, it in rows],
        colLabels=["samples N", "batch size B", "iterations per epoch"],
        loc="center",
        cellLoc="center",
    )
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(9)
    drawn.scale(1, 1.4)
    for column in range(3):  # the seed's example is the first row
        drawn[1, column].set_facecolor("#fff3b0")
    table_ax.set_title("batch, iteration, epoch (highlighted: the seed's example)", fontsize=9)
    if notes and len(sizes) > 1:
        note_ax = fig.add_subplot(grid[1, -1])
        note_ax.axis("off")
        note_ax.text(0, 0.5, "\n\n".join(textwrap.fill(n, 52) for n in notes), fontsize=7.5, va="center")
    fig.suptitle(
        f"{LAYERNORM} vs {BATCHNORM}: at batch size 2 batch norm's statistics are noise and it falls far "
        "behind;\nlayer norm normalises each sample on its own and does not depend on the batch"
    )
    fig.tight_layout()
    return save_figure(fig, f"{LAYERNORM}-batch-size", outdir, writer)


def _log_scalars(
    writer: Any, prefix: str, curves: dict[str, experiment.TrainingCurves], names: tuple
) -> None:
    for twin, c in curves.items():
        for name in names:
            for step, value in enumerate(getattr(c, name)):
                if np.isfinite(value):
                    writer.add_scalar(f"{prefix}/{name}/{twin}", value, step)


def make_figures(
    outdir: str | os.PathLike[str],
    writer: Any = None,
    impl: str = "both",
    *,
    init_setting: experiment.BatchNormSetting = INIT_SETTING,
    batch_setting: experiment.BatchSizeSetting = BATCH_SETTING,
) -> list[Path]:
    twins = check_impl(impl)
    init_runs = experiment.batchnorm_vs_init_scale(init_setting, twins)
    batch_runs = experiment.norm_vs_batch_size(batch_setting, twins)
    text = summary(init_runs, init_setting, batch_runs, batch_setting)
    print(text)
    if writer is not None:
        writer.add_text(f"{BATCHNORM}/summary", text.replace("\n", "  \n"))
        for (std, norm), curves in init_runs.items():
            _log_scalars(writer, f"{BATCHNORM}/sigma{std:g}/{norm or 'none'}", curves, ("batch_loss",))
        for (batch_size, norm), curves in batch_runs.items():
            names = ("test_accuracy", "train_loss")
            _log_scalars(writer, f"{LAYERNORM}/batch{batch_size}/{norm}", curves, names)
    return [
        _init_scale_figure(outdir, writer, init_runs, init_setting),
        _batch_size_figure(outdir, writer, batch_runs, batch_setting),
    ]


if __name__ == "__main__":
    raise SystemExit(run_figure_script(make_figures, __doc__))
