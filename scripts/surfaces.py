"""C3.2.2-local-minima, C3.2.2-saddle: optimizer paths on a surface with a shallow local and a deeper global
minimum, and on the saddle x² − y² — contour plots with every path, and f along each path.

The settings are documented in ``twin_nets.experiments.paths`` (LOCAL_MINIMA, SADDLE) and asserted in
``parity_tests/experiments/test_surfaces.py``: gradient descent stops in the local minimum and crawls at
the saddle; momentum and Adam escape.

Usage: python scripts/surfaces.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                  [--impl {scratch,torch,both}]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from scratch.models import surfaces as scratch_surfaces
from twin_nets.experiments.cli import run_figure_script
from twin_nets.experiments.paths import LOCAL_MINIMA, SADDLE, PathSetting, run_path
from twin_nets.experiments.plotting import check_impl
from twin_nets.figures import plt, save_figure

PATH_COLORS = ("tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange", "tab:brown")


def draw_paths(setting: PathSetting, twins: tuple[str, ...], levels: Any = 30) -> Any:
    """A figure: the contour of the setting's surface with every optimizer's path (the first twin as a
    line with markers, the second as a dashed line on top), and f along each path."""
    function = getattr(scratch_surfaces, setting.surface).function
    xs = np.linspace(*setting.xlim, 300)
    ys = np.linspace(*setting.ylim, 300)
    grid_x, grid_y = np.meshgrid(xs, ys)
    fig, (ax, ax_f) = plt.subplots(1, 2, figsize=(12, 4.6), gridspec_kw={"width_ratios": [1.4, 1]})
    contour = ax.contour(
        grid_x, grid_y, function(grid_x, grid_y), levels=levels, cmap="Greys", linewidths=0.7
    )
    ax.clabel(contour, fontsize=6, fmt="%.2g")
    for spec, color in zip(setting.optimizers, PATH_COLORS[: len(setting.optimizers)], strict=True):
        paths = {twin: run_path(setting.surface, spec, setting.start, setting.steps, twin) for twin in twins}
        first = paths[twins[0]]
        ax.plot(first[:, 0], first[:, 1], "o-", color=color, markersize=2.5, linewidth=1.2, label=spec.label)
        if len(twins) == 2:
            other = paths[twins[1]]
            ax.plot(other[:, 0], other[:, 1], "--", color="black", linewidth=0.6)
        ax_f.plot(np.arange(len(first)), function(first[:, 0], first[:, 1]), color=color, label=spec.label)
    ax.plot(*setting.start, "k*", markersize=10, label=f"start {setting.start}")
    ax.set(xlim=setting.xlim, ylim=setting.ylim, xlabel="x", ylabel="y")
    ax.legend(fontsize=7, loc="lower left")
    if len(twins) == 2:
        ax.set_title(f"{twins[0]} twin (markers), {twins[1]} twin (dashed, on top)", fontsize=9)
    ax_f.set(xlabel="step", ylabel="f(x, y)", title="f along each path")
    ax_f.legend(fontsize=7)
    return fig


def make_figures(outdir: str | os.PathLike[str], writer: Any = None, impl: str = "both") -> list[Path]:
    twins = check_impl(impl)
    fig = draw_paths(LOCAL_MINIMA, twins, levels=np.linspace(-0.3, 4, 25))
    fig.suptitle(
        "C3.2.2-local-minima: f = (x² − 1)² + 0.3x + y² — GD stops in the shallow minimum (0.96, 0); "
        "momentum and Adam reach the global one (−1.04, 0)",
        fontsize=10,
    )
    paths = [save_figure(fig, LOCAL_MINIMA.name, outdir, writer)]
    fig = draw_paths(SADDLE, twins, levels=np.linspace(-4, 4, 33))
    fig.axes[1].set_ylim(-4, 2.5)
    fig.suptitle(
        "C3.2.2-saddle: f = x² − y² from (1.5, 0.001) — GD crawls at the saddle (0, 0); "
        "momentum and Adam leave it",
        fontsize=10,
    )
    paths.append(save_figure(fig, SADDLE.name, outdir, writer))
    return paths


if __name__ == "__main__":
    raise SystemExit(run_figure_script(make_figures, __doc__))
