"""C1.3-features: feature engineering vs learned features on concentric circles (seed §1.3).

Figure (in --outdir, and in TensorBoard with each model's training loss per twin as scalars):
  C1.3-features-circles.png  three decision boundaries side by side: logistic regression on (x₁, x₂),
                             logistic regression on the hand-made x₁² + x₂², an MLP on (x₁, x₂)

Usage: python scripts/features.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                  [--impl {scratch,torch,both}]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from twin_nets.experiments import supervised as experiment
from twin_nets.experiments.cli import run_figure_script
from twin_nets.experiments.plotting import check_impl
from twin_nets.figures import plt, save_figure
from twin_nets.plots.boundaries import XOR_COLORS, plot_boundary, plot_points, shade_regions

CONCEPT = "C1.3-features"
LIM = (-1.5, 1.5)


def make_figures(outdir: str | os.PathLike[str], writer: Any = None, impl: str = "both") -> list[Path]:
    twins = check_impl(impl)
    x, t = experiment.features_data()
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.8))
    for ax, model in zip(axes, experiment.FEATURE_MODELS, strict=True):
        runs = {twin: experiment.train_feature_model(twin, model.key) for twin in twins}
        if writer is not None:
            for twin, run in runs.items():
                for step in range(0, len(run.losses), 5):
                    writer.add_scalar(f"{CONCEPT}/{model.key}/loss/{twin}", float(run.losses[step]), step)
        shade_regions(ax, runs[twins[0]].predict, LIM, LIM, XOR_COLORS, alpha=0.2)
        for twin, run in runs.items():
            plot_boundary(ax, run.predict, LIM, LIM, twin)
        plot_points(ax, x, t, XOR_COLORS, ("outer circle (0)", "inner circle (1)"), size=14, linewidths=0.4)
        accuracy = ", ".join(
            f"{twin} {experiment.accuracy(run.predict(x), t):.1%}" for twin, run in runs.items()
        )
        ax.set(
            title=f"{model.title}\naccuracy: {accuracy}",
            xlabel="x₁",
            ylabel="x₂",
            xlim=LIM,
            ylim=LIM,
            aspect="equal",
        )
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    fig.suptitle(
        f"{CONCEPT}: a linear model fails on raw features, succeeds with a hand-made feature (feature "
        "engineering), and an MLP learns the feature itself",
        y=1.0,
    )
    fig.tight_layout()
    return [save_figure(fig, f"{CONCEPT}-circles", outdir, writer)]


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)  # tiny tensors: one thread is fastest
    raise SystemExit(run_figure_script(make_figures, __doc__))
