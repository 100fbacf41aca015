"""Drawing both twins on one axes: the scratch twin as a line, the torch twin as markers on it.

When the markers sit on the line, the twins agree (the parity tests assert it to the contract's
tolerance; the figure only shows it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from twin_nets.experiments.cli import IMPLS

TWIN_STYLE = {
    "scratch": {"linestyle": "-", "linewidth": 1.8},
    "torch": {"linestyle": "none", "marker": "o", "markersize": 3.5, "markerfacecolor": "none"},
}


def check_impl(impl: str) -> tuple[str, ...]:
    """The twins ``impl`` asks for: ("scratch",), ("torch",) or both."""
    if impl not in IMPLS:
        raise ValueError(f"make_figures: expected impl to be one of {IMPLS}, got {impl!r}")
    return ("scratch", "torch") if impl == "both" else (impl,)


def plot_twins(
    ax: Any, x: np.ndarray, ys: dict[str, np.ndarray], label: str, color: str, every: int = 1
) -> None:
    """Plot ``ys[twin]`` against ``x`` for each twin present; markers every ``every``-th point for torch."""
    for twin, y in ys.items():
        style = dict(TWIN_STYLE[twin])
        if twin == "torch":
            style["markevery"] = every
            style["markeredgecolor"] = color
        suffix = f" ({twin})" if len(ys) > 1 else ""
        ax.plot(x, y, color=color, label=label + suffix, **style)
