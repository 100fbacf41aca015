"""The figure runs in TensorBoard, one run per twin.

A figure command with ``--logdir runs-figures`` writes three runs:

* ``runs-figures/scratch`` and ``runs-figures/torch``: the scalars and histograms of each twin under the
  same tags (``C1.1-supervised/logistic/loss``), so TensorBoard draws the twins as two runs of one chart,
  the way ``scripts/train.py`` writes them. Where the twins agree the two lines lie on top of each other.
* ``runs-figures/figures``: the images (the PNG files' figures, which draw both twins) and the summaries
  that put both twins side by side; a text about one twin (its model's summary) is in that twin's run.

With ``logdir`` None nothing is written and every call is a no-op, so a builder never checks.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import matplotlib.image
import numpy as np

from twin_nets.cli import TWINS

FIGURES_RUN = "figures"  # the run of the images and texts


class FigureBoard:
    """TensorBoard writers opened on first use: one per twin, one for the figures (``FIGURES_RUN``)."""

    def __init__(self, logdir: str | Path | None = None) -> None:
        self.logdir = None if logdir is None else Path(logdir)
        self._writers: dict[str, Any] = {}

    def _writer(self, run: str) -> Any:
        if self.logdir is None:
            return None
        if run not in self._writers:
            from torch.utils.tensorboard import SummaryWriter

            self._writers[run] = SummaryWriter(str(self.logdir / run))
        return self._writers[run]

    def scalars(self, twin: str, tag: str, values: Iterable[float], start: int = 0, every: int = 1) -> None:
        """``values[k]`` at step ``start + k`` in twin ``twin``'s run, every ``every``-th one; a value
        that is not finite (a run that diverged) is left out."""
        if twin not in TWINS:
            raise ValueError(f"FigureBoard.scalars: expected twin to be one of {TWINS}, got {twin!r}")
        writer = self._writer(twin)
        if writer is None:
            return
        for k, value in enumerate(values):
            if k % every == 0 and np.isfinite(value):
                writer.add_scalar(tag, float(value), start + k)

    def histogram(self, twin: str, tag: str, values: np.ndarray, step: int = 0) -> None:
        """A histogram of ``values`` in twin ``twin``'s run."""
        writer = self._writer(twin)
        if writer is not None:
            writer.add_histogram(tag, np.asarray(values), step)

    def figure(self, tag: str, fig: Any, dpi: int = 110) -> None:
        """The matplotlib figure ``fig`` as an image in the figures run, drawn as its PNG file is (cropped
        to what it draws: ``add_figure`` would cut off a figure title above the panels); it stays open."""
        writer = self._writer(FIGURES_RUN)
        if writer is not None:
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
            buffer.seek(0)
            image = matplotlib.image.imread(buffer, format="png")[:, :, :3]  # RGB in [0, 1]
            writer.add_image(tag, image, global_step=0, dataformats="HWC")

    def text(self, tag: str, text: str, twin: str | None = None) -> None:
        """Text in the figures run, or in twin ``twin``'s run when it is one twin's; line breaks kept
        (TensorBoard reads Markdown)."""
        if twin is not None and twin not in TWINS:
            raise ValueError(f"FigureBoard.text: expected twin to be one of {TWINS} or None, got {twin!r}")
        writer = self._writer(FIGURES_RUN if twin is None else twin)
        if writer is not None:
            writer.add_text(tag, text.replace("\n", "  \n"))

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
