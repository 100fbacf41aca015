"""Every figure of the project, one module per section of the notes, and how a figure is saved.

A figure builder runs the experiment in the twins it is given (``twin_nets.experiments``), draws what it
shows with matplotlib, and saves it as ``<outdir>/<concept ID>-<what>.png`` (``save_figure``: written
atomically, and the same image in TensorBoard). The scripts in ``scripts/`` are thin drivers over
``GROUPS`` (``twin_nets.figures.command``); ``scripts/figures.py`` runs every group.

=======  ====================  =======================================================================
seed §   module                figures
=======  ====================  =======================================================================
1.1 1.3  ``machine_learning``  logistic and linear regression as one neuron; features on circles
1.1 1.3  ``unsupervised``      k-means, PCA of the digits, autoencoder codes, anomaly error histograms
2.1      ``gates``             the logic gates' lines, Rosenblatt's rule, why XOR defeats one line
2.2      ``xor``               the seed's XOR network, XOR by backpropagation, the 8 → 10 → 3 MLP
3.1      ``forward``           activations and their derivatives, softmax, −log ŷ, MSE vs cross-entropy
3.2      ``backprop``          autograd against the hand-written backward
3.2.1-3  ``optimization``      GD vs SGD, optimizer paths, local minima, the saddle, vanishing gradients
4.1      ``initialization``    activation histograms per init scheme, zero init, the seed's Xavier
4.2      ``overfitting``       dropout against over-fitting
4.3      ``normalizing``       batch norm against the initial scale; batch norm vs layer norm by batch size
4.3      ``sequences``         batch norm vs layer norm inside an LSTM; vanishing gradients through time
4.3      ``distributed``       plain vs sync batch norm on K ranks by per-rank batch (mpiexec jobs)
=======  ====================  =======================================================================

Drawing conventions shared by every module are in ``drawing``; TensorBoard output in ``board``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # no screen needed; set before pyplot is imported anywhere
import matplotlib.pyplot as plt

from twin_nets.atomic import atomic_write
from twin_nets.font import glyphs_checked, use_korean_font

use_korean_font()  # Korean text, set before any builder makes a text (a text takes its font when made)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from twin_nets.figures.board import FigureBoard

__all__ = ["GROUPS", "plt", "save_figure"]

# The figure groups, in the notes' order: the name of the per-concept script (``scripts/<name>.py`` and
# ``scripts/figures.py --only <name>``) -> (module of this package, its builder). Each builder is
# ``build(outdir, board, twins) -> list[Path]``. ``distributed`` has no script of its own (its command is
# ``python -m twin_nets.figures.distributed``); a module's ``unavailable() -> str | None``, where it has
# one, says what is missing to draw it here (the group is then skipped with that line).
GROUPS: dict[str, tuple[str, str]] = {
    "supervised": ("machine_learning", "supervised_figures"),  # C1.1-supervised
    "features": ("machine_learning", "features_figures"),  # C1.3-features
    "perceptron": ("gates", "perceptron_figures"),  # C2.1-perceptron
    "xor": ("xor", "xor_figures"),  # C2.2-mlp-xor, C2.2-mlp
    "activations": ("forward", "activation_figures"),  # C3.1.1-*
    "losses": ("forward", "loss_figures"),  # C3.1.2-*
    "backprop": ("backprop", "backprop_figures"),  # C3.2-backprop
    "optimizers": ("optimization", "optimizer_figures"),  # C3.2.1-*
    "surfaces": ("optimization", "surface_figures"),  # C3.2.2-local-minima, C3.2.2-saddle
    "vanishing": ("optimization", "vanishing_figures"),  # C3.2.3-vanishing
    "initialization": ("initialization", "init_figures"),  # C4.1-init-*
    "dropout": ("overfitting", "dropout_figures"),  # C4.2-dropout
    "batchnorm": ("normalizing", "normalization_figures"),  # C4.3-batchnorm, C4.3-layernorm
    "unsupervised": ("unsupervised", "unsupervised_figures"),  # C1.1-kmeans, -pca, -autoencoder, -anomaly
    "sequences": ("sequences", "sequences_figures"),  # C4.3-layernorm-sequences, C4.3-rnn, C4.3-lstm
    "distributed": ("distributed", "sync_batchnorm_figures"),  # C4.3-sync-batchnorm (mpiexec)
}


def save_figure(
    fig: Figure,
    name: str,
    outdir: str | os.PathLike[str],
    board: FigureBoard | None = None,
    dpi: int = 110,
    *,
    title: str | None = None,
    title_y: float = 1.02,
) -> Path:
    """Write ``fig`` to ``outdir/name.png`` (temp file + rename) and to ``board`` under tag ``name``;
    close it; return the PNG's path. With ``title``: first the figure's title at height ``title_y``
    (above the panels' own titles) and a tight layout.

    A character no font has (an empty box in the image) raises here, for the PNG and the TensorBoard
    image alike (``twin_nets.font.glyphs_checked``). The PNG holds no metadata (matplotlib's own
    "Software" entry names its version): the same figure gives the same bytes on any machine that draws
    the same pixels."""
    try:
        with glyphs_checked():
            if title is not None:
                fig.suptitle(title, y=title_y)
                fig.tight_layout()
            path = atomic_write(
                Path(outdir) / f"{name}.png",
                lambda handle: fig.savefig(
                    handle, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None}
                ),
            )
            if board is not None:
                board.figure(name, fig)
    finally:
        plt.close(fig)
    return path
