"""C3.1.2: the −log(ŷ) curve of cross-entropy, and the gradient with respect to the logit of MSE vs
cross-entropy: for a confidently wrong prediction MSE's gradient vanishes, cross-entropy's does not.

Usage: python scripts/losses.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                [--impl {scratch,torch,both}]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from twin_nets.experiments.cli import run_figure_script
from twin_nets.experiments.curves import logit_gradients, neg_log_curve
from twin_nets.experiments.plotting import check_impl, plot_twins
from twin_nets.figures import plt, save_figure

CONFIDENT_WRONG = -6.0  # the logit of a prediction ŷ = σ(−6) ≈ 0.0025 for the true class


def make_figures(outdir: str | os.PathLike[str], writer: Any = None, impl: str = "both") -> list[Path]:
    twins = check_impl(impl)
    p = np.linspace(0.005, 1.0, 400)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    plot_twins(ax, p, {twin: neg_log_curve(p, twin) for twin in twins}, "−log ŷ", "tab:blue", every=20)
    for prob, label in ((0.13, "cat 0.13"), (0.87, "car 0.87")):
        value = float(neg_log_curve(np.array([prob]), twins[0])[0])
        ax.plot(prob, value, "ko")
        ax.annotate(
            f"{label} → {value:.2f}", (prob, value), xytext=(6, 6), textcoords="offset points", fontsize=8
        )
    ax.set(
        title="C3.1.2-cross-entropy: E = −log ŷ for the true class",
        xlabel="ŷ, the predicted probability of the true class",
        ylabel="E",
    )
    ax.legend(fontsize=7)
    paths = [save_figure(fig, "C3.1.2-cross-entropy-neg-log", outdir, writer)]

    z = np.linspace(-10, 10, 401)
    curves = {twin: logit_gradients(z, twin) for twin in twins}
    fig, (ax_e, ax_g) = plt.subplots(1, 2, figsize=(11, 3.8))
    for name, color in (("MSE", "tab:orange"), ("cross-entropy", "tab:blue")):
        label = "½(σ(z) − 1)²" if name == "MSE" else "−log σ(z)"
        plot_twins(ax_e, z, {t: curves[t][name][0] for t in twins}, f"{name}: {label}", color, every=20)
        plot_twins(ax_g, z, {t: -curves[t][name][1] for t in twins}, f"{name}", color, every=20)
    at = int(np.argmin(np.abs(z - CONFIDENT_WRONG)))
    for name in ("MSE", "cross-entropy"):
        g = -curves[twins[0]][name][1][at]
        ax_g.annotate(
            f"{name}: {g:.4f}", (CONFIDENT_WRONG, g), xytext=(8, 4), textcoords="offset points", fontsize=8
        )
    ax_g.axvline(CONFIDENT_WRONG, color="0.6", linestyle=":")
    ax_e.set(title="loss for target y = 1", xlabel="logit z (ŷ = σ(z))", ylim=(0, 3))
    ax_g.set(
        title=f"−∂E/∂z: at z = {CONFIDENT_WRONG:g} (ŷ ≈ 0.0025, confidently wrong)",
        xlabel="logit z",
        ylabel="size of the gradient step",
    )
    ax_e.legend(fontsize=7)
    ax_g.legend(fontsize=7)
    fig.suptitle(
        "C3.1.2-mse vs C3.1.2-cross-entropy: MSE's gradient (ŷ − y)·σ′(z) vanishes where the prediction is "
        "most wrong; cross-entropy's ŷ − y does not",
        fontsize=10,
        y=1.03,
    )
    paths.append(save_figure(fig, "C3.1.2-mse-vs-cross-entropy-gradient", outdir, writer))
    return paths


if __name__ == "__main__":
    raise SystemExit(run_figure_script(make_figures, __doc__))
