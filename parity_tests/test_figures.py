"""The figure builders (``twin_nets.figures``): each writes the PNG files it names, logs each twin's curves
in that twin's own TensorBoard run under tags that start with the concept ID, and draws with one twin too.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from twin_nets.experiments import regularization
from twin_nets.experiments.batch_size import BatchSizeSetting
from twin_nets.figures import forward, normalizing, optimization, overfitting
from twin_nets.figures.board import FIGURES_RUN, FigureBoard


class RecordingBoard(FigureBoard):
    """A board that writes nothing and remembers (run, tag) of every call."""

    def __init__(self) -> None:
        super().__init__(None)
        self.calls: list[tuple[str, str]] = []

    def scalars(self, twin, tag, values, start=0, every=1):
        values = list(values)
        assert values and all(math.isfinite(v) for v in values if not np.isnan(v)), tag
        super().scalars(twin, tag, values, start, every)  # checks the twin's name
        self.calls.append((twin, tag))

    def histogram(self, twin, tag, values, step=0):
        self.calls.append((twin, tag))

    def figure(self, tag, fig):
        self.calls.append((FIGURES_RUN, tag))

    def text(self, tag, text):
        self.calls.append((FIGURES_RUN, tag))


SMALL_DROPOUT = dataclasses.replace(regularization.DropoutSetting(), epochs=2, hidden=(8, 8), last=1)
SMALL_INIT = dataclasses.replace(
    regularization.BatchNormSetting(), epochs=1, hidden=(8,), init_stds=(0.1, 1.0)
)
SMALL_BATCH = BatchSizeSetting(
    n_train=100, batch_sizes=(2, 64), hidden=(8,), updates=4, every=2, seeds=(0, 1)
)

CASES = [
    pytest.param(
        lambda out, board, twins: overfitting.dropout_figures(out, board, twins, SMALL_DROPOUT),
        ["C4.2-dropout-accuracy-gap.png", "C4.2-dropout-boundaries.png"],
        "C4.2-dropout",
        id="C4.2-dropout",
    ),
    pytest.param(
        lambda out, board, twins: normalizing.normalization_figures(
            out, board, twins, SMALL_INIT, SMALL_BATCH
        ),
        ["C4.3-batchnorm-init-scales.png", "C4.3-layernorm-batch-size.png"],
        ("C4.3-batchnorm", "C4.3-layernorm"),
        id="C4.3-batchnorm",
    ),
    pytest.param(
        forward.loss_figures,
        ["C3.1.2-cross-entropy-neg-log.png", "C3.1.2-mse-vs-cross-entropy-gradient.png"],
        "C3.1.2",
        id="C3.1.2-losses",
    ),
]


@pytest.mark.parametrize("twins", [("scratch", "torch"), ("torch",)], ids=["both", "torch-only"])
@pytest.mark.parametrize(("build", "names", "prefix"), CASES)
def test_a_builder_writes_its_figures_and_logs_each_twin_in_its_run(build, names, prefix, twins, tmp_path):
    board = RecordingBoard()
    paths = build(tmp_path, board, twins)
    assert [p.name for p in paths] == names and all(p.is_file() for p in paths)
    assert all(tag.startswith(prefix) for _, tag in board.calls), board.calls
    assert {run for run, _ in board.calls} <= {*twins, FIGURES_RUN}
    assert {(FIGURES_RUN, name.removesuffix(".png")) for name in names} <= set(board.calls)
    scalar_runs = {run for run, _ in board.calls if run != FIGURES_RUN}
    if scalar_runs:  # every twin that ran logs the same tags
        tags = {run: {tag for r, tag in board.calls if r == run} for run in scalar_runs}
        assert scalar_runs == set(twins) and len({frozenset(t) for t in tags.values()}) == 1


def test_the_figure_runs_in_tensorboard_are_one_per_twin(tmp_path):
    """C3.2.3-vanishing through a real board: ``scratch`` and ``torch`` hold the same scalar tags (no twin in
    a tag), ``figures`` holds the images; read back with TensorBoard's own reader."""
    board = FigureBoard(tmp_path)
    optimization.vanishing_figures(tmp_path / "png", board, ("scratch", "torch"))
    board.close()
    runs = {}
    for run in ("scratch", "torch", FIGURES_RUN):
        events = EventAccumulator(str(tmp_path / run))
        events.Reload()
        runs[run] = events.Tags()
    tags = set(runs["scratch"]["scalars"])
    assert tags == {
        "C3.2.3-vanishing/sigmoid-xavier",
        "C3.2.3-vanishing/tanh-xavier",
        "C3.2.3-vanishing/relu-he",
    }
    assert set(runs["torch"]["scalars"]) == tags
    assert not any(twin in tag for tag in tags for twin in ("scratch", "torch"))
    assert set(runs[FIGURES_RUN]["images"]) == {
        "C3.2.3-vanishing-gradient-norms",
        "C3.2.3-vanishing-derivatives",
    }
    assert runs[FIGURES_RUN]["scalars"] == []


def test_a_board_refuses_a_run_that_is_not_a_twin():
    with pytest.raises(ValueError, match="twin to be one of .*'both'"):
        FigureBoard(None).scalars("both", "C0/x", [1.0])
