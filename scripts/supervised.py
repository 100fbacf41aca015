"""C1.1-supervised: classification and regression as one-neuron networks (seed §1.1).

Figures (in --outdir, and in TensorBoard with each twin's training loss as scalars):
  C1.1-supervised-logistic.png  logistic regression on two clusters: P(class 1 | x), its 0.5 line, the loss
  C1.1-supervised-linear.png    linear regression by gradient descent on the closed-form least-squares line

Usage: python scripts/supervised.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                    [--impl {scratch,torch,both}]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from twin_nets.experiments import supervised as experiment
from twin_nets.experiments.cli import run_figure_script
from twin_nets.experiments.plotting import check_impl, plot_twins
from twin_nets.figures import plt, save_figure
from twin_nets.plots.boundaries import XOR_COLORS, grid, plot_boundary, plot_points

CONCEPT = "C1.1-supervised"


def make_figures(outdir: str | os.PathLike[str], writer: Any = None, impl: str = "both") -> list[Path]:
    twins = check_impl(impl)
    return [_logistic_figure(outdir, writer, twins), _linear_figure(outdir, writer, twins)]


def _log_losses(writer: Any, tag: str, runs: dict[str, experiment.Trained]) -> None:
    if writer is not None:
        for twin, run in runs.items():
            for step, loss in enumerate(run.losses):
                writer.add_scalar(f"{tag}/{twin}", float(loss), step)


def _logistic_figure(outdir: Any, writer: Any, twins: tuple[str, ...]) -> Path:
    settings = experiment.LOGISTIC
    runs = {twin: experiment.train_logistic(twin) for twin in twins}
    _log_losses(writer, f"{CONCEPT}/logistic/loss", runs)
    x, t = experiment.logistic_data()
    xlim = (x[:, 0].min() - 0.5, x[:, 0].max() + 0.5)
    ylim = (x[:, 1].min() - 0.5, x[:, 1].max() + 0.5)
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(12, 5), gridspec_kw={"width_ratios": [1.2, 1]})
    xx, yy, points = grid(xlim, ylim, 200)
    first = runs[twins[0]]
    image = ax.contourf(
        xx, yy, first.predict(points).reshape(xx.shape), levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.35
    )
    fig.colorbar(image, ax=ax, label=f"ŷ = σ(w·x + b) = P(class 1 | x)  ({twins[0]})")
    for twin, run in runs.items():
        plot_boundary(ax, run.predict, xlim, ylim, twin)
    plot_points(ax, x, t, XOR_COLORS, ("class 0", "class 1"), size=28)
    accuracy = ", ".join(f"{twin} {experiment.accuracy(run.predict(x), t):.1%}" for twin, run in runs.items())
    ax.set(
        title=f"classification: one sigmoid neuron (accuracy {accuracy})",
        xlabel="x₁",
        ylabel="x₂",
        xlim=xlim,
        ylim=ylim,
    )
    ax.legend(fontsize=8, loc="lower right")
    steps = np.arange(settings.steps)
    plot_twins(
        ax_loss, steps, {twin: run.losses for twin, run in runs.items()}, "BCELoss", "tab:blue", every=15
    )
    ax_loss.set(title=f"binary cross-entropy, full batch, SGD lr {settings.lr:g}", xlabel="step", ylabel="E")
    ax_loss.legend(fontsize=8)
    fig.suptitle(
        f"{CONCEPT}: logistic regression — the decision boundary w·x + b = 0 is a straight line", y=1.02
    )
    fig.tight_layout()
    return save_figure(fig, f"{CONCEPT}-logistic", outdir, writer)


def _linear_figure(outdir: Any, writer: Any, twins: tuple[str, ...]) -> Path:
    settings = experiment.LINEAR
    runs = {twin: experiment.train_linear(twin) for twin in twins}
    _log_losses(writer, f"{CONCEPT}/linear/loss", runs)
    x, y = experiment.linear_data()
    closed = experiment.closed_form(twins[0])
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(12, 4.8))
    ax.scatter(x[:, 0], y, s=22, color="0.35", label="data: y = 0.8x + 1.5 + noise")
    line_x = np.linspace(-3.2, 3.2, 2)[:, None]
    for twin, run in runs.items():
        w, b = run.state["linear.weight"][0, 0], run.state["linear.bias"][0]
        style = (
            {"color": "tab:blue", "linewidth": 2.2}
            if twin == "scratch"
            else {
                "color": "tab:orange",
                "linestyle": "none",
                "marker": "o",
                "markerfacecolor": "none",
                "markersize": 9,
            }
        )
        ax.plot(
            line_x[:, 0],
            run.predict(line_x),
            label=f"gradient descent ({twin}): ŷ = {w:.4f}x + {b:.4f}",
            **style,
        )
    w, b = closed["linear.weight"][0, 0], closed["linear.bias"][0]
    ax.plot(
        line_x[:, 0],
        w * line_x[:, 0] + b,
        color="black",
        linestyle=":",
        linewidth=1.5,
        label=f"closed-form least squares: ŷ = {w:.4f}x + {b:.4f}",
    )
    ax.set(title="regression: one linear neuron", xlabel="x", ylabel="y")
    ax.legend(fontsize=8, loc="upper left")
    steps = np.arange(settings.steps)
    excess = {twin: experiment.excess_losses(run) for twin, run in runs.items()}
    plot_twins(ax_loss, steps, excess, "E − E_least-squares", "tab:blue", every=10)
    ax_loss.set(
        yscale="log",
        title=f"MSE above its closed-form minimum, full batch, SGD lr {settings.lr:g}",
        xlabel="step",
        ylabel="E − E_min",
    )
    ax_loss.legend(fontsize=8)
    fig.suptitle(
        f"{CONCEPT}: linear regression — gradient descent lands on the least-squares solution", y=1.02
    )
    fig.tight_layout()
    return save_figure(fig, f"{CONCEPT}-linear", outdir, writer)


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)  # tiny tensors: one thread is fastest
    raise SystemExit(run_figure_script(make_figures, __doc__))
