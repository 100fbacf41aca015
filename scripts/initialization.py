"""C4.1-init-*: activation histograms of a 5-layer, 100-unit net for N(0, 1), N(0, 0.01²), Xavier and He
under sigmoid, tanh and ReLU; the seed's Xavier formula 2/√(n+m) beside Glorot's √(2/(n+m)).

TensorBoard gets every histogram under ``init/<scheme>/<activation>/layer<k>``.

Usage: python scripts/initialization.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                        [--impl {scratch,torch,both}]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from twin_nets.experiments.cli import run_figure_script
from twin_nets.experiments.deep_nets import ACTIVATIONS, ActivationRun, activation_run, build_deep_net
from twin_nets.experiments.plotting import check_impl
from twin_nets.experiments.symmetry import train_mlp
from twin_nets.figures import plt, save_figure

SEED = 0
SCHEMES = {"normal-1": "N(0, 1)", "normal-0.01": "N(0, 0.01²)", "xavier": "Xavier (Glorot)", "he": "He"}
RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": None}


def _values(run: ActivationRun, twin: str, layer: int) -> np.ndarray:
    a = run.scratch[layer] if twin == "scratch" else run.torch[layer].numpy()
    return a.ravel()


def make_figures(outdir: str | os.PathLike[str], writer: Any = None, impl: str = "both") -> list[Path]:
    twins = check_impl(impl)
    paths = []
    for activation in ACTIVATIONS:
        runs = {scheme: activation_run(activation, scheme, np.random.default_rng(SEED)) for scheme in SCHEMES}
        runs["seed-xavier"] = activation_run(activation, "seed-xavier", np.random.default_rng(SEED))
        fig, axes = plt.subplots(len(SCHEMES), 5, figsize=(13, 9.5), sharey="row")
        fig.subplots_adjust(hspace=0.45, wspace=0.12)
        for row, (scheme, title) in enumerate(SCHEMES.items()):
            run = runs[scheme]
            for layer in range(5):
                ax = axes[row, layer]
                hist_range = RANGES[activation]
                if (
                    hist_range is None
                ):  # ReLU: its own range per panel (N(0, 1) explodes, N(0, 0.01) vanishes)
                    top = float(run.scratch[layer].max()) or 1.0
                    hist_range = (0.0, top)
                for twin in twins:
                    ax.hist(
                        _values(run, twin, layer),
                        bins=30,
                        range=hist_range,
                        histtype="stepfilled" if twin == "scratch" else "step",
                        color="tab:blue" if twin == "scratch" else "black",
                        alpha=0.6 if twin == "scratch" else 1.0,
                        label=twin,
                    )
                std = float(run.scratch[layer].std())
                ax.set_title(f"layer {layer + 1}, std {std:.2g}", fontsize=8)
                ax.tick_params(labelsize=7)
            axes[row, 0].set_ylabel(title, fontsize=9)
        axes[0, -1].legend(fontsize=7)
        fig.suptitle(
            f"C4.1-init: {activation} activations of a 5-layer, 100-unit net on x ~ N(0, 1) (1000 samples)",
            y=0.94,
        )
        paths.append(save_figure(fig, f"C4.1-init-histograms-{activation}", outdir, writer))
        if writer is not None:
            for scheme, run in runs.items():
                for layer, a in enumerate(run.scratch, start=1):
                    writer.add_histogram(f"init/{scheme}/{activation}/layer{layer}", a, 0)
    paths.append(_seed_xavier_figure(outdir, writer, twins))
    paths.append(_zero_init_figure(outdir, writer, twins))
    return paths


def _zero_init_figure(outdir: str | os.PathLike[str], writer: Any, twins: tuple[str, ...]) -> Path:
    """W₁ (8 hidden units × 2 inputs) of a sigmoid MLP trained from zeros and from Xavier weights."""
    fig, axes = plt.subplots(1, 2, figsize=(8.5, 4.4))
    fig.subplots_adjust(top=0.8, wspace=0.5)
    for ax, init in zip(axes, ("zeros", "xavier"), strict=True):
        w = train_mlp(init, twins[0])["0.weight"]
        image = ax.imshow(w, cmap="coolwarm", vmin=-np.abs(w).max(), vmax=np.abs(w).max(), aspect="auto")
        fig.colorbar(image, ax=ax, shrink=0.8)
        ax.set(title=f"from {init}", xlabel="input", ylabel="hidden unit", xticks=[0, 1])
    fig.suptitle(
        f"C4.1-init-zero: W₁ after 5 epochs of SGD on moons ({twins[0]} twin) —\n"
        "from zeros every hidden unit learned the same weights (equal rows): 8 units act as 1",
        fontsize=10,
    )
    return save_figure(fig, "C4.1-init-zero-symmetry", outdir, writer)


def _seed_xavier_figure(outdir: str | os.PathLike[str], writer: Any, twins: tuple[str, ...]) -> Path:
    """The seed's σ = 2/√(n+m) against Glorot's √(2/(n+m)): the weights, then layer 5 under sigmoid."""
    glorot = build_deep_net("sigmoid", "xavier", np.random.default_rng(SEED))
    seed_form = build_deep_net("sigmoid", "seed-xavier", np.random.default_rng(SEED))
    glorot_run = activation_run("sigmoid", "xavier", np.random.default_rng(SEED))
    seed_run = activation_run("sigmoid", "seed-xavier", np.random.default_rng(SEED))
    twin = twins[0]
    fig, (ax_w, ax_a) = plt.subplots(1, 2, figsize=(11, 3.8))
    w_glorot, w_seed = glorot[0].weight.data.ravel(), seed_form[0].weight.data.ravel()
    ax_w.hist(
        w_glorot,
        bins=60,
        range=(-0.6, 0.6),
        alpha=0.6,
        label=f"Glorot √(2/(n+m)) = 0.100, std {w_glorot.std():.3f}",
    )
    ax_w.hist(
        w_seed, bins=60, range=(-0.6, 0.6), alpha=0.6, label=f"seed 2/√(n+m) = 0.141, std {w_seed.std():.3f}"
    )
    ax_w.set(title="weights of a 100 → 100 layer (n = m = 100)", xlabel="w")
    ax_w.legend(fontsize=7)
    for run, label in ((glorot_run, "Glorot"), (seed_run, "seed's form")):
        a = _values(run, twin, 4)
        ax_a.hist(a, bins=50, range=(0, 1), alpha=0.6, label=f"{label}: std {a.std():.3f}")
    ax_a.set(title=f"sigmoid activations, layer 5 ({twin} twin)", xlabel="σ(z)")
    ax_a.legend(fontsize=7)
    fig.text(
        0.5,
        -0.08,
        "The seed writes Xavier's σ as 2/√(n+m); Glorot & Bengio (and torch's xavier_normal_) use "
        "√(2/(n+m)). The seed's σ is √2 times larger\n(variance 4/(n+m), for n = m the same as He's 2/n), "
        "so every layer's pre-activations spread √2 wider: wider sigmoid outputs here, earlier saturation "
        "in deeper nets.",
        ha="center",
        fontsize=8,
    )
    fig.suptitle("C4.1-init-xavier: the seed's formula vs Glorot's")
    return save_figure(fig, "C4.1-init-xavier-seed-vs-glorot", outdir, writer)


if __name__ == "__main__":
    raise SystemExit(run_figure_script(make_figures, __doc__))
