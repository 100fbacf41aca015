"""C3.2.3-vanishing: per-layer gradient norms of a 10-layer, 100-unit MLP for sigmoid, tanh and ReLU
(each with the initialisation that suits it), on a log scale, and the derivative curves behind them.

The gradient norms also go to TensorBoard as scalars (tag ``C3.2.3-vanishing/<activation>-<init>``, step
= layer index, 1 = input side).

Usage: python scripts/vanishing.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                   [--impl {scratch,torch,both}]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from twin_nets.experiments.cli import run_figure_script
from twin_nets.experiments.curves import ACTIVATIONS, activation_curve
from twin_nets.experiments.deep_nets import vanishing_gradient_norms
from twin_nets.experiments.plotting import check_impl, plot_twins
from twin_nets.figures import plt, save_figure

SEED = 0
COLORS = {"sigmoid": "tab:orange", "tanh": "tab:green", "relu": "tab:red"}


def make_figures(outdir: str | os.PathLike[str], writer: Any = None, impl: str = "both") -> list[Path]:
    twins = check_impl(impl)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    layers = np.arange(1, 11)
    for activation, color in COLORS.items():
        norms = vanishing_gradient_norms(activation, np.random.default_rng(SEED))
        by_twin = {twin: getattr(norms, twin) for twin in twins}
        plot_twins(ax, layers, by_twin, f"{activation} + {norms.scheme}", color)
        if writer is not None:
            for k, value in enumerate(by_twin[twins[0]], start=1):
                writer.add_scalar(f"C3.2.3-vanishing/{activation}-{norms.scheme}", value, k)
        ax.annotate(
            f"first/last = {norms.first_over_last:.1e}",
            (1, by_twin[twins[0]][0]),
            xytext=(4, -10),
            textcoords="offset points",
            color=color,
            fontsize=8,
        )
    ax.set_yscale("log")
    ax.set(
        title="C3.2.3-vanishing: ‖∂E/∂W_k‖ per layer, 10 × 100 units",
        xlabel="layer k (1 = input side, 10 = output side)",
        ylabel="gradient norm (log scale)",
        xticks=layers,
    )
    ax.legend(fontsize=7)
    paths = [save_figure(fig, "C3.2.3-vanishing-gradient-norms", outdir, writer)]

    x = np.linspace(-6, 6, 241)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for concept, activation in (
        ("C3.1.1-sigmoid", "sigmoid"),
        ("C3.1.1-tanh", "tanh"),
        ("C3.1.1-relu", "relu"),
    ):
        twin_spec = next(a for a in ACTIVATIONS if a.concept == concept)
        derivatives = {twin: activation_curve(twin_spec, x, twin)[1] for twin in twins}
        plot_twins(ax, x, derivatives, f"{activation}′", COLORS[activation], every=12)
    ax.axhline(0.25, color="tab:orange", linestyle=":", linewidth=1)
    ax.annotate("σ′ ≤ 0.25: ten sigmoid layers multiply by ≤ 0.25¹⁰ ≈ 1e-6", (-5.8, 0.28), fontsize=8)
    ax.set(
        title="C3.2.3-vanishing: the derivatives backpropagation multiplies", xlabel="x", ylim=(-0.05, 1.1)
    )
    ax.legend(fontsize=7, loc="center right")
    paths.append(save_figure(fig, "C3.2.3-vanishing-derivatives", outdir, writer))
    return paths


if __name__ == "__main__":
    raise SystemExit(run_figure_script(make_figures, __doc__))
