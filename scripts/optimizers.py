"""C3.2.1: full-batch GD vs mini-batch SGD loss curves on the same model, and every optimizer's path on
f(x, y) = x²/20 + y² from (−7, 2) — the classic comparison figure (the scratch twin steps on the
hand-written gradient of f, the torch twin on autograd's; the paths are identical).

Usage: python scripts/optimizers.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                    [--impl {scratch,torch,both}]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from scratch.models.surfaces import Bowl
from twin_nets.experiments import gd_vs_sgd
from twin_nets.experiments.cli import run_figure_script
from twin_nets.experiments.paths import BOWL, run_path
from twin_nets.experiments.plotting import check_impl, plot_twins
from twin_nets.figures import plt, save_figure


def _bowl_paths(outdir: str | os.PathLike[str], writer: Any, twins: tuple[str, ...]) -> Path:
    xs, ys = np.linspace(*BOWL.xlim, 200), np.linspace(*BOWL.ylim, 200)
    grid_x, grid_y = np.meshgrid(xs, ys)
    values = Bowl.function(grid_x, grid_y)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True, sharey=True)
    for ax, spec in zip(axes.ravel(), BOWL.optimizers, strict=True):
        ax.contour(grid_x, grid_y, values, levels=np.geomspace(0.05, 30, 12), cmap="Greys", linewidths=0.7)
        for twin in twins:
            path = run_path(BOWL.surface, spec, BOWL.start, BOWL.steps, twin)
            if twin == twins[0]:
                ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, linewidth=1, label=twin)
            else:
                ax.plot(path[:, 0], path[:, 1], "--", color="black", linewidth=0.7, label=f"{twin} (on top)")
        ax.plot(0, 0, "b+", markersize=10)
        ax.set_title(f"{spec.concept}: {spec.label}", fontsize=9)
    axes[0, 0].legend(fontsize=7, loc="lower right")
    for ax in axes[-1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("y")
    fig.suptitle(f"C3.2.1: {BOWL.steps} steps on f = x²/20 + y² from {BOWL.start}")
    return save_figure(fig, BOWL.name, outdir, writer)


def _gd_vs_sgd(outdir: str | os.PathLike[str], writer: Any, twins: tuple[str, ...]) -> Path:
    setting = gd_vs_sgd.GdVsSgdSetting()
    curves = {twin: gd_vs_sgd.run(setting, twin) for twin in twins}
    fig, (ax_it, ax_ep) = plt.subplots(1, 2, figsize=(12, 4))
    for label, color in (("SGD", "tab:orange"), ("GD", "tab:blue")):
        batch = {twin: curves[twin][label].batch_loss for twin in twins}
        first = batch[twins[0]]
        plot_twins(
            ax_it,
            np.arange(1, len(first) + 1),
            batch,
            f"{label}: loss of each iteration's batch",
            color,
            every=25,
        )
        epoch = {twin: curves[twin][label].epoch_loss for twin in twins}
        plot_twins(ax_ep, np.arange(setting.epochs + 1), epoch, f"{label}: training loss", color)
        if writer is not None:
            for step, value in enumerate(first, start=1):
                writer.add_scalar(f"C3.2.1-gd-vs-sgd/{label}/batch_loss", value, step)
    n_sgd = len(curves[twins[0]]["SGD"].batch_loss) // setting.epochs
    ax_it.set(
        xlabel="iteration (parameter update)",
        ylabel="cross-entropy",
        title=f"per iteration: GD 1 step per epoch, SGD {n_sgd} (batch {setting.batch_size})",
    )
    ax_ep.set(
        xlabel="epoch (pass over the data)",
        ylabel="cross-entropy on the whole training set",
        title="per epoch",
    )
    ax_it.legend(fontsize=7)
    ax_ep.legend(fontsize=7)
    fig.suptitle(
        f"C3.2.1-gd vs C3.2.1-sgd: the same MLP (2→{setting.hidden}→2, same initial weights) on "
        f"{setting.dataset}, lr {setting.lr}: SGD is noisier but gets further in the same epochs"
    )
    return save_figure(fig, "C3.2.1-gd-vs-sgd-loss", outdir, writer)


def make_figures(outdir: str | os.PathLike[str], writer: Any = None, impl: str = "both") -> list[Path]:
    twins = check_impl(impl)
    return [_gd_vs_sgd(outdir, writer, twins), _bowl_paths(outdir, writer, twins)]


if __name__ == "__main__":
    raise SystemExit(run_figure_script(make_figures, __doc__))
