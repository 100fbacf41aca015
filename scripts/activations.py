"""C3.1.1: every activation with its derivative (in purple, as the seed draws it), an overview of all of
them, and the seed's softmax example (scores → exp → normalised).

Usage: python scripts/activations.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                     [--impl {scratch,torch,both}]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from twin_nets.experiments.cli import run_figure_script
from twin_nets.experiments.curves import ACTIVATIONS, activation_curve, softmax_example
from twin_nets.experiments.plotting import check_impl, plot_twins
from twin_nets.figures import plt, save_figure

FUNCTION_COLOR, DERIVATIVE_COLOR = "tab:blue", "purple"


def make_figures(outdir: str | os.PathLike[str], writer: Any = None, impl: str = "both") -> list[Path]:
    twins = check_impl(impl)
    x = np.linspace(-5, 5, 401)
    curves = {a.concept: {twin: activation_curve(a, x, twin) for twin in twins} for a in ACTIVATIONS}
    paths = []
    for activation in ACTIVATIONS:
        fig, ax = plt.subplots(figsize=(5, 3.4))
        by_twin = curves[activation.concept]
        plot_twins(ax, x, {t: c[0] for t, c in by_twin.items()}, "f(x)", FUNCTION_COLOR, every=20)
        plot_twins(ax, x, {t: c[1] for t, c in by_twin.items()}, "f′(x)", DERIVATIVE_COLOR, every=20)
        ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.set(title=f"{activation.concept}: {activation.title}", xlabel="x")
        ax.legend(fontsize=7, loc="upper left")
        paths.append(save_figure(fig, activation.concept, outdir, writer))

    fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(10, 3.8))
    twin = twins[0]
    for activation in ACTIVATIONS:
        y, dy = curves[activation.concept][twin]
        name = activation.concept.removeprefix("C3.1.1-")
        ax_f.plot(x, y, label=name)
        ax_d.plot(x, dy, label=name)
    ax_f.set(title="activations f(x)", xlabel="x", ylim=(-1.6, 3))
    ax_d.set(title="derivatives f′(x) — what backpropagation multiplies by", xlabel="x", ylim=(-0.1, 1.15))
    ax_d.axhline(0.25, color="purple", linestyle=":", linewidth=1)
    ax_d.annotate("σ′ ≤ 0.25", (2.2, 0.27), color="purple", fontsize=8)
    ax_f.legend(fontsize=7)
    fig.suptitle(f"C3.1.1: activation functions and their derivatives ({twin} twin)")
    paths.append(save_figure(fig, "C3.1.1-activations-overview", outdir, writer))

    paths.append(_softmax_figure(outdir, writer, twins))
    return paths


def _softmax_figure(outdir: str | os.PathLike[str], writer: Any, twins: tuple[str, ...]) -> Path:
    labels, scores, exps, probs = softmax_example(twins[0])
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.2))
    panels = [
        ("scores s (output layer)", scores, "tab:blue"),
        ("eˢ (all positive)", exps, "tab:red"),
        (f"eˢ / Σ eˢ (softmax, {twins[0]})", probs, "tab:green"),
        ("label (one-hot: car)", np.array([0.0, 1.0, 0.0]), "purple"),
    ]
    for ax, (title, values, color) in zip(axes, panels, strict=True):
        ax.bar(labels, values, color=color)
        for k, v in enumerate(values):
            ax.annotate(f"{v:.2f}", (k, v), ha="center", va="bottom" if v >= 0 else "top", fontsize=8)
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set_title(title, fontsize=9)
    if len(twins) == 2:
        other = softmax_example(twins[1])[3]
        axes[2].plot(labels, other, "ko", markerfacecolor="none", label="torch")
        axes[2].legend(fontsize=7)
    fig.suptitle(
        "C3.1.1-softmax: the seed's example — cat 3.2, car 5.1, frog −1.7 → 0.13, 0.87, 0.00", y=1.04
    )
    return save_figure(fig, "C3.1.1-softmax-example", outdir, writer)


if __name__ == "__main__":
    raise SystemExit(run_figure_script(make_figures, __doc__))
