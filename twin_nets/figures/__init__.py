"""Figure output shared by every script: a PNG in a folder (written atomically) and the same figure in
TensorBoard. File names and TensorBoard tags start with the concept ID (``C3.1.1-sigmoid``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # no screen needed; set before pyplot is imported anywhere
import matplotlib.pyplot as plt

from twin_nets.atomic import atomic_write

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from torch.utils.tensorboard import SummaryWriter


def save_figure(
    fig: Figure,
    name: str,
    outdir: str | os.PathLike[str],
    writer: SummaryWriter | None = None,
    step: int = 0,
    dpi: int = 110,
) -> Path:
    """Write ``fig`` to ``outdir/name.png`` (temp file + rename) and to ``writer`` under tag ``name``;
    close it; return the PNG's path."""
    path = atomic_write(
        Path(outdir) / f"{name}.png",
        lambda handle: fig.savefig(handle, format="png", dpi=dpi, bbox_inches="tight"),
    )
    if writer is not None:
        writer.add_figure(name, fig, global_step=step, close=False)
    plt.close(fig)
    return path
