"""How every figure draws the twins and the plane, the way the seed draws it.

* Curves: the scratch twin as a line, the torch twin as hollow markers on it (``plot_twins``); where the
  markers sit on the line the twins agree (the parity tests assert it to the contract's tolerance; a
  figure only shows it).
* Points in the plane: for the logic gates a black point is output 0 and a white point output 1 (§2.1);
  for XOR a red point is label 0 and a blue point label 1 (§2.2). Decision regions are shaded in the same
  colours, lightly, with the boundary (output = 0.5) drawn as a line: solid for the scratch twin, dashed
  for the torch twin, so where both twins ran the two lines lie on top of each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.colors import ListedColormap

GATE_COLORS = ("black", "white")  # seed §2.1: black = 0, white = 1
XOR_COLORS = ("tab:red", "tab:blue")  # seed §2.2: red = 0, blue = 1
TWIN_LINESTYLE = {"scratch": "-", "torch": "--"}
TWIN_STYLE = {
    "scratch": {"linestyle": "-", "linewidth": 1.8},
    "torch": {"linestyle": "none", "marker": "o", "markersize": 3.5, "markerfacecolor": "none"},
}


def plot_twins(
    ax: Any,
    x: np.ndarray,
    ys: dict[str, np.ndarray],
    label: str | Mapping[str, str],
    color: str,
    every: int = 1,
) -> None:
    """Plot ``ys[twin]`` against ``x`` for each twin present; markers every ``every``-th point for torch.
    ``label``: one label, suffixed with the twin's name when both twins are drawn, or each twin's own
    label (a number measured in that twin) as ``{twin: label}``."""
    for twin, y in ys.items():
        style = dict(TWIN_STYLE[twin])
        if style.get("marker"):  # the markers' twin (torch): a marker every ``every``-th point
            style["markevery"] = every
            style["markeredgecolor"] = color
        suffix = f" ({twin})" if len(ys) > 1 else ""
        name = label[twin] if isinstance(label, Mapping) else label + suffix
        ax.plot(x, y, color=color, label=name, **style)


def legend_below(ax: Any, ncol: int = 2, gap: float = 0.14, fontsize: float = 7, **style: Any) -> Any:
    """The axes' legend under its x-axis label, off the data."""
    return ax.legend(fontsize=fontsize, loc="upper center", bbox_to_anchor=(0.5, -gap), ncol=ncol, **style)


def plot_points(
    ax: Any,
    x: np.ndarray,
    labels: np.ndarray,
    colors: Sequence[str] = XOR_COLORS,
    names: Sequence[str] = ("0", "1"),
    size: float = 110,
    **style: Any,
) -> None:
    """Scatter the rows of ``x`` (N, 2), class k in ``colors[k]`` with a black edge, one legend entry per
    class; ``style`` overrides the scatter's defaults (edge colour and width, z-order)."""
    labels = np.asarray(labels).astype(int)
    style = {"edgecolors": "black", "linewidths": 1.2, "zorder": 3, **style}
    for k, (color, name) in enumerate(zip(colors, names, strict=False)):
        mask = labels == k
        if mask.any():
            ax.scatter(x[mask, 0], x[mask, 1], s=size, c=color, label=name, **style)


def plot_line(ax: Any, weight: Sequence[float], bias: float, xlim: tuple[float, float], **style: Any) -> None:
    """The line w₁x₁ + w₂x₂ + b = 0 across ``xlim`` (vertical when w₂ = 0; nothing when w = 0)."""
    w1, w2 = float(weight[0]), float(weight[1])
    if w2 != 0:
        xs = np.array(xlim, dtype=float)
        ax.plot(xs, -(w1 * xs + bias) / w2, **style)
    elif w1 != 0:
        ax.axvline(-bias / w1, **style)


def grid(
    xlim: tuple[float, float], ylim: tuple[float, float], resolution: int = 200
) -> tuple[np.ndarray, ...]:
    """(xx, yy, points): a resolution × resolution mesh and its points as an (R², 2) float64 array."""
    xx, yy = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    return xx, yy, np.stack([xx.ravel(), yy.ravel()], axis=1)


def shade_regions(
    ax: Any,
    predict: Callable[[np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    colors: Sequence[str] = XOR_COLORS,
    resolution: int = 200,
    alpha: float = 0.18,
) -> None:
    """Shade where ``predict`` (points (M, 2) -> outputs (M,) in [0, 1]) is below / above 0.5."""
    xx, yy, points = grid(xlim, ylim, resolution)
    z = (predict(points) > 0.5).astype(float).reshape(xx.shape)
    ax.contourf(xx, yy, z, levels=[-0.5, 0.5, 1.5], cmap=ListedColormap(list(colors)), alpha=alpha, zorder=0)


def plot_boundary(
    ax: Any,
    predict: Callable[[np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    twin: str,
    color: str = "0.15",
    resolution: int = 200,
) -> None:
    """The decision boundary (output = 0.5) of ``predict`` in the twin's line style, with a legend entry."""
    xx, yy, points = grid(xlim, ylim, resolution)
    z = predict(points).reshape(xx.shape)
    if z.min() < 0.5 < z.max():
        ax.contour(xx, yy, z, levels=[0.5], colors=[color], linestyles=[TWIN_LINESTYLE[twin]], linewidths=1.8)
    ax.plot([], [], color=color, linestyle=TWIN_LINESTYLE[twin], label=f"결정 경계 ŷ = 0.5 ({twin})")


def unit_square_axes(ax: Any, title: str, xlabel: str = "x₁", ylabel: str = "x₂", pad: float = 0.35) -> None:
    """Axes around the unit square of the truth tables: equal aspect, ticks at 0 and 1, a light grid."""
    ax.set(
        title=title, xlabel=xlabel, ylabel=ylabel, xlim=(-pad, 1 + pad), ylim=(-pad, 1 + pad), aspect="equal"
    )
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.grid(True, color="0.9", linewidth=0.8, zorder=0)
