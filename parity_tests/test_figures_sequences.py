"""C4.3-layernorm-sequences, C4.3-rnn, C4.3-lstm: the sequence figures build, in Korean, as PNG files (the
recall task on a small setting of its own: the documented one trains for minutes)."""

from __future__ import annotations

import dataclasses

import pytest

from twin_nets.experiments.recall import RecallSetting
from twin_nets.figures import (
    sequences,
)  # the Korean font is the project's (twin_nets.font), a core dependency

SMALL_RECALL = dataclasses.replace(RecallSetting(), batch=8, steps=3, test=32, lengths=(2, 4), seeds=(0, 1))


def _recall(outdir):
    return sequences.recall_figures(outdir, setting=SMALL_RECALL)


@pytest.mark.slow
@pytest.mark.parametrize(
    "builder",
    [sequences.sequence_figures, sequences.through_time_figures, _recall],
)  # the accuracy-by-length figure trains 20 models: test_figures.py's layout test of the group draws it
def test_sequence_figures_are_written(builder, tmp_path):
    paths = builder(tmp_path)
    assert [p.name for p in paths] == [p.name for p in sorted(tmp_path.glob("*.png"))]
    assert all(p.stat().st_size > 10_000 for p in paths)
    assert {p.stem for p in paths} <= {
        sequences.CONCEPT,
        sequences.THROUGH_TIME,
        sequences.BY_LENGTH,
        sequences.RECALL,
    }
